package cassette

import (
	"net/http"
	"strings"

	"github.com/dvdrw/dvd/internal/nomatch"
)

// A NoMatchError reports a request that the cassette cannot replay: its
// message names the request and the closest recorded one, shows the
// features that differ (-recorded +incoming), says when the request
// matched an interaction already replayed, and gives the matchers under
// which it would have matched. It wraps [ErrNoMatch].
type NoMatchError struct {
	report *nomatch.Report
}

func (e *NoMatchError) Error() string { return e.report.Error() }

// Unwrap returns [ErrNoMatch], and the report that dvdtest reads.
func (e *NoMatchError) Unwrap() []error { return []error{ErrNoMatch, e.report} }

// noMatch explains why req, as the matchers saw it, found no interaction
// in ix, with the secrets that rd redacts left out.
func noMatch(ix *replayIndex, req *http.Request, body []byte, rd *redactor) *NoMatchError {
	return &NoMatchError{nomatch.New(ix, req, body, reportRedactor{rd})}
}

// noInteraction is the miss of a recorder that has nothing to replay.
func noInteraction(req *http.Request, rd *redactor) *NoMatchError {
	return &NoMatchError{&nomatch.Report{Request: req.Method + " " + rd.url(req.URL.String())}}
}

// reportRedactor redacts a no-match report with the rules of a redactor.
type reportRedactor struct{ rd *redactor }

var _ nomatch.Redactor = reportRedactor{}

func (r reportRedactor) URL(raw string) string   { return r.rd.url(raw) }
func (r reportRedactor) Text(s string) string    { return r.rd.text(s) }
func (r reportRedactor) Message(s string) string { return r.rd.message(s) }

func (r reportRedactor) Query(raw string) string {
	q, _ := r.rd.rawQuery(raw)
	return q
}

func (r reportRedactor) SecretParam(name string) bool { return r.rd.query[strings.ToLower(name)] }

func (r reportRedactor) Header(name, values string) string { return r.rd.headerValue(name, values) }

func (r reportRedactor) SecretHeader(name string) bool { return r.rd.secretHeader(name) }

// Body redacts a body feature, whose Content-Type the feature does not
// carry: a JSON document by its fields, anything else as a form.
func (r reportRedactor) Body(b []byte) []byte {
	contentType := formType
	if jsonDocument(b) {
		contentType = "application/json"
	}
	b, _ = r.rd.body(b, contentType)
	return b
}

func (r reportRedactor) JSON(b []byte) ([]byte, bool) { return redactJSON(b, r.rd.json) }
