package index

import (
	"bytes"
	"net/http"
	"slices"
	"strings"

	"github.com/dvdrw/dvd/internal/unsafeconv"
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

// maxFollowed bounds the values a group's responses may differ in to be
// followed: a few ids; responses that differ in more (a resource that
// changed between polls) tell nothing of who got which.
const maxFollowed = 8

// A follower holds the values identical requests' responses differ in.
type follower struct {
	// groups holds, per group of identical requests, per member, the
	// values its response has where the members' responses differ, in
	// the same order for every member.
	groups [][][]string
	// where maps a value to the group and member whose response has it.
	where map[string][]memberRef
}

type memberRef struct{ group, member int }

// buildFollower notes the values of the groups of identical requests whose
// responses differ, and keeps the whole key of every entry for the exact
// lookups that follow them. It returns nil when there is none.
func (ix *Index[T]) buildFollower() (*follower, error) {
	f := &follower{where: map[string][]memberRef{}}
	var sent map[string]bool // the tokens recorded requests carry, read once needed
	for gi := range ix.list {
		g := &ix.list[gi]
		if !g.alike {
			continue
		}
		places := make([]map[string][]string, 0, g.size()) // per member, the tokens of each place
		for m := range g.size() {
			h, body := ix.cfg.Response(int(ix.entries[g.member(m)].n))
			places = append(places, responseTokens(h, body))
		}
		tokens := aligned(places)
		if !f.differ(tokens) {
			continue
		}
		if sent == nil {
			sent = ix.sentTokens()
		}
		f.add(tokens, sent)
	}
	if len(f.where) == 0 {
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

// aligned returns the tokens of each member, place by place, of the
// places that every member has with as many tokens: the tokens that can
// be compared position by position.
func aligned(places []map[string][]string) [][]string {
	keys := make([]string, 0, len(places[0]))
	for k := range places[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	tokens := make([][]string, len(places))
	for _, k := range keys {
		n := len(places[0][k])
		same := true
		for _, p := range places {
			if t, ok := p[k]; !ok || len(t) != n {
				same = false
				break
			}
		}
		if !same {
			continue
		}
		for m, p := range places {
			tokens[m] = append(tokens[m], p[k]...)
		}
	}
	return tokens
}

// differ reports whether the members' tokens differ anywhere.
func (f *follower) differ(tokens [][]string) bool {
	for _, t := range tokens[1:] {
		if !slices.Equal(t, tokens[0]) {
			return true
		}
	}
	return false
}

// sentTokens returns the tokens that the URLs and headers of the recorded
// requests carry.
func (ix *Index[T]) sentTokens() map[string]bool {
	sent := map[string]bool{}
	var t []string
	for i := range ix.entries {
		r := ix.request(i)
		t = appendTokens(t[:0], r.URL)
		for _, vs := range r.Header {
			for _, v := range vs {
				t = appendTokens(t, v)
			}
		}
		for _, s := range t {
			if len(s) >= minFollowed {
				sent[s] = true
			}
		}
	}
	return sent
}

// add notes the values in which the responses of one group differ, given
// the members' tokens, position by position: the positions where some
// member's token differs from another's, each long enough to be an id
// and sent again in a recorded request (an upload id, not a request id).
func (f *follower) add(tokens [][]string, sent map[string]bool) {
	var at []int
	for p := range len(tokens[0]) {
		differ, long, resent := false, true, false
		for _, t := range tokens {
			differ = differ || t[p] != tokens[0][p]
			long = long && len(t[p]) >= minFollowed
			resent = resent || sent[t[p]]
		}
		if differ && long && resent {
			at = append(at, p)
		}
	}
	if len(at) == 0 || len(at) > maxFollowed {
		return
	}
	gi := len(f.groups)
	members := make([][]string, len(tokens))
	for m, t := range tokens {
		for _, p := range at {
			members[m] = append(members[m], t[p])
			if ref := (memberRef{gi, m}); !slices.Contains(f.where[t[p]], ref) {
				f.where[t[p]] = append(f.where[t[p]], ref)
			}
		}
	}
	f.groups = append(f.groups, members)
}

// responseTokens returns the tokens of a response by place: its header
// values by name, and its body, if it is short text.
func responseTokens(h http.Header, body []byte) map[string][]string {
	out := make(map[string][]string, len(h)+1)
	for k, vs := range h {
		var t []string
		for _, v := range vs {
			t = appendTokens(t, v)
		}
		out[k] = t
	}
	if len(body) <= 64<<10 && bytes.IndexByte(body, 0) < 0 {
		// The tokens are slices of the body, which the cassette keeps.
		out[""] = appendTokens(nil, unsafeconv.String(body))
	}
	return out
}

// appendTokens appends the tokens of s: the runs between the characters
// that separate the parts of URLs, headers and JSON (an id, a query
// parameter with its escaped value).
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
	switch c {
	case '/', '?', '&', '#', ':', ';', ',', '"', '\'', '<', '>', '(', ')', '[', ']', '{', '}', '\\':
		return false
	}
	return c > ' ' && c < 0x7f
}

// carried returns the members whose values the URL and the header of req
// carry.
func (f *follower) carried(req *http.Request) []memberRef {
	var found []memberRef
	see := func(s string) {
		for _, t := range appendTokens(nil, s) {
			for _, ref := range f.where[t] {
				if !slices.Contains(found, ref) {
					found = append(found, ref)
				}
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

// replaced returns req with each of the values from in its URL and its
// header replaced by the value of to at the same place.
func replaced(req *http.Request, from, to []string) *http.Request {
	pairs := make([]string, 0, 2*len(from))
	for i := range from {
		if from[i] != to[i] {
			pairs = append(pairs, from[i], to[i])
		}
	}
	r := strings.NewReplacer(pairs...)
	u := *req.URL
	u.Path, u.RawPath, u.RawQuery = r.Replace(u.Path), r.Replace(u.RawPath), r.Replace(u.RawQuery)
	out := *req
	out.URL = &u
	for i := 0; i < len(pairs); i += 2 {
		if hasValue(req.Header, pairs[i]) {
			out.Header = req.Header.Clone()
			for _, vs := range out.Header {
				for k := range vs {
					vs[k] = r.Replace(vs[k])
				}
			}
			break
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
// request as sent, if a recording is exactly it, else the request with the
// values of a sibling in place of those it carries, if a recording is
// exactly that. It returns nil when neither is, for the usual lookup.
func (ix *Index[T]) findFollowing(view *http.Request, vbody []byte, req *http.Request, body []byte) *Entry[T] {
	refs := ix.follow.carried(view)
	if len(refs) == 0 {
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
	// The request as a sibling would have sent it: every value of the
	// member it carries replaced by the sibling's.
	for _, ref := range refs {
		members := ix.follow.groups[ref.group]
		for k, sibling := range members {
			if k == ref.member {
				continue
			}
			if e := exact(replaced(view, members[ref.member], sibling)); e != nil {
				return e
			}
		}
	}
	return nil
}
