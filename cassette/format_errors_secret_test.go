package cassette

import (
	"strings"
	"testing"
)

// TestFormatErrorsHideSecrets reads files that were never redacted, with a
// mistake in them, and checks that the error names the interaction without
// quoting its credentials.
func TestFormatErrorsHideSecrets(t *testing.T) {
	tests := []struct {
		name, reason, file, want string
	}{
		{
			name:   "bad duration",
			reason: "the interaction is named by its request, redacted",
			file:   `{"version":1,"interactions":[{"request":{"method":"GET","url":"http://bob:S3CRET1@h/p?access_token=S3CRET2&page=2"},"response":{"code":200},"duration":"bad"}]}`,
			want:   "interaction 1 (GET http://REDACTED@h/p?access_token=REDACTED&page=2): duration",
		},
		{
			name:   "a token where a key should be",
			reason: "an unknown key that does not look like a key is not quoted",
			file:   `{"version":1,"interactions":[{"request":{"method":"GET","url":"http://h/","Bearer S3CRET3":"x"},"response":{"code":200}}]}`,
			want:   "unknown key a key that is not a name (not shown)",
		},
		{
			name:   "a misspelt key",
			reason: "a key that looks like one of the format's is quoted, to help fix it",
			file:   `{"version":1,"interactions":[{"request":{"method":"GET","url":"http://h/","heders":{}},"response":{"code":200}}]}`,
			want:   `unknown key "heders"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Unmarshal([]byte(tt.file))
			if err == nil {
				t.Fatal("Unmarshal read a broken file")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not say %q (%s)", msg, tt.want, tt.reason)
			}
			if strings.Contains(msg, "S3CRET") {
				t.Errorf("error quotes a credential: %q", msg)
			}
		})
	}
}
