package cassette

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// The file as encoding/json sees it.
type wireFile struct {
	Version      int               `json:"version"`
	RecordedAt   string            `json:"recorded_at"`
	Interactions []wireInteraction `json:"interactions"`
}

type wireInteraction struct {
	Request  *wireRequest  `json:"request"`
	Response *wireResponse `json:"response"`
	Error    *Error        `json:"error"`
	Duration string        `json:"duration"`
}

type wireBody struct {
	Body       *string         `json:"body"`
	BodyBase64 *string         `json:"body_base64"` // decoded here, so that an error names the body
	BodyJSON   json.RawMessage `json:"body_json"`
}

type wireRequest struct {
	Method string      `json:"method"`
	URL    string      `json:"url"`
	Header http.Header `json:"headers"`
	wireBody
}

type wireResponse struct {
	Status        string      `json:"status"`
	Code          int         `json:"code"`
	Proto         string      `json:"proto"`
	Header        http.Header `json:"headers"`
	Trailer       http.Header `json:"trailers"`
	ContentLength *int64      `json:"content_length"`
	Uncompressed  bool        `json:"uncompressed"`
	Truncated     bool        `json:"truncated"`
	BodyError     *Error      `json:"body_error"`
	wireBody
}

// A FormatError reports a cassette that cannot be read: the file, when it
// is known, and what is wrong with it, with a line and column where there
// is one.
type FormatError struct {
	Path string // empty for Unmarshal, which reads no file
	Err  error
}

func (e *FormatError) Error() string {
	if e.Path == "" {
		return "cassette: " + e.Err.Error()
	}
	return "cassette: " + e.Path + ": " + e.Err.Error()
}

func (e *FormatError) Unwrap() error { return e.Err }

func unmarshalJSON(data []byte) (*file, error) {
	var w wireFile
	if parseWire(data, &w) {
		if f, err := w.file(); err == nil {
			return f, nil
		}
	}
	// Parse again with encoding/json, into a fresh value: what parseWire left
	// behind, even when it gave up, holds slices of data (body_json), and
	// encoding/json would write into them, changing data under its own feet.
	w = wireFile{}
	if err := json.Unmarshal(data, &w); err != nil {
		if v, ok := peekVersion(data); ok && v > Version {
			return nil, versionError(v)
		}
		return nil, syntaxError(data, err)
	}
	return w.file()
}

// file checks and converts what was parsed.
func (w *wireFile) file() (*file, error) {
	if w.Version == 0 {
		return nil, errors.New(`not a dvd cassette: it has no "version"`)
	}
	if w.Version > Version || w.Version < 0 {
		return nil, versionError(w.Version)
	}
	f := &file{Version: w.Version, Interactions: make([]Interaction, len(w.Interactions))}
	if w.RecordedAt != "" {
		t, err := time.Parse(time.RFC3339, w.RecordedAt)
		if err != nil {
			return nil, fmt.Errorf("recorded_at %q is not an RFC 3339 time", w.RecordedAt)
		}
		// Marshal writes UTC to the second; anything finer or outside
		// RFC 3339's four-digit years would not survive being written again.
		t = t.UTC().Truncate(time.Second)
		if t.Year() < 0 || t.Year() > 9999 {
			return nil, fmt.Errorf("recorded_at %q is outside the years 0000 to 9999", w.RecordedAt)
		}
		f.RecordedAt = t
	}
	for i := range w.Interactions {
		if err := convert(&f.Interactions[i], &w.Interactions[i]); err != nil {
			return nil, fmt.Errorf("interaction %d: %w", i, err)
		}
	}
	return f, nil
}

