package cassette

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRedactHeaderValues(t *testing.T) {
	rd := newRedactor(Redaction{Headers: []string{"x-custom"}})
	tests := []struct {
		name, reason, header, value, want string
	}{
		{"bearer", "the scheme is not secret", "Authorization", "Bearer abc.def", "Bearer REDACTED"},
		{"bare auth", "", "Authorization", "abcdef", "REDACTED"},
		{"cookie", "names stay, values go", "Cookie", "a=1; b=2", "a=REDACTED; b=REDACTED"},
		{"set-cookie", "attributes stay so a jar still works", "Set-Cookie", "sid=xyz; Path=/; HttpOnly", "sid=REDACTED; Path=/; HttpOnly"},
		{"api key", "", "X-Api-Key", "k", "REDACTED"},
		{"word token", "any header named like a token", "X-Github-Token", "ghp_1", "REDACTED"},
		{"custom", "added by the option", "X-Custom", "c", "REDACTED"},
		{"plain", "other headers are kept", "Accept", "text/plain", "text/plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{tt.header: {tt.value}}
			got, _ := rd.header(h)
			if got.Get(tt.header) != tt.want {
				t.Errorf("%s: %q → %q, want %q (%s)", tt.header, tt.value, got.Get(tt.header), tt.want, tt.reason)
			}
			if h.Get(tt.header) != tt.value {
				t.Error("the original header was modified")
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	rd := newRedactor(Redaction{Query: []string{"sessionid"}, Placeholders: map[string]string{"ACCT": "acct-42"}})
	tests := []struct{ name, in, want string }{
		{"token", "https://x/a?access_token=abc&page=2", "https://x/a?access_token=REDACTED&page=2"},
		{"case", "https://x/a?X-Amz-Signature=abc", "https://x/a?X-Amz-Signature=REDACTED"},
		{"escaped name", "https://x/a?api%5Fkey=abc", "https://x/a?api%5Fkey=REDACTED"},
		{"custom", "https://x/a?SessionID=abc", "https://x/a?SessionID=REDACTED"},
		{"password", "https://u:pw@x/a", "https://u:REDACTED@x/a"},
		{"placeholder", "https://x/accounts/acct-42/bills", "https://x/accounts/<ACCT>/bills"},
		{"nothing", "https://x/a?page=1&b=%20", "https://x/a?page=1&b=%20"},
	}
	for _, tt := range tests {
		if got := rd.url(tt.in); got != tt.want {
			t.Errorf("%s: url(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestRedactJSON(t *testing.T) {
	paths := [][]string{{"password"}, {"user", "token"}, {"items", "*", "secret"}}
	tests := []struct{ name, in, want string }{
		{"top", `{"name":"a","password":"p"}`, `{"name":"a","password":"REDACTED"}`},
		{"spacing kept", "{\n  \"password\" : \"p\",\n  \"x\": 1\n}", "{\n  \"password\" : \"REDACTED\",\n  \"x\": 1\n}"},
		{"nested", `{"user":{"token":{"a":[1,2]},"id":7}}`, `{"user":{"token":"REDACTED","id":7}}`},
		{"array", `{"items":[{"secret":1},{"other":2},{"secret":"s"}]}`, `{"items":[{"secret":"REDACTED"},{"other":2},{"secret":"REDACTED"}]}`},
		{"not at that depth", `{"a":{"password":"p"}}`, `{"a":{"password":"p"}}`},
		{"not json", `password=p`, `password=p`},
		{"invalid json", `{"password":`, `{"password":`},
	}
	for _, tt := range tests {
		got, changed := redactJSON([]byte(tt.in), paths)
		if string(got) != tt.want || changed != (tt.in != tt.want) {
			t.Errorf("%s: redactJSON(%s) = %s, %v; want %s", tt.name, tt.in, got, changed, tt.want)
		}
	}
}

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

func TestCORSHeadersAreNotSecrets(t *testing.T) {
	rd := newRedactor(Redaction{})
	h := http.Header{"Access-Control-Allow-Credentials": {"true"}, "Access-Control-Allow-Headers": {"Authorization, X-Api-Token"}}
	if got, changed := rd.header(h); changed {
		t.Errorf("CORS headers were redacted: %v", got)
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
