package redact

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestRedactJSON(t *testing.T) {
	rules := jsonRules{paths: [][]string{{"password"}, {"user", "token"}, {"items", "*", "secret"}}}
	tests := []struct{ name, in, want string }{
		{"top", `{"name":"a","password":"p"}`, `{"name":"a","password":"REDACTED"}`},
		{"spacing kept", "{\n  \"password\" : \"p\",\n  \"x\": 1\n}", "{\n  \"password\" : \"REDACTED\",\n  \"x\": 1\n}"},
		{"nested", `{"user":{"token":{"a":[1,2]},"id":7}}`, `{"user":{"token":"REDACTED","id":7}}`},
		{"array", `{"items":[{"secret":1},{"other":2},{"secret":"s"}]}`, `{"items":[{"secret":"REDACTED"},{"other":2},{"secret":"REDACTED"}]}`},
		{"not at that depth", `{"a":{"password":"p"}}`, `{"a":{"password":"p"}}`},
		{"not json", `password=p`, `password=p`},
		{"invalid json", `{"password":`, `{"password":`},
	}
	for _, tt := range tests {
		got, changed := redactJSON([]byte(tt.in), rules)
		if string(got) != tt.want || changed != (tt.in != tt.want) {
			t.Errorf("%s: redactJSON(%s) = %s, %v; want %s", tt.name, tt.in, got, changed, tt.want)
		}
	}
}

// FuzzRedactJSON checks that redacting JSON fields never breaks a document:
// valid JSON stays valid, redacting twice changes nothing more, and
// anything that is not JSON is left alone.
func FuzzRedactJSON(f *testing.F) {
	for _, s := range []string{
		`{"password":"p","user":{"token":"t"}}`, `[{"secret":1},{"secret":[1,2]}]`, ` {"password" : {"a":[1,{"b":2}]} } `,
		`{"password":"p","password":"q"}`, `not json`, `{"a":`, `"password"`, `{"user":[{"token":null}]}`,
		`{"data":{"accessToken":"t","keys_url":"u"}}`, `[{"x":{"API-KEY":["a",{"b":"c"}]}}]`, `{"access\u005ftoken":"t"}`, `{"a":"x token: y"}`,
		"\ufeff{\"password\":\"p\"}", `{"grant_type":"x","code":"c","device_code":1}`, `{"code":"NotFound","max_tokens":3,"token":4}`,
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
		// A byte order mark may come before a JSON document.
		b, out = bytes.TrimPrefix(b, bom), bytes.TrimPrefix(out, bom)
		if w := (jsonWalker{b: b, rules: &jsonRules{}}); w.document() != json.Valid(b) {
			t.Fatalf("the walker and encoding/json disagree on whether %q is JSON (encoding/json: %v)", b, json.Valid(b))
		}
		if !json.Valid(b) {
			if changed && !bytes.Contains(b, []byte("\n")) || !changed && string(out) != string(b) {
				t.Fatalf("redactJSON changed a body that is not JSON: %q → %q", in, out)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("redactJSON(%q) = %q, not JSON", in, out)
		}
		// mayHold only spares parsing: what parsing would find, it lets
		// through.
		_, oauth := rules.mayHold(b)
		w := jsonWalker{b: b, rules: &rules, oauth: oauth}
		if !w.document() {
			t.Fatalf("the walker cannot read %q, which encoding/json says is JSON", b)
		}
		if len(w.spans) > 0 && !changed {
			t.Fatalf("redactJSON(%q) found nothing, but parsing finds %d values to redact", in, len(w.spans))
		}
		again, changedAgain := redactJSON(out, rules)
		again = bytes.TrimPrefix(again, bom)
		if string(again) != string(out) {
			t.Fatalf("redacting twice changed more: %q → %q (%v)", out, again, changedAgain)
		}
	})
}
