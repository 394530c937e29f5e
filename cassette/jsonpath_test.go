package cassette

import (
	"slices"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/match"
)

// ignoringPanics reports whether match.JSONBodyIgnoring refuses path.
func ignoringPanics(path string) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	match.JSONBodyIgnoring(path)
	return false
}

// RedactJSON and match.JSONBodyIgnoring take the same paths: each package
// checks them on its own, since match cannot import cassette, so this test
// holds them together.
func TestJSONPathsAcceptedAlike(t *testing.T) {
	for _, p := range []string{
		"", ".", "..", "a", "a.b", "items.*.secret", "*", "*.*", "a..b", ".a", "a.", " ", "a b.c", "#", "a.#.b", "é.ü", `a\.b`, "a.*.", "0.1",
	} {
		redact, ignore := validJSONPath(p), !ignoringPanics(p)
		if redact != ignore {
			t.Errorf("path %q: RedactJSON accepts it: %v, JSONBodyIgnoring accepts it: %v", p, redact, ignore)
		}
	}
}

// FuzzJSONPathsAgree checks that the two packages accept the same paths and
// read them alike: the fields RedactJSON redacts at a path are fields that
// JSONBodyIgnoring of that path leaves out, so redacting them changes
// nothing the matcher sees.
func FuzzJSONPathsAgree(f *testing.F) {
	for _, s := range [][2]string{
		{`{"a":1,"b":{"c":2}}`, "b.c"},
		{`{"items":[{"secret":1,"v":2},{"secret":3}]}`, "items.*.secret"},
		{`[{"a":1},{"a":[1,2]}]`, "*.a"},
		{`{"a":{"b":[1,2]}}`, "a.*"},
		{`{"a":1}`, "a..b"},
	} {
		f.Add([]byte(s[0]), s[1])
	}
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		if validJSONPath(path) == ignoringPanics(path) {
			t.Fatalf("path %q: RedactJSON accepts it: %v, JSONBodyIgnoring does not agree", path, validJSONPath(path))
		}
		if !validJSONPath(path) || slices.Contains(strings.Split(path, "."), "#") {
			// RedactJSON reads a # name as any array element too.
			return
		}
		// The defaults always apply: what the path adds to them is what
		// the matcher must not see.
		before, _ := redact.Default().JSON(body)
		redacted, _ := redact.New(redact.Options{JSONFields: []string{path}}).JSON(body)
		m := match.JSONBodyIgnoring(path)
		if a, b := m.Feature(nil, before).Value, m.Feature(nil, redacted).Value; a != b {
			t.Errorf("path %q: JSONBodyIgnoring sees what RedactJSON redacted:\n%s\n%s", path, a, b)
		}
	})
}
