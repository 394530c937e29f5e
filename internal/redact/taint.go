package redact

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"github.com/dvdrw/dvd/internal/unsafeconv"
)

// A Ledger numbers the secrets of one recording and taints them: a value
// redacted in one place is replaced wherever else it appears, in every
// form it takes.
//
// Redaction itself knows no ledger: it leaves plain REDACTED where a value
// was. [Ledger.Number] then reads the value back from the text before and
// after, gives it its number, and keeps it; [Ledger.Taint] builds the
// replacer of every value kept that is long and varied enough to be a
// credential (see taintable). A Ledger is not safe for concurrent use.
type Ledger struct {
	last int            // the highest number given
	nums map[string]int // a value, unescaped → its number
}

// NewLedger returns a ledger whose first number is after+1: in a cassette
// that is added to, new values are numbered after the highest there.
func NewLedger(after int) *Ledger {
	return &Ledger{last: after, nums: map[string]int{}}
}

// Escaping says how a place writes a value, to read it back unescaped: the
// same secret is one value whether a header, a query or a JSON string
// holds it.
type Escaping uint8

const (
	// AsIs is a header value, an error text, a text body.
	AsIs Escaping = iota
	// URLEscaped is a URL, a query, a url-encoded form.
	URLEscaped
	// JSONEscaped is a JSON document.
	JSONEscaped
)

// BodyEscaping returns how a body of the given Content-Type writes values.
func BodyEscaping(contentType string) Escaping {
	switch {
	case isForm(contentType):
		return URLEscaped
	case strings.Contains(strings.ToLower(contentType), "json"):
		return JSONEscaped
	}
	return AsIs
}

func unescape(raw string, esc Escaping) string {
	switch esc {
	case URLEscaped:
		if v, err := url.QueryUnescape(raw); err == nil {
			return v
		}
	case JSONEscaped:
		if strings.IndexByte(raw, '\\') >= 0 {
			var v string
			if json.Unmarshal([]byte(`"`+raw+`"`), &v) == nil {
				return v
			}
		}
	}
	return raw
}

// marker returns the marker of a value as written in a place, numbering it
// if it is new.
func (l *Ledger) marker(raw string, esc Escaping) string {
	v := unescape(raw, esc)
	n, ok := l.nums[v]
	if !ok {
		l.last++
		n = l.last
		l.nums[v] = n
	}
	return Marker(n)
}

// Number returns red, the redaction of orig, with each plain REDACTED that
// redaction put in numbered for the value it replaced, and keeps the
// values. A marker that orig held already stays as it was. Redaction
// replaces values and changes nothing else, so the text around each marker
// says where its value ended; where red is not orig so changed (a URL
// written anew), Number returns red as it is, with plain markers.
func (l *Ledger) Number(orig, red string, esc Escaping) string {
	if orig == red || !strings.Contains(red, Redacted) {
		return red
	}
	var b strings.Builder
	b.Grow(len(red) + 8)
	i, j := 0, 0 // orig[:i] and red[:j] are done
	for {
		k := strings.Index(red[j:], Redacted)
		if k < 0 {
			if orig[i:] != red[j:] {
				return red
			}
			b.WriteString(red[j:])
			return b.String()
		}
		k += j
		lit := red[j:k]
		if !strings.HasPrefix(orig[i:], lit) {
			// A number redacted as a JSON string: "REDACTED" for 1234.
			if lit == "" || lit[len(lit)-1] != '"' || !strings.HasPrefix(orig[i:], lit[:len(lit)-1]) {
				return red
			}
			lit = lit[:len(lit)-1]
		}
		quoted := k-j != len(lit)
		vstart := i + len(lit)
		if n := markerLen(orig[vstart:]); n > 0 && !quoted {
			// A marker that was there already: keep it, number and all.
			b.WriteString(lit)
			b.WriteString(orig[vstart : vstart+n])
			i, j = vstart+n, k+len(Redacted)
			continue
		}
		after := k + len(Redacted)
		if quoted {
			if after >= len(red) || red[after] != '"' {
				return red
			}
			after++
		}
		// The text after the marker, up to the next one, follows the value.
		tail := red[after:]
		next := strings.Index(tail, Redacted)
		var vend int
		if next < 0 {
			vend = len(orig) - len(tail)
			if vend < vstart || orig[vend:] != tail {
				return red
			}
		} else {
			tail = strings.TrimSuffix(tail[:next], `"`) // the next may be quoted
			p := strings.Index(orig[vstart:], tail)
			if p < 0 {
				return red
			}
			vend = vstart + p
		}
		b.WriteString(red[j:k])
		b.WriteString(l.marker(orig[vstart:vend], esc))
		if quoted {
			b.WriteByte('"')
		}
		i, j = vend, after
	}
}

// NumberBytes is Number for a body.
func (l *Ledger) NumberBytes(orig, red []byte, esc Escaping) []byte {
	if bytes.Equal(orig, red) || !bytes.Contains(red, []byte(Redacted)) {
		return red
	}
	s := l.Number(string(orig), string(red), esc)
	if s == string(red) {
		return red
	}
	return []byte(s)
}

// A Taint replaces the values of a ledger, in every form, by their
// markers. It is only read once built.
type Taint struct {
	forms []taintForm // longest first, so that no form hides inside another
	// The forms by their first two bytes, and a bit set of those pairs,
	// so that one pass over a text finds every form: most positions cost
	// a bit test.
	pairs  [1 << 16 / 64]uint64
	byPair map[uint16][]int32
}

type taintForm struct{ text, marker string }

