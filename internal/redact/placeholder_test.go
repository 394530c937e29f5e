package redact

import (
	"strings"
	"testing"
)

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
		{"quote", "JSON escapes it, Go's and others' alike, .NET's as \\u0022; HTML as &#34; or &quot;", `a"b`,
			map[string]string{"<A>": `a"b`, "%3CA%3E": "a%22b", `\u003cA\u003e`: `a\"b`, `\u003CA\u003E`: `a\u0022b`,
				"&lt;A&gt;": "a&#34;b", "<A:html-quot>": "a&quot;b"}},
		{"quote and ampersand", "Go's JSON and others' differ; the token as others write it would be ambiguous", `a"&`,
			map[string]string{"<A>": `a"&`, "%3CA%3E": "a%22%26", "<A:path>": "a%22&", `\u003cA\u003e`: `a\"\u0026`, "<A:json-plain>": `a\"&`,
				`\u003CA\u003E`: `a\u0022\u0026`, "&lt;A&gt;": "a&#34;&amp;", "<A:html-quot>": "a&quot;&amp;", "<A:html-path>": "a%22&amp;"}},
		{"html", "Go's JSON escapes <, in lower case; .NET's in upper case", "a<b", map[string]string{"<A>": "a<b", "%3CA%3E": "a%3Cb",
			"%3cA%3e": "a%3cb", `\u003cA\u003e`: `a\u003cb`, `\u003CA\u003E`: `a\u003Cb`, "&lt;A&gt;": "a&lt;b"}},
		{"slash and space", "a path keeps / where a path segment escapes it", "a/b c", map[string]string{"<A>": "a/b c", "%3CA%3E": "a%2Fb+c",
			"%3cA%3e": "a%2fb+c", "<A:path>": "a%2Fb%20c", "<A:path-lower>": "a%2fb%20c", "<A:url-path>": "a/b%20c", `<A:json-slash>`: `a\/b c`}},
		{"slash", "PHP's JSON escapes /", "a/b", map[string]string{"<A>": "a/b", "%3CA%3E": "a%2Fb", "%3cA%3e": "a%2fb", `<A:json-slash>`: `a\/b`}},
		{"plus", ".NET's JSON and HTML escape +, in upper case; Go's html/template too", "a+b", map[string]string{"<A>": "a+b",
			"%3CA%3E": "a%2Bb", "%3cA%3e": "a%2bb", `\u003CA\u003E`: `a\u002Bb`, `\u003cA\u003e`: `a\u002bb`,
			"&lt;A&gt;": "a&#43;b", "<A:html-net>": "a&#x2B;b", "<A:html-net-lower>": "a&#x2b;b"}},
		{"not ASCII", "Python's and PHP's JSON escape é in lower case, others in upper case", "café", map[string]string{"<A>": "café",
			"%3CA%3E": "caf%C3%A9", "%3cA%3e": "caf%c3%a9", "<A:json-ascii>": `caf\u00e9`, "<A:json-ascii-upper>": `caf\u00E9`,
			"&lt;A&gt;": "caf&#xE9;", "<A:html-net-lower>": "caf&#xe9;"}},
		{"past U+FFFF", "a pair of \\u escapes", "a😀b", map[string]string{"<A>": "a😀b",
			"%3CA%3E": "a%F0%9F%98%80b", "%3cA%3e": "a%f0%9f%98%80b", "<A:json-ascii>": `a\ud83d\ude00b`, "<A:json-ascii-upper>": `a\uD83D\uDE00b`,
			"&lt;A&gt;": "a&#x1F600;b", "<A:html-net-lower>": "a&#x1f600;b"}},
		{"apostrophe", "HTML escapers write it four ways", "a'b", map[string]string{"<A>": "a'b", "%3CA%3E": "a%27b", `\u003CA\u003E`: `a\u0027b`,
			"&lt;A&gt;": "a&#39;b", "<A:html-039>": "a&#039;b", "<A:html-x27>": "a&#x27;b"}},
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

// TestPlaceholderRoundTrip puts a value in every form into one text, as
// the encoders of several languages write it: none is left after Text,
// and Restore gives back the text byte for byte.
func TestPlaceholderRoundTrip(t *testing.T) {
	const v = `Zoë+Co/x"y&z'w<1>😀`
	r := New(Options{Placeholders: map[string]string{"ORG": v}})
	forms := map[string]string{
		"python json.dumps":          `Zo\u00eb+Co/x\"y&z'w<1>\ud83d\ude00`,
		"php json_encode":            `Zo\u00eb+Co\/x\"y&z'w<1>\ud83d\ude00`,
		".NET System.Text.Json":      `Zo\u00EB\u002BCo/x\u0022y\u0026z\u0027w\u003C1\u003E\uD83D\uDE00`,
		"Go encoding/json":           `Zoë+Co/x\"y\u0026z'w\u003c1\u003e😀`,
		"Go json in upper case":      `Zoë+Co/x\"y\u0026z'w\u003C1\u003E😀`,
		"query, lower case":          `Zo%c3%ab%2bCo%2fx%22y%26z%27w%3c1%3e%f0%9f%98%80`,
		"path segment, lower case":   `Zo%c3%ab+Co%2fx%22y&z%27w%3c1%3e%f0%9f%98%80`,
		"path, lower case":           `Zo%c3%ab+Co/x%22y&z%27w%3c1%3e%f0%9f%98%80`,
		"Go html.EscapeString":       `Zoë+Co/x&#34;y&amp;z&#39;w&lt;1&gt;😀`,
		"Go html/template":           `Zoë&#43;Co/x&#34;y&amp;z&#39;w&lt;1&gt;😀`,
		"Python html.escape":         `Zoë+Co/x&quot;y&amp;z&#x27;w&lt;1&gt;😀`,
		"PHP htmlspecialchars":       `Zoë+Co/x&quot;y&amp;z&#039;w&lt;1&gt;😀`,
		"Java, Ruby":                 `Zoë+Co/x&quot;y&amp;z&#39;w&lt;1&gt;😀`,
		".NET HtmlEncoder":           `Zo&#xEB;&#x2B;Co/x&quot;y&amp;z&#x27;w&lt;1&gt;&#x1F600;`,
		"net/http redirect body URL": `Zo%C3%AB+Co%2Fx%22y&amp;z%27w%3C1%3E%F0%9F%98%80`,
	}
	var all []string
	for name, f := range forms {
		all = append(all, name+": "+f)
	}
	text := strings.Join(all, "\n")
	red := r.Text(text)
	for name, f := range forms {
		if strings.Contains(red, f) {
			t.Errorf("the %s form %q is left:\n%s", name, f, red)
		}
	}
	for _, part := range []string{"Zo", "Co"} {
		if strings.Contains(red, part) {
			t.Errorf("a part of the value, %q, is left:\n%s", part, red)
		}
	}
	if got := r.Restore(red); got != text {
		t.Errorf("restored:\n%s\nwant:\n%s", got, text)
	}
	if got, _ := r.swapBytes([]byte(red), true); string(got) != text {
		t.Errorf("restored bytes:\n%s\nwant:\n%s", got, text)
	}
}
