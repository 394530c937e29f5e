package cassette

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/redact"
)

// The leaks an independent review found, each a way around the defaults.
func TestRedactionLeaks(t *testing.T) {
	rd := redact.New(redact.Options(Redaction{}))
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
	redactInteraction(rd, &in)
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

// A host can hold a placeholder's value (a tenant's subdomain): a DNS
// error names it outside its message too.
func TestRedactDNSErrorHost(t *testing.T) {
	rd := redact.New(redact.Options(Redaction{Placeholders: map[string]string{"TENANT": "s3cr3t-tenant"}}))
	in := Interaction{
		Request: Request{Method: "GET", URL: "https://s3cr3t-tenant.example.com/"},
		Error: neterr.Recorded(neterr.Record{Kind: neterr.DNS, Message: "dial tcp: lookup s3cr3t-tenant.example.com: no such host",
			Detail: "no such host", Name: "s3cr3t-tenant.example.com", NotFound: true}),
	}
	redactInteraction(rd, &in)
	if dump := fmt.Sprintf("%+v %+v", in.Request, neterr.RecordOf(in.Error)); strings.Contains(dump, "s3cr3t") {
		t.Errorf("the placeholder's value survived:\n%s", dump)
	}
	var dns *net.DNSError
	if !errors.As(in.Error, &dns) || dns.Name != "<TENANT>.example.com" {
		t.Errorf("DNS error %+v, want the name <TENANT>.example.com", dns)
	}
}

// A recorded URL that does not parse is quoted in NewRecorder's error,
// which dvdtest prints: its secrets are redacted there too.
func TestUnparsableRecordedURLHidesSecrets(t *testing.T) {
	c := New(Interaction{
		Request:  Request{Method: "GET", URL: "https://user:s3cr3t@api.example.com/a%zz?token=s3cr3t"},
		Response: &Response{StatusCode: 200},
	})
	_, err := NewRecorder(c, Config{Mode: ModeReplay})
	if err == nil {
		t.Fatal("NewRecorder took a recorded URL that does not parse")
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("NewRecorder's error shows a secret of the recorded URL: %v", err)
	}
}
