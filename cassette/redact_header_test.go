package cassette

import (
	"net/http"
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

func TestCORSHeadersAreNotSecrets(t *testing.T) {
	rd := newRedactor(Redaction{})
	h := http.Header{"Access-Control-Allow-Credentials": {"true"}, "Access-Control-Allow-Headers": {"Authorization, X-Api-Token"}}
	if got, changed := rd.header(h); changed {
		t.Errorf("CORS headers were redacted: %v", got)
	}
}
