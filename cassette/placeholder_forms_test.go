package cassette

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPlaceholderForms records a value that appears as it is, escaped in a
// URL's query and path and escaped in JSON strings, and a host in a DNS
// error: none reaches the cassette, and replay gives each back in the form
// it had.
func TestPlaceholderForms(t *testing.T) {
	const v = `Acme Co/x"y&z@w<1>`
	const host = "s3cr3t-tenant.example.com"
	forms := map[string]string{}
	for _, f := range placeholderForms {
		forms[f.name] = f.escape(v)
	}
	body := strings.Join([]string{
		"raw: " + v,
		"query: https://x/?org=" + url.QueryEscape(v),
		"path: https://x/orgs/" + url.PathEscape(v),
		`json: {"org":"` + forms["json"] + `"}`,
		`json-plain: {"org":"` + forms["json-plain"] + `"}`,
		`json-slash: {"org":"` + forms["json-slash"] + `"}`,
	}, "\n")
	upstream := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.URL.Host == host {
			return nil, &url.Error{Op: "Get", URL: req.URL.String(), Err: &net.OpError{Op: "dial", Net: "tcp",
				Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}}
		}
		return &http.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Location": {"/orgs/" + url.PathEscape(v) + "?org=" + url.QueryEscape(v)}, "X-Org": {v}},
			Body:   io.NopCloser(strings.NewReader(body)), Request: req}, nil
	})
	red := Redaction{Placeholders: map[string]string{"ORG": v, "TENANT": "s3cr3t-tenant"}}
	cfg := Config{Mode: ModeRecord, Upstream: upstream, Redact: red}
	reqURL := "https://api.example.com/orgs/" + url.PathEscape(v) + "?org=" + url.QueryEscape(v)
	run := func(rt http.RoundTripper) (string, http.Header, error) {
		t.Helper()
		req, _ := http.NewRequest("GET", reqURL, nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		req, _ = http.NewRequest("GET", "https://"+host+"/", nil)
		_, dnsErr := rt.RoundTrip(req)
		return string(b), resp.Header, dnsErr
	}
	rec, err := NewRecorder(nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	recBody, recHeader, recErr := run(rec)
	data, _ := Marshal(rec.Cassette())
	for name, form := range forms {
		if bytes.Contains(data, []byte(form)) {
			t.Errorf("the %s form %q reached the cassette:\n%s", name, form, data)
		}
	}
	if bytes.Contains(data, []byte("Acme")) || bytes.Contains(data, []byte("s3cr3t")) {
		t.Errorf("a part of a value reached the cassette:\n%s", data)
	}

	c, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Mode = ModeReplay
	rep, err := NewRecorder(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	repBody, repHeader, repErr := run(rep)
	if repBody != recBody {
		t.Errorf("replayed body:\n%s\nrecorded:\n%s", repBody, recBody)
	}
	for _, k := range []string{"Location", "X-Org"} {
		if repHeader.Get(k) != recHeader.Get(k) {
			t.Errorf("replayed %s: %q, recorded %q", k, repHeader.Get(k), recHeader.Get(k))
		}
	}
	var dns *net.DNSError
	if !errors.As(repErr, &dns) || dns.Name != host || repErr.Error() != recErr.Error() {
		t.Errorf("replayed error %v (DNS name %v), recorded %v", repErr, dns, recErr)
	}
}

// TestPlaceholderTokens shows the tokens each form gets.
func TestPlaceholderTokens(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		value  string
		want   map[string]string // token → value
	}{
		{"plain", "a value no escaping changes has one form", "acct-42", map[string]string{"<A>": "acct-42"}},
		{"email", "escaped in a query only", "a@b.example", map[string]string{"<A>": "a@b.example", "%3CA%3E": "a%40b.example"}},
		{"space", "the query and the path escape it apart", "Acme Co", map[string]string{"<A>": "Acme Co", "%3CA%3E": "Acme+Co", "<A:path>": "Acme%20Co"}},
		{"quote", "JSON escapes it, Go's and others' alike", `a"b`, map[string]string{"<A>": `a"b`, "%3CA%3E": "a%22b", `\u003cA\u003e`: `a\"b`}},
		{"quote and ampersand", "Go's JSON and others' differ; the token as others write it would be ambiguous", `a"&`,
			map[string]string{"<A>": `a"&`, "%3CA%3E": "a%22%26", "<A:path>": "a%22&", `\u003cA\u003e`: `a\"\u0026`, "<A:json-plain>": `a\"&`}},
		{"html", "Go's JSON escapes <", "a<b", map[string]string{"<A>": "a<b", "%3CA%3E": "a%3Cb", `\u003cA\u003e`: `a\u003cb`}},
		{"slash and space", "a path keeps / where a path segment escapes it", "a/b c", map[string]string{"<A>": "a/b c", "%3CA%3E": "a%2Fb+c",
			"<A:path>": "a%2Fb%20c", "<A:url-path>": "a/b%20c", `<A:json-slash>`: `a\/b c`}},
		{"slash", "PHP's JSON escapes /", "a/b", map[string]string{"<A>": "a/b", "%3CA%3E": "a%2Fb", `<A:json-slash>`: `a\/b`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			for _, p := range sortedPlaceholders(map[string]string{"A": tt.value}) {
				got[p.token] = p.value
			}
			if len(got) != len(tt.want) {
				t.Errorf("placeholders %v, want %v (%s)", got, tt.want, tt.reason)
			}
			for tok, v := range tt.want {
				if got[tok] != v {
					t.Errorf("token %s stands for %q, want %q (%s)", tok, got[tok], v, tt.reason)
				}
			}
		})
	}
}
