package redact

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// A placeholder is one form of a placeholder's value, and the token that
// stands for it in the cassette.
type placeholder struct{ token, value string }

// A placeholderForm is a way a value is written: as it is, escaped in a
// URL, escaped in a JSON string, in HTML.
type placeholderForm struct {
	name   string
	escape func(string) string
}

// placeholderForms are the forms a value is found and restored in: the
// ways encoders in use write it. A form that writes a value as an earlier
// form does adds nothing. The names of the forms are in cassettes
// (<NAME:path>): a form keeps its name and its place, and new forms go
// after the others, so that the token of a form never changes.
var placeholderForms = []placeholderForm{
	{"", func(s string) string { return s }},
	{"query", url.QueryEscape},
	{"path", url.PathEscape},                                                       // a path segment: / escaped
	{"url-path", urlPath},                                                          // a path: / kept
	{"json", func(s string) string { return jsonString(s, true) }},                 // Go's: \u003c for <, \" and \\
	{"json-plain", func(s string) string { return jsonString(s, false) }},          // most encoders': \" and \\
	{"json-slash", func(s string) string { return slashes(jsonString(s, false)) }}, // PHP's with JSON_UNESCAPED_UNICODE: \/ too
	{"json-html-slash", func(s string) string { return slashes(jsonString(s, true)) }},

	// Percent escapes in lower case (%2b), as some clients write them.
	{"query-lower", func(s string) string { return lowerHex(url.QueryEscape(s), '%', 2) }},
	{"path-lower", func(s string) string { return lowerHex(url.PathEscape(s), '%', 2) }},
	{"url-path-lower", func(s string) string { return lowerHex(urlPath(s), '%', 2) }},

	// JSON \u escapes in the other case, and of what is not ASCII.
	{"json-upper", func(s string) string { return upperHex(jsonString(s, true), '\\', 4) }},
	{"json-plain-upper", func(s string) string { return upperHex(jsonString(s, false), '\\', 4) }},
	{"json-html-slash-upper", func(s string) string { return upperHex(slashes(jsonString(s, true)), '\\', 4) }},
	{"json-ascii", func(s string) string { return asciiJSON(jsonString(s, false), false) }},                // Python's json.dumps: \u00e9
	{"json-ascii-upper", func(s string) string { return asciiJSON(jsonString(s, false), true) }},           // Jackson's, Newtonsoft's escaping what is not ASCII: \u00E9
	{"json-ascii-slash", func(s string) string { return asciiJSON(slashes(jsonString(s, false)), false) }}, // PHP's json_encode: \/ and \u00e9
	{"json-ascii-html", func(s string) string { return asciiJSON(jsonString(s, true), false) }},
	{"json-ascii-html-upper", func(s string) string { return asciiJSON(jsonString(s, true), true) }},
	{"json-net", func(s string) string { return netJSON(s, true) }}, // .NET System.Text.Json's: \u002B, \u0022, \u00E9
	{"json-net-lower", func(s string) string { return netJSON(s, false) }},

	// HTML text and attribute values, as each language's escaper writes
	// them, and a URL in an HTML page (net/http's redirect body).
	{"html", html.EscapeString}, // Go's: &amp; &lt; &gt; &#34; &#39;
	{"html-template", func(s string) string { return htmlEscape(s, htmlTemplate) }}, // Go's html/template: &#43; too
	{"html-quot", func(s string) string { return htmlEscape(s, htmlQuot) }},         // Java's, Ruby's, .NET's WebUtility: &quot; &#39;
	{"html-x27", func(s string) string { return htmlEscape(s, htmlX27) }},           // Python's html.escape: &quot; &#x27;
	{"html-039", func(s string) string { return htmlEscape(s, html039) }},           // PHP's htmlspecialchars: &quot; &#039;
	{"html-net", func(s string) string { return htmlNet(s, true) }},                 // .NET's HtmlEncoder: &#x2B; &#xE9;
	{"html-net-lower", func(s string) string { return htmlNet(s, false) }},
	{"html-path", func(s string) string { return html.EscapeString(url.PathEscape(s)) }},
	{"html-url-path", func(s string) string { return html.EscapeString(urlPath(s)) }},

	// PHP's json_encode with JSON_HEX_TAG|JSON_HEX_AMP: \/, \u003C and \u00e9.
	{"json-ascii-html-slash", func(s string) string { return asciiJSON(slashes(jsonString(s, true)), false) }},
	{"json-ascii-html-slash-upper", func(s string) string { return upperHex(asciiJSON(slashes(jsonString(s, true)), false), '\\', 4) }},
}

func urlPath(s string) string { return (&url.URL{Path: s}).EscapedPath() }

// jsonString returns s as the inside of a JSON string.
func jsonString(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	enc.Encode(s) // a string always encodes
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\"\n"))[1:])
}

func slashes(s string) string { return strings.ReplaceAll(s, "/", `\/`) }

// lowerHex returns s with the n hex digits after each escape character
// (%, or the u of \u) in lower case; upperHex in upper case. A \\ is a
// backslash, not an escape.
func lowerHex(s string, esc byte, n int) string { return caseHex(s, esc, n, unicode.ToLower) }
func upperHex(s string, esc byte, n int) string { return caseHex(s, esc, n, unicode.ToUpper) }

func caseHex(s string, esc byte, n int, to func(rune) rune) string {
	if strings.IndexByte(s, esc) < 0 {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		if b[i] != esc || i+1 >= len(b) {
			continue
		}
		j := i + 1
		if esc == '\\' {
			if b[j] != 'u' {
				i = j // \\, \", \n…: the next byte is escaped, not an escape
				continue
			}
			j++
		}
		for k := j; k < j+n && k < len(b); k++ {
			b[k] = byte(to(rune(b[k])))
		}
		i = j + n - 1
	}
	return string(b)
}

