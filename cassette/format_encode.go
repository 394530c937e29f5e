package cassette

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// marshal returns the uncompressed JSON of f. The output depends only on f:
// header names are sorted, and the same file always gives the same bytes.
// A zero Version is written as [Version].
func marshal(f *file) []byte {
	w := writer{buf: make([]byte, 0, 256+estimate(f))}
	w.file(f)
	return w.buf
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

type writer struct {
	buf     []byte
	scratch bytes.Buffer
}

func (w *writer) nl(depth int) {
	w.buf = append(w.buf, '\n')
	for range depth {
		w.buf = append(w.buf, ' ', ' ')
	}
}

// member starts a member of an object at depth; first says whether it is the
// object's first.
func (w *writer) member(depth int, first bool) {
	if !first {
		w.buf = append(w.buf, ',')
	}
	w.nl(depth)
}

// key starts a member whose name needs no escaping.
func (w *writer) key(depth int, first bool, name string) {
	w.member(depth, first)
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, '"', ':', ' ')
}

func (w *writer) file(f *file) {
	v := f.Version
	if v == 0 {
		v = Version
	}
	w.buf = append(w.buf, '{')
	w.key(1, true, "version")
	w.buf = strconv.AppendInt(w.buf, int64(v), 10)
	if !f.RecordedAt.IsZero() {
		w.key(1, false, "recorded_at")
		w.buf = append(w.buf, '"')
		w.buf = f.RecordedAt.UTC().Truncate(time.Second).AppendFormat(w.buf, time.RFC3339)
		w.buf = append(w.buf, '"')
	}
	w.key(1, false, "interactions")
	if len(f.Interactions) == 0 {
		w.buf = append(w.buf, "[]\n}\n"...)
		return
	}
	w.buf = append(w.buf, '[')
	for i := range f.Interactions {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.nl(2)
		w.interaction(&f.Interactions[i], 2)
	}
	w.nl(1)
	w.buf = append(w.buf, "]\n}\n"...)
}

func (w *writer) interaction(in *Interaction, d int) {
	w.buf = append(w.buf, '{')
	w.key(d+1, true, "request")
	w.request(&in.Request, d+1)
	if in.Response != nil {
		w.key(d+1, false, "response")
		w.response(in.Response, d+1)
	}
	if in.Error != nil {
		w.key(d+1, false, "error")
		w.error(in.Error, d+1)
	}
	if in.Duration != 0 {
		w.key(d+1, false, "duration")
		w.str(in.Duration.String())
	}
	w.nl(d)
	w.buf = append(w.buf, '}')
}

func (w *writer) request(r *Request, d int) {
	w.buf = append(w.buf, '{')
	w.key(d+1, true, "method")
	w.str(r.Method)
	w.key(d+1, false, "url")
	w.str(r.URL)
	w.header(d+1, "headers", r.Header)
	w.body(d+1, r.Body)
	w.nl(d)
	w.buf = append(w.buf, '}')
}

func (w *writer) response(r *Response, d int) {
	w.buf = append(w.buf, '{')
	// What the reader can derive is left out: the usual status text,
	// HTTP/1.1, a content length equal to the body's.
	w.key(d+1, true, "code")
	w.buf = strconv.AppendInt(w.buf, int64(r.StatusCode), 10)
	if r.Status != "" && r.Status != statusLine(r.StatusCode) {
		w.key(d+1, false, "status")
		w.str(r.Status)
	}
	if r.Proto != "" && r.Proto != defaultProto {
		w.key(d+1, false, "proto")
		w.str(r.Proto)
	}
	w.header(d+1, "headers", r.Header)
	w.header(d+1, "trailers", r.Trailer)
	if r.ContentLength != int64(len(r.Body)) {
		w.key(d+1, false, "content_length")
		w.buf = strconv.AppendInt(w.buf, r.ContentLength, 10)
	}
	if r.Uncompressed {
		w.key(d+1, false, "uncompressed")
		w.buf = append(w.buf, "true"...)
	}
	w.body(d+1, r.Body)
	if r.Truncated {
		w.key(d+1, false, "truncated")
		w.buf = append(w.buf, "true"...)
	}
	if r.BodyError != nil {
		w.key(d+1, false, "body_error")
		w.error(r.BodyError, d+1)
	}
	w.nl(d)
	w.buf = append(w.buf, '}')
}

