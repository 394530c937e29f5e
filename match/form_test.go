package match_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/match"
)

// A form of too many fields or parts is compared byte for byte, so that a
// hostile body costs no more than reading it.
func TestFormBounds(t *testing.T) {
	manyParts := func(n int) side {
		part := "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n1\r\n"
		return side{header: http.Header{"Content-Type": {"multipart/form-data; boundary=B"}}, body: strings.Repeat(part, n) + "--B--\r\n"}
	}
	manyFields := func(n int) side {
		return side{header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, body: strings.Repeat("b=1&a=2&", n/2+1)[:4*n-1]}
	}
	tests := []struct {
		name, reason string
		form         side
		parsed       bool
	}{
		{"1,000 parts", "the most parts a form may have", manyParts(1000), true},
		{"1,001 parts", "one part too many", manyParts(1001), false},
		{"a million parts", "the parts after the 1,000th are not read", manyParts(1_000_000), false},
		{"10,000 fields", "the most fields a url-encoded form may have", manyFields(10000), true},
		{"10,001 fields", "one field too many", manyFields(10001), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRequest(t, "POST", "http://x/", tt.form.header)
			got := match.Form.Feature(r, []byte(tt.form.body)).Value
			if parsed := got != tt.form.body; parsed != tt.parsed {
				t.Errorf("parsed = %v, want %v (%s); the feature starts %.80q", parsed, tt.parsed, tt.reason, got)
			}
		})
	}
}
