package cassette

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"
)

// marshal returns the uncompressed JSON of f, or an error naming what
// Unmarshal would refuse in it. The output depends only on f: header names
// are sorted, and the same file always gives the same bytes.
//
// The file says the oldest version that holds it, so that a cassette that
// needs nothing newer still reads with an older dvd. That version is known
// once the file is written: the writer starts at 1 and puts the version it
// reached in place of the 1 at the end.
func marshal(f *file) ([]byte, error) {
	oldest := *f
	oldest.Version = 1
	w := writer{buf: make([]byte, 0, 256+estimate(f)), version: 1}
	w.nameTLSStates(f)
	if err := fileFormat.write(&w, &oldest); err != nil {
		return nil, err
	}
	w.buf = append(w.buf, '\n')
	if w.version > 1 {
		at := len("{\n  \"version\": ")
		w.buf = slices.Replace(w.buf, at, at+1, strconv.AppendInt(nil, int64(w.version), 10)...)
	}
	return w.buf, nil
}

// estimate guesses the encoded size, so the buffer grows at most once or
// twice.
func estimate(f *file) int {
	n := 0
	for i := range f.Interactions {
		in := &f.Interactions[i]
		n += 300 + len(in.Request.URL) + headerSize(in.Request.Header) + len(in.Request.Body)*2
		if in.Response != nil {
			n += headerSize(in.Response.Header) + headerSize(in.Response.Trailer) + len(in.Response.Body)*2
		}
	}
	return n
}

// headerSize guesses the encoded size of h, indentation included.
func headerSize(h http.Header) int {
	n := 0
	for k, vs := range h {
		n += len(k) + 20
		for _, v := range vs {
			n += len(v) + 4
		}
	}
	return n
}

// A writer appends the file to buf, two spaces of indentation per level.
type writer struct {
	buf     []byte
	version int      // the oldest format version that holds what was written
	depth   int      // the level of the members being written
	names   []string // scratch for sorting header names

	tlsIndex map[*TLSState]int // which of the distinct TLS states each response's is
	tlsNames []string          // the names of the distinct states
	tlsTable []*TLSState       // the distinct states, by name
}

// nl starts a line at the current depth.
func (w *writer) nl() {
	w.buf = append(w.buf, '\n')
	for range w.depth {
		w.buf = append(w.buf, ' ', ' ')
	}
}

// key writes a member's key, which needs no escaping.
func (w *writer) key(name string) {
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '"', ':', ' ')
}

// text writes s as a JSON string when it is valid UTF-8, and as
// {"latin1": "…"} otherwise, so that any bytes read back as they were.
func (w *writer) text(s string) {
	mark := len(w.buf)
	if !w.str(s) {
		w.buf = w.buf[:mark]
		w.latin1(s)
	}
}

// latin1 writes {"latin1": "…"} where each character, U+0000 to U+00FF,
// stands for one byte of s: lossless for any bytes, and readable when they
// are ISO 8859-1 text, as HTTP headers used to be. Control characters, the
// no-break space and the soft hyphen are escaped, so that none hides in the
// file.
func (w *writer) latin1(s string) {
	w.buf = append(w.buf, `{"latin1": "`...)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			w.buf = append(w.buf, '\\', c)
		case c < 0x20 || 0x7f <= c && c <= 0xa0 || c == 0xad:
			w.buf = append(w.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			w.buf = utf8.AppendRune(w.buf, rune(c))
		}
	}
	w.buf = append(w.buf, `"}`...)
}

// header writes h with its names sorted and each name's values in order.
func (w *writer) header(h http.Header) error {
	names := w.names[:0]
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	w.names = names[:0]
	w.buf = append(w.buf, '{')
	w.depth++
	for i, k := range names {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.nl()
		if !w.str(k) {
			return fmt.Errorf("header name %q is not valid UTF-8: rename it", k)
		}
		w.buf = append(w.buf, ':', ' ', '[')
		for j, v := range h[k] {
			if j > 0 {
				w.buf = append(w.buf, ',', ' ')
			}
			w.text(v)
		}
		w.buf = append(w.buf, ']')
	}
	w.depth--
	w.nl()
	w.buf = append(w.buf, '}')
	return nil
}

// classify returns how a body is stored: as JSON when it is a JSON object
// or array spaced as [jsonBody] knows, as text when it is text, as base64
// otherwise; -1 when it is empty.
func classify(b []byte) int {
	switch {
	case len(b) == 0:
		return -1
	case isJSONBody(b):
		return bodyJSON
	case isText(b):
		return bodyText
	}
	return bodyBase64
}

func isJSONBody(b []byte) bool {
	_, _, ok := jsonBody(b)
	return ok
}

// oneLineJSON is the size up to which a JSON body stays on one line, as
// compact as it came, and up to which an object or array in a longer body
// stays on one line of its own: short ones read best that way.
const oneLineJSON = 80

// body writes the value of a body in the given form, one of classify's.
// Long JSON is laid out one member or element a line (see layoutJSON), so
// that its diffs are readable; compacting it again gives the same bytes. It
// returns how a JSON body was spaced.
func (w *writer) body(b []byte, form int) (s jsonSpacing) {
	switch form {
	case bodyJSON:
		var value []byte
		value, s, _ = splitJSON(b)
		if len(value) <= oneLineJSON {
			w.buf = append(w.buf, value...)
		} else {
			w.buf = layoutJSON(w.buf, value, oneLineJSON)
		}
	case bodyText:
		w.str(string(b))
	default:
		w.buf = append(w.buf, '"')
		w.buf = base64.StdEncoding.AppendEncode(w.buf, b)
		w.buf = append(w.buf, '"')
	}
	return s
}

// spacing writes the members that say how a JSON body was spaced, after
// it. (The caller leaves out the zero jsonSpacing: s escapes, and costs an
// allocation.)
func (w *writer) spacing(s jsonSpacing) {
	for _, m := range jsonSpacingFormat {
		if x := *m.at(&s); x != "" {
			w.member(m.name, m.since)
			w.str(x)
		}
	}
}

// member starts a member that a field writes after its own, added to the
// format in version since.
func (w *writer) member(key string, since int) {
	w.buf = append(w.buf, ',')
	w.nl()
	w.key(key)
	w.version = max(w.version, since)
}

// isText reports whether b is UTF-8 without control characters other than
// tab, newline and carriage return, which JSON shows readably.
func isText(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		i += size
	}
	return true
}

const hexDigits = "0123456789abcdef"

// str writes s as a JSON string, and reports false, having written part of
// it, when s is not valid UTF-8.
func (w *writer) str(s string) bool {
	w.buf = append(w.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			w.buf = append(w.buf, s[start:i]...)
			switch c {
			case '"', '\\':
				w.buf = append(w.buf, '\\', c)
			case '\n':
				w.buf = append(w.buf, '\\', 'n')
			case '\r':
				w.buf = append(w.buf, '\\', 'r')
			case '\t':
				w.buf = append(w.buf, '\\', 't')
			default:
				w.buf = append(w.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if r == '\u2028' || r == '\u2029' {
			w.buf = append(w.buf, s[start:i]...)
			w.buf = append(w.buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	w.buf = append(w.buf, s[start:]...)
	w.buf = append(w.buf, '"')
	return true
}
