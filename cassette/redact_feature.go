package cassette

import (
	"net/http"
	"strings"

	"github.com/dvdrw/dvd/match"
)

// feature redacts a request feature for the diff of a miss. Its value is a
// matcher's canonical form, not a URL, so it is redacted as the part of the
// request it was read from, which the match package's names say: a query
// by parameter name, headers by header name, a body by JSON field or form
// field, a host or a path for user information. The recorded side comes
// from a file that may have been redacted less than this run asks, so this
// cannot rely on what was redacted before.
func (rd *redactor) feature(f match.Feature) string {
	switch name := f.Name; {
	case name == "Method", name == "Scheme":
		return rd.text(f.Value)
	case name == "Host":
		// A host follows the user information in a URL.
		return strings.TrimPrefix(rd.url("//"+f.Value), "//")
	case name == "Path":
		return rd.url(f.Value)
	case strings.HasPrefix(name, "Query"):
		q, _ := rd.rawQuery(f.Value)
		return rd.text(q)
	case strings.HasPrefix(name, "Header("):
		return rd.headerLines(f.Value)
	case strings.Contains(name, "Body"), strings.HasPrefix(name, "Form"):
		return rd.bodyText(f.Value)
	}
	return rd.custom(f)
}

// headerLines redacts the value of a match.Header feature, one line
// "Name: value, value" per header, each line by its header's name. The
// values of one header are redacted as one: a secret header loses them
// all, where splitting on commas could leave a piece of a value that holds
// one.
func (rd *redactor) headerLines(v string) string {
	lines := strings.Split(v, "\n")
	for i, line := range lines {
		name, rest, ok := strings.Cut(line, ":")
		if values := strings.TrimLeft(rest, " "); ok && values != "" {
			lines[i] = line[:len(line)-len(values)] + rd.headerValue(http.CanonicalHeaderKey(name), values)
		} else {
			lines[i] = rd.message(line)
		}
	}
	return strings.Join(lines, "\n")
}

// bodyText redacts a body feature, whose Content-Type the feature does not
// carry: a JSON document by its fields, anything else as a form.
func (rd *redactor) bodyText(v string) string {
	contentType := formType
	if jsonDocument([]byte(v)) {
		contentType = "application/json"
	}
	b, _ := rd.body([]byte(v), contentType)
	return string(b)
}

// custom redacts the feature of a matcher dvd does not know: as a header
// or a query parameter when its name is a secret one, else as free text
// that may quote URLs.
func (rd *redactor) custom(f match.Feature) string {
	switch key := http.CanonicalHeaderKey(f.Name); {
	case f.Value == "":
		return ""
	case rd.secretHeader(key):
		return rd.headerValue(key, f.Value)
	case rd.query[strings.ToLower(f.Name)]:
		return Redacted
	}
	return rd.message(f.Value)
}
