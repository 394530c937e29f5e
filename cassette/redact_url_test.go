package cassette

import "testing"

func TestRedactURL(t *testing.T) {
	rd := newRedactor(Redaction{Query: []string{"sessionid"}, Placeholders: map[string]string{"ACCT": "acct-42"}})
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
		if got := rd.url(tt.in); got != tt.want {
			t.Errorf("%s: url(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
