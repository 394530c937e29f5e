package nomatch

// A Redactor hides the secrets in what a report shows, by the rules of the
// recorder that missed. The recorded side of a miss comes from a file that
// may have been redacted less than this run asks, so a report redacts both
// sides anew.
type Redactor interface {
	// URL redacts a URL, a "//host" or a path.
	URL(raw string) string
	// Text replaces the values of placeholders by their names.
	Text(s string) string
	// Message redacts free text, which may quote URLs.
	Message(s string) string
	// Query redacts a raw query, parameter by parameter.
	Query(raw string) string
	// SecretParam reports whether a query parameter or form field of this
	// name, unescaped, holds a secret.
	SecretParam(name string) bool
	// Header redacts the values of the named header, joined by ", ".
	Header(name, values string) string
	// SecretHeader reports whether a header of this canonical name holds a
	// secret.
	SecretHeader(name string) bool
	// Body redacts a body whose Content-Type is not known: a JSON document
	// by its fields, anything else as a form.
	Body(b []byte) []byte
	// JSON redacts the fields of a JSON document that the rules name, and
	// reports whether it found any; it returns anything else as it is.
	JSON(b []byte) ([]byte, bool)
}

// redacted is what a redacted value reads, as cassette.Redacted.
const redacted = "REDACTED"
