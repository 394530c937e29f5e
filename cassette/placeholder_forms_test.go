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

	"github.com/dvdrw/dvd/internal/testsupport"
)

// TestPlaceholderForms records a value that appears as it is, escaped in a
// URL's query and path and escaped in JSON strings, and a host in a DNS
// error: none reaches the cassette, and replay gives each back in the form
// it had.
func TestPlaceholderForms(t *testing.T) {
	const v = `Acme Co/x"y&z@w<1>`
	const host = "s3cr3t-tenant.example.com"
	// v as each form writes it: as it is, query-escaped, path-escaped (a
	// segment, a path), in Go's JSON, in most encoders' JSON, in PHP's.
	forms := map[string]string{
		"":                v,
		"query":           "Acme+Co%2Fx%22y%26z%40w%3C1%3E",
		"path":            "Acme%20Co%2Fx%22y&z@w%3C1%3E",
		"url-path":        "Acme%20Co/x%22y&z@w%3C1%3E",
		"json":            `Acme Co/x\"y\u0026z@w\u003c1\u003e`,
		"json-plain":      `Acme Co/x\"y&z@w<1>`,
		"json-slash":      `Acme Co\/x\"y&z@w<1>`,
		"json-html-slash": `Acme Co\/x\"y\u0026z@w\u003c1\u003e`,
	}
	body := strings.Join([]string{
		"raw: " + v,
		"query: https://x/?org=" + url.QueryEscape(v),
		"path: https://x/orgs/" + url.PathEscape(v),
		`json: {"org":"` + forms["json"] + `"}`,
		`json-plain: {"org":"` + forms["json-plain"] + `"}`,
		`json-slash: {"org":"` + forms["json-slash"] + `"}`,
	}, "\n")
	upstream := testsupport.RoundTripFunc(func(req *http.Request) (*http.Response, error) {
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
