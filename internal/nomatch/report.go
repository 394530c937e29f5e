// Package nomatch explains why a request matched no recorded interaction:
// the closest recorded request, the (-recorded +incoming) diff of the
// features that differ, with their secrets redacted, whether the request
// matched an interaction already replayed, and the matchers under which it
// would have matched.
package nomatch

import (
	"fmt"
	"net/http"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/internal/index"
	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/match"
)

// A Report says why a request found no recorded interaction. It is the
// inside of a cassette's miss error, which wraps it, so that dvdtest builds
// its message from the fields.
type Report struct {
	// Request is the incoming request's method and URL.
	Request string
	// Closest is the method and URL of the recorded request most like the
	// incoming one, empty when the cassette is empty.
	Closest string
	// Diff shows the features that differ between Closest and the incoming
	// request, as cmp.Diff output (-recorded +incoming) of a map from
	// feature to value. A query is compared parameter by parameter, keyed
	// Query[name], a match.Header feature header by header, keyed
	// Header[Name], and a match.Form feature field by field, keyed
	// Form[name], so that only the parameters, headers and fields that
	// differ show.
	Diff string
	// Used reports that the request did match a recorded interaction, but
	// every such interaction was already replayed.
	Used bool
	// Position is the number, from 1, of the closest or used interaction in
	// the cassette.
	Position int
	// Only, when the closest recorded request differs from the incoming one
	// only in query parameters and JSON body fields, names them:
	// `the query parameter "since"`. It is empty otherwise.
	Only string
	// Fix, set with Only, is the option under which the request would
	// have matched, ready to paste, built from the matchers in use:
	// `dvdtest.MatchOn(match.Method, match.Scheme, match.Host, match.Path,
	// match.QueryIgnoring("since"))`. When a matcher in use is one of the
	// test's own, which cannot be written as code here, Fix says which
	// matchers to replace instead.
	Fix string
}

// Error returns the message of cassette's miss error: the request, then
// what Explain says.
func (r *Report) Error() string {
	return "cassette: no recorded interaction matches " + r.Request + "\n" + r.Explain()
}

// Explain says why the request missed, without naming it: the lines that
// follow the first line of Error.
func (r *Report) Explain() string {
	switch {
	case r.Used:
		return fmt.Sprintf("It matches interaction #%d, which was already replayed: each recorded interaction plays once,\n"+
			"in recorded order. The test now sends this request more often than when it was recorded;\n"+
			"re-record it, or let interactions repeat (dvdtest.AllowRepeats).", r.Position)
	case r.Closest == "":
		return "The cassette has no interactions."
	}
	s := fmt.Sprintf("Closest recorded request, #%d: %s\ndiff (-recorded +incoming):\n%s", r.Position, r.Closest, r.Diff)
	if r.Only != "" {
		s += "It differs only in " + r.Only + ". For values that change on every run, match without them:\n\t" + r.Fix + "\n"
	}
	return s
}

// New explains why req, whose body is body, both as the matchers saw them,
// found no interaction in ix, with the secrets that rd redacts left out.
// It runs only on a miss, so it may scan the whole cassette.
func New[T any](ix *index.Index[T], req *http.Request, body []byte, rd *redact.Rules) *Report {
	r := &Report{Request: req.Method + " " + rd.URL(req.URL.String())}
	if pos, ok := ix.Used(req, body); ok {
		r.Used, r.Position = true, pos+1
		return r
	}
	matchers := ix.Matchers()
	incoming := make([]match.Feature, len(matchers))
	kinds := make([]kind, len(matchers))
	for i, m := range matchers {
		incoming[i] = m.Feature(req, body)
		kinds[i] = kindOf(m, incoming[i].Name)
	}
	best, bestScore := -1, 0
	for i := range ix.Len() {
		score := distance(ix.Features(i), incoming, kinds)
		if best < 0 || score < bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return r
	}
	rec := ix.Request(best)
	r.Position = best + 1
	r.Closest = rec.Method + " " + rd.URL(rec.URL)
	recorded := ix.Features(best)
	before, after := map[string]string{}, map[string]string{}
	seen := map[string]bool{}
	for i, v := range recorded {
		if i >= len(incoming) || incoming[i].Value == v {
			continue
		}
		was := match.Feature{Name: incoming[i].Name, Value: v}
		suffix := ""
		if seen[was.Name] {
			suffix = fmt.Sprintf("#%d", i+1) // two matchers of one name
		}
		seen[was.Name] = true
		k := kinds[i]
		if !diffParts(before, after, splitParts(rd, k, was), splitParts(rd, k, incoming[i]), suffix) {
			// The parts hide the difference: show the whole features.
			diffParts(before, after, []diffPart{whole(rd, k, was)}, []diffPart{whole(rd, k, incoming[i])}, suffix)
		}
	}
	if len(before) == 0 {
		r.Diff = "  (the features are equal: an extra match.Func rejected it)\n"
		return r
	}
	r.Diff = cmp.Diff(before, after)
	suggest(r, ix, best, recorded, incoming, req, body, rd)
	return r
}

// diffParts adds to rec and inc the parts of one feature that differ
// between the recorded and the incoming request, keyed by part, and
// reports whether it added any. A part only one side has is added to that
// side alone, so that the diff shows it as removed or added.
func diffParts(rec, inc map[string]string, recorded, incoming []diffPart, suffix string) bool {
	added := false
	byKey := make(map[string]diffPart, len(recorded))
	for _, p := range recorded {
		byKey[p.key] = p
	}
	for _, p := range incoming {
		q, both := byKey[p.key]
		delete(byKey, p.key)
		key := p.key + suffix
		switch {
		case !both:
			inc[key] = p.shown
		case q.raw == p.raw:
			continue
		default:
			rec[key], inc[key] = q.shown, p.shown
			if q.shown == p.shown {
				// Redacted alike, so the diff would show no difference.
				inc[key] += " (differs in a redacted part)"
			}
		}
		added = true
	}
	for _, q := range recorded {
		if _, only := byKey[q.key]; only {
			rec[q.key+suffix] = q.shown
			added = true
		}
	}
	return added
}

// distance scores how unlike two requests are: the number of features that
// differ, weighted so that a different method, host or path counts for more
// than a different query or header.
func distance(recorded []string, incoming []match.Feature, kinds []kind) int {
	d := 0
	for i := range min(len(recorded), len(incoming)) {
		if recorded[i] == incoming[i].Value {
			continue
		}
		switch kinds[i] {
		case kindMethod, kindHost, kindPath:
			d += 4
		default:
			d++
		}
	}
	return d
}
