package index

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
)

// Identical requests sent at once (the uploads a client opens in
// parallel) may get different responses: each a value of its own, an
// upload id in a Location. Replay hands them out in the order the
// requests arrive, which need not be the order they were recorded in, so
// a caller may get the response recorded for its sibling, and then send
// requests that carry the sibling's value with its own data. The index
// notes, for each such group of identical requests, the values in which
// their responses differ; a request that carries one of them is matched
// as the recorded request it is exactly (its features, and its
// distinguishing headers and body), trying the value as sent and then
// each sibling's value in its place. A request no value tells anything of
// is looked up as usual.

// minFollowed is the length from which a value in a response is followed:
// ids, not counters.
const minFollowed = 6

// A follower holds the values identical requests' responses differ in.
type follower struct {
	// values maps a value to the values its siblings have in its place.
	values map[string][]string
}

// buildFollower notes the values of the groups of identical requests whose
// responses differ, and keeps the whole key of every entry for the exact
// lookups that follow them. It returns nil when there is none.
func (ix *Index[T]) buildFollower() (*follower, error) {
	f := &follower{values: map[string][]string{}}
	for gi := range ix.list {
		g := &ix.list[gi]
		if !g.alike {
			continue
		}
		var slots [][]string // per member, its tokens in order
		for m := range g.size() {
			h, body := ix.cfg.Response(int(ix.entries[g.member(m)].n))
			slots = append(slots, responseTokens(h, body))
		}
		f.add(slots)
	}
	if len(f.values) == 0 {
		return nil, nil
	}
	for i := range ix.entries {
		e := &ix.entries[i]
		req, body, err := ix.View(int(e.n))
		if err != nil {
			return nil, err
		}
		e.whole = wholeKey(req.Header, body)
	}
	return f, nil
}

// add notes the tokens in which the responses of one group differ, where
// they have as many tokens each.
func (f *follower) add(tokens [][]string) {
	n := len(tokens[0])
	for _, t := range tokens {
		if len(t) != n {
			return
		}
	}
	for p := range n {
		var vals []string
		for _, t := range tokens {
			if !slices.Contains(vals, t[p]) {
				vals = append(vals, t[p])
			}
		}
		if len(vals) < 2 {
			continue
		}
		for _, v := range vals {
			if len(v) < minFollowed {
				continue
			}
			for _, w := range vals {
				if w != v && !slices.Contains(f.values[v], w) {
					f.values[v] = append(f.values[v], w)
				}
			}
		}
	}
}

// responseTokens returns the tokens of a response: the runs of letters,
// digits, - and _ in its header values, by name, and in its body, if it is
// short text.
func responseTokens(h http.Header, body []byte) []string {
	var out []string
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		for _, v := range h[k] {
			out = appendTokens(out, v)
		}
	}
	if len(body) <= 64<<10 && bytes.IndexByte(body, 0) < 0 {
		out = appendTokens(out, string(body))
	}
	return out
}

func appendTokens(out []string, s string) []string {
	for i := 0; i < len(s); {
		if !isToken(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isToken(s[j]) {
			j++
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func isToken(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// carried returns the followed values that the URL and the header of req
// carry.
func (f *follower) carried(req *http.Request) []string {
	var found []string
	see := func(s string) {
		for _, t := range appendTokens(nil, s) {
			if _, ok := f.values[t]; ok && !slices.Contains(found, t) {
				found = append(found, t)
			}
		}
	}
	see(req.URL.EscapedPath())
	see(req.URL.RawQuery)
	for _, vs := range req.Header {
		for _, v := range vs {
			see(v)
		}
	}
	return found
}

// replaced returns req with the value v replaced by w in its URL and its
// header.
func replaced(req *http.Request, v, w string) *http.Request {
	u := *req.URL
	u.Path = strings.ReplaceAll(u.Path, v, w)
	u.RawPath = strings.ReplaceAll(u.RawPath, v, w)
	u.RawQuery = strings.ReplaceAll(u.RawQuery, v, w)
	out := *req
	out.URL = &u
	if hasValue(req.Header, v) {
		out.Header = req.Header.Clone()
		for _, vs := range out.Header {
			for i := range vs {
				vs[i] = strings.ReplaceAll(vs[i], v, w)
			}
		}
	}
	return &out
}

func hasValue(h http.Header, v string) bool {
	for _, vs := range h {
		for _, s := range vs {
			if strings.Contains(s, v) {
				return true
			}
		}
	}
	return false
}

// claimExact claims an unused entry whose features are canon and whose
// whole key is whole.
func (ix *Index[T]) claimExact(canon []byte, whole uint64) *Entry[T] {
	single, g := ix.members(canon)
	if single != nil {
		if single.same(canon) && single.whole == whole && ix.cfg.Extra == nil && single.claim() {
			return single
		}
		return nil
	}
	if g == nil {
		return nil
	}
	for i := int(g.next.Load()); i < g.size(); i++ {
		e := &ix.entries[g.member(i)]
		if !e.used() && e.same(canon) && e.whole == whole && ix.cfg.Extra == nil && e.claim() {
			ix.advance(g)
			return e
		}
	}
	return nil
}

// findFollowing looks up a request that carries followed values: the
// request as sent, if a recording is exactly it, else the request with a
// sibling's value in place of one it carries, if a recording is exactly
// that. It returns nil when neither is, for the usual lookup.
func (ix *Index[T]) findFollowing(view *http.Request, vbody []byte, req *http.Request, body []byte) *Entry[T] {
	values := ix.follow.carried(view)
	if len(values) == 0 {
		return nil
	}
	exact := func(v *http.Request) *Entry[T] {
		canon := canonical(nil, ix.cfg.Matchers, v, vbody)
		h, b := ix.wholeView(v, vbody, req, body)
		if v != view {
			h = v.Header
		}
		return ix.claimExact(canon, wholeKey(h, b))
	}
	if e := exact(view); e != nil {
		return e
	}
	for _, v := range values {
		for _, w := range ix.follow.values[v] {
			if e := exact(replaced(view, v, w)); e != nil {
				return e
			}
		}
	}
	return nil
}
