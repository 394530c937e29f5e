package cassette

import (
	"net/http"

	"github.com/dvdrw/dvd/internal/index"
	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/match"
)

// replayIndex finds the recorded interactions a request replays (see
// package internal/index).
type replayIndex = index.Index[hotEntry]

// An entry is an interaction in the replay index.
type entry = index.Entry[hotEntry]

// A hotEntry is what a replay reads of an interaction, inline in its index
// entry: the entry's own fields and these fill three cache lines.
type hotEntry struct {
	hot hotResponse
	in  *Interaction
}

// newIndex indexes ins. rules, if not nil, redact requests as the matchers
// see them: the recorder redacts recorded requests as it redacts incoming
// ones, so that both sides of a match see the same redaction, whatever
// redaction the cassette was written with. The response headers of all
// interactions are laid out in a few shared arrays.
func newIndex(ins []Interaction, matchers []match.Matcher, extra []match.Func, repeats, exactPorts bool, rules *redact.Rules) (*replayIndex, error) {
	var (
		kv     pairs
		states tlsStates
	)
	// One chunk for the pairs of all the headers, counted first: a small
	// cassette's index then costs what its headers need, not a chunk.
	n := 0
	for i := range ins {
		if r := ins[i].Response; r != nil {
			for _, vs := range r.Header {
				n += 2 * len(vs)
			}
		}
	}
	kv.all = make([]string, 0, min(n, pairsChunk))
	cfg := index.Config{Matchers: matchers, Extra: extra, Repeats: repeats, ExactPorts: exactPorts}
	if rules != nil {
		cfg.View, cfg.URLView = rules.Request, rules.RequestURL
	}
	cfg.Response = func(i int) (http.Header, []byte) {
		if r := ins[i].Response; r != nil {
			return r.Header, r.Body
		}
		return nil, nil
	}
	request := func(i int) index.Request {
		r := &ins[i].Request
		return index.Request{Method: r.Method, URL: r.URL, Header: r.Header, Body: r.Body, Times: ins[i].Times}
	}
	return index.New(cfg, len(ins), request, func(i int, e *hotEntry) {
		in := &ins[i]
		e.in = in
		if in.Response == nil {
			e.hot.flags = hotFailed
			return
		}
		e.hot = newHotResponse(in.Response)
		var noValues bool
		e.hot.pairs, noValues = kv.add(in.Response.Header)
		if noValues {
			e.hot.flags |= hotRare
		}
		e.hot.tls = states.of(in.Response.TLS)
	})
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
