package redact

import "testing"

// TestPlaceholderTokens shows the tokens each form gets.
func TestPlaceholderTokens(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		value  string
		want   map[string]string // token → value
	}{
		{"plain", "a value no escaping changes has one form", "acct-42", map[string]string{"<A>": "acct-42"}},
		{"email", "escaped in a query only", "a@b.example", map[string]string{"<A>": "a@b.example", "%3CA%3E": "a%40b.example"}},
		{"space", "the query and the path escape it apart", "Acme Co", map[string]string{"<A>": "Acme Co", "%3CA%3E": "Acme+Co", "<A:path>": "Acme%20Co"}},
		{"quote", "JSON escapes it, Go's and others' alike", `a"b`, map[string]string{"<A>": `a"b`, "%3CA%3E": "a%22b", `\u003cA\u003e`: `a\"b`}},
		{"quote and ampersand", "Go's JSON and others' differ; the token as others write it would be ambiguous", `a"&`,
			map[string]string{"<A>": `a"&`, "%3CA%3E": "a%22%26", "<A:path>": "a%22&", `\u003cA\u003e`: `a\"\u0026`, "<A:json-plain>": `a\"&`}},
		{"html", "Go's JSON escapes <", "a<b", map[string]string{"<A>": "a<b", "%3CA%3E": "a%3Cb", `\u003cA\u003e`: `a\u003cb`}},
		{"slash and space", "a path keeps / where a path segment escapes it", "a/b c", map[string]string{"<A>": "a/b c", "%3CA%3E": "a%2Fb+c",
			"<A:path>": "a%2Fb%20c", "<A:url-path>": "a/b%20c", `<A:json-slash>`: `a\/b c`}},
		{"slash", "PHP's JSON escapes /", "a/b", map[string]string{"<A>": "a/b", "%3CA%3E": "a%2Fb", `<A:json-slash>`: `a\/b`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			for _, p := range sortedPlaceholders(map[string]string{"A": tt.value}) {
				got[p.token] = p.value
			}
			if len(got) != len(tt.want) {
				t.Errorf("placeholders %v, want %v (%s)", got, tt.want, tt.reason)
			}
			for tok, v := range tt.want {
				if got[tok] != v {
					t.Errorf("token %s stands for %q, want %q (%s)", tok, got[tok], v, tt.reason)
				}
			}
		})
	}
}
