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

// jsonRules say what redactJSON redacts: any value at one of paths, and,
// when names is set, the values of credentials' names (credentialNames)
// at any depth, but those that keep names.
type jsonRules struct {
	paths [][]string
	names bool
	keep  map[string]bool // normalised
}

func newJSONRules(paths []string) jsonRules {
	r := jsonRules{names: true}
	for _, p := range paths {
		r.paths = append(r.paths, strings.Split(p, "."))
	}
	return r
}

// secretKey says whether the values of a JSON key are a credential's, its
// strings (named) and its numbers too (numbers), in an OAuth request or
// not.
func (r *jsonRules) secretKey(key string, oauth bool) (named, numbers bool) {
	if !r.names {
		return false, false
	}
	var buf [maxNameLen]byte
	n, lw, ok := normalise(&buf, key)
	if !ok || len(r.keep) > 0 && r.keep[string(n)] {
		return false, false
	}
	p := InJSON
	if oauth {
		p = InOAuthJSON
	}
	if !credential(n, lw, p) {
		return false, false
	}
	return true, endsWithCredential(n)
}

// redactJSON replaces the values the rules name in a JSON document, or in
// each line of a body of JSON lines (NDJSON), by "REDACTED", changing
// nothing else, and says whether it found any. A body that is not JSON is
// returned as it is.
func redactJSON(b []byte, r jsonRules) ([]byte, bool) {
	if bytes.HasPrefix(b, bom) {
		// IIS and .NET may start a JSON body with a byte order mark.
		red, ok := redactJSON(b[len(bom):], r)
		if !ok {
			return b, false
		}
		return append(append(make([]byte, 0, len(bom)+len(red)), bom...), red...), true
	}
	if !JSONDocument(b) {
		return b, false
	}
	may, oauth := r.mayHold(b)
	if !may {
		return b, false
	}
	if !json.Valid(b) {
		return redactJSONLines(b, r)
	}
	w := jsonWalker{b: b, dec: json.NewDecoder(bytes.NewReader(b)), rules: &r, oauth: oauth}
	w.dec.UseNumber()
	w.value(nil, false, false, false)
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

// bom is the UTF-8 byte order mark.
var bom = []byte("\xef\xbb\xbf")

// mayHold reports whether a JSON document may hold one of the paths or a
// credential's name, without parsing it: most bodies hold none, and then
// need no parsing. It looks for the quoted name a path ends with, and
// classifies every key (a string that a colon follows) in one pass over
// the document. oauth says that a key is grant_type: the document is an
// OAuth request. A key spelled with escapes is found only by parsing, so a
// document with a backslash in a key is always parsed.
func (r *jsonRules) mayHold(b []byte) (may, oauth bool) {
	for _, p := range r.paths {
		last := p[len(p)-1]
		if last == "*" || bytes.Contains(b, []byte(`"`+last+`"`)) {
			may = true
		}
	}
	if !r.names {
		return may, false
	}
	oauthOnly := false // a key that is a credential's in an OAuth request alone
	// The keys found to be none, by a hash of their length and ends: the
	// objects of a list repeat their keys, which are then classified once.
	var none [32][]byte
	for i := 0; i < len(b); {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			break
		}
		start := i + q + 1
		end, escaped, resume := stringEnd(b, start)
		if end < 0 {
			if resume < 0 {
				break
			}
			i = resume // a line that is no JSON: the next may be
			continue
		}
		i = end + 1
		if !colonAfter(b, end+1) {
			continue
		}
		if escaped {
			may = true // only parsing reads the key
			continue
		}
		key := b[start:end]
		h := 0
		if len(key) > 0 {
			h = (len(key)*7 + int(key[0])*3 + int(key[len(key)-1])) & (len(none) - 1)
			if string(none[h]) == string(key) {
				continue
			}
		}
		var buf [maxNameLen]byte
		n, lw, ok := normalise(&buf, key)
		if !ok || len(r.keep) > 0 && r.keep[string(n)] {
			continue
		}
		if string(n) == "granttype" {
			oauth = true
			continue
		}
		m := places(n, lw)
		if m&(1<<InJSON|1<<InOAuthJSON) == 0 || describesOrPages(n, lw) {
			none[h] = key
			continue
		}
		if m&(1<<InJSON) != 0 {
			may = true
		} else {
			oauthOnly = true
		}
	}
	return may || oauth && oauthOnly, oauth
}

// stringEnd returns the index of the quote that ends the string starting
// at b[start], and whether the string holds a backslash; or -1 and where
// the next line starts (-1 at the end) when the string does not end on
// its line, as no JSON string does.
func stringEnd(b []byte, start int) (end int, escaped bool, resume int) {
	for j := start; j < len(b); {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return -1, escaped, -1
		}
		k += j
		if nl := bytes.IndexByte(b[j:k], '\n'); nl >= 0 {
			return -1, escaped, j + nl + 1
		}
		bs := 0
		for p := k - 1; p >= start && b[p] == '\\'; p-- {
			bs++
		}
		if bs > 0 {
			escaped = true
		}
		if bs%2 == 0 {
			return k, escaped, 0
		}
		j = k + 1
	}
	return -1, escaped, -1
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
	oauth bool // the document has a grant_type member
	spans [][2]int64
}

// value reads one value at path. named says it is the value of a secret
// name, numbers that its numbers are secret too; under, that it is inside
// one, where strings are redacted too. It returns false once the document
// cannot be read.
func (w *jsonWalker) value(path []string, named, numbers, under bool) bool {
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
				secret, nums := w.rules.secretKey(key, w.oauth)
				if !w.value(append(path, key), secret, nums, under || secret) {
					return false
				}
			}
		case '[':
			for w.dec.More() {
				if !w.value(append(path, "#"), false, false, under) {
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
		if numbers {
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
