package cassette

import (
	"encoding/json"
	"testing"
)

// FuzzRedactJSON checks that redacting JSON fields never breaks a document:
// valid JSON stays valid, redacting twice changes nothing more, and
// anything that is not JSON is left alone.
func FuzzRedactJSON(f *testing.F) {
	for _, s := range []string{
		`{"password":"p","user":{"token":"t"}}`, `[{"secret":1},{"secret":[1,2]}]`, ` {"password" : {"a":[1,{"b":2}]} } `,
		`{"password":"p","password":"q"}`, `not json`, `{"a":`, `"password"`, `{"user":[{"token":null}]}`,
	} {
		f.Add([]byte(s))
	}
	paths := [][]string{{"password"}, {"user", "token"}, {"*", "secret"}, {"user", "*", "token"}}
	f.Fuzz(func(t *testing.T, b []byte) {
		in := string(b)
		out, changed := redactJSON(b, paths)
		if string(b) != in {
			t.Fatal("redactJSON modified its input")
		}
		if !json.Valid(b) {
			if changed || string(out) != in {
				t.Fatalf("redactJSON changed a body that is not JSON: %q → %q", in, out)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("redactJSON(%q) = %q, not JSON", in, out)
		}
		again, changedAgain := redactJSON(out, paths)
		if string(again) != string(out) {
			t.Fatalf("redacting twice changed more: %q → %q (%v)", out, again, changedAgain)
		}
	})
}
