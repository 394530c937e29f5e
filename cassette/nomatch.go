package cassette

import (
	"fmt"
	"net/http"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/match"
)

// A NoMatchError reports a request that the cassette cannot replay. It wraps
// [ErrNoMatch].
type NoMatchError struct {
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
	// match.QueryIgnoring("since"))`. When a matcher in use is a func of
	// the test's own, which cannot be written as code here, Fix says which
	// matchers to replace instead.
	Fix string
}

func (e *NoMatchError) Error() string {
	return "cassette: no recorded interaction matches " + e.Request + "\n" + e.Explain()
}

// Unwrap returns [ErrNoMatch].
func (e *NoMatchError) Unwrap() error { return ErrNoMatch }

// Explain says why the request missed, without naming it: the lines that
// follow the first line of Error.
func (e *NoMatchError) Explain() string {
	switch {
	case e.Used:
		return fmt.Sprintf("It matches interaction #%d, which was already replayed: each recorded interaction plays once,\n"+
			"in recorded order. The test now sends this request more often than when it was recorded;\n"+
			"re-record it, or let interactions repeat (dvdtest.AllowRepeats).", e.Position)
	case e.Closest == "":
		return "The cassette has no interactions."
	}
	s := fmt.Sprintf("Closest recorded request, #%d: %s\ndiff (-recorded +incoming):\n%s", e.Position, e.Closest, e.Diff)
	if e.Only != "" {
		s += "It differs only in " + e.Only + ". For values that change on every run, match without them:\n\t" + e.Fix + "\n"
	}
	return s
}

// noMatch explains why req found no interaction, with the secrets that rd
// redacts left out. It runs only on a miss, so it may scan the whole
// cassette.
func (ix *index) noMatch(req *http.Request, body []byte, rd *redactor) *NoMatchError {
	err := &NoMatchError{Request: req.Method + " " + rd.url(req.URL.String())}
	canon := canonical(nil, ix.matchers, req, body)
	if e := ix.usedMatch(canon); e != nil {
		err.Used, err.Position = true, int(e.n)+1
		return err
	}
	incoming := make([]match.Feature, len(ix.matchers))
	for i, m := range ix.matchers {
		incoming[i] = m(req, body)
	}
	best, bestScore := -1, 0
	for i := range ix.entries {
		score := distance(values(ix.entries[i].canon()), incoming)
		if best < 0 || score < bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return err
	}
	e := &ix.entries[best]
	err.Position = int(e.n) + 1
	err.Closest = e.in.Request.Method + " " + rd.url(e.in.Request.URL)
	rec, inc := map[string]string{}, map[string]string{}
	seen := map[string]bool{}
	for i, v := range values(e.canon()) {
		if i >= len(incoming) || incoming[i].Value == v {
			continue
		}
		recorded := match.Feature{Name: incoming[i].Name, Value: v}
		suffix := ""
		if seen[recorded.Name] {
			suffix = fmt.Sprintf("#%d", i+1) // two matchers of one name
		}
		seen[recorded.Name] = true
		if !diffParts(rec, inc, rd.parts(recorded), rd.parts(incoming[i]), suffix) {
			// The parts hide the difference: show the whole features.
			diffParts(rec, inc, []diffPart{rd.whole(recorded)}, []diffPart{rd.whole(incoming[i])}, suffix)
		}
	}
	if len(rec) == 0 {
		err.Diff = "  (the features are equal: an extra match.Func rejected it)\n"
		return err
	}
	err.Diff = cmp.Diff(rec, inc)
	ix.suggest(err, e, values(e.canon()), incoming, req, body, rd)
	return err
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
// differ, weighted so that a different method or path counts for more than a
// different query or header.
func distance(recorded []string, incoming []match.Feature) int {
	d := 0
	for i := range min(len(recorded), len(incoming)) {
		if recorded[i] == incoming[i].Value {
			continue
		}
		switch incoming[i].Name {
		case "Method", "Host", "Path":
			d += 4
		default:
			d++
		}
	}
	return d
}