func convert(in *Interaction, w *wireInteraction) error {
	if w.Request == nil {
		return errors.New(`it has no "request"`)
	}
	if w.Request.Method == "" || w.Request.URL == "" {
		return errors.New(`its request needs a "method" and a "url"`)
	}
	if (w.Response == nil) == (w.Error == nil) {
		return errors.New(`it needs exactly one of "response" and "error"`)
	}
	var err error
	in.Request = Request{Method: w.Request.Method, URL: w.Request.URL, Header: w.Request.Header}
	if in.Request.Body, err = w.Request.bytes(); err != nil {
		return fmt.Errorf("request: %w", err)
	}
	in.Error = w.Error
	if w.Duration != "" {
		if in.Duration, err = time.ParseDuration(w.Duration); err != nil {
			return fmt.Errorf("duration %q: it is not a Go duration such as 12ms", w.Duration)
		}
	}
	if r := w.Response; r != nil {
		if r.Code < 100 || r.Code > 999 {
			return fmt.Errorf("response: status code %d is not a valid HTTP status", r.Code)
		}
		out := &Response{
			Status: r.Status, StatusCode: r.Code, Proto: r.Proto,
			Header: r.Header, Trailer: r.Trailer,
			Uncompressed: r.Uncompressed, Truncated: r.Truncated, BodyError: r.BodyError,
		}
		if out.Body, err = r.bytes(); err != nil {
			return fmt.Errorf("response: %w", err)
		}
		// Marshal leaves out what can be derived; see response in encode.go.
		if out.Status == "" {
			out.Status = statusLine(r.Code)
		}
		if out.Proto == "" {
			out.Proto = defaultProto
		}
		out.ContentLength = int64(len(out.Body))
		if r.ContentLength != nil {
			out.ContentLength = *r.ContentLength
		}
		in.Response = out
	}
	return nil
}

func (b *wireBody) bytes() ([]byte, error) {
	n := 0
	if b.Body != nil {
		n++
	}
	if b.BodyBase64 != nil {
		n++
	}
	if b.BodyJSON != nil {
		n++
	}
	switch {
	case n > 1:
		return nil, errors.New(`it has more than one of "body", "body_base64" and "body_json"`)
	case b.Body != nil:
		return []byte(*b.Body), nil
	case b.BodyBase64 != nil:
		out, err := base64.StdEncoding.DecodeString(*b.BodyBase64)
		if err != nil {
			return nil, fmt.Errorf("body_base64: %w", err)
		}
		return out, nil
	case b.BodyJSON != nil:
		var out bytes.Buffer
		out.Grow(len(b.BodyJSON))
		if err := json.Compact(&out, b.BodyJSON); err != nil {
			return nil, err
		}
		return out.Bytes(), nil
	}
	return nil, nil
}

func versionError(v int) error {
	return fmt.Errorf("format version %d is not one this dvd reads (it reads up to %d): upgrade github.com/dvdrw/dvd", v, Version)
}

// peekVersion reads only the version of a file that does not parse as a
// whole, so that a newer format is reported as such rather than as a syntax
// error.
func peekVersion(data []byte) (int, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, false
	}
	if t, err := dec.Token(); err != nil || t != "version" {
		return 0, false
	}
	var v int
	if err := dec.Decode(&v); err != nil {
		return 0, false
	}
	return v, true
}

// syntaxError turns an encoding/json error into one that gives a line and a
// column and calls a file that ends early truncated.
func syntaxError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input":
		return fmt.Errorf("truncated: the JSON ends after %d bytes", len(data))
	case errors.As(err, &syn):
		// Offset counts the bad byte itself.
		line, col := position(data, syn.Offset-1)
		return fmt.Errorf("line %d, column %d: %v", line, col, syn)
	case errors.As(err, &typ):
		// Offset is one past a byte of the value; the field path names
		// the embedded wireBody, which is no name in the file.
		line, col := position(data, typ.Offset-1)
		field := strings.ReplaceAll(typ.Field, "wireBody.", "")
		if field == "" {
			field = "the document"
		}
		return fmt.Errorf("line %d, column %d: %s should be a JSON %s, not %s", line, col, field, jsonKind(typ.Type.Kind().String()), typ.Value)
	}
	return err
}

func jsonKind(goKind string) string {
	switch goKind {
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	case "string":
		return "string"
	case "bool":
		return "boolean"
	}
	return "number"
}

