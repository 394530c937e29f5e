package redact

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/dvdrw/dvd/internal/unsafeconv"
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
	out, changed, doc := redactDocument(b, r)
	if !doc {
		return redactJSONLines(b, r)
	}
	return out, changed
}

// redactDocument is redactJSON for one JSON document; doc reports false
// when b may hold a name to redact but is no document.
func redactDocument(b []byte, r jsonRules) (out []byte, changed, doc bool) {
	if !JSONDocument(b) {
		return b, false, true
	}
	may, oauth := r.mayHold(b)
	if !may {
		return b, false, true
	}
	w := jsonWalker{b: b, rules: &r, oauth: oauth}
	if !w.document() {
		return b, false, false
	}
	if len(w.spans) == 0 {
		return b, false, true
	}
	out = make([]byte, 0, len(b))
	last := int64(0)
	for _, s := range w.spans {
		out = append(out, b[last:s[0]]...)
		out = append(out, `"`+Redacted+`"`...)
		last = s[1]
	}
	return append(out, b[last:]...), true, true
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
		if red, ok, _ := redactDocument(line, r); ok {
			line, changed = red, true
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
// values to redact. It reads the bytes itself, in one pass, and checks
// the syntax as it goes: a document it cannot read whole is no JSON
// document (it may be JSON lines).
type jsonWalker struct {
	b     []byte
	i     int
	rules *jsonRules
	oauth bool // the document has a grant_type member
	spans [][2]int64
	depth int
	// keys caches what secretKey said of keys, by a hash of their length
	// and ends: the objects of a list repeat their keys.
	keys [64]keyClass
}

type keyClass struct {
	key            string
	named, numbers bool
}

// secretKey is jsonRules.secretKey, cached.
func (w *jsonWalker) secretKey(key string) (named, numbers bool) {
	if len(key) == 0 {
		return w.rules.secretKey(key, w.oauth)
	}
	c := &w.keys[(len(key)*7+int(key[0])*3+int(key[len(key)-1]))&(len(w.keys)-1)]
	if c.key == key && c.key != "" {
		return c.named, c.numbers
	}
	named, numbers = w.rules.secretKey(key, w.oauth)
	*c = keyClass{key, named, numbers} // key lives as long as the walk
	return named, numbers
}

// maxJSONDepth bounds the nesting the walker follows, as encoding/json
// does: deeper, the body is not read as JSON.
const maxJSONDepth = 10000

// document reads the whole of w.b as one JSON value, and reports whether
// it is one.
func (w *jsonWalker) document() bool {
	if !w.value(nil, false, false, false) {
		return false
	}
	w.space()
	return w.i == len(w.b)
}

func (w *jsonWalker) space() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\r', '\n':
			w.i++
			continue
		}
		return
	}
}

