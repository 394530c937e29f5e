package cassette

import (
	"net/http"

	"github.com/dvdrw/dvd/internal/redact"
)

// A redactor applies a Redaction, always on top of the defaults: it is the
// rules of internal/redact, with the methods the rest of the package calls.
type redactor redact.Rules

func newRedactor(r Redaction) *redactor { return (*redactor)(redact.New(redact.Options(r))) }

// defaultRedactor applies the default redaction alone, built once.
func defaultRedactor() *redactor { return (*redactor)(redact.Default()) }

func (rd *redactor) rules() *redact.Rules { return (*redact.Rules)(rd) }

// The methods below keep the names the rest of the package calls; each
// calls the method of internal/redact it names, and they go once the
// callers call internal/redact themselves.

func (rd *redactor) url(raw string) string             { return rd.rules().URL(raw) }
func (rd *redactor) text(s string) string              { return rd.rules().Text(s) }
func (rd *redactor) message(s string) string           { return rd.rules().Message(s) }
func (rd *redactor) rawQuery(q string) (string, bool)  { return rd.rules().Query(q) }
func (rd *redactor) secretParam(part string) bool      { return rd.rules().SecretParam(part) }
func (rd *redactor) secretQuery(name string) bool      { return rd.rules().SecretQueryName(name) }
func (rd *redactor) secretHeader(name string) bool     { return rd.rules().SecretHeader(name) }
func (rd *redactor) headerValue(name, v string) string { return rd.rules().HeaderValue(name, v) }
func (rd *redactor) body(b []byte, contentType string) ([]byte, bool) {
	return rd.rules().Body(b, contentType)
}
func (rd *redactor) redactJSON(b []byte) ([]byte, bool) { return rd.rules().JSON(b) }
func (rd *redactor) hasPlaceholders() bool              { return rd.rules().HasPlaceholders() }

// swap puts placeholders' tokens in, or their values back when restoring.
func (rd *redactor) swap(s string, restore bool) string {
	if restore {
		return rd.rules().Restore(s)
	}
	return rd.rules().Text(s)
}

// matchView returns the request as matching sees it; see
// [redact.Rules.Request].
func (rd *redactor) matchView(req *http.Request, body []byte) (*http.Request, []byte) {
	return rd.rules().Request(req, body)
}

const formType = redact.FormType

func redactPair(pair string) string { return redact.Pair(pair) }
func jsonDocument(b []byte) bool    { return redact.JSONDocument(b) }