// position returns the 1-based line and column of the byte at offset off.
func position(data []byte, off int64) (line, col int) {
	off = max(0, min(off, int64(len(data))))
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// parseWire fills w from data without reflection, for the files [Marshal]
// writes and any JSON of the same shape. It gives up, returning false, on
// anything encoding/json might read differently or reject: unknown,
// repeated or differently cased keys, null, numbers that are not plain
// integers, invalid UTF-8, \u escapes of surrogates. Then, and whenever
// what it read is in error, [Unmarshal] parses again with encoding/json, so
// the result and the errors are the same either way; only the speed
// differs.
func parseWire(data []byte, w *wireFile) bool {
	p := parser{data: data, intern: map[string]string{}}
	var seen uint8
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "version":
			v, ok := p.int()
			w.Version = int(v)
			return p.once(&seen, 1) && ok
		case "recorded_at":
			var ok bool
			w.RecordedAt, ok = p.str(false)
			return p.once(&seen, 2) && ok
		case "interactions":
			return p.once(&seen, 4) && p.interactions(w)
		}
		return false
	})
	p.ws()
	return ok && p.i == len(data)
}

// A parser reads JSON from data[i:].
type parser struct {
	data   []byte
	i      int
	intern map[string]string // the strings that repeat: header names, methods, statuses
}

// once records that the member with this bit was seen, and reports whether it
// was the first time.
func (p *parser) once(seen *uint8, bit uint8) bool {
	if *seen&bit != 0 {
		return false
	}
	*seen |= bit
	return true
}

func (p *parser) ws() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\n', '\t', '\r':
			p.i++
		default:
			return
		}
	}
}

// consume reads c after any spacing.
func (p *parser) consume(c byte) bool {
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == c {
		p.i++
		return true
	}
	return false
}

// object reads an object, calling member after each key to read its value.
func (p *parser) object(member func(key []byte) bool) bool {
	if !p.consume('{') {
		return false
	}
	if p.consume('}') {
		return true
	}
	for {
		key, ok := p.key()
		if !ok || !p.consume(':') || !member(key) {
			return false
		}
		if !p.consume(',') {
			return p.consume('}')
		}
	}
}

// array reads an array, calling elem to read each element.
func (p *parser) array(elem func() bool) bool {
	if !p.consume('[') {
		return false
	}
	if p.consume(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if !p.consume(',') {
			return p.consume(']')
		}
	}
}

// key reads an object key that needs no unescaping.
func (p *parser) key() ([]byte, bool) {
	if !p.consume('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.data) {
		switch c := p.data[p.i]; {
		case c == '"':
			p.i++
			return p.data[start : p.i-1], true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return nil, false
		}
		p.i++
	}
	return nil, false
}

// str reads a string. Short strings that intern says may repeat are shared.
func (p *parser) str(intern bool) (string, bool) {
	if !p.consume('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			b := p.data[start:p.i]
			p.i++
			if intern && len(b) <= 64 {
				if s, ok := p.intern[string(b)]; ok {
					return s, true
				}
				s := string(b)
				if len(p.intern) < 1024 {
					p.intern[s] = s
				}
				return s, true
			}
			return string(b), true
		case c == '\\':
			return p.escaped(append([]byte(nil), p.data[start:p.i]...))
		case c < 0x20:
			return "", false
		case c < utf8.RuneSelf:
			p.i++
		default:
			r, size := utf8.DecodeRune(p.data[p.i:])
			if r == utf8.RuneError && size == 1 {
				return "", false
			}
			p.i += size
		}
	}
	return "", false
}

// escaped reads the rest of a string that has escapes; buf holds what came
// before the first.
func (p *parser) escaped(buf []byte) (string, bool) {
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			return string(buf), true
		case c == '\\':
			if p.i+1 >= len(p.data) {
				return "", false
			}
			e := p.data[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				if p.i+4 > len(p.data) {
					return "", false
				}
				r, err := strconv.ParseUint(string(p.data[p.i:p.i+4]), 16, 16)
				if err != nil || utf16.IsSurrogate(rune(r)) {
					return "", false
				}
				buf = utf8.AppendRune(buf, rune(r))
				p.i += 4
			default:
				return "", false
			}
		case c < 0x20:
			return "", false
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			p.i++
		default:
			r, size := utf8.DecodeRune(p.data[p.i:])
			if r == utf8.RuneError && size == 1 {
				return "", false
			}
			buf = append(buf, p.data[p.i:p.i+size]...)
			p.i += size
		}
	}
	return "", false
}

