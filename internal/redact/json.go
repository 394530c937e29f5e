package redact

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The JSON body fields always redacted, at any depth, in any of the usual
// case styles (access_token, accessToken, AccessToken, access-token,
// ACCESS_TOKEN): the credentials of OAuth token requests and responses, of
// APIs that echo a token, of cloud credentials. See cassette.Redaction for what is
// redacted under them.
var defaultJSONNames = []string{
	"access_token", "refresh_token", "id_token", "client_secret", "password", "passwd", "token",
	"api_key", "private_key", "secret", "secret_access_key", "session_token", "auth_token",
}

// jsonRules say what redactJSON redacts: any value at one of paths, and the
// strings (and a number directly) under one of names, at any depth.
type jsonRules struct {
	paths [][]string
	names []string // lower case, without _ or -
}

func newJSONRules(paths []string) jsonRules {
	var r jsonRules
	for _, p := range paths {
		r.paths = append(r.paths, strings.Split(p, "."))
	}
	for _, n := range defaultJSONNames {
		r.names = append(r.names, string(squash(nil, n)))
	}
	return r
}

// squash appends name in lower case without _ and -.
func squash[T string | []byte](dst []byte, name T) []byte {
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == '_' || c == '-':
		case 'A' <= c && c <= 'Z':
			dst = append(dst, c+'a'-'A')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// maxNameLen bounds the field names secretName looks at: no name is that
// long, even with a _ between each of its letters.
const maxNameLen = 64

// secretName reports whether a JSON field name is one of the names.
func secretName[T string | []byte](r *jsonRules, key T) bool {
	if len(key) > maxNameLen {
		return false
	}
	var buf [maxNameLen]byte
	k := squash(buf[:0], key)
	for _, n := range r.names {
		if string(k) == n {
			return hasStem(key)
		}
	}
	return false
}

// hasStem reports whether a name holds a stem of the names in one of the
// case styles jsonStems has: a name in any other (seCret) is none of them,
// which lets mayHold find every name by its stems.
func hasStem[T string | []byte](key T) bool {
	for _, s := range jsonStems {
		if strings.Contains(string(key), string(s)) {
			return true
		}
	}
	return false
}

// redactJSON replaces the values the rules name in a JSON document, or in
// each line of a body of JSON lines (NDJSON), by "REDACTED", changing
// nothing else, and says whether it found any. A body that is not JSON is
// returned as it is.
func redactJSON(b []byte, r jsonRules) ([]byte, bool) {
	if !JSONDocument(b) || !r.mayHold(b) {
		return b, false
	}
	if !json.Valid(b) {
		return redactJSONLines(b, r)
	}
	w := jsonWalker{b: b, dec: json.NewDecoder(bytes.NewReader(b)), rules: &r}
	w.dec.UseNumber()
	w.value(nil, false, false)
	if len(w.spans) == 0 {
		return b, false
	}
	out := make([]byte, 0, len(b))
	last := int64(0)
	for _, s := range w.spans {
		out = append(out, b[last:s[0]]...)
		out = append(out, `"`+Redacted+`"`...)
		last = s[1]
	}
	return append(out, b[last:]...), true
}

// redactJSONLines redacts each line of b that is a JSON document.
func redactJSONLines(b []byte, r jsonRules) ([]byte, bool) {
	if !bytes.Contains(b, []byte("\n")) {
		return b, false
	}
	var out []byte
	changed := false
	for rest := b; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i+1]
		}
		rest = rest[len(line):]
		if json.Valid(line) {
			if red, ok := redactJSON(line, r); ok {
				line, changed = red, true
			}
		}
		out = append(out, line...)
	}
	if !changed {
		return b, false
	}
	return out, true
}

// JSONDocument reports whether b starts as a JSON object or array, the only
// documents with fields to redact.
func JSONDocument(b []byte) bool {
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	return len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
}

// The stems of the default names, as they are written in snake_case,
// camelCase and UPPER_CASE.
var jsonStems = [][]byte{
	[]byte("token"), []byte("Token"), []byte("TOKEN"),
	[]byte("secret"), []byte("Secret"), []byte("SECRET"),
	[]byte("passw"), []byte("Passw"), []byte("PASSW"),
	[]byte("key"), []byte("Key"), []byte("KEY"),
}