// asciiJSON returns the inside of a JSON string with what is not ASCII
// written as \u escapes.
func asciiJSON(s string, upper bool) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		writeU(&b, r, upper)
	}
	return b.String()
}

// writeU writes r as a JSON \u escape, a pair of them past U+FFFF.
func writeU(b *strings.Builder, r rune, upper bool) {
	digits := "0123456789abcdef"
	if upper {
		digits = "0123456789ABCDEF"
	}
	if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
		writeU(b, r1, upper)
		r = r2
	}
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(digits[r>>shift&0xf])
	}
}

// netJSON returns s as the inside of a JSON string as .NET's default
// encoder writes it: ASCII alone, and the characters HTML and JavaScript
// treat apart (& < > ' " + `) as \u escapes too.
func netJSON(s string, upper bool) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '&', '<', '>', '\'', '"', '+', '`':
			writeU(&b, r, upper)
		default:
			if r < 0x20 || r >= 0x7f {
				writeU(&b, r, upper)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// An htmlStyle is how an HTML escaper writes the quotes and, if it escapes
// it, +; every escaper writes &amp; &lt; &gt;.
type htmlStyle struct{ quot, apos, plus string }

var (
	htmlTemplate = htmlStyle{"&#34;", "&#39;", "&#43;"}
	htmlQuot     = htmlStyle{"&quot;", "&#39;", ""}
	htmlX27      = htmlStyle{"&quot;", "&#x27;", ""}
	html039      = htmlStyle{"&quot;", "&#039;", ""}
)

func htmlEscape(s string, st htmlStyle) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString(st.quot)
		case r == '\'':
			b.WriteString(st.apos)
		case r == '+' && st.plus != "":
			b.WriteString(st.plus)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// htmlNet returns s as .NET's HtmlEncoder writes it: ASCII alone, with
// &amp; &lt; &gt; &quot; and the rest of what it escapes as hex numbers
// (&#x27; &#x2B; &#xE9;).
func htmlNet(s string, upper bool) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		default:
			if r == '\'' || r == '+' || r == '`' || r < 0x20 || r >= 0x7f {
				h := strconv.FormatInt(int64(r), 16)
				if upper {
					h = strings.ToUpper(h)
				}
				b.WriteString("&#x" + h + ";")
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// sortedPlaceholders turns the named values of Options.Placeholders into
// placeholders, one for each form of each value, longest value first, so
// that no value hides inside another. The token of the value as it is, is
// <NAME>; the token of another form is <NAME> written in that form
// (%3CNAME%3E in a URL, \u003cNAME\u003e in Go's JSON), or, where that is
// the token of another form already, <NAME:form>, so that each form is
// restored as it was.
func sortedPlaceholders(named map[string]string) []placeholder {
	var ps []placeholder
	for name, v := range named {
		if v == "" {
			continue
		}
		base := "<" + name + ">"
		var values, tokens []string
		for _, f := range placeholderForms {
			value := f.escape(v)
			if slices.Contains(values, value) {
				continue
			}
			token := f.escape(base)
			if slices.Contains(tokens, token) {
				token = "<" + name + ":" + f.name + ">"
			}
			values, tokens = append(values, value), append(tokens, token)
			ps = append(ps, placeholder{token, value})
		}
	}
	slices.SortFunc(ps, func(a, b placeholder) int {
		if n := len(b.value) - len(a.value); n != 0 {
			return n
		}
		return strings.Compare(a.token, b.token)
	})
	return ps
}

// Text replaces the values of placeholders in s by their tokens, and
// redacts the values that have a credential's shape (see Shapes).
func (r *Rules) Text(s string) string { return Shapes(r.swap(s, false)) }

// swap replaces placeholder values by their tokens, or tokens by values
// when restoring.
func (r *Rules) swap(s string, restore bool) string {
	for _, p := range r.placeholders {
		if from, to := p.pair(restore); strings.Contains(s, from) {
			s = strings.ReplaceAll(s, from, to)
		}
	}
	return s
}

// swapBytes is swap for a body, and says whether it changed anything; b
// itself is never modified.
func (r *Rules) swapBytes(b []byte, restore bool) ([]byte, bool) {
	changed := false
	for _, p := range r.placeholders {
		if from, to := p.pair(restore); bytes.Contains(b, []byte(from)) {
			b, changed = bytes.ReplaceAll(b, []byte(from), []byte(to)), true
		}
	}
	return b, changed
}

func (p placeholder) pair(restore bool) (from, to string) {
	if restore {
		return p.token, p.value
	}
	return p.value, p.token
}

// HasPlaceholders reports whether the rules have placeholders, without
// which Restore, RestoreBytes and RestoreHeader change nothing.
func (r *Rules) HasPlaceholders() bool { return len(r.placeholders) > 0 }

// Restore replaces the tokens of placeholders in s by their values, each in
// the form it was recorded in, as replay serves them.
func (r *Rules) Restore(s string) string { return r.swap(s, true) }

// RestoreBytes is Restore for a body; b itself is never modified.
func (r *Rules) RestoreBytes(b []byte) []byte {
	b, _ = r.swapBytes(b, true)
	return b
}

// RestoreHeader returns a copy of h with the values of placeholders put
// back, as Restore does.
func (r *Rules) RestoreHeader(h http.Header) http.Header {
	out := h.Clone()
	for _, vs := range out {
		for j, v := range vs {
			vs[j] = r.swap(v, true)
		}
	}
	return out
}