// int reads an integer written without fraction or exponent, small enough
// for any Go int.
func (p *parser) int() (int64, bool) {
	p.ws()
	neg := p.i < len(p.data) && p.data[p.i] == '-'
	if neg {
		p.i++
	}
	start := p.i
	var n int64
	for p.i < len(p.data) && '0' <= p.data[p.i] && p.data[p.i] <= '9' {
		n = n*10 + int64(p.data[p.i]-'0')
		p.i++
	}
	digits := p.i - start
	switch {
	case digits == 0 || digits > 18:
		return 0, false
	case digits > 1 && p.data[start] == '0':
		return 0, false
	case p.i < len(p.data) && (p.data[p.i] == '.' || p.data[p.i] == 'e' || p.data[p.i] == 'E'):
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// uint8 reads a number from 0 to 255, as encoding/json reads one into a
// uint8.
func (p *parser) uint8(v *uint8) bool {
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == '-' {
		return false // even -0, which encoding/json refuses for an unsigned field
	}
	n, ok := p.int()
	*v = uint8(n)
	return ok && n <= 255
}

// bool reads true or false.
func (p *parser) bool() (bool, bool) {
	p.ws()
	rest := p.data[p.i:]
	switch {
	case bytes.HasPrefix(rest, []byte("true")):
		p.i += 4
		return true, true
	case bytes.HasPrefix(rest, []byte("false")):
		p.i += 5
		return false, true
	}
	return false, false
}

// raw reads any JSON value and returns its bytes, as json.RawMessage would
// hold them. It finds where the value ends but does not check it: the
// json.Compact of [wireBody.bytes] does, and on an error [Unmarshal] starts
// again with encoding/json.
func (p *parser) raw() ([]byte, bool) {
	p.ws()
	start, depth := p.i, 0
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			for p.i++; p.i < len(p.data) && p.data[p.i] != '"'; p.i++ {
				if p.data[p.i] == '\\' {
					p.i++
				}
			}
			if p.i >= len(p.data) {
				return nil, false
			}
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 { // the end of the enclosing object
				return p.rawEnd(start)
			}
			depth--
		case depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\t' || c == '\r'):
			return p.rawEnd(start)
		}
		p.i++
		if depth == 0 && (c == '"' || c == '}' || c == ']') {
			return p.rawEnd(start)
		}
	}
	return nil, false
}

func (p *parser) rawEnd(start int) ([]byte, bool) {
	b := p.data[start:p.i]
	return b, len(b) > 0
}

func (p *parser) interactions(w *wireFile) bool {
	w.Interactions = make([]wireInteraction, 0, len(p.data)/1024+1)
	return p.array(func() bool {
		w.Interactions = append(w.Interactions, wireInteraction{})
		return p.interaction(&w.Interactions[len(w.Interactions)-1])
	})
}

func (p *parser) interaction(in *wireInteraction) bool {
	var seen uint8
	return p.object(func(key []byte) bool {
		switch string(key) {
		case "request":
			in.Request = new(wireRequest)
			return p.once(&seen, 1) && p.request(in.Request)
		case "response":
			in.Response = new(wireResponse)
			return p.once(&seen, 2) && p.response(in.Response)
		case "error":
			in.Error = new(Error)
			return p.once(&seen, 4) && p.error(in.Error)
		case "duration":
			var ok bool
			in.Duration, ok = p.str(false)
			return p.once(&seen, 8) && ok
		}
		return false
	})
}

