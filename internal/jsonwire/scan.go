package jsonwire

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"sync"

	"github.com/dvdrw/dvd/internal/unsafeconv"
)

// What makes reading a file fast: the bodies and strings of a file are
// decoded once, the small ones into a few chunks of memory (a slab), not
// one allocation each, a large one into memory of its own, its size, and
// replay hands them out as they are; JSON bodies are checked and compacted
// in one pass over the bytes of the file.

// A slab hands out the memory that the bodies and strings of one file are
// decoded into (see tail). Each is a part of a chunk, or memory of its
// own, capped so that appending to one never writes over the next;
// strings are made over their bytes with unsafeconv.String, which is
// sound because nothing writes to a part of a chunk once it is handed out:
// a body's owner may change its own bytes, and only those.
//
// Nothing decoded points into the document's bytes themselves: Read's
// caller may use them again once it returns.
//
// A chunk stays in memory while anything decoded into it does: in a
// loaded cassette, that is as long as the cassette.
type slab struct {
	buf  []byte // the current chunk: handed out up to len, free up to cap
	kept int    // bytes handed out from earlier chunks
}

const slabMax = 1 << 20

// tail returns the free part of the current chunk, as an empty slice to
// append a value of at most n bytes to. A value larger than the room left
// in the chunk, and than small, gets memory of its own, exactly its size,
// and leaves the room to the values that follow; a smaller one starts a
// new chunk. (A value appended past the room moves to memory of its own
// too, which keep detects.)
//
// A new chunk is sized for the small values the rest of the file will
// put in it, guessed from how much of what was read so far went into
// chunks: chunks sized from the file's bytes kept a quarter of a small
// suite's slabs empty.
func (p *Parser) tail(n int) []byte {
	s := &p.slab
	if cap(s.buf)-len(s.buf) >= max(n, 1) {
		return s.buf[len(s.buf):len(s.buf):cap(s.buf)]
	}
	if n > small {
		return make([]byte, 0, n)
	}
	s.kept += len(s.buf)
	size := max(2*cap(s.buf), 2*small)
	if s.kept > 0 {
		left := len(p.data) - p.i
		size = min(size, int(float64(left)*float64(s.kept)/float64(p.i)*1.1)+small, slabMax)
	}
	s.buf = make([]byte, 0, max(n, size))
	return s.buf[:0:cap(s.buf)]
}

// small is the size up to which a value goes into a chunk of the slab
// when the current one has no room for it.
const small = 256

// keep takes the value out, which was appended to what tail returned, out
// of the free part of the chunk, and returns it capped.
func (s *slab) keep(out []byte) []byte {
	if len(out) == 0 {
		return out[:0:0]
	}
	if free := s.buf[len(s.buf):cap(s.buf)]; cap(free) > 0 && &free[:1][0] == &out[0] {
		s.buf = s.buf[:len(s.buf)+len(out)]
	}
	return out[:len(out):len(out)]
}

// keepBytes returns a copy of b in the slab.
func (p *Parser) keepBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return p.slab.keep(append(p.tail(len(b)), b...))
}

// keepString returns a string holding b, made in the slab.
func (p *Parser) keepString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafeconv.String(p.keepBytes(b))
}

// SWAR: eight bytes of the file at a time, as one uint64.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// below marks, in the high bit of each byte, the bytes of x less than c
// (c ≤ 0x80); equal marks those that are c. Bytes after the first marked
// one may be marked wrongly, so only the first counts.
func below(x uint64, c byte) uint64 { return (x - ones*uint64(c)) &^ x & highs }
func equal(x uint64, c byte) uint64 { return below(x^(ones*uint64(c)), 1) }

