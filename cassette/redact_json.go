package cassette

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The JSON body fields always redacted, at any depth, whatever their case
// and whether their words are joined by _, - or capitals (accessToken,
// ACCESS-TOKEN): the credentials of OAuth token requests and responses, of
// APIs that echo a token, of cloud credentials. See Redaction for what is
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
func squash(dst []byte, name string) []byte {
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

// secretName reports whether a JSON field name is one of the names.
func (r *jsonRules) secretName(key string) bool {
	var buf [32]byte
	if len(key) > 2*len(buf) {
		return false // no name is that long, even with _ between its letters
	}
	k := squash(buf[:0], key)
	for _, n := range r.names {
		if string(k) == n {
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
	if !jsonDocument(b) || !r.mayHold(b) {
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

// jsonDocument reports whether b starts as a JSON object or array, the only
// documents with fields to redact.
func jsonDocument(b []byte) bool {
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
// names, by looking for the quoted name a path ends with and the stems of
// the names: most bodies hold none, and then need no parsing. A name
// spelled with escapes is found only by parsing, so a body with a
// backslash-u is always parsed.
func (r *jsonRules) mayHold(b []byte) bool {
	if bytes.Contains(b, []byte(`\u`)) {
		return true
	}
	for _, p := range r.paths {
		last := p[len(p)-1]
		if last == "*" || bytes.Contains(b, []byte(`"`+last+`"`)) {
			return true
		}
	}
	if len(r.names) > 0 {
		for _, s := range jsonStems {
			if bytes.Contains(b, s) {
				return true
			}
		}
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
				secret := w.rules.secretName(key)
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