// mayHold reports whether a JSON document may hold one of the paths or the
// names, without parsing it: most bodies hold none, and then need no
// parsing. It looks for the quoted name a path ends with, and for a key
// (a string that a colon follows) around a stem of the names that is one
// of them. A key spelled with escapes is found only by parsing, so a
// document with a backslash-u in a key is always parsed.
func (r *jsonRules) mayHold(b []byte) bool {
	for _, p := range r.paths {
		last := p[len(p)-1]
		if last == "*" || bytes.Contains(b, []byte(`"`+last+`"`)) {
			return true
		}
	}
	if len(r.names) > 0 {
		for _, s := range jsonStems {
			for i := 0; ; {
				k := bytes.Index(b[i:], s)
				if k < 0 {
					break
				}
				k += i
				if key, ok := keyAround(b, k); ok && secretName(r, key) {
					return true
				}
				i = k + len(s)
			}
		}
	}
	for i := 0; ; {
		k := bytes.Index(b[i:], []byte(`\u`))
		if k < 0 {
			return false
		}
		k += i
		if end := stringEndWithin(b, k, 256); end > 0 && colonAfter(b, end) {
			return true
		}
		i = k + 2
	}
}

// keyAround returns the string around b[i] when a colon follows it, as a
// key's does, and it is no longer than maxNameLen.
func keyAround(b []byte, i int) ([]byte, bool) {
	start := i
	for start > 0 && i-start <= maxNameLen && b[start-1] != '"' {
		start--
	}
	end := i
	for end < len(b) && end-start <= maxNameLen && b[end] != '"' {
		end++
	}
	if start == 0 || end == len(b) || b[start-1] != '"' || b[end] != '"' || !colonAfter(b, end+1) {
		return nil, false
	}
	return b[start:end], true
}

// stringEndWithin returns the index after the closing quote of the string that
// b[i] is in, looking at most n bytes ahead, or -1.
func stringEndWithin(b []byte, i, n int) int {
	for j := i; j < len(b) && j-i < n; j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// colonAfter reports whether a colon follows b[i:], after spacing.
func colonAfter(b []byte, i int) bool {
	for ; i < len(b); i++ {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			continue
		case ':':
			return true
		}
		return false
	}
	return false
}

// A jsonWalker reads a JSON document and records the byte spans of the
// values to redact.
type jsonWalker struct {
	b     []byte
	dec   *json.Decoder
	rules *jsonRules
	spans [][2]int64
}

// value reads one value at path. named says it is the value of a secret
// name; under, that it is inside one, where strings are redacted too. It
// returns false once the document cannot be read.
func (w *jsonWalker) value(path []string, named, under bool) bool {
	if pathMatches(path, w.rules.paths) {
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			return false
		}
		// Before a value, InputOffset may sit ahead of the separator and
		// the spacing; after it, it is the value's end.
		end := w.dec.InputOffset()
		w.add(end-int64(len(raw)), end)
		return true
	}
	before := w.dec.InputOffset()
	tok, err := w.dec.Token()
	if err != nil {
		return false
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			for w.dec.More() {
				k, err := w.dec.Token()
				if err != nil {
					return false
				}
				key, _ := k.(string)
				secret := secretName(w.rules, key)
				if !w.value(append(path, key), secret, under || secret) {
					return false
				}
			}
		case '[':
			for w.dec.More() {
				if !w.value(append(path, "#"), false, under) {
					return false
				}
			}
		}
		_, err := w.dec.Token() // } or ]
		return err == nil
	case string:
		if named || under {
			w.span(before)
		}
	case json.Number:
		if named {
			w.span(before)
		}
	}
	return true
}

// span records the scalar just read, which starts after the separators
// that follow before.
func (w *jsonWalker) span(before int64) {
	start := before
	for start < int64(len(w.b)) {
		switch w.b[start] {
		case ' ', '\t', '\r', '\n', ':', ',':
			start++
			continue
		}
		break
	}
	w.add(start, w.dec.InputOffset())
}

// add records a span, unless it holds "REDACTED" already.
func (w *jsonWalker) add(start, end int64) {
	if string(w.b[start:end]) != `"`+Redacted+`"` {
		w.spans = append(w.spans, [2]int64{start, end})
	}
}

func pathMatches(path []string, paths [][]string) bool {
	if len(path) == 0 {
		return false
	}
outer:
	for _, p := range paths {
		if len(p) != len(path) {
			continue
		}
		for i := range p {
			if p[i] != "*" && p[i] != path[i] && !(path[i] == "#" && p[i] == "*") {
				continue outer
			}
		}
		return true
	}
	return false
}

// JSON redacts the fields the rules name in a JSON document or in each
// line of JSON lines, and says whether it found any; b itself is never
// modified, and a body that is not JSON is returned as it is.
func (r *Rules) JSON(b []byte) ([]byte, bool) { return redactJSON(b, r.json) }
