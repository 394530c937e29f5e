// Package index finds the recorded requests that match a request, in O(1)
// whatever their number: the keyed index that replay looks requests up in.
//
// Each recorded request is reduced to its canonical features (the value of
// each matcher, length-prefixed, so equal bytes mean equal features); the
// xxh3 hash of those bytes keys a map to the group of interactions with
// that hash, in recorded order.
//
// The map is built once and only read afterwards, so lookups take no global
// lock. An interaction is claimed with a compare-and-swap on the count of
// replays it has left (one, or its Times), and each group keeps a cursor
// past its used interactions, so repeated identical requests cost O(1)
// each, not a scan over those already replayed. The data a lookup touches
// sits in few, contiguous places (groups, entries, one buffer of all
// canonical features, and the caller's data inline in each entry), so that
// a lookup in 100,000 interactions misses the cache about as often as one
// in 100.
package index

import (
	"bytes"
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

// Config says how an [Index] matches requests.
type Config struct {
	// Matchers read the features whose equality makes a match.
	Matchers []match.Matcher
	// Extra funcs run on the candidates the matchers found.
	Extra []match.Func
	// Repeats lets a lookup return the last match again once every match
	// was used.
	Repeats bool
	// View, if not nil, is how the matchers see a request, recorded or
	// incoming: the recorder redacts recorded requests as it redacts
	// incoming ones, so that both sides of a match see the same
	// redaction, whatever redaction the cassette was written with.
	View func(*http.Request, []byte) (*http.Request, []byte)
	// URLView, if not nil, is View for a request whose header and body no
	// matcher reads (see readURLOnly): it sees the URL alone, and costs
	// what redacting the URL costs. A lookup that must tell apart
	// recordings by their bodies still sees the body through View.
	URLView func(*http.Request) *http.Request
	// ExactPorts turns off following the ports of loopback servers (see
	// ports.go): a request then matches only the port it was recorded
	// with.
	ExactPorts bool
	// Response, if not nil, returns the recorded response of the
	// interaction at position i, a nil header for none: the index reads
	// the responses of identical requests to follow the values they
	// differ in (see follow.go).
	Response func(i int) (http.Header, []byte)
}

// A Request is a recorded request as the index reads it.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
	// Times is how many replays the request has: 0 and 1 both mean one.
	Times int
}