// Taint returns the replacer of the values kept so far that are long and
// varied enough to be credentials, or nil when there is none.
func (l *Ledger) Taint() *Taint {
	seen := map[string]bool{}
	var t Taint
	for v, n := range l.nums {
		if !taintable(v) {
			continue
		}
		m := Marker(n)
		for _, f := range forms(v) {
			if len(f) >= minTaint && !seen[f] {
				seen[f] = true
				t.forms = append(t.forms, taintForm{f, m})
			}
		}
	}
	if len(t.forms) == 0 {
		return nil
	}
	slices.SortFunc(t.forms, func(a, b taintForm) int {
		return cmp.Or(len(b.text)-len(a.text), strings.Compare(a.text, b.text))
	})
	t.byPair = map[uint16][]int32{}
	for i, f := range t.forms {
		k := uint16(f.text[0])<<8 | uint16(f.text[1])
		t.pairs[k>>6] |= 1 << (k & 63)
		t.byPair[k] = append(t.byPair[k], int32(i))
	}
	return &t
}

// next returns where the first form at or after from starts in s, and
// which form it is, the longest there; or -1.
func (t *Taint) next(s string, from int) (at, form int) {
	for i := from; i+minTaint <= len(s); i++ {
		k := uint16(s[i])<<8 | uint16(s[i+1])
		if t.pairs[k>>6]&(1<<(k&63)) == 0 {
			continue
		}
		for _, fi := range t.byPair[k] {
			if strings.HasPrefix(s[i:], t.forms[fi].text) {
				return i, int(fi)
			}
		}
	}
	return -1, 0
}

// minTaint is the length from which a value is tainted; its base64 forms
// are tainted from minTaintBase64.
const (
	minTaint       = 8
	minTaintBase64 = 12
)

// taintable reports whether a value is long and varied enough to be a
// credential, and not a word, a name or a number that could stand in
// unrelated text: at least 8 bytes, five of them distinct, with letters
// and digits among them, or, for letters (and separators) alone, a case
// that changes as often as a random string's does (xKqPzLmN, not
// ServiceAccountKey, service_account or a word).
func taintable(v string) bool {
	if len(v) < minTaint || strings.Contains(v, Redacted) {
		return false
	}
	var (
		seen                 [256]bool
		distinct, changes    int
		lower, upper, digit  bool
		lastLower, lastUpper bool
	)
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !seen[c] {
			seen[c], distinct = true, distinct+1
		}
		isLower, isUpper := 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z'
		switch {
		case isLower:
			lower = true
		case isUpper:
			upper = true
		case isDigit(c):
			digit = true
		}
		if isLower && lastUpper || isUpper && lastLower {
			changes++
		}
		lastLower, lastUpper = isLower, isUpper
	}
	switch {
	case distinct < 5 || !lower && !upper:
		return false // aaaaaaaa, a number, a date, an address
	case digit:
		return true
	}
	// Letters alone, or with separators (service_account, max-age).
	return lower && upper && changes*5 >= len(v)*2
}

// forms returns the ways a value may be written in a cassette: every form
// placeholders know (as it is, URL-escaped, JSON-escaped, HTML-escaped, in
// either case of hex digits), and from minTaintBase64 bytes in base64 at
// each of the three alignments it can have inside a longer encoded text.
func forms(v string) []string {
	fs := make([]string, 0, len(placeholderForms)+8)
	for _, f := range placeholderForms {
		fs = append(fs, f.escape(v))
	}
	if len(v) >= minTaintBase64 {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			fs = append(fs, enc.EncodeToString([]byte(v)))
			for off := range 3 {
				fs = append(fs, base64Middle(enc, v, off))
			}
		}
	}
	return fs
}

// base64Middle returns the part of the base64 encoding of v, placed off
// bytes into a longer text, that depends on v alone.
func base64Middle(enc *base64.Encoding, v string, off int) string {
	src := make([]byte, off+len(v))
	copy(src[off:], v)
	e := enc.EncodeToString(src)
	start := 0
	if off > 0 {
		start = 4
	}
	end := 4 * ((off + len(v)) / 3)
	if end <= start {
		return ""
	}
	return e[start:end]
}

// String returns s with every form of every value replaced by its marker.
func (t *Taint) String(s string) string {
	if t == nil || len(s) < minTaint {
		return s
	}
	at, fi := t.next(s, 0)
	if at < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for at >= 0 {
		b.WriteString(s[last:at])
		b.WriteString(t.forms[fi].marker)
		last = at + len(t.forms[fi].text)
		at, fi = t.next(s, last)
	}
	b.WriteString(s[last:])
	return b.String()
}

// Bytes is String for a body of the given Content-Type, and says whether
// it changed anything; a binary body is never changed, nor is b itself.
func (t *Taint) Bytes(b []byte, contentType string) ([]byte, bool) {
	if t == nil || len(b) < minTaint {
		return b, false
	}
	s := unsafeconv.String(b)
	at, fi := t.next(s, 0)
	if at < 0 || binaryBody(b, contentType) {
		return b, false
	}
	out := make([]byte, 0, len(b))
	last := 0
	for at >= 0 {
		out = append(out, b[last:at]...)
		out = append(out, t.forms[fi].marker...)
		last = at + len(t.forms[fi].text)
		at, fi = t.next(s, last)
	}
	return append(out, b[last:]...), true
}

// Placeholders returns s with the values of placeholders replaced by their
// tokens, and nothing else redacted: the text that redaction replaced
// values in, which [Ledger.Number] compares its result with.
func (r *Rules) Placeholders(s string) string {
	if len(r.placeholders) == 0 {
		return s
	}
	return r.swap(s, false)
}
