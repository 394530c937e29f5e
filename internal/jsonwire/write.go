package jsonwire

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"
)

// A Writer appends a document to Buf, two spaces of indentation per
// level: an [Object]'s Write writes its members, each [Field] the value of
// its own.
type Writer struct {
	// Buf holds what was written. A field's Write appends its value to it.
	Buf []byte
	// Version is the oldest format version that holds what was written:
	// each field written raises it to the version that added it (see
	// [Since]).
	Version int

	depth int      // the level of the members being written
	names []string // scratch for sorting header names
	named []any    // the *tableNames of each Table of the document
	name0 [1]any   // what named holds first, with no allocation
}

// Begin starts an object or array, c being '{' or '[', whose members or
// elements each start with [Writer.Line].
func (w *Writer) Begin(c byte) {
	w.Buf = append(w.Buf, c)
	w.depth++
}

// End ends the object or array that Begin started, c being '}' or ']',
// on a line of its own.
func (w *Writer) End(c byte) {
	w.depth--
	w.Line()
	w.Buf = append(w.Buf, c)
}

// Line starts a line at the current depth.
func (w *Writer) Line() {
	w.Buf = append(w.Buf, '\n')
	for range w.depth {
		w.Buf = append(w.Buf, ' ', ' ')
	}
}

// key writes a member's key, which needs no escaping, and its colon.
func (w *Writer) key(name string) {
	w.Buf = append(w.Buf, '"')
	w.Buf = append(w.Buf, name...)
	w.Buf = append(w.Buf, '"', ':', ' ')
}

// Text writes s as a JSON string when it is valid UTF-8, and as
// {"latin1": "…"} otherwise, so that any bytes read back as they were.
func (w *Writer) Text(s string) {
	mark := len(w.Buf)
	if !w.Str(s) {
		w.Buf = w.Buf[:mark]
		w.latin1(s)
	}
}

// latin1 writes {"latin1": "…"} where each character, U+0000 to U+00FF,
// stands for one byte of s: lossless for any bytes, and readable when they
// are ISO 8859-1 text, as HTTP headers used to be. Control characters, the
// no-break space and the soft hyphen are escaped, so that none hides in the
// file.
func (w *Writer) latin1(s string) {
	w.Buf = append(w.Buf, `{"latin1": "`...)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			w.Buf = append(w.Buf, '\\', c)
		case c < 0x20 || 0x7f <= c && c <= 0xa0 || c == 0xad:
			w.Buf = append(w.Buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			w.Buf = utf8.AppendRune(w.Buf, rune(c))
		}
	}
	w.Buf = append(w.Buf, `"}`...)
}

// header writes h with its names sorted and each name's values in order.
func (w *Writer) header(h http.Header) error {
	names := w.names[:0]
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	w.names = names[:0]
	w.Buf = append(w.Buf, '{')
	w.depth++
	for i, k := range names {
		if i > 0 {
			w.Buf = append(w.Buf, ',')
		}
		w.Line()
		if !w.Str(k) {
			return fmt.Errorf("header name %q is not valid UTF-8: rename it", k)
		}
		w.Buf = append(w.Buf, ':', ' ', '[')
		for j, v := range h[k] {
			if j > 0 {
				w.Buf = append(w.Buf, ',', ' ')
			}
			w.Text(v)
		}
		w.Buf = append(w.Buf, ']')
	}
	w.depth--
	w.Line()
	w.Buf = append(w.Buf, '}')
	return nil
}

// classify returns how a body is stored: as JSON when it is a JSON object
// or array that is text (see [jsonBody]), as text when it is text, as base64
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

// oneLineBody is the size up to which a JSON body stays on one line, as
// compact as it came: about what fits on a line after "body_json".
const oneLineBody = 100

// body writes the value of a body in the given form, one of classify's.
// Long JSON is laid out (see layoutJSON), so that its diffs are readable;
// compacting it again gives the same bytes. It returns how a JSON body was
// spaced.
func (w *Writer) body(b []byte, form int) (s jsonSpacing) {
	switch form {
	case bodyJSON:
		var value []byte
		value, s = splitJSON(b)
		if len(value) <= oneLineBody {
			w.Buf = append(w.Buf, value...)
		} else {
			w.Buf = layoutJSON(w.Buf, value, oneLineJSON)
		}
	case bodyText:
		w.Str(string(b))
	default:
		w.Buf = append(w.Buf, '"')
		w.Buf = base64.StdEncoding.AppendEncode(w.Buf, b)
		w.Buf = append(w.Buf, '"')
	}
	return s
}

// spacing writes the members that say how a JSON body was spaced, after
// it, added to the format in version since. (The caller leaves out the
// zero jsonSpacing: s escapes, and costs an allocation.)
func (w *Writer) spacing(s *jsonSpacing, since int) {
	for _, m := range jsonSpacingFormat {
		if m.at == nil { // the gaps
			if len(s.gaps) > 0 {
				w.member(m.name, since)
				w.gaps(s.gaps)
			}
			continue
		}
		if x := *m.at(s); x != "" {
			w.member(m.name, since)
			w.Str(x)
		}
	}
}

// gaps writes the runs of spacing of a JSON body and where they go, as
// [[offset, "spacing"], …], on one line.
func (w *Writer) gaps(gs []gap) {
	w.Buf = append(w.Buf, '[')
	for i, g := range gs {
		if i > 0 {
			w.Buf = append(w.Buf, ',', ' ')
		}
		w.Buf = append(w.Buf, '[')
		w.Buf = strconv.AppendInt(w.Buf, int64(g.at), 10)
		w.Buf = append(w.Buf, ',', ' ')
		w.Str(g.space)
		w.Buf = append(w.Buf, ']')
	}
	w.Buf = append(w.Buf, ']')
}

// member starts a member that a field writes after its own, added to the
// format in version since.
func (w *Writer) member(key string, since int) {
	w.Buf = append(w.Buf, ',')
	w.Line()
	w.key(key)
	w.Version = max(w.Version, since)
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

// Str writes s as a JSON string, and reports false, having written part of
// it, when s is not valid UTF-8.
func (w *Writer) Str(s string) bool {
	w.Buf = append(w.Buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			w.Buf = append(w.Buf, s[start:i]...)
			switch c {
			case '"', '\\':
				w.Buf = append(w.Buf, '\\', c)
			case '\n':
				w.Buf = append(w.Buf, '\\', 'n')
			case '\r':
				w.Buf = append(w.Buf, '\\', 'r')
			case '\t':
				w.Buf = append(w.Buf, '\\', 't')
			default:
				w.Buf = append(w.Buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
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
			w.Buf = append(w.Buf, s[start:i]...)
			w.Buf = append(w.Buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	w.Buf = append(w.Buf, s[start:]...)
	w.Buf = append(w.Buf, '"')
	return true
}