// An Index finds the recorded interactions that match a request. T is what
// the caller keeps of each interaction, inline in its [Entry], so that a
// replay reads the entry and little else.
type Index[T any] struct {
	cfg     Config
	urlOnly bool // the matchers read the method and the URL alone
	request func(i int) Request
	groups  map[uint64]int32 // hash → an entry (>= 0), or a group (-1 - position in list)
	list    []group
	entries []Entry[T]      // in recorded order
	reqs    []*http.Request // the recorded requests, kept only for extra funcs
	bodies  [][]byte        // and their bodies
	// templates are the places of recorded URLs that hold a marker (see
	// slots.go), tried on a miss.
	templates []template
	// ports follows the ports of loopback servers (see ports.go), when
	// followPorts is set.
	ports       ports
	followPorts bool
	// follow holds the values identical requests' responses differ in
	// (see follow.go), or nil.
	follow *follower
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

// An Entry is one recorded interaction in an [Index].
type Entry[T any] struct {
	left atomic.Int32 // the replays left: Times, or 1
	n    int32        // position in the cassette
	// The canonical features: inline, next to the rest of the entry, when
	// they are short, as they usually are, or else in long, a slice of a
	// shared buffer.
	inline [inlineCanon]byte
	short  int8 // the length of the canonical features in inline, or -1
	long   string
	whole  uint64 // wholeKey of the request, for members of a group
	// Value is the caller's data of the interaction, set by the fill func
	// of [New].
	Value T
}

// inlineCanon is how long canonical features may be to sit in the entry:
// with short, they fill 64 bytes, and the entry's own fields 96 bytes.
const inlineCanon = 63

// Position returns the entry's position in the cassette, from 0.
func (e *Entry[T]) Position() int { return int(e.n) }

// claim takes one of the entry's replays, and reports false when none is
// left.
func (e *Entry[T]) claim() bool {
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
func (e *Entry[T]) used() bool { return e.left.Load() <= 0 }

// same reports whether the entry's canonical features are canon.
func (e *Entry[T]) same(canon []byte) bool {
	if e.short >= 0 {
		return int(e.short) == len(canon) && string(e.inline[:e.short]) == string(canon)
	}
	return e.long == string(canon)
}

// canon returns the entry's canonical features, for the rare uses.
func (e *Entry[T]) canon() string {
	if e.short >= 0 {
		return string(e.inline[:e.short])
	}
	return e.long
}

// A request as the index sees it: the canonical features are kept in a
// pooled buffer so that a lookup allocates nothing of its own.
var canonPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// New indexes n recorded requests: request returns the one at position i,
// then and whenever the index needs it again, and fill, if not nil, sets
// the Value of its entry, once, as the index is built.
//
// Building allocates a few large arrays, not a few objects per
// interaction: each request is seen through one reused *http.Request and
// url.URL (see parseURL), its features go to a reused buffer and from
// there inline into the entry, or into a shared arena when they are long,
// and the map is sized up front.
func New[T any](cfg Config, n int, request func(i int) Request, fill func(i int, v *T)) (*Index[T], error) {
	if n > math.MaxInt32 {
		return nil, fmt.Errorf("%d interactions are more than a cassette can replay", n)
	}
	ix := &Index[T]{
		cfg:     cfg,
		request: request,
		groups:  make(map[uint64]int32, n),
		entries: make([]Entry[T], n),
	}
	extra := len(cfg.Extra) > 0
	if extra {
		ix.reqs, ix.bodies = make([]*http.Request, n), make([][]byte, n)
	}
	var (
		canon []byte
		long  arena
		reuse http.Request
		u     url.URL
	)
	empty := http.Header{}
	// Matchers that read only the method and the URL are given a view of
	// the request without its header and body, which then cost no
	// redaction. Extra funcs see the whole view.
	urlOnly := !extra && readURLOnly(cfg.Matchers)
	ix.urlOnly = urlOnly
	ix.followPorts = !cfg.ExactPorts && readsHost(cfg.Matchers)
	for i := range n {
		rec := request(i)
		req, err := matcherRequest(&rec, &reuse, &u, empty, extra)
		if err != nil {
			return nil, err
		}
		body := rec.Body
		switch {
		case urlOnly:
			req.Header, body = empty, nil
			if cfg.URLView != nil {
				req = cfg.URLView(req)
			} else if cfg.View != nil {
				req, body = cfg.View(req, body)
			}
		case cfg.View != nil:
			req, body = cfg.View(req, body)
		}
		if extra {
			ix.reqs[i], ix.bodies[i] = req, rec.Body
		}
		if strings.Contains(req.URL.RawPath, marker) || strings.Contains(req.URL.Path, marker) || strings.Contains(req.URL.RawQuery, marker) {
			ix.addTemplate(req)
		}
		if ix.followPorts {
			ix.ports.add(req.URL.Host)
		}
		canon = canonical(canon[:0], cfg.Matchers, req, body)
		e := &ix.entries[i]
		e.n = int32(i)
		e.left.Store(int32(min(max(rec.Times, 1), math.MaxInt32)))
		e.short = -1
		if len(canon) <= inlineCanon {
			e.short = int8(copy(e.inline[:], canon))
		} else {
			e.long = long.add(canon, n-i)
		}
		if fill != nil {
			fill(i, &e.Value)
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
			req, body, err := ix.View(int(e.n))
			if err != nil {
				return nil, err
			}
			e.whole = wholeKey(req.Header, body)
			g.alike = g.alike && e.whole == ix.entries[g.first].whole
		}
	}
	if cfg.Response != nil && len(ix.list) > 0 {
		f, err := ix.buildFollower()
		if err != nil {
			return nil, err
		}
		ix.follow = f
	}
	return ix, nil
}

// Lookup returns the first unused recorded interaction that matches req,
// whose body, already read, is body, and takes one of its replays: it has
// one, or as many as its Times, which serve a recorded run of polls in
// place. With repeats allowed, once every match was used it returns the
// last one again. It returns nil when nothing matches.
//
// req is seen through the View of the index's Config, or its URLView when
// the matchers read only the method and the URL: then the header and the
// body are redacted only when recordings must be told apart by them.
func (ix *Index[T]) Lookup(req *http.Request, body []byte) *Entry[T] {
	view, vbody := req, body
	switch {
	case ix.urlOnly && ix.cfg.URLView != nil:
		view, vbody = ix.cfg.URLView(req), nil
	case ix.cfg.View != nil:
		view, vbody = ix.cfg.View(req, body)
	}
	bp := canonPool.Get().(*[]byte)
	canon := canonical((*bp)[:0], ix.cfg.Matchers, view, vbody)
	var e *Entry[T]
	if ix.follow != nil {
		e = ix.findFollowing(view, vbody, req, body)
	}
	if e == nil {
		e = ix.find(canon, view, vbody, req, body)
	}
	if e == nil && len(ix.templates) > 0 {
		e = ix.findSlotted(view, vbody, req, body)
	}
	if e == nil && ix.followPorts {
		e = ix.findPort(view, vbody, req, body)
	}
	*bp = canon
	canonPool.Put(bp)
	return e
}

// wholeView returns what wholeKey reads of an incoming request: its
// header and body as View sees them.
func (ix *Index[T]) wholeView(view *http.Request, vbody []byte, req *http.Request, body []byte) (http.Header, []byte) {
	if ix.urlOnly && ix.cfg.URLView != nil && ix.cfg.View != nil {
		v, b := ix.cfg.View(req, body)
		return v.Header, b
	}
	return view.Header, vbody
}

// members returns the interactions whose features hash like canon: one
// entry, or a group.
func (ix *Index[T]) members(canon []byte) (*Entry[T], *group) {
	v, ok := ix.groups[xxh3.Hash(canon)]
	switch {
	case !ok:
		return nil, nil
	case v >= 0:
		return &ix.entries[v], nil
	}
	return nil, &ix.list[-v-1]
}

// find looks canon up: view and vbody are the request as the matchers saw
// it, req and body as it came.
func (ix *Index[T]) find(canon []byte, view *http.Request, vbody []byte, req *http.Request, body []byte) *Entry[T] {
	single, g := ix.members(canon)
	if single != nil {
		if !single.same(canon) || !ix.extraMatch(single, view, vbody) {
			return nil
		}
		if single.claim() || ix.cfg.Repeats {
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
		whole = wholeKey(ix.wholeView(view, vbody, req, body))
	}
	for {
		var first *Entry[T]
		for i := int(g.next.Load()); i < g.size(); i++ {
			e := &ix.entries[g.member(i)]
			if e.used() || !e.same(canon) || !ix.extraMatch(e, view, vbody) {
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
	if ix.cfg.Repeats {
		var last *Entry[T]
		for i := g.size() - 1; i >= 0; i-- {
			e := &ix.entries[g.member(i)]
			if !e.same(canon) || !ix.extraMatch(e, view, vbody) {
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
func (ix *Index[T]) advance(g *group) {
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
func (ix *Index[T]) extraMatch(e *Entry[T], req *http.Request, body []byte) bool {
	for _, f := range ix.cfg.Extra {
		rec := *ix.reqs[e.n]
		rec.Body = io.NopCloser(bytes.NewReader(ix.bodies[e.n]))
		in := *req
		in.Body = io.NopCloser(bytes.NewReader(body))
		if !f(&rec, &in) {
			return false
		}
	}
	return true
}

// Unused returns the interactions never replayed, or replayed fewer times
// than they were recorded, in recorded order.
func (ix *Index[T]) Unused() []*Entry[T] {
	var out []*Entry[T]
	for i := range ix.entries {
		if e := &ix.entries[i]; !e.used() {
			out = append(out, e)
		}
	}
	return out
}

// Used returns the position of the last interaction whose features equal
// req's, a request as View sees it, if any, and every replay of which was taken: the reason a
// replay-only run missed.
func (ix *Index[T]) Used(req *http.Request, body []byte) (int, bool) {
	canon := canonical(nil, ix.cfg.Matchers, req, body)
	single, g := ix.members(canon)
	if single != nil {
		if single.same(canon) && single.used() {
			return single.Position(), true
		}
		return 0, false
	}
	if g == nil {
		return 0, false
	}
	for i := g.size() - 1; i >= 0; i-- {
		if e := &ix.entries[g.member(i)]; e.same(canon) && e.used() {
			return e.Position(), true
		}
	}
	return 0, false
}

// Matchers returns the matchers the index was built with.
func (ix *Index[T]) Matchers() []match.Matcher { return ix.cfg.Matchers }

// Len returns the number of interactions in the index.
func (ix *Index[T]) Len() int { return len(ix.entries) }

// Features returns the values of the features of the interaction at
// position i, one per matcher, as the matchers read them when the index
// was built.
func (ix *Index[T]) Features(i int) []string { return values(ix.entries[i].canon()) }

// Request returns the recorded request at position i.
func (ix *Index[T]) Request(i int) Request { return ix.request(i) }

// View returns the recorded request at position i and its body as the
// matchers saw them: parsed, and seen through the View of the index's
// Config.
func (ix *Index[T]) View(i int) (*http.Request, []byte, error) {
	rec := ix.request(i)
	req, err := matcherRequest(&rec, nil, nil, nil, true)
	if err != nil {
		return nil, nil, err
	}
	body := rec.Body
	if ix.cfg.View != nil {
		req, body = ix.cfg.View(req, body)
	}
	return req, body, nil
}