func (p *parser) request(r *wireRequest) bool {
	var seen uint8
	return p.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "method":
			r.Method, ok = p.str(true)
			return p.once(&seen, 1) && ok
		case "url":
			r.URL, ok = p.str(false)
			return p.once(&seen, 2) && ok
		case "headers":
			r.Header, ok = p.header()
			return p.once(&seen, 4) && ok
		}
		return p.body(&r.wireBody, key, &seen)
	})
}

func (p *parser) response(r *wireResponse) bool {
	var seen uint16
	once := func(bit uint16) bool {
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	}
	var bodySeen uint8
	return p.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "status":
			r.Status, ok = p.str(true)
			return once(1) && ok
		case "code":
			var n int64
			n, ok = p.int()
			r.Code = int(n)
			return once(2) && ok
		case "proto":
			r.Proto, ok = p.str(true)
			return once(4) && ok
		case "headers":
			r.Header, ok = p.header()
			return once(8) && ok
		case "trailers":
			r.Trailer, ok = p.header()
			return once(16) && ok
		case "content_length":
			var n int64
			n, ok = p.int()
			r.ContentLength = &n
			return once(32) && ok
		case "uncompressed":
			r.Uncompressed, ok = p.bool()
			return once(64) && ok
		case "truncated":
			r.Truncated, ok = p.bool()
			return once(128) && ok
		case "body_error":
			r.BodyError = new(Error)
			return once(256) && p.error(r.BodyError)
		}
		return p.body(&r.wireBody, key, &bodySeen)
	})
}

// body reads the body member named key, using bits 16 to 64 of seen.
func (p *parser) body(b *wireBody, key []byte, seen *uint8) bool {
	switch string(key) {
	case "body":
		s, ok := p.str(false)
		b.Body = &s
		return p.once(seen, 16) && ok
	case "body_base64":
		s, ok := p.str(false)
		b.BodyBase64 = &s
		return p.once(seen, 32) && ok
	case "body_json":
		raw, ok := p.raw()
		b.BodyJSON = raw
		return p.once(seen, 64) && ok
	}
	return false
}

// header reads a header object: names to arrays of values.
func (p *parser) header() (http.Header, bool) {
	if !p.consume('{') {
		return nil, false
	}
	h := http.Header{}
	if p.consume('}') {
		return h, true
	}
	for {
		k, ok := p.str(true)
		if !ok || !p.consume(':') {
			return nil, false
		}
		if _, dup := h[k]; dup {
			return nil, false
		}
		vs := []string{}
		if !p.array(func() bool {
			v, ok := p.str(true)
			vs = append(vs, v)
			return ok
		}) {
			return nil, false
		}
		h[k] = vs
		if !p.consume(',') {
			return h, p.consume('}')
		}
	}
}

func (p *parser) error(e *Error) bool {
	var seen uint16
	return p.object(func(key []byte) bool {
		var s *string
		var b *bool
		var bit uint16
		switch string(key) {
		case "kind":
			s, bit = &e.Kind, 1
		case "message":
			s, bit = &e.Message, 2
		case "op":
			s, bit = &e.Op, 4
		case "net":
			s, bit = &e.Net, 8
		case "addr":
			s, bit = &e.Addr, 16
		case "detail":
			s, bit = &e.Detail, 32
		case "name":
			s, bit = &e.Name, 64
		case "server":
			s, bit = &e.Server, 128
		case "not_found":
			b, bit = &e.NotFound, 256
		case "temporary":
			b, bit = &e.Temporary, 512
		case "timeout":
			b, bit = &e.Timeout, 1024
		case "alert":
			if seen&2048 != 0 {
				return false
			}
			seen |= 2048
			return p.uint8(&e.Alert)
		case "record_header":
			if seen&4096 != 0 {
				return false
			}
			seen |= 4096
			s, ok := p.str(false)
			if !ok {
				return false
			}
			var err error
			e.RecordHeader, err = base64.StdEncoding.DecodeString(s)
			return err == nil
		default:
			return false
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		var ok bool
		if s != nil {
			*s, ok = p.str(true)
		} else {
			*b, ok = p.bool()
		}
		return ok
	})
}
