package match_test

import (
	"strings"
	"testing"

	"github.com/dvdrw/dvd/match"
)

// Each new matcher is named as the Go code that makes it, so that a miss
// can print the matchers in use.
func TestIgnoringNames(t *testing.T) {
	r := newRequest(t, "GET", "http://x/", nil)
	for _, tt := range []struct {
		m    match.Matcher
		want string
	}{
		{match.QueryIgnoring("since", "a, b"), `QueryIgnoring("since", "a, b")`},
		{match.QueryIgnoring(), `QueryIgnoring()`},
		{match.JSONBodyIgnoring("sent_at", "items.*.request_id"), `JSONBodyIgnoring("sent_at", "items.*.request_id")`},
		{match.JSONBodyIgnoring(`a"b`), `JSONBodyIgnoring("a\"b")`},
		{match.Form, "Form"},
	} {
		if got := tt.m.Feature(r, nil).Name; got != tt.want {
			t.Errorf("name = %s, want %s", got, tt.want)
		}
	}
}

// JSONBodyIgnoring panics on a path that is not a dotted path, with a line
// that says how to write one.
func TestJSONBodyIgnoringBadPath(t *testing.T) {
	for _, p := range []string{"", ".a", "a.", "a..b", "."} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "match: JSONBodyIgnoring(") || !strings.Contains(msg, "items.*.request_id") {
					t.Errorf("JSONBodyIgnoring(%q) panicked with %q, want a message that says how to write a path", p, msg)
				}
			}()
			match.JSONBodyIgnoring("ok", p)
		}()
	}
}
