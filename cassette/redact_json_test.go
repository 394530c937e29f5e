package cassette

import "testing"

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
