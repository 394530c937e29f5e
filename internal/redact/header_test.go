package redact

import (
	"net/http"
	"testing"
)

func TestRedactHeaderValues(t *testing.T) {
	r := New(Options{Headers: []string{"x-custom"}})
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
			got, _ := r.Header(h)
			if got.Get(tt.header) != tt.want {
				t.Errorf("%s: %q → %q, want %q (%s)", tt.header, tt.value, got.Get(tt.header), tt.want, tt.reason)
			}
			if h.Get(tt.header) != tt.value {
				t.Error("the original header was modified")
			}
		})
	}
}

func TestCORSHeadersAreNotSecrets(t *testing.T) {
	r := New(Options{})
	h := http.Header{"Access-Control-Allow-Credentials": {"true"}, "Access-Control-Allow-Headers": {"Authorization, X-Api-Token"}}
	if got, changed := r.Header(h); changed {
		t.Errorf("CORS headers were redacted: %v", got)
	}
}

func TestCookieRedactionKeepsTheJar(t *testing.T) {
	tests := []struct {
		name, reason, header, value, want string
	}{
		{"cookie", "names stay", "Cookie", "a=1; b=2", "a=REDACTED; b=REDACTED"},
		{"bare cookie", "a value without a name goes whole", "Cookie", "a=1; tok", "a=REDACTED; REDACTED"},
		{"base64 cookie", "the = that pad base64 do not make a name", "Cookie", "dG9rZW4==; a=", "REDACTED; a=REDACTED"},
		{"set-cookie", "attributes stay", "Set-Cookie", "sid=x; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly",
			"sid=REDACTED; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly"},
		{"folded", "each cookie keeps its name", "Set-Cookie", "a=1; Path=/, b=2; Secure", "a=REDACTED; Path=/, b=REDACTED; Secure"},
		{"folded after expires", "", "Set-Cookie", "a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT, b=2", "a=REDACTED; Expires=Wed, 21 Oct 2037 07:28:00 GMT, b=REDACTED"},
		{"twice", "redacting again changes nothing", "Set-Cookie", "a=REDACTED; Path=/, REDACTED; Secure", "a=REDACTED; Path=/, REDACTED; Secure"},
	}
	r := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.HeaderValue(tt.header, tt.value); got != tt.want {
				t.Errorf("%s: %q → %q, want %q (%s)", tt.header, tt.value, got, tt.want, tt.reason)
			}
		})
	}
}

func TestRedactHeadersWithUnderscores(t *testing.T) {
	r := New(Options{Headers: []string{"X_Custom"}})
	tests := []struct {
		name, reason, header string
	}{
		{"as given", "", "X_Custom"},
		{"with dashes", "_ and - name the same header", "X-Custom"},
		{"default with underscores", "", "x_api_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := r.Header(http.Header{tt.header: {"v"}}); got[tt.header][0] != Redacted {
				t.Errorf("%s: %v, want it redacted (%s)", tt.header, got, tt.reason)
			}
		})
	}
}
