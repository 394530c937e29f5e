package redact

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Found by a second review: URLs that do not parse, absolute Refresh URLs
// and form bodies with an upper-case media type.
func TestRedactionLeaksAgain(t *testing.T) {
	r := New(Options{})
	h := http.Header{
		"Refresh":  {"0; URL=https://example.com/cb?token=LEAK1"},
		"Location": {"/a%zz?token=LEAK2#access_token=LEAK3"},
		"Link":     {`<https://x/a%zz?api_key=LEAK4>; rel="next"`},
	}
	got, _ := r.Header(h)
	body, _ := r.Body([]byte("password=LEAK5&x=1"), "Application/X-WWW-Form-Urlencoded; charset=utf-8")
	dump := fmt.Sprint(got) + string(body)
	for _, leak := range []string{"LEAK1", "LEAK2", "LEAK3", "LEAK4", "LEAK5"} {
		if strings.Contains(dump, leak) {
			t.Errorf("%s survived:\n%s", leak, dump)
		}
	}
}
