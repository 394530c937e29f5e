package nomatch

import "github.com/dvdrw/dvd/internal/redact"

// A report redacts both sides of a miss anew with the rules of the
// recorder that missed: the recorded side comes from a file that may have
// been redacted less than this run asks.

// query redacts a raw query, parameter by parameter.
func query(rd *redact.Rules, raw string) string {
	q, _ := rd.Query(raw)
	return q
}

// body redacts a body feature, whose Content-Type the feature does not
// carry: a JSON document by its fields, anything else as a form.
func body(rd *redact.Rules, b []byte) []byte {
	contentType := redact.FormType
	if redact.JSONDocument(b) {
		contentType = "application/json"
	}
	b, _ = rd.Body(b, contentType)
	return b
}