// stringRun returns the offset of the first byte at or after i that ends
// a run of string content in JSON: a quote, a backslash or a control
// character.
func stringRun(d []byte, i int) int {
	for ; i+8 <= len(d); i += 8 {
		x := binary.LittleEndian.Uint64(d[i:])
		if m := equal(x, '"') | equal(x, '\\') | below(x, 0x20); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(d); i++ {
		if c := d[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return i
}

// plainRun is stringRun that stops at bytes past ASCII too: what it reads
// past is plain (see plain).
func plainRun(d []byte, i int) int {
	for ; i+8 <= len(d); i += 8 {
		x := binary.LittleEndian.Uint64(d[i:])
		if m := equal(x, '"') | equal(x, '\\') | below(x, 0x20) | x&highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(d) && plain[d[i]] {
		i++
	}
	return i
}

// stringEndChecked returns the offset just past the string whose opening
// quote is at d[i], or -1 if it is not one skipString accepts.
func stringEndChecked(d []byte, i int) int {
	i++
	for {
		i = stringRun(d, i)
		if i >= len(d) {
			return -1
		}
		switch d[i] {
		case '"':
			return i + 1
		case '\\':
			if i+1 >= len(d) {
				return -1
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if _, bad := hex4(d, i+2); bad >= 0 {
					return -1
				}
				i += 6
			default:
				return -1
			}
		default: // a control character
			return -1
		}
	}
}

// spaceEnd returns the offset of the first byte at or after i that is not
// JSON spacing. Most of the spacing of a file Marshal wrote is indentation:
// a run of spaces is read past eight bytes at a time, up to the first that
// is not a space.
func spaceEnd(d []byte, i int) int {
	for i < len(d) {
		switch d[i] {
		case ' ':
			if i+8 > len(d) {
				i++
				continue
			}
			if x := binary.LittleEndian.Uint64(d[i:]) ^ eightSpaces; x != 0 {
				i += bits.TrailingZeros64(x) / 8 // the first byte that is not a space
			} else {
				i += 8
			}
		case '\n', '\t', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

const eightSpaces = 0x2020202020202020

// numberEnd returns the offset just past the number that starts at d[i],
// or -1 if it is not one number accepts.
func numberEnd(d []byte, i int) int {
	if d[i] == '-' {
		i++
	}
	digits := func(i int) int {
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
		return i
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		i = digits(i)
	default:
		return -1
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return -1
		}
		i = digits(i)
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return -1
		}
		i = digits(i)
	}
	return i
}

// compactValue reads the JSON value at p.i as skip does, appending it to
// out without its spacing, in the one pass. It reports false for anything
// skip would not accept, leaving p.i as it was: the caller then reads the
// value again with skip, for its error.
//
// It notes in p.seps where in out each comma and colon between members
// and elements went (out is empty when called), so that spacing the value
// again is a copy between them rather than a second reading of it.
func (p *Parser) compactValue(out []byte) ([]byte, bool) {
	p.seps = p.seps[:0]
	d, i := p.data, p.i
	var inline [64]byte
	stack := inline[:0] // the '{' and '[' of the objects and arrays the value is in
	for {
		// A value.
		if i >= len(d) {
			return out, false
		}
		switch c := d[i]; {
		case c == '"' || c == '-' || '0' <= c && c <= '9':
			// A string or a number: copied as it stands.
			var j int
			if c == '"' {
				j = stringEndChecked(d, i)
			} else {
				j = numberEnd(d, i)
			}
			if j < 0 {
				return out, false
			}
			if cap(out)-len(out) < j-i+8 {
				out = p.spill(out, j-i+8)
			}
			out = append(out, d[i:j]...)
			i = j
		case c == '{' || c == '[':
			if p.depth+len(stack) == maxDepth {
				return out, false
			}
			i = spaceEnd(d, i+1)
			if i < len(d) && d[i] == c+2 {
				out = append(out, c, c+2)
				i++
				break
			}
			out = append(out, c)
			stack = append(stack, c)
			if c == '{' {
				var ok bool
				if i, out, ok = p.compactKey(d, i, out); !ok {
					return out, false
				}
			}
			continue
		case c == 't' || c == 'f' || c == 'n':
			word := "null"
			if c == 't' {
				word = "true"
			} else if c == 'f' {
				word = "false"
			}
			if len(d)-i < len(word) || string(d[i:i+len(word)]) != word {
				return out, false
			}
			out = append(out, word...)
			i += len(word)
		default:
			return out, false
		}
		// What follows a value: another, or the end of what holds it.
	after:
		for {
			if len(stack) == 0 {
				p.i = i
				return out, true
			}
			top := stack[len(stack)-1]
			i = spaceEnd(d, i)
			switch {
			case i >= len(d):
				return out, false
			case d[i] == ',':
				out = append(out, ',')
				p.seps = append(p.seps, int32(len(out)-1))
				i++
				if top == '{' {
					var ok bool
					if i, out, ok = p.compactKey(d, spaceEnd(d, i), out); !ok {
						return out, false
					}
				} else {
					i = spaceEnd(d, i)
				}
				break after
			case d[i] == top+2:
				out = append(out, top+2)
				i++
				stack = stack[:len(stack)-1]
			default:
				return out, false
			}
		}
	}
}

// compactKey appends the key at d[i] and its colon to out, and returns
// the offset of the value after them.
func (p *Parser) compactKey(d []byte, i int, out []byte) (int, []byte, bool) {
	if i >= len(d) || d[i] != '"' {
		return i, out, false
	}
	j := stringEndChecked(d, i)
	if j < 0 {
		return i, out, false
	}
	if cap(out)-len(out) < j-i+8 {
		out = p.spill(out, j-i+8)
	}
	out = append(out, d[i:j]...)
	j = spaceEnd(d, j)
	if j >= len(d) || d[j] != ':' {
		return i, out, false
	}
	out = append(out, ':')
	p.seps = append(p.seps, int32(len(out)-1))
	return spaceEnd(d, j+1), out, true
}

// appendSpaced appends the compact JSON value to dst spaced as s says:
// indented as json.Indent indents when s has an indent, with its
// separators or its gaps otherwise. The reader rebuilds a body with it, and
// the writer checks with it that a body it stores as JSON will be rebuilt
// byte for byte (both through spacedWithin, bounded).
func appendSpaced(dst, value []byte, s jsonSpacing) []byte {
	dst, _ = spacedWithin(dst, value, s, math.MaxInt)
	return dst
}

// spacedWithin is appendSpaced that stops, and reports false, once dst
// is longer than limit bytes.
func spacedWithin(dst, value []byte, s jsonSpacing, limit int) ([]byte, bool) {
	dst = append(dst, s.leading...)
	switch {
	case s.indent != "":
		dst = appendIndented(dst, value, s.prefix, s.indent, 0, limit)
	case len(s.gaps) > 0:
		dst = appendGapped(dst, value, s.gaps)
	case s.comma != "" || s.colon != "":
		dst = appendSeparated(dst, value, s.comma, s.colon, limit)
	default:
		dst = append(dst, value...)
	}
	dst = append(dst, s.trailing...)
	return dst, len(dst) <= limit
}

// appendIndented appends the compact JSON value to dst as json.Indent
// would, in one pass with the lines of each depth written at once: each
// element on a line of its own that starts with prefix and one indent per
// level, a space after each colon, empty objects and arrays as they are.
// With short > 0, an object or array inside the outermost one that is at
// most short bytes long stays on one line as it is, compact (the file's
// layout of a long body: see layoutJSON). It stops once dst is longer than
// limit bytes.
func appendIndented(dst, value []byte, prefix, indent string, short, limit int) []byte {
	// line holds a newline, the prefix and enough indents for the depth.
	var inline [128]byte
	line := append(append(inline[:0], '\n'), prefix...)
	lineAt := func(depth int) []byte {
		n := 1 + len(prefix) + depth*len(indent)
		if n > limit-len(dst) {
			// Past the limit: a part of the line ends it (and dst is
			// thrown away), rather than a line of any length.
			n = max(limit-len(dst)+1, 1)
		}
		for len(line) < n {
			line = append(line, indent...)
		}
		return line[:n]
	}
	depth := 0
	for i := 0; i < len(value) && len(dst) <= limit; i++ {
		switch c := value[i]; c {
		case '"':
			dst, i = appendString(dst, value, i)
		case '{', '[':
			if i+1 < len(value) && value[i+1] == c+2 {
				dst = append(dst, c, c+2)
				i++
				continue
			}
			if depth > 0 && short > 0 {
				if end, ok := shortValue(value, i, short); ok {
					dst = append(dst, value[i:end]...)
					i = end - 1
					continue
				}
			}
			dst = append(dst, c)
			depth++
			dst = append(dst, lineAt(depth)...)
		case '}', ']':
			depth--
			dst = append(dst, lineAt(depth)...)
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = append(dst, lineAt(depth)...)
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// stringEnd returns the offset just past the string of the JSON b that
// starts at i, reading eight bytes at a time.
func stringEnd(b []byte, i int) int {
	for i++; ; {
		for ; i+8 <= len(b); i += 8 {
			x := binary.LittleEndian.Uint64(b[i:])
			if m := equal(x, '"') | equal(x, '\\'); m != 0 {
				i += bits.TrailingZeros64(m) / 8
				break
			}
		}
		for i < len(b) && b[i] != '"' && b[i] != '\\' {
			i++
		}
		switch {
		case i >= len(b):
			return len(b)
		case b[i] == '"':
			return i + 1
		}
		i += 2
	}
}

// moreElements guesses how many more elements an array holds, n of which
// were read since start: one at first (most cassettes of a small suite
// hold one interaction, and a guess from the file's size gave those room
// for five), then as many as the rest of the file has room for, at the
// size of those read, and a few more, so that the slice of a long list
// grows once or twice and has little room to spare. The guess is never
// more than 2n+16, so that a list whose first elements are small and
// whose last holds a large body gets a slice at most three times what it
// needs, not one sized for a million small interactions.
func (p *Parser) moreElements(start, n int) int {
	if n == 0 {
		return 1
	}
	left := len(p.data) - p.i
	each := float64(p.i-start) / float64(n)
	return min(int(float64(left)/each*1.05)+1, 2*n+16)
}

// spill makes room for n more bytes in out, the parser's buffer a JSON
// body is compacted into (see jsonBody), doubling it and some.
func (p *Parser) spill(out []byte, n int) []byte {
	return slices.Grow(out, len(out)+2*n)
}

// parserBuffers are what a Parser uses while it reads a file and leaves
// behind: the next file's Parser takes them up again, rather than
// growing its own.
type parserBuffers struct {
	chunk   any // a *chunk[C], empty
	intern  map[string]string
	scratch []byte
	held    []byte
	values  []string
	names   []headerName
	seps    []int32
}

var buffers = sync.Pool{New: func() any { return new(parserBuffers) }}

// borrow gives p the buffers a Parser left behind.
func (p *Parser) borrow() {
	b := buffers.Get().(*parserBuffers)
	p.chunk, p.intern, p.scratch, p.held, p.values, p.names, p.seps = b.chunk, b.intern, b.scratch, b.held, b.values, b.names, b.seps
}

// giveBack leaves p's buffers for the next Parser, holding nothing of
// what p Read: the strings it interned are in its slab, which they would
// keep in memory.
func (p *Parser) giveBack() {
	const most = 1 << 20 // a buffer that grew larger is dropped
	b := &parserBuffers{intern: p.intern}
	clear(b.intern)
	if c, ok := p.chunk.(interface{ empty() }); ok {
		c.empty()
		b.chunk = c
	}
	if cap(p.scratch) <= most {
		b.scratch = p.scratch[:0]
	}
	if cap(p.held) <= most {
		b.held = p.held[:0]
	}
	if cap(p.values) <= most/16 {
		b.values = p.values[:0]
		clear(b.values[:cap(b.values)])
	}
	if cap(p.seps) <= most/4 {
		b.seps = p.seps[:0]
	}
	if cap(p.names) <= most/16 {
		b.names = p.names[:0]
		clear(b.names[:cap(b.names)])
	}
	buffers.Put(b)
}

// transient reads a string that the caller parses and does not keep, such
// as a duration: it is made over the file's bytes, or the parser's
// scratch, without a copy. (An error that quotes it, through fmt, copies
// it.)
func (p *Parser) transient() (string, error) {
	if p.i >= len(p.data) || p.data[p.i] != '"' {
		return "", p.kindError("string")
	}
	b, err := p.stringBytes()
	if err != nil || len(b) == 0 {
		return "", err
	}
	return unsafeconv.String(b), nil
}

// newValue returns a new C for an optional member. The values of a
// chunked object, one in each element of a long list, come from a chunk
// that many share, as bodies do from the slab.
func newValue[C any](p *Parser, chunked bool) *C {
	if !chunked {
		return new(C)
	}
	c, _ := p.chunk.(*chunk[C])
	if c == nil {
		c = new(chunk[C])
		p.chunk = c
	}
	if len(c.values) == cap(c.values) {
		c.values = make([]C, 0, chunkSize(cap(c.values), 1))
	}
	c.values = c.values[:len(c.values)+1]
	return &c.values[len(c.values)-1]
}

// A chunk holds values handed out one at a time.
type chunk[C any] struct{ values []C }

// empty lets go of the values, for the chunk to serve the next document.
func (c *chunk[C]) empty() { c.values = nil }

// Offset returns the offset in the document of what is read next.
func (p *Parser) Offset() int { return p.i }

// peek returns the byte read next, or 0 at the end of the document.
func (p *Parser) peek() byte {
	if p.i < len(p.data) {
		return p.data[p.i]
	}
	return 0
}

// Base64 reads a string of standard base64, and returns the bytes it
// stands for.
func (p *Parser) Base64() ([]byte, error) { return p.body(bodyBase64) }
