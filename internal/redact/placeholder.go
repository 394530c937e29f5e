package redact

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// A placeholder is one form of a placeholder's value, and the token that
// stands for it in the cassette.
type placeholder struct{ token, value string }

// A placeholderForm is a way a value is written: as it is, escaped in a
// URL, escaped in a JSON string.
type placeholderForm struct {
	name   string
	escape func(string) string
}

// placeholderForms are the forms a value is found and restored in. A form
// that writes a value as another form does adds nothing.
var placeholderForms = []placeholderForm{
	{"", func(s string) string { return s }},
	{"query", url.QueryEscape},
	{"path", url.PathEscape}, // a path segment: / escaped
	{"url-path", func(s string) string { return (&url.URL{Path: s}).EscapedPath() }}, // a path: / kept
	{"json", func(s string) string { return jsonString(s, true) }},                   // Go's: \u003c for <, \" and \\
	{"json-plain", func(s string) string { return jsonString(s, false) }},            // most encoders': \" and \\
	{"json-slash", func(s string) string { return slashes(jsonString(s, false)) }},   // PHP's: \/ too
	{"json-html-slash", func(s string) string { return slashes(jsonString(s, true)) }},
}

// jsonString returns s as the inside of a JSON string.
func jsonString(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	enc.Encode(s) // a string always encodes
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\"\n"))[1:])
}

func slashes(s string) string { return strings.ReplaceAll(s, "/", `\/`) }

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
