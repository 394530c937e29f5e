package cassette

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/zeebo/xxh3"

	"github.com/dvdrw/dvd/match"
)

// An index finds the recorded interactions that match a request in O(1),
// whatever the cassette's size. Each interaction's request is reduced to its
// canonical features (the value of each matcher, length-prefixed, so equal
// bytes mean equal features); the xxh3 hash of those bytes keys a map to the group of
// interactions with that hash, in recorded order.
//
// The map is built once and only read afterwards, so lookups take no global
// lock. An interaction is claimed with a compare-and-swap on the count of
// replays it has left (one, or its Times), and each group keeps a cursor
// past its used interactions, so repeated identical requests cost O(1)
// each, not a scan over those already replayed. The data a lookup touches sits in few, contiguous places
// (groups, entries, one buffer of all canonical features, flat copies of
// the response headers), so that a lookup in 100,000 interactions misses
// the cache about as often as one in 100.
type index struct {
	matchers []match.Matcher
	extra    []match.Func
	repeats  bool
	groups   map[uint64]int32 // hash → an entry (>= 0), or a group (-1 - position in list)
	list     []group
	entries  []entry         // in recorded order
	reqs     []*http.Request // the recorded requests, kept only for extra funcs
}

// A group is the interactions whose features hash alike, almost always
// the same features: first, then more, in recorded order. A hash with one
// interaction, the common case, maps to the entry directly, which saves a
// cache miss on every lookup in a large cassette.
type group struct {
	next  atomic.Int32 // members before next are all used
	first int32
	more  []int32
	// alike reports that the members' whole requests are alike too (see
	// [wholeKey]), as a poll's are: then the first unused one is the answer.
	alike bool
}

func (g *group) size() int { return 1 + len(g.more) }

func (g *group) member(i int) int32 {
	if i == 0 {
		return g.first
	}
	return g.more[i-1]
}

type entry struct {
	left atomic.Int32 // the replays left: Times, or 1
	n    int32        // position in the cassette
	// The canonical features: inline, next to the rest of the entry, when
	// they are short, as they usually are, or else in long, a slice of a
	// shared buffer.
	inline [inlineCanon]byte
	short  int8 // the length of the canonical features in inline, or -1
	long   string
	whole  uint64 // wholeKey of the request, for members of a group
	hot    hotResponse
	in     *Interaction
}

// inlineCanon is how long canonical features may be to sit in the entry:
// with short, they fill the entry's second 64 bytes, and an entry is 192
// bytes, three cache lines.
const inlineCanon = 63

