package match

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzJSONBodyIgnoring checks JSONBodyIgnoring on any body and path: it
// panics exactly on the paths that are not dotted paths; its canonical form
// is stable and spacing does not change it; and ignoring a name at the top
// is JSONBody of the document without it.
func FuzzJSONBodyIgnoring(f *testing.F) {
	for _, s := range [][2]string{
		{`{"a":1,"sent_at":"x"}`, "sent_at"},
		{`{"items":[{"id":1,"v":2},{"id":3}]}`, "items.*.id"},
		{`[{"a":{"b":1}}]`, "*.a.b"},
		{`{"a":[1,2]}`, "a.*"},
		{`{"a":1}`, "a..b"},
		{`not json`, "a"},
		{`{"a.b":1}`, "a.b"},
	} {
		f.Add([]byte(s[0]), s[1])
	}
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		var m Matcher
		panicked := func() (p bool) {
			defer func() { p = recover() != nil }()
			m = JSONBodyIgnoring(path)
			return false
		}()
		if panicked == validJSONPath(path) {
			t.Fatalf("JSONBodyIgnoring(%q) panicked: %v; want a panic only for a path that is not dotted", path, panicked)
		}
		if panicked {
			return
		}
		r := &http.Request{}
		c := m.Feature(r, body).Value
		if _, ok := canonicalJSON(body); !ok {
			if c != string(body) {
				t.Errorf("a body that is not JSON became %q", c)
			}
			return
		}
		if again := m.Feature(r, []byte(c)).Value; again != c {
			t.Errorf("JSONBodyIgnoring(%q) of %q = %q, but of that = %q", path, body, c, again)
		}
		if spaced := m.Feature(r, append(append([]byte(" \n"), body...), '\t')).Value; spaced != c {
			t.Errorf("spacing changed the canonical form: %q vs %q", spaced, c)
		}
		if v, _ := decodeJSON(body); !strings.ContainsAny(path, ".*") {
			if obj, ok := v.(map[string]any); ok {
				delete(obj, path)
				want, _ := encodeJSON(obj)
				if c != want {
					t.Errorf("JSONBodyIgnoring(%q) of %q = %q, want %q", path, body, c, want)
				}
			}
		}
	})
}
