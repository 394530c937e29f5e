package cassette

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/match"
)

// The redaction the tests of a miss run with: one of each kind of option.
var featureRedaction = Redaction{
	Headers:      []string{"X-Custom"},
	Query:        []string{"sessionid"},
	JSONFields:   []string{"user.token"},
	Placeholders: map[string]string{"ACCT": "acct-s3cr3t"},
}

// A miss shows the closest recorded request and the incoming one. The
// recorded side comes from a file that may hold what this run redacts (it
// was recorded with fewer options, or written by hand), so each row plants
// secrets on both sides of one kind of feature.
func TestMissHidesSecrets(t *testing.T) {
	tests := []struct {
		name, reason string
		matchers     []match.Matcher
		recorded     Request
		incoming     Request
		kept         []string
	}{
		{
			name: "url", reason: "the request lines and the query feature",
			matchers: defaultMatchers(),
			recorded: Request{Method: "GET", URL: "https://ada:s3cr3t-pw@api.example.com/a?access_token=s3cr3t-rec&page=1"},
			incoming: Request{Method: "GET", URL: "https://api.example.com/a?access_token=s3cr3t-inc&page=2"},
			kept:     []string{"page=1", "page=2", "access_token=REDACTED"},
		},
		{
			name: "placeholder", reason: "host and path hold a placeholder's value",
			matchers: defaultMatchers(),
			recorded: Request{Method: "GET", URL: "https://acct-s3cr3t.example.com/accounts/acct-s3cr3t/bills"},
			incoming: Request{Method: "GET", URL: "https://acct-s3cr3t.example.com/accounts/acct-s3cr3t/invoices"},
			kept:     []string{"/accounts/<ACCT>/bills", "invoices"},
		},
		{
			name: "headers", reason: "each header by its name",
			matchers: []match.Matcher{match.Header("Authorization", "X-Custom", "Accept")},
			recorded: Request{Method: "GET", URL: "https://x.example/", Header: http.Header{"Authorization": {"Bearer s3cr3t-rec"}, "X-Custom": {"s3cr3t-custom"}, "Accept": {"text/plain"}}},
			incoming: Request{Method: "GET", URL: "https://x.example/", Header: http.Header{"Authorization": {"Bearer s3cr3t-inc"}, "Accept": {"text/html"}}},
			kept:     []string{"Header[X-Custom]", "REDACTED", "text/plain", "text/html"}, // the tokens redact alike, so Authorization is equal
		},
		{
			name: "json body", reason: "by JSON field",
			matchers: []match.Matcher{match.JSONBody},
			recorded: Request{Method: "POST", URL: "https://x.example/", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"password":"s3cr3t-rec","user":{"token":"s3cr3t-tok"},"n":1}`)},
			incoming: Request{Method: "POST", URL: "https://x.example/", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"password":"s3cr3t-inc","n":2}`)},
			kept:     []string{"REDACTED", `"n":1`, `"n":2`},
		},
		{
			name: "form body", reason: "by form field",
			matchers: []match.Matcher{match.Body},
			recorded: Request{Method: "POST", URL: "https://x.example/", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte("client_secret=s3cr3t-rec&scope=read")},
			incoming: Request{Method: "POST", URL: "https://x.example/", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte("client_secret=s3cr3t-inc&scope=write")},
			kept:     []string{"client_secret=REDACTED&scope="}, // go-cmp diffs the rest by letter
		},
		{
			name: "multipart form", reason: "match.Form by field: a secret field is redacted, a file is shown",
			matchers: []match.Matcher{match.Form},
			recorded: Request{Method: "POST", URL: "https://x.example/", Header: http.Header{"Content-Type": {"multipart/form-data; boundary=AAA"}},
				Body: []byte("--AAA\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\ns3cr3t-rec\r\n--AAA\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nv1\r\n--AAA--\r\n")},
			incoming: Request{Method: "POST", URL: "https://x.example/", Header: http.Header{"Content-Type": {"multipart/form-data; boundary=BBB"}},
				Body: []byte("--BBB\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\ns3cr3t-inc\r\n--BBB\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nv2\r\n--BBB--\r\n")},
			kept: []string{`"Form[f]"`, `"a.txt: v1"`, `"a.txt: v2"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cas := New(Interaction{Request: tt.recorded, Response: &Response{StatusCode: 200}})
			r, err := NewRecorder(cas, Config{Mode: ModeReplay, Matchers: tt.matchers, Redact: featureRedaction})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			req, err := http.NewRequest(tt.incoming.Method, tt.incoming.URL, strings.NewReader(string(tt.incoming.Body)))
			if err != nil {
				t.Fatal(err)
			}
			req.Header = tt.incoming.Header
			_, err = r.RoundTrip(req)
			if err == nil {
				t.Fatal("the request replayed, want a miss")
			}
			msg := err.Error()
			if strings.Contains(msg, "s3cr3t") {
				t.Errorf("a secret is in the miss (%s):\n%s", tt.reason, msg)
			}
			for _, k := range tt.kept {
				if !strings.Contains(msg, k) {
					t.Errorf("the miss lacks %q (%s):\n%s", k, tt.reason, msg)
				}
			}
		})
	}
}