func (w *writer) error(e *Error, d int) {
	w.buf = append(w.buf, '{')
	w.key(d+1, true, "kind")
	w.str(e.Kind)
	w.key(d+1, false, "message")
	w.str(e.Message)
	for _, f := range [...]struct{ name, v string }{
		{"op", e.Op}, {"net", e.Net}, {"addr", e.Addr}, {"detail", e.Detail}, {"name", e.Name}, {"server", e.Server},
	} {
		if f.v != "" {
			w.key(d+1, false, f.name)
			w.str(f.v)
		}
	}
	if e.Alert != 0 {
		w.key(d+1, false, "alert")
		w.buf = strconv.AppendUint(w.buf, uint64(e.Alert), 10)
	}
	if len(e.RecordHeader) > 0 {
		w.key(d+1, false, "record_header")
		w.buf = append(w.buf, '"')
		w.buf = base64.StdEncoding.AppendEncode(w.buf, e.RecordHeader)
		w.buf = append(w.buf, '"')
	}
	for _, f := range [...]struct {
		name string
		v    bool
	}{{"not_found", e.NotFound}, {"temporary", e.Temporary}, {"timeout", e.Timeout}} {
		if f.v {
			w.key(d+1, false, f.name)
			w.buf = append(w.buf, "true"...)
		}
	}
	w.nl(d)
	w.buf = append(w.buf, '}')
}

// defaultProto is the protocol of a response that names none.
const defaultProto = "HTTP/1.1"

// statusLine returns the usual status text of a code, "200 OK", as a
// response without a "status" has.
func statusLine(code int) string {
	if text := http.StatusText(code); text != "" {
		return strconv.Itoa(code) + " " + text
	}
	return strconv.Itoa(code)
}

// header writes h with its names sorted and each name's values in order.
func (w *writer) header(d int, name string, h http.Header) {
	if len(h) == 0 {
		return
	}
	w.key(d, false, name)
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	w.buf = append(w.buf, '{')
	for i, k := range keys {
		w.member(d+1, i == 0)
		w.str(k)
		w.buf = append(w.buf, ':', ' ', '[')
		for j, v := range h[k] {
			if j > 0 {
				w.buf = append(w.buf, ',', ' ')
			}
			w.str(v)
		}
		w.buf = append(w.buf, ']')
	}
	w.nl(d)
	w.buf = append(w.buf, '}')
}

// body writes a body as text when it is text, as JSON when it is compact
// JSON (indented when it is long, so that compacting it again gives the
// same bytes), and as base64 otherwise.
func (w *writer) body(d int, b []byte) {
	switch {
	case len(b) == 0:
	case len(b) <= oneLineJSON && isCompactJSON(b, &w.scratch):
		w.key(d, false, "body_json")
		w.buf = append(w.buf, b...)
	case isCompactJSON(b, &w.scratch):
		w.key(d, false, "body_json")
		w.scratch.Reset()
		indent := make([]byte, 0, 2*d)
		for range d {
			indent = append(indent, ' ', ' ')
		}
		_ = json.Indent(&w.scratch, b, string(indent), "  ")
		w.buf = append(w.buf, w.scratch.Bytes()...)
	case isText(b):
		w.key(d, false, "body")
		w.str(string(b))
	default:
		w.key(d, false, "body_base64")
		w.buf = append(w.buf, '"')
		w.buf = base64.StdEncoding.AppendEncode(w.buf, b)
		w.buf = append(w.buf, '"')
	}
}

// oneLineJSON is the size up to which a JSON body stays on one line, as
// compact as it came: short bodies read best that way.
const oneLineJSON = 80

// isCompactJSON reports whether b is an object or array with no spacing
// outside strings: only then does indenting and compacting again give b back.
func isCompactJSON(b []byte, scratch *bytes.Buffer) bool {
	if b[0] != '{' && b[0] != '[' {
		return false
	}
	scratch.Reset()
	if err := json.Compact(scratch, b); err != nil {
		return false
	}
	return bytes.Equal(scratch.Bytes(), b) && isText(b)
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

// str writes s as a JSON string. Invalid UTF-8 becomes U+FFFD, as in
// encoding/json; bodies never reach here unless they are valid.
func (w *writer) str(s string) {
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
			w.buf = append(w.buf, s[start:i]...)
			w.buf = append(w.buf, `\ufffd`...)
			i++
			start = i
			continue
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
}