// claim takes one of the entry's replays, and reports false when none is
// left.
func (e *entry) claim() bool {
	for {
		n := e.left.Load()
		if n <= 0 {
			return false
		}
		if e.left.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// used reports whether every replay of the entry was taken.
func (e *entry) used() bool { return e.left.Load() <= 0 }

// same reports whether the entry's canonical features are canon.
func (e *entry) same(canon []byte) bool {
	if e.short >= 0 {
		return int(e.short) == len(canon) && string(e.inline[:e.short]) == string(canon)
	}
	return e.long == string(canon)
}

// canon returns the entry's canonical features, for the rare uses.
func (e *entry) canon() string {
	if e.short >= 0 {
		return string(e.inline[:e.short])
	}
	return e.long
}

// A request as the index sees it: the canonical features are kept in a
// pooled buffer so that a lookup allocates nothing of its own.
var canonPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// newIndex indexes ins. view, if not nil, is how the matchers see a
// request: the recorder redacts recorded requests as it redacts incoming
// ones, so that both sides of a match see the same redaction, whatever
// redaction the cassette was written with.
//
// Building allocates a few large arrays, not a few objects per
// interaction: each request is seen through one reused *http.Request and
// url.URL (see parseURL), its features go to a reused buffer and from
// there inline into the entry, or into a shared arena when they are long,
// and the map is sized up front.
func newIndex(ins []Interaction, matchers []match.Matcher, extra []match.Func, repeats bool, view func(*http.Request, []byte) (*http.Request, []byte)) (*index, error) {
	if len(ins) > math.MaxInt32 {
		return nil, fmt.Errorf("%d interactions are more than a cassette can replay", len(ins))
	}
	ix := &index{
		matchers: matchers,
		extra:    extra,
		repeats:  repeats,
		groups:   make(map[uint64]int32, len(ins)),
		entries:  make([]entry, len(ins)),
	}
	if len(extra) > 0 {
		ix.reqs = make([]*http.Request, len(ins))
	}
	var (
		canon  []byte
		long   arena
		kv     pairs
		reuse  http.Request
		u      url.URL
		states tlsStates
	)
	empty := http.Header{}
	// Matchers that read only the method and the URL are given a view of
	// the request without its header and body, which then cost no
	// redaction. Extra funcs see the whole view.
	urlOnly := len(extra) == 0 && readURLOnly(matchers)
	for i := range ins {
		in := &ins[i]
		req, err := matcherRequest(&in.Request, &reuse, &u, empty, len(extra) > 0)
		if err != nil {
			return nil, err
		}
		body := in.Request.Body
		if urlOnly {
			req.Header, body = empty, nil
		}
		if view != nil {
			req, body = view(req, body)
		}
		if ix.reqs != nil {
			ix.reqs[i] = req
		}
		canon = canonical(canon[:0], matchers, req, body)
		e := &ix.entries[i]
		e.n, e.in = int32(i), in
		e.left.Store(int32(min(max(in.Times, 1), math.MaxInt32)))
		e.short = -1
		if len(canon) <= inlineCanon {
			e.short = int8(copy(e.inline[:], canon))
		} else {
			e.long = long.add(canon)
		}
		if in.Response != nil {
			e.hot = newHotResponse(in.Response)
			var noValues bool
			e.hot.pairs, noValues = kv.add(in.Response.Header)
			if noValues {
				e.hot.flags |= hotRare
			}
			e.hot.tls = states.of(in.Response.TLS)
		} else {
			e.hot.flags = hotFailed
		}
		h := xxh3.Hash(canon)
		v, ok := ix.groups[h]
		switch {
		case !ok:
			ix.groups[h] = int32(i)
		case v >= 0:
			ix.list = append(ix.list, group{first: v, more: []int32{int32(i)}})
			ix.groups[h] = -int32(len(ix.list))
		default:
			g := &ix.list[-v-1]
			g.more = append(g.more, int32(i))
		}
	}
	// Only requests that share their features need telling apart by the
	// rest: a single entry never pays for the key.
	for gi := range ix.list {
		g := &ix.list[gi]
		g.alike = true
		for m := range g.size() {
			e := &ix.entries[g.member(m)]
			e.whole = wholeKey(e.in.Request.Header, e.in.Request.Body)
			g.alike = g.alike && e.whole == ix.entries[g.first].whole
		}
	}
	return ix, nil
}

// An arena holds the long canonical features of an index in a few large
// strings, which entries slice: one allocation per chunk, not per entry.
type arena struct {
	b strings.Builder
}

const arenaChunk = 64 << 10

func (a *arena) add(p []byte) string {
	if a.b.Cap()-a.b.Len() < len(p) {
		// A new chunk: the strings already handed out keep the old one.
		a.b = strings.Builder{}
		a.b.Grow(max(arenaChunk, len(p)))
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

// distinguishingValues returns the distinguishing headers of h as one
// string, for ordering.
func distinguishingValues(h http.Header) string {
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

// recordedRequest turns a recorded request back into an *http.Request for
// the matchers.
func recordedRequest(r *Request) (*http.Request, error) {
	return matcherRequest(r, nil, nil, nil, true)
}

// matcherRequest is recordedRequest for an index being built. Unless keep
// is set, it reuses req and u, which the caller hands in anew for every
// request: the matchers read a request, never keep it. empty stands in for
// a nil header.
func matcherRequest(r *Request, req *http.Request, u *url.URL, empty http.Header, keep bool) (*http.Request, error) {
	if keep {
		req, u = new(http.Request), new(url.URL)
	}
	pu, err := parseURL(r.URL, u)
	if err != nil {
		return nil, &url.Error{Op: "parse", URL: r.URL, Err: err}
	}
	h := r.Header
	if h == nil {
		h = empty
		if keep {
			h = http.Header{}
		}
	}
	*req = http.Request{
		Method: r.Method, URL: pu, Header: h, Host: pu.Host,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		ContentLength: int64(len(r.Body)),
	}
	return req, nil
}

// canonical appends the features of req to dst: for each matcher, the
// length-prefixed value. The names are left out, to keep the bytes short;
// the matchers give them when they are needed.
func canonical(dst []byte, matchers []match.Matcher, req *http.Request, body []byte) []byte {
	for _, m := range matchers {
		v := m(req, body).Value
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

// lookup returns the first unused recorded interaction that matches req,
// and takes one of its replays: it has one, or as many as its Times, which
// serve a recorded run of polls in place. With repeats allowed, once every
// match was used it returns the last one again. It returns nil when
// nothing matches.
func (ix *index) lookup(req *http.Request, body []byte) *entry {
	bp := canonPool.Get().(*[]byte)
	canon := canonical((*bp)[:0], ix.matchers, req, body)
	e := ix.find(canon, req, body)
	*bp = canon
	canonPool.Put(bp)
	return e
}

// members returns the interactions whose features hash like canon: one
// entry, or a group.
func (ix *index) members(canon []byte) (*entry, *group) {
	v, ok := ix.groups[xxh3.Hash(canon)]
	switch {
	case !ok:
		return nil, nil
	case v >= 0:
		return &ix.entries[v], nil
	}
	return nil, &ix.list[-v-1]
}

func (ix *index) find(canon []byte, req *http.Request, body []byte) *entry {
	single, g := ix.members(canon)
	if single != nil {
		if !single.same(canon) || !ix.extraMatch(single, req, body) {
			return nil
		}
		if single.claim() || ix.repeats {
			return single
		}
		return nil
	}
	if g == nil {
		return nil
	}
	// The recorded request whose whole request is the incoming one's comes
	// first, then recorded order. A group of alike requests, a poll, has its
	// answer at the cursor, and costs O(1).
	whole, exact := uint64(0), !g.alike
	if exact {
		whole = wholeKey(req.Header, body)
	}
	for {
		var first *entry
		for i := int(g.next.Load()); i < g.size(); i++ {
			e := &ix.entries[g.member(i)]
			if e.used() || !e.same(canon) || !ix.extraMatch(e, req, body) {
				continue
			}
			if !exact || e.whole == whole {
				first = e
				break
			}
			if first == nil {
				first = e
			}
		}
		if first == nil {
			break
		}
		if first.claim() {
			ix.advance(g)
			return first
		}
		// Another goroutine claimed it first: look again.
	}
	if ix.repeats {
		var last *entry
		for i := g.size() - 1; i >= 0; i-- {
			e := &ix.entries[g.member(i)]
			if !e.same(canon) || !ix.extraMatch(e, req, body) {
				continue
			}
			if !exact || e.whole == whole {
				return e
			}
			if last == nil {
				last = e
			}
		}
		return last
	}
	return nil
}

// advance moves the group's cursor past the used members at its front.
func (ix *index) advance(g *group) {
	for {
		next := g.next.Load()
		n := next
		for int(n) < g.size() && ix.entries[g.member(int(n))].used() {
			n++
		}
		if n == next || g.next.CompareAndSwap(next, n) {
			return
		}
	}
}

// extraMatch runs the extra funcs, each with fresh bodies to read.
func (ix *index) extraMatch(e *entry, req *http.Request, body []byte) bool {
	for _, f := range ix.extra {
		rec := *ix.reqs[e.n]
		rec.Body = io.NopCloser(bytes.NewReader(e.in.Request.Body))
		in := *req
		in.Body = io.NopCloser(bytes.NewReader(body))
		if !f(&rec, &in) {
			return false
		}
	}
	return true
}

// usedMatch returns the last used interaction with these features, if any:
// the reason a replay-only run missed.
func (ix *index) usedMatch(canon []byte) *entry {
	single, g := ix.members(canon)
	if single != nil {
		if single.same(canon) && single.used() {
			return single
		}
		return nil
	}
	if g == nil {
		return nil
	}
	for i := g.size() - 1; i >= 0; i-- {
		if e := &ix.entries[g.member(i)]; e.same(canon) && e.used() {
			return e
		}
	}
	return nil
}

// unused returns the interactions never replayed, or replayed fewer times
// than they were recorded, in recorded order.
func (ix *index) unused() []*entry {
	var out []*entry
	for i := range ix.entries {
		if e := &ix.entries[i]; !e.used() {
			out = append(out, e)
		}
	}
	return out
}

// pairs lays out the response headers of many interactions as name, value
// pairs in a few shared arrays, which never move once handed out.
type pairs struct{ all []string }

const pairsChunk = 4096

// add returns the pairs of h, and reports whether a key of h has no
// values, which pairs cannot show. It reads h once: a header that does not
// fit in the chunk moves, with what was written of it, to a new one.
func (p *pairs) add(h http.Header) (kv []string, noValues bool) {
	start := len(p.all)
	for k, vs := range h {
		noValues = noValues || len(vs) == 0
		for _, v := range vs {
			if len(p.all)+2 > cap(p.all) {
				done := p.all[start:]
				p.all = append(make([]string, 0, max(pairsChunk, 4*len(done))), done...)
				start = 0
			}
			p.all = append(p.all, k, v)
		}
	}
	return p.all[start:len(p.all):len(p.all)], noValues
}
