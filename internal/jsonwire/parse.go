package jsonwire

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Read reads the JSON document data into v, an o: the whole of data is
// one object, with spacing around it. What it keeps of data it copies, so
// that the caller may use data again once Read returns. Its error has a
// place in data, if it has one, for [Locate], but no line and column yet;
// the caller may look for a better one to report first (see [Validate]).
func Read[T any](data []byte, o *Object[T], v *T) error {
	p := Parser{data: data}
	p.borrow()
	defer p.giveBack()
	p.ws()
	err := o.Read(&p, v)
	if err == nil {
		p.ws()
		if p.i < len(data) {
			err = p.syntax("invalid %s after top-level value", char(data[p.i]))
		}
	}
	if k, ok := err.(*kindError); ok && k.name == "" {
		k.name = "the document"
	}
	return err
}

// TopInt reads the integer member key of the top-level object of data,
// which may not read as a whole: found says whether the object has it,
// and known whether data was read far enough to tell (top-level null is
// an object without members).
func TopInt(data []byte, key string) (n int, found, known bool) {
	p := Parser{data: data}
	p.ws()
	if p.Null() {
		return 0, false, true
	}
	more, err := p.Open('{', "object")
	if err != nil {
		return 0, false, false
	}
	for more {
		name, err := p.Key()
		if err != nil || p.Colon() != nil {
			return 0, false, false
		}
		if string(name) == key {
			v, err := p.integer()
			if err != nil || int64(int(v)) != v {
				return 0, false, false
			}
			return int(v), true, true
		}
		if p.skip() != nil {
			return 0, false, false
		}
		if more, err = p.More('}'); err != nil {
			return 0, false, false
		}
	}
	return 0, false, true
}

// Validate returns the first syntax error of data, or nil if it is one
// JSON value.
func Validate(data []byte) error {
	p := Parser{data: data}
	if err := p.skip(); err != nil {
		return err
	}
	p.ws()
	if p.i < len(data) {
		return p.syntax("invalid %s after top-level value", char(data[p.i]))
	}
	return nil
}

// Locate puts the line and column of the error, if it has a place in
// data, in front of it: "line 3, column 5: …". The message is made when it
// is asked for, so that the caller may still change what err wraps (as
// hide a secret it quotes).
func Locate(data []byte, err error) error {
	var at interface{ offset() int }
	if !errors.As(err, &at) {
		return err
	}
	line, col := position(data, at.offset())
	return &locatedError{line: line, col: col, err: err}
}

// A locatedError is an error with the line and column it is at.
type locatedError struct {
	line, col int
	err       error
}

func (e *locatedError) Error() string {
	return "line " + strconv.Itoa(e.line) + ", column " + strconv.Itoa(e.col) + ": " + e.err.Error()
}

func (e *locatedError) Unwrap() error { return e.err }

