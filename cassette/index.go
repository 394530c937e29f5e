package cassette

import (
	"bytes"
	"encoding/binary"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/zeebo/xxh3"

	"github.com/dvdrw/dvd/match"
)

// An index finds the recorded interactions that match a request in O(1),
// whatever the cassette's size. Each interaction's request is reduced to its
// canonical features (one per matcher, length-prefixed, so equal bytes mean
// equal features); the xxh3 hash of those bytes is the map key, and the
// bucket holds the interactions in recorded order.
//
// The map is built once and only read afterwards, so lookups take no global
// lock: each bucket has its own mutex, guarding which of its entries were
// used and the cursor past the used ones. Repeated identical requests thus
// cost O(1) each, not a scan over the entries already replayed.
type index struct {
	matchers []match.Matcher
	extra    []match.Func
	repeats  bool
	buckets  map[uint64]*bucket
	entries  []entry // in recorded order, for finding the closest request on a miss
}

type bucket struct {
	mu      sync.Mutex
	entries []*entry
	next    int // entries before next are all used
}

type entry struct {
	n     int // position in the cassette
	in    *Interaction
	canon string // canonical features
	used  bool   // guarded by b.mu
	b     *bucket
	req   *http.Request
}

// A request as the index sees it: the canonical features are kept in a
// pooled buffer so that a lookup allocates nothing of its own.
var canonPool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

func newIndex(ins []Interaction, matchers []match.Matcher, extra []match.Func, repeats bool) (*index, error) {
	ix := &index{
		matchers: matchers,
		extra:    extra,
		repeats:  repeats,
		buckets:  make(map[uint64]*bucket, len(ins)),
		entries:  make([]entry, len(ins)),
	}
	var buf []byte
	for i := range ins {
		in := &ins[i]
		req, err := recordedRequest(&in.Request)
		if err != nil {
			return nil, err
		}
		buf = canonical(buf[:0], matchers, req, in.Request.Body)
		e := &ix.entries[i]
		*e = entry{n: i, in: in, canon: string(buf), req: req}
		h := xxh3.Hash(buf)
		b := ix.buckets[h]
		if b == nil {
			b = &bucket{}
			ix.buckets[h] = b
		}
		b.entries = append(b.entries, e)
		e.b = b
	}
	return ix, nil
}

// recordedRequest turns a recorded request back into an *http.Request for the
// matchers.
func recordedRequest(r *Request) (*http.Request, error) {
	u, err := url.Parse(r.URL)
	if err != nil {
		return nil, &url.Error{Op: "parse", URL: r.URL, Err: err}
	}
	h := r.Header
	if h == nil {
		h = http.Header{}
	}
	return &http.Request{
		Method: r.Method, URL: u, Header: h, Host: u.Host,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		ContentLength: int64(len(r.Body)),
	}, nil
}

// canonical appends the features of req to dst: for each matcher, the
// length-prefixed name and value.
func canonical(dst []byte, matchers []match.Matcher, req *http.Request, body []byte) []byte {
	for _, m := range matchers {
		f := m(req, body)
		dst = binary.AppendUvarint(dst, uint64(len(f.Name)))
		dst = append(dst, f.Name...)
		dst = binary.AppendUvarint(dst, uint64(len(f.Value)))
		dst = append(dst, f.Value...)
	}
	return dst
}

// features decodes what [canonical] wrote.
func features(canon string) []match.Feature {
	var fs []match.Feature
	for len(canon) > 0 {
		var f match.Feature
		f.Name, canon = readPrefixed(canon)
		f.Value, canon = readPrefixed(canon)
		fs = append(fs, f)
	}
	return fs
}

func readPrefixed(s string) (string, string) {
	n, k := binary.Uvarint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
	if k <= 0 || uint64(len(s)-k) < n {
		return s, ""
	}
	return s[k : k+int(n)], s[k+int(n):]
}

// lookup returns the first unused recorded interaction that matches req, and
// marks it used. With repeats allowed, once every match was used it returns
// the last one again. It returns nil when nothing matches.
func (ix *index) lookup(req *http.Request, body []byte) *entry {
	bp := canonPool.Get().(*[]byte)
	canon := canonical((*bp)[:0], ix.matchers, req, body)
	e := ix.find(xxh3.Hash(canon), canon, req, body)
	*bp = canon
	canonPool.Put(bp)
	return e
}

func (ix *index) find(h uint64, canon []byte, req *http.Request, body []byte) *entry {
	b := ix.buckets[h]
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var last *entry
	for i := b.next; i < len(b.entries); i++ {
		e := b.entries[i]
		if e.used || e.canon != string(canon) || !ix.extraMatch(e, req, body) {
			continue
		}
		e.used = true
		for b.next < len(b.entries) && b.entries[b.next].used {
			b.next++
		}
		return e
	}
	if ix.repeats {
		for i := len(b.entries) - 1; i >= 0 && last == nil; i-- {
			if e := b.entries[i]; e.canon == string(canon) && ix.extraMatch(e, req, body) {
				last = e
			}
		}
	}
	return last
}

// extraMatch runs the extra funcs, each with fresh bodies to read.
func (ix *index) extraMatch(e *entry, req *http.Request, body []byte) bool {
	for _, f := range ix.extra {
		rec := *e.req
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
	b := ix.buckets[xxh3.Hash(canon)]
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.entries) - 1; i >= 0; i-- {
		if e := b.entries[i]; e.canon == string(canon) && e.used {
			return e
		}
	}
	return nil
}

// unused returns the interactions never replayed, in recorded order.
func (ix *index) unused() []*entry {
	var out []*entry
	for i := range ix.entries {
		e := &ix.entries[i]
		e.b.mu.Lock()
		used := e.used
		e.b.mu.Unlock()
		if !used {
			out = append(out, e)
		}
	}
	return out
}
