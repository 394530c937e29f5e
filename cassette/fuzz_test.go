package cassette

import (
	"bytes"
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
		`{"data":{"accessToken":"t","keys_url":"u"}}`, `[{"x":{"API-KEY":["a",{"b":"c"}]}}]`, `{"access\u005ftoken":"t"}`, `{"a":"x token: y"}`,
	} {
		f.Add([]byte(s))
	}
	rules := newJSONRules([]string{"password", "user.token", "*.secret", "user.*.token"})
	f.Fuzz(func(t *testing.T, b []byte) {
		in := string(b)
		out, changed := redactJSON(b, rules)
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
		// mayHold only spares parsing: what parsing would find, it lets
		// through.
		w := jsonWalker{b: b, dec: json.NewDecoder(bytes.NewReader(b)), rules: &rules}
		w.dec.UseNumber()
		w.value(nil, false, false)
		if len(w.spans) > 0 && !changed {
			t.Fatalf("redactJSON(%q) found nothing, but parsing finds %d values to redact", in, len(w.spans))
		}
		again, changedAgain := redactJSON(out, rules)
		if string(again) != string(out) {
			t.Fatalf("redacting twice changed more: %q → %q (%v)", out, again, changedAgain)
		}
	})
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
	rd := newRedactor(Redaction{Query: []string{"session"}, Placeholders: map[string]string{"ID": "id-12345"}})
	f.Fuzz(func(t *testing.T, raw string) {
		once := rd.url(raw)
		if twice := rd.url(once); twice != once {
			t.Errorf("url(%q) = %q, but url of that = %q", raw, once, twice)
		}
		if msg := rd.message("failed: " + raw); rd.message(msg) != msg {
			t.Errorf("message is not stable for %q", raw)
		}
	})
}