// position returns the 1-based line and column of the byte at offset off.
func position(data []byte, off int) (line, col int) {
	off = max(0, min(off, len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// A placedError is an error at a byte offset of the file.
type placedError struct {
	off int
	err error
}

func (e *placedError) Error() string { return e.err.Error() }
func (e *placedError) Unwrap() error { return e.err }
func (e *placedError) offset() int   { return e.off }

// A kindError reports a value of the wrong JSON type.
type kindError struct {
	off       int
	name      string // of the member, or empty
	want, got string
}

func (e *kindError) Error() string {
	name := e.name
	if name == "" {
		name = "it"
	}
	return name + " should be a JSON " + e.want + ", not " + e.got
}

func (e *kindError) offset() int { return e.off }

// A truncatedError reports a file that ends in the middle of a value.
type truncatedError struct{ size int }

func (e *truncatedError) Error() string {
	return fmt.Sprintf("truncated: the JSON ends after %d bytes", e.size)
}

// char names the byte c in a syntax error.
func char(c byte) string {
	if c < utf8.RuneSelf {
		return "character " + strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// A Parser reads JSON from data[i:]. It checks everything it reads, as
// strictly as encoding/json: whatever it accepts is one JSON document.
//
// What reads a value starts at its first byte: the spacing before it is
// read past by what comes before, the start of an object or array (open),
// a colon or a comma (more), or at the top of the document the caller.
type Parser struct {
	data    []byte
	i       int
	depth   int               // of the objects and arrays open at i
	intern  map[string]string // the strings that repeat: header names and values, methods, statuses
	recent  [64]string        // a cache of intern
	scratch []byte            // strings with escapes, unescaped
	values  []string          // the values of the header being read
	names   []headerName      // the names of the header being read
	spacing spacingRead       // of the JSON body of the object being read
	repeat  [2]repeatedHeader // the headers read last, most recent first
	seps    []int32           // where the commas and colons of the JSON body held are (see compactValue)
	slab    slab              // what bodies and strings are decoded into
	held    []byte            // a JSON body that is spaced again once its object is read
	strs    []string          // a chunk of header values to hand out, as slab does bytes
	chunk   any               // a *chunk[C] of the values of a chunked object to hand out
	tables  []any             // the *tableRead of each Table the document refers to
	table0  [1]any            // what tables holds first, with no allocation
}

type headerName struct {
	name   string
	at, to int // the offset of the name, and the end of its values in Parser.values
}

// maxDepth is how deeply arrays and objects may nest, as in encoding/json.
const maxDepth = 10000

// ErrorAt places err at off, an offset in the document (see
// [Parser.Offset]), unless it has a place already.
func (p *Parser) ErrorAt(off int, err error) error {
	var placed interface{ offset() int }
	if errors.As(err, &placed) {
		return err
	}
	return &placedError{off: off, err: err}
}

// syntax reports a syntax error at p.i, or truncation if data ends there.
func (p *Parser) syntax(format string, args ...any) error {
	if p.i >= len(p.data) {
		return p.truncated()
	}
	return &placedError{off: p.i, err: fmt.Errorf(format, args...)}
}

func (p *Parser) truncated() error {
	p.i = len(p.data)
	return &truncatedError{size: len(p.data)}
}

// kindError reports that the value at p.i is not the JSON want.
func (p *Parser) kindError(want string) error {
	if p.i >= len(p.data) {
		return p.truncated()
	}
	var got string
	switch c := p.data[p.i]; {
	case c == '{':
		got = "an object"
	case c == '[':
		got = "an array"
	case c == '"':
		got = "a string"
	case c == '-' || '0' <= c && c <= '9':
		got = "a number"
	case c == 't' || c == 'f':
		got = "a boolean"
	case c == 'n':
		got = "null"
	default:
		return p.syntax("invalid %s looking for beginning of value", char(c))
	}
	return &kindError{off: p.i, want: want, got: got}
}

// ws reads past spacing, as spaceEnd does.
func (p *Parser) ws() { p.i = spaceEnd(p.data, p.i) }

// Null reads null, if it comes next.
func (p *Parser) Null() bool {
	if p.i < len(p.data) && p.data[p.i] == 'n' && bytes.HasPrefix(p.data[p.i:], []byte("null")) {
		p.i += 4
		return true
	}
	return false
}

// Open reads the start of an object or array, c being '{' or '[', and
// reports whether it has members; if not, its end is read too.
func (p *Parser) Open(c byte, want string) (bool, error) {
	if p.i >= len(p.data) || p.data[p.i] != c {
		return false, p.kindError(want)
	}
	if p.depth == maxDepth {
		return false, p.syntax("nesting deeper than %d levels", maxDepth)
	}
	p.i++
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == c+2 { // '}' or ']'
		p.i++
		return false, nil
	}
	p.depth++
	return true, nil
}

// More reads what follows a member or element: a comma, then true, or the
// end of the object or array, then false.
func (p *Parser) More(end byte) (bool, error) {
	p.ws()
	if p.i < len(p.data) {
		switch p.data[p.i] {
		case ',':
			p.i++
			p.ws()
			return true, nil
		case end:
			p.i++
			p.depth--
			return false, nil
		}
	}
	if end == '}' {
		return false, p.syntax("invalid %s after object key:value pair", p.charAt())
	}
	return false, p.syntax("invalid %s after array element", p.charAt())
}

// charAt names the byte at p.i, for syntax, which reports truncation when
// there is none.
func (p *Parser) charAt() string {
	if p.i < len(p.data) {
		return char(p.data[p.i])
	}
	return ""
}

// Key reads an object's key, unescaped; the bytes are valid until the
// next string is read.
func (p *Parser) Key() ([]byte, error) {
	if p.i >= len(p.data) || p.data[p.i] != '"' {
		return nil, p.syntax("invalid %s looking for beginning of object key string", p.charAt())
	}
	return p.stringBytes()
}

// Colon reads the colon after an object's key, and the spacing around it.
func (p *Parser) Colon() error {
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == ':' {
		p.i++
		p.ws()
		return nil
	}
	return p.syntax("invalid %s after object key", p.charAt())
}

// plain marks the bytes that stand for themselves in a JSON string:
// printable ASCII but the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// stringBytes reads a string, whose opening quote is at p.i, and returns
// its content: a slice of data when it has no escapes and is valid UTF-8,
// otherwise p.scratch, valid until the next string is read. Invalid UTF-8
// becomes U+FFFD, as in encoding/json.
func (p *Parser) stringBytes() ([]byte, error) {
	b, escaped, err := p.stringTo(p.scratch[:0])
	if escaped {
		p.scratch = b[:0]
	}
	return b, err
}

// stringTo is stringBytes, unescaping into dst, to which it appends; it
// reports whether it did.
func (p *Parser) stringTo(dst []byte) (b []byte, escaped bool, err error) {
	data := p.data
	start := p.i + 1
	for i := start; i < len(data); {
		i = plainRun(data, i)
		if i >= len(data) {
			break
		}
		c := data[i]
		switch {
		case c == '"':
			p.i = i + 1
			return data[start:i], false, nil
		case c == '\\':
			b, err := p.unescape(start, i, dst)
			return b, true, err
		case c < 0x20:
			p.i = i
			return nil, false, p.syntax("invalid %s in string literal", char(c))
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				b, err := p.unescape(start, i, dst)
				return b, true, err
			}
			i += size
		}
	}
	return nil, false, p.truncated()
}

// unescape reads the rest of a string from data[i:], data[start:i] being
// plain, appending it unescaped to buf.
func (p *Parser) unescape(start, i int, buf []byte) ([]byte, error) {
	data := p.data
	buf = append(buf, data[start:i]...)
	for i < len(data) {
		if j := plainRun(data, i); j > i {
			buf = append(buf, data[i:j]...)
			i = j
			continue
		}
		c := data[i]
		switch {
		case c == '"':
			p.i = i + 1
			return buf, nil
		case c == '\\':
			if i+1 >= len(data) {
				return nil, p.truncated()
			}
			switch e := data[i+1]; e {
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
				r, bad := hex4(data, i+2)
				if bad >= 0 {
					p.i = bad
					return nil, p.syntax("invalid %s in \\u hexadecimal character escape", p.charAt())
				}
				i += 6
				if utf16.IsSurrogate(r) {
					// A pair stands for one character; a surrogate alone,
					// for none: it becomes U+FFFD, as in encoding/json.
					r2, bad := rune(-1), 0
					if i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
						r2, bad = hex4(data, i+2)
					}
					if d := utf16.DecodeRune(r, r2); bad < 0 && d != utf8.RuneError {
						r = d
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				buf = utf8.AppendRune(buf, r)
				continue
			default:
				p.i = i + 1
				return nil, p.syntax("invalid %s in string escape code", char(e))
			}
			i += 2
		case c < 0x20:
			p.i = i
			return nil, p.syntax("invalid %s in string literal", char(c))
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			buf = utf8.AppendRune(buf, r) // U+FFFD for an invalid byte
			i += size
		}
	}
	return nil, p.truncated()
}

// hex4 reads the four hex digits of a \u escape at data[i:]. It returns the
// offset of the first that is not one, or -1.
func hex4(data []byte, i int) (rune, int) {
	var r rune
	for j := i; j < i+4; j++ {
		if j >= len(data) {
			return 0, j
		}
		c := data[j]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, j
		}
		r = r<<4 | rune(c)
	}
	return r, -1
}

// Str reads a string. Short ones that shared says may repeat are read into
// one copy for all.
func (p *Parser) Str(shared bool) (string, error) {
	if p.i >= len(p.data) || p.data[p.i] != '"' {
		return "", p.kindError("string")
	}
	b, err := p.stringBytes()
	if err != nil {
		return "", err
	}
	if shared {
		return p.share(b), nil
	}
	return p.keepString(b), nil
}

func (p *Parser) share(b []byte) string {
	if len(b) > 64 || len(b) == 0 {
		return p.keepString(b)
	}
	// The strings that repeat most, header names and common values, are
	// found in recent, indexed by their length and ends, before the map.
	slot := &p.recent[(len(b)*7+int(b[0])*3+int(b[len(b)-1]))%len(p.recent)]
	if *slot == string(b) {
		return *slot
	}
	s, ok := p.intern[string(b)]
	if !ok {
		s = p.keepString(b)
		if p.intern == nil {
			p.intern = make(map[string]string, 64)
		}
		if len(p.intern) < 1024 {
			p.intern[s] = s
		}
	}
	*slot = s
	return s
}

// Text reads a text: a string, or {"latin1": "…"} for bytes that are not
// UTF-8 (see [Writer.latin1]).
func (p *Parser) Text(shared bool) (string, error) {
	if p.i < len(p.data) && p.data[p.i] == '{' {
		return p.latin1()
	}
	return p.Str(shared)
}

func (p *Parser) latin1() (string, error) {
	start := p.i
	more, err := p.Open('{', "object")
	if err != nil {
		return "", err
	}
	if !more {
		return "", p.ErrorAt(start, errors.New(`{} is no text: bytes that are not UTF-8 are written as {"latin1": "…"}`))
	}
	at := p.i
	name, err := p.Key()
	if err != nil {
		return "", err
	}
	if string(name) != "latin1" {
		return "", p.ErrorAt(at, fmt.Errorf(`unknown key %q: bytes that are not UTF-8 are written as {"latin1": "…"}`, name))
	}
	if err := p.Colon(); err != nil {
		return "", err
	}
	at = p.i
	if p.i >= len(p.data) || p.data[p.i] != '"' {
		return "", Wrap("latin1", p.kindError("string"))
	}
	b, err := p.stringBytes()
	if err != nil {
		return "", err
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r > 0xff {
			return "", p.ErrorAt(at, fmt.Errorf("latin1: %q is not one byte: each character stands for a byte, U+0000 to U+00FF", r))
		}
		out = append(out, byte(r))
		i += size
	}
	if more, err := p.More('}'); err != nil {
		return "", err
	} else if more {
		return "", p.ErrorAt(p.i, errors.New(`{"latin1": "…"} has no other key`))
	}
	return string(out), nil
}

// integer reads a number that is an integer and fits in an int64.
func (p *Parser) integer() (int64, error) {
	if p.i >= len(p.data) || p.data[p.i] != '-' && (p.data[p.i] < '0' || p.data[p.i] > '9') {
		return 0, p.kindError("number")
	}
	start := p.i
	if err := p.number(); err != nil {
		return 0, err
	}
	s := p.data[start:p.i]
	if bytes.ContainsAny(s, ".eE") {
		return 0, p.ErrorAt(start, fmt.Errorf("%s is not an integer", s))
	}
	digits, neg := s, s[0] == '-'
	if neg {
		digits = s[1:]
	}
	var n uint64 // at most 1<<63, so n*10+9 never overflows
	for _, c := range digits {
		if n > (1<<63)/10 {
			return 0, p.ErrorAt(start, fmt.Errorf("%s is out of range", s))
		}
		n = n*10 + uint64(c-'0')
		if n > 1<<63 {
			return 0, p.ErrorAt(start, fmt.Errorf("%s is out of range", s))
		}
	}
	switch {
	case neg:
		return -int64(n), nil // -1<<63 included: the negation wraps to itself
	case n == 1<<63:
		return 0, p.ErrorAt(start, fmt.Errorf("%s is out of range", s))
	}
	return int64(n), nil
}

// boolean reads true or false.
func (p *Parser) boolean() (bool, error) {
	if p.i < len(p.data) {
		switch p.data[p.i] {
		case 't':
			return true, p.literal("true")
		case 'f':
			return false, p.literal("false")
		}
	}
	return false, p.kindError("boolean")
}

// literal reads true, false or null, the one whose first letter is at p.i.
func (p *Parser) literal(word string) error {
	for j := 1; j < len(word); j++ {
		p.i++
		if p.i >= len(p.data) || p.data[p.i] != word[j] {
			return p.syntax("invalid %s in literal %s", p.charAt(), word)
		}
	}
	p.i++
	return nil
}

// number reads a number, at whose first byte p.i is.
func (p *Parser) number() error {
	d := p.data
	if d[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(d) && d[p.i] == '0':
		p.i++
	case p.i < len(d) && '1' <= d[p.i] && d[p.i] <= '9':
		p.digits()
	default:
		return p.syntax("invalid %s in numeric literal", p.charAt())
	}
	if p.i < len(d) && d[p.i] == '.' {
		p.i++
		if p.i >= len(d) || d[p.i] < '0' || d[p.i] > '9' {
			return p.syntax("invalid %s after decimal point in numeric literal", p.charAt())
		}
		p.digits()
	}
	if p.i < len(d) && (d[p.i] == 'e' || d[p.i] == 'E') {
		p.i++
		if p.i < len(d) && (d[p.i] == '+' || d[p.i] == '-') {
			p.i++
		}
		if p.i >= len(d) || d[p.i] < '0' || d[p.i] > '9' {
			return p.syntax("invalid %s in exponent of numeric literal", p.charAt())
		}
		p.digits()
	}
	return nil
}

func (p *Parser) digits() {
	for p.i < len(p.data) && '0' <= p.data[p.i] && p.data[p.i] <= '9' {
		p.i++
	}
}

// skipString reads past a string, whose opening quote is at p.i, checking
// its escapes.
func (p *Parser) skipString() error {
	data := p.data
	for i := p.i + 1; i < len(data); {
		if i = stringRun(data, i); i >= len(data) {
			break
		}
		c := data[i]
		switch {
		case c == '"':
			p.i = i + 1
			return nil
		case c == '\\':
			if i+1 >= len(data) {
				return p.truncated()
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, bad := hex4(data, i+2); bad >= 0 {
					p.i = bad
					return p.syntax("invalid %s in \\u hexadecimal character escape", p.charAt())
				}
				i += 6
			default:
				p.i = i + 1
				return p.syntax("invalid %s in string escape code", char(data[i+1]))
			}
		case c < 0x20:
			p.i = i
			return p.syntax("invalid %s in string literal", char(c))
		default:
			i++
		}
	}
	return p.truncated()
}

// skip reads past any value, checking it.
func (p *Parser) skip() error {
	var inline [32]byte
	stack := inline[:0] // the '{' and '[' of the objects and arrays the value is in
	for {
		// A value.
		p.ws()
		if p.i >= len(p.data) {
			return p.truncated()
		}
		switch c := p.data[p.i]; {
		case c == '{' || c == '[':
			if p.depth+len(stack) == maxDepth {
				return p.syntax("nesting deeper than %d levels", maxDepth)
			}
			p.i++
			p.ws()
			if p.i < len(p.data) && p.data[p.i] == c+2 {
				p.i++
				break
			}
			stack = append(stack, c)
			if c == '{' {
				if err := p.memberKey(); err != nil {
					return err
				}
			}
			continue
		case c == '"':
			if err := p.skipString(); err != nil {
				return err
			}
		case c == '-' || '0' <= c && c <= '9':
			if err := p.number(); err != nil {
				return err
			}
		case c == 't':
			if err := p.literal("true"); err != nil {
				return err
			}
		case c == 'f':
			if err := p.literal("false"); err != nil {
				return err
			}
		case c == 'n':
			if err := p.literal("null"); err != nil {
				return err
			}
		default:
			return p.syntax("invalid %s looking for beginning of value", char(c))
		}
		// What follows a value: another, or the end of what holds it.
	after:
		for {
			if len(stack) == 0 {
				return nil
			}
			top := stack[len(stack)-1]
			p.ws()
			switch {
			case p.i < len(p.data) && p.data[p.i] == ',':
				p.i++
				if top == '{' {
					if err := p.memberKey(); err != nil {
						return err
					}
				}
				break after
			case p.i < len(p.data) && p.data[p.i] == top+2:
				p.i++
				stack = stack[:len(stack)-1]
			case top == '{':
				return p.syntax("invalid %s after object key:value pair", p.charAt())
			default:
				return p.syntax("invalid %s after array element", p.charAt())
			}
		}
	}
}

// memberKey reads past a member's key and its colon.
func (p *Parser) memberKey() error {
	p.ws()
	if p.i >= len(p.data) || p.data[p.i] != '"' {
		return p.syntax("invalid %s looking for beginning of object key string", p.charAt())
	}
	if err := p.skipString(); err != nil {
		return err
	}
	return p.Colon()
}

// header reads a header: an object of names to arrays of values. The
// values of all names share one slice, capped for each name so that
// appending to one never writes over the next.
func (p *Parser) header() (http.Header, error) {
	start := p.i
	for _, r := range p.repeat {
		if r.h != nil && bytes.HasPrefix(p.data[start:], r.raw) {
			p.i += len(r.raw)
			return r.h, nil
		}
	}
	more, err := p.Open('{', "object")
	if err != nil {
		return nil, err
	}
	p.values, p.names = p.values[:0], p.names[:0]
	for more {
		at := p.i
		b, err := p.Key()
		if err != nil {
			return nil, err
		}
		name := p.share(b)
		if err := p.Colon(); err != nil {
			return nil, err
		}
		if !p.Null() {
			more, err := p.Open('[', "array")
			if err != nil {
				return nil, Wrap(strconv.Quote(name), err)
			}
			for more {
				v, err := p.Text(true)
				if err != nil {
					return nil, Wrap(strconv.Quote(name), err)
				}
				p.values = append(p.values, v)
				if more, err = p.More(']'); err != nil {
					return nil, err
				}
			}
		}
		p.names = append(p.names, headerName{name: name, at: at, to: len(p.values)})
		if more, err = p.More('}'); err != nil {
			return nil, err
		}
	}
	values := p.keepStrings(p.values)
	h := make(http.Header, len(p.names))
	from := 0
	for _, n := range p.names {
		h[n.name] = values[from:n.to:n.to]
		from = n.to
	}
	if len(h) < len(p.names) {
		return nil, p.repeatedName()
	}
	copy(p.repeat[1:], p.repeat[:])
	p.repeat[0] = repeatedHeader{raw: p.data[start:p.i], h: h}
	return h, nil
}

// A repeatedHeader is a header read from the document, kept so that the
// same text read again gives the same map: the requests of a cassette
// mostly send the same header, and a loaded cassette holds it once (the
// interactions of a cassette share their headers, and must not modify
// them; see cassette.Cassette.Interactions). The text is the whole object,
// from its '{' to its '}', so the same text is the same header.
type repeatedHeader struct {
	raw []byte // a part of the document
	h   http.Header
}

// repeatedName reports the first name of the header just read that
// appears twice.
func (p *Parser) repeatedName() error {
	seen := map[string]bool{}
	for _, n := range p.names {
		if seen[n.name] {
			return p.ErrorAt(n.at, fmt.Errorf("%q appears twice", n.name))
		}
		seen[n.name] = true
	}
	return nil
}

// body reads a body in the given form: text, base64 or JSON.
func (p *Parser) body(form int) ([]byte, error) {
	start := p.i
	if form == bodyJSON {
		return p.jsonBody()
	}
	if p.i >= len(p.data) || p.data[p.i] != '"' {
		return nil, p.kindError("string")
	}
	if form == bodyText {
		// Unescaped into the slab, where it takes no more room than in
		// the file, unless it holds bytes that are not UTF-8.
		b, escaped, err := p.stringTo(p.tail(stringEnd(p.data, p.i) - p.i))
		switch {
		case err != nil:
			return nil, err
		case escaped:
			return p.slab.keep(b), nil
		}
		return p.keepBytes(b), nil
	}
	b, err := p.stringBytes()
	if err != nil {
		return nil, err
	}
	n := base64.StdEncoding.DecodedLen(len(b))
	out := p.tail(n)[:n]
	n, err = base64.StdEncoding.Decode(out, b)
	if err != nil {
		return nil, p.ErrorAt(start, err)
	}
	return p.slab.keep(out[:n]), nil
}

// jsonBody reads a JSON body, compacted. One that the members after it
// say how to space is held in p.held until its object is read (see
// bodyField.finish), so that only the spaced body takes room in the slab.
func (p *Parser) jsonBody() ([]byte, error) {
	start := p.i
	out, ok := p.compactValue(p.held[:0])
	if !ok {
		// Not Read: skip says why, if anything is wrong.
		p.i = start
		if err := p.skip(); err != nil {
			return nil, err
		}
		out = append(out[:0], compact(p.data[start:p.i])...)
		p.seps = nil // not noted: appendSpaced reads the value again
	}
	if len(out) > math.MaxInt32 {
		p.seps = nil // noted as int32, which a body this large overflows
	}
	p.held = out
	if p.spacedNext() {
		p.spacing.held = true
		return p.held, nil
	}
	return p.keepBytes(out), nil
}

// spacedNext reports whether the member after the one just read is one
// that says how a JSON body was spaced, as it is in a file Marshal wrote.
func (p *Parser) spacedNext() bool {
	d := p.data
	i := spaceEnd(d, p.i)
	if i >= len(d) || d[i] != ',' {
		return false
	}
	i = spaceEnd(d, i+1)
	return bytes.HasPrefix(d[i:], []byte(`"body_json_`))
}

// keepStrings returns a copy of values, capped, in a chunk that the values
// of many headers share.
func (p *Parser) keepStrings(values []string) []string {
	n := len(values)
	if n == 0 {
		return []string{} // names without values read as empty, not nil
	}
	if cap(p.strs)-len(p.strs) < n {
		p.strs = make([]string, 0, max(n, chunkSize(cap(p.strs), 8)))
	}
	k := append(p.strs, values...)
	p.strs = k
	return k[len(k)-n : len(k) : len(k)]
}

// chunkSize returns the capacity of a new chunk of values, after one of
// capacity last: twice that, from first, at most 256. A small file's
// chunks stay small: sized from the file's bytes, the first chunks of a
// cassette with one large body were mostly empty.
func chunkSize(last, first int) int {
	if last == 0 {
		return first
	}
	return min(2*last, 256)
}

// compact returns a copy of the JSON b without its spacing.
func compact(b []byte) []byte {
	if !spacedJSON(b) {
		return bytes.Clone(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case ' ', '\t', '\n', '\r':
		case '"':
			end := stringEnd(b, i)
			out = append(out, b[i:end]...)
			i = end - 1
		default:
			out = append(out, c)
		}
	}
	return out
}

// spacedJSON reports whether the JSON b has spacing outside its strings.
func spacedJSON(b []byte) bool {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			return true
		case '"':
			i = stringEnd(b, i) - 1
		}
	}
	return false
}
