package cassette

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestMatchViewNoAllocWithoutSecrets(t *testing.T) {
	rd := newRedactor(Redaction{})
	req := &http.Request{Method: "GET", URL: &url.URL{Scheme: "http", Host: "x", Path: "/a", RawQuery: "page=1"}, Header: http.Header{"Accept": {"*/*"}}}
	allocs := testing.AllocsPerRun(100, func() {
		if v, _ := rd.matchView(req, nil); v != req {
			t.Fatal("a request without secrets was copied")
		}
	})
	if allocs > 1 {
		t.Errorf("matchView allocates %v times for a request without secrets, want at most 1", allocs)
	}
}

// The leaks an independent review found, each a way around the defaults.
func TestRedactionLeaks(t *testing.T) {
	rd := newRedactor(Redaction{})
	in := Interaction{
		Request: Request{
			Method: "POST",
			URL:    "https://ghp_USERONLY@api.example.com/x#access_token=FRAGSECRET&state=1",
			Header: http.Header{
				"authorization": {"Bearer LOWERSECRET"}, // not canonical
				"cookie":        {"sid=LOWERCOOKIE"},
				"Referer":       {"https://api.example.com/start?access_token=REFSECRET"},
				"Content-Type":  {"application/x-www-form-urlencoded"},
			},
			Body: []byte("grant_type=password&client_secret=FORMSECRET&password=FORMPW"),
		},
		Response: &Response{
			StatusCode: 302,
			Header: http.Header{
				"Location":     {"/next?token=LOCSECRET"},
				"Link":         {`<https://api.example.com/p2?api_key=LINKSECRET>; rel="next"`},
				"Refresh":      {"0; url=/r?sig=REFRESHSECRET"},
				"Content-Type": {"application/json"},
			},
			Body: []byte(`{"access_token":"JSONSECRET","token_type":"bearer","expires_in":3600}`),
		},
	}
	rd.interaction(&in)
	dump := fmt.Sprintf("%v %v %s %v %s", in.Request.URL, in.Request.Header, in.Request.Body, in.Response.Header, in.Response.Body)
	for _, secret := range []string{"USERONLY", "FRAGSECRET", "LOWERSECRET", "LOWERCOOKIE", "REFSECRET", "FORMSECRET", "FORMPW", "LOCSECRET", "LINKSECRET", "REFRESHSECRET", "JSONSECRET"} {
		if strings.Contains(dump, secret) {
			t.Errorf("%s survived redaction:\n%s", secret, dump)
		}
	}
	for _, kept := range []string{"grant_type=password", "state=1", `"token_type":"bearer"`, `rel="next"`, "/next?token=REDACTED"} {
		if !strings.Contains(dump, kept) {
			t.Errorf("redaction lost %q, which is no secret:\n%s", kept, dump)
		}
	}
}

// Found by a second review: URLs that do not parse, absolute Refresh URLs
// and form bodies with an upper-case media type.
func TestRedactionLeaksAgain(t *testing.T) {
	rd := newRedactor(Redaction{})
	h := http.Header{
		"Refresh":  {"0; URL=https://example.com/cb?token=LEAK1"},
		"Location": {"/a%zz?token=LEAK2#access_token=LEAK3"},
		"Link":     {`<https://x/a%zz?api_key=LEAK4>; rel="next"`},
	}
	got, _ := rd.header(h)
	body, _ := rd.body([]byte("password=LEAK5&x=1"), "Application/X-WWW-Form-Urlencoded; charset=utf-8")
	dump := fmt.Sprint(got) + string(body)
	for _, leak := range []string{"LEAK1", "LEAK2", "LEAK3", "LEAK4", "LEAK5"} {
		if strings.Contains(dump, leak) {
			t.Errorf("%s survived:\n%s", leak, dump)
		}
	}
}

// A host can hold a placeholder's value (a tenant's subdomain): a DNS
// error names it outside its message too.
func TestRedactDNSErrorHost(t *testing.T) {
	rd := newRedactor(Redaction{Placeholders: map[string]string{"TENANT": "s3cr3t-tenant"}})
	in := Interaction{
		Request: Request{Method: "GET", URL: "https://s3cr3t-tenant.example.com/"},
		Error: &Error{Kind: KindDNS, Message: "dial tcp: lookup s3cr3t-tenant.example.com: no such host",
			Detail: "no such host", Name: "s3cr3t-tenant.example.com", NotFound: true},
	}
	rd.interaction(&in)
	if dump := fmt.Sprintf("%+v %+v", in.Request, *in.Error); strings.Contains(dump, "s3cr3t") {
		t.Errorf("the placeholder's value survived:\n%s", dump)
	}
	if in.Error.Name != "<TENANT>.example.com" {
		t.Errorf("Name = %q, want <TENANT>.example.com", in.Error.Name)
	}
}