// value reads one value at path. named says it is the value of a secret
// name, numbers that its numbers are secret too; under, that it is inside
// one, where strings are redacted too. It returns false once the document
// cannot be read.
func (w *jsonWalker) value(path []string, named, numbers, under bool) bool {
	w.space()
	if w.i >= len(w.b) {
		return false
	}
	start := w.i
	if len(w.rules.paths) > 0 && pathMatches(path, w.rules.paths) {
		if !w.skip() {
			return false
		}
		w.add(start, w.i)
		return true
	}
	switch c := w.b[w.i]; {
	case c == '{':
		if w.depth++; w.depth > maxJSONDepth {
			return false
		}
		w.i++
		w.space()
		if w.i < len(w.b) && w.b[w.i] == '}' {
			w.i++
			w.depth--
			return true
		}
		for {
			w.space()
			kstart := w.i
			end, escaped, ok := w.str()
			if !ok {
				return false
			}
			key := unsafeconv.String(w.b[kstart+1 : end])
			if escaped {
				var k string
				if json.Unmarshal(w.b[kstart:end+1], &k) != nil {
					return false
				}
				key = k
			}
			w.space()
			if w.i >= len(w.b) || w.b[w.i] != ':' {
				return false
			}
			w.i++
			secret, nums := w.secretKey(key)
			var sub []string
			if len(w.rules.paths) > 0 {
				sub = append(path[:len(path):len(path)], key)
			}
			if !w.value(sub, secret, nums, under || secret) {
				return false
			}
			if !w.next('}') {
				return false
			}
			if w.b[w.i-1] == '}' {
				w.depth--
				return true
			}
		}
	case c == '[':
		if w.depth++; w.depth > maxJSONDepth {
			return false
		}
		w.i++
		w.space()
		if w.i < len(w.b) && w.b[w.i] == ']' {
			w.i++
			w.depth--
			return true
		}
		var sub []string
		if len(w.rules.paths) > 0 {
			sub = append(path[:len(path):len(path)], "#")
		}
		for {
			if !w.value(sub, false, false, under) {
				return false
			}
			if !w.next(']') {
				return false
			}
			if w.b[w.i-1] == ']' {
				w.depth--
				return true
			}
		}
	case c == '"':
		if _, _, ok := w.str(); !ok {
			return false
		}
		if named || under {
			w.add(start, w.i)
		}
	case c == 't':
		return w.literal("true")
	case c == 'f':
		return w.literal("false")
	case c == 'n':
		return w.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		if !w.number() {
			return false
		}
		if numbers {
			w.add(start, w.i)
		}
	default:
		return false
	}
	return true
}

// next reads the comma after a member or an element, or the end of the
// object or array, and reports whether there was either.
func (w *jsonWalker) next(end byte) bool {
	w.space()
	if w.i < len(w.b) && (w.b[w.i] == ',' || w.b[w.i] == end) {
		w.i++
		return true
	}
	return false
}

// str reads a string at w.i: it returns the index of its closing quote,
// and whether it holds an escape.
func (w *jsonWalker) str() (end int, escaped, ok bool) {
	b := w.b
	if w.i >= len(b) || b[w.i] != '"' {
		return 0, false, false
	}
	for j := w.i + 1; j < len(b); {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, false, false
		}
		k += j
		bs := 0
		for p := k - 1; p > w.i && b[p] == '\\'; p-- {
			bs++
		}
		if bs%2 == 0 {
			escaped, ok := validString(b[w.i+1 : k])
			if !ok {
				return 0, false, false
			}
			w.i = k + 1
			return k, escaped, true
		}
		j = k + 1
	}
	return 0, false, false
}

// validString reports whether s, the inside of a string, is as JSON
// writes it (no control character, escapes that JSON knows), and whether
// it holds an escape.
func validString(s []byte) (escaped, ok bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20:
			return false, false
		case c == '\\':
			escaped = true
			if i+1 >= len(s) {
				return false, false
			}
			i++
			switch s[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) || !isHex(s[i+3]) || !isHex(s[i+4]) {
					return false, false
				}
				i += 4
			default:
				return false, false
			}
		}
	}
	return escaped, true
}

func (w *jsonWalker) literal(lit string) bool {
	if !bytes.HasPrefix(w.b[w.i:], []byte(lit)) {
		return false
	}
	w.i += len(lit)
	return true
}

// number reads a number, as JSON writes them.
func (w *jsonWalker) number() bool {
	b, i := w.b, w.i
	if b[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	w.i = i
	return true
}

// skip reads a value without recording anything in it.
func (w *jsonWalker) skip() bool {
	rules := w.rules
	w.rules = &jsonRules{}
	ok := w.value(nil, false, false, false)
	w.rules = rules
	return ok
}

// add records a span, unless it holds a marker already.
func (w *jsonWalker) add(start, end int) {
	if v := w.b[start:end]; len(v) >= 2 && v[0] == '"' && IsMarker(unsafeconv.String(v[1:len(v)-1])) {
		return
	}
	w.spans = append(w.spans, [2]int64{int64(start), int64(end)})
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
