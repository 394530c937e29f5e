package cassette

import (
	"net/http"

	"github.com/dvdrw/dvd/internal/nomatch"
	"github.com/dvdrw/dvd/internal/redact"
)

// A noMatchError reports a request that the cassette cannot replay: its
// message names the request and the closest recorded one, shows the
// features that differ (-recorded +incoming), says when the request
// matched an interaction already replayed, and gives the matchers under
// which it would have matched. It wraps [ErrNoMatch].
type noMatchError struct {
	report *nomatch.Report
}

func (e *noMatchError) Error() string { return e.report.Error() }

// Unwrap returns [ErrNoMatch], and the report that dvdtest reads.
func (e *noMatchError) Unwrap() []error { return []error{ErrNoMatch, e.report} }

// noMatch explains why req, as the matchers saw it, found no interaction
// in ix, with the secrets that rd redacts left out.
func noMatch(ix *replayIndex, req *http.Request, body []byte, rd *redact.Rules) *noMatchError {
	return &noMatchError{nomatch.New(ix, req, body, rd)}
}

// noInteraction is the miss of a recorder that has nothing to replay.
func noInteraction(req *http.Request, rd *redact.Rules) *noMatchError {
	return &noMatchError{&nomatch.Report{Request: req.Method + " " + rd.URL(req.URL.String())}}
}
