package index

import (
	"encoding/binary"
	"net/http"
	"strings"

	"github.com/zeebo/xxh3"

	"github.com/dvdrw/dvd/match"
)

// canonical appends the features of req to dst: for each matcher, the
// length-prefixed value. The names are left out, to keep the bytes short;
// the matchers give them when they are needed.
func canonical(dst []byte, matchers []match.Matcher, req *http.Request, body []byte) []byte {
	for _, m := range matchers {
		v := m.Feature(req, body).Value
		dst = binary.AppendUvarint(dst, uint64(len(v)))
		dst = append(dst, v...)
	}
	return dst
}

// values decodes what [canonical] wrote.
func values(canon string) []string {
	var vs []string
	for len(canon) > 0 {
		var v string
		v, canon = readPrefixed(canon)
		vs = append(vs, v)
	}
	return vs
}

func readPrefixed(s string) (string, string) {
	n, k := binary.Uvarint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
	if k <= 0 || uint64(len(s)-k) < n {
		return s, ""
	}
	return s[k : k+int(n)], s[k+int(n):]
}

// An arena holds the long canonical features of an index in a few large
// strings, which entries slice: one allocation per chunk, not per entry.
type arena struct {
	b strings.Builder
}

// arenaChunk bounds an arena's chunks. The first is sized for the keys
// still to come, each guessed as long as the one that starts it, so that
// the index of a small cassette holds no more than it needs; the next ones
// double.
const arenaChunk = 64 << 10

// add returns a string holding p, in the arena; left is how many keys,
// p's included, are still to be added.
func (a *arena) add(p []byte, left int) string {
	if a.b.Cap()-a.b.Len() < len(p) {
		// A new chunk: the strings already handed out keep the old one.
		size := min(max(2*a.b.Cap(), len(p)*left), arenaChunk)
		a.b = strings.Builder{}
		a.b.Grow(max(size, len(p)))
	}
	start := a.b.Len()
	a.b.Write(p)
	return a.b.String()[start:]
}

// distinguishing are the request headers that change what a server answers
// to requests that are otherwise the same: a part of an object, a condition,
// a representation. Requests that the matchers cannot tell apart replay the
// recordings whose distinguishing headers and body are equal to theirs first.
var distinguishing = []string{
	"Range", "If-Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since",
	"Accept", "Content-Type",
}

// wholeKey hashes what [distinguishing] names and the body.
func wholeKey(h http.Header, body []byte) uint64 {
	d := xxh3.New()
	var n [binary.MaxVarintLen64]byte
	for _, k := range distinguishing {
		for _, v := range h[k] {
			d.Write(n[:binary.PutUvarint(n[:], uint64(len(v)))])
			d.WriteString(v)
		}
		d.Write([]byte{0})
	}
	d.Write(body)
	return d.Sum64()
}

// Distinguishing returns the headers of h that tell apart requests the
// matchers cannot (Range, the conditions, Accept, Content-Type), as one
// string, so that a recorder can order such requests as a lookup prefers
// them.
func Distinguishing(h http.Header) string {
	var b []byte
	for _, k := range distinguishing {
		for _, v := range h[k] {
			b = append(b, v...)
			b = append(b, 0)
		}
		b = append(b, 1)
	}
	return string(b)
}
