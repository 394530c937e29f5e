package match

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Form matches form bodies by their fields and files, whatever the order of
// the fields and, in a multipart body, whatever the boundary: the boundary
// that mime/multipart draws at random on every run does not matter, nor does
// the order in which a map of fields was written. The values of one repeated
// field keep their order.
//
// A body is a form when the request's Content-Type says so:
// application/x-www-form-urlencoded, or multipart/form-data, whose parts
// are compared by name, file name, Content-Type and content (other part
// headers do not count). A url-encoded form and a multipart form of the same
// fields, without files, are the same form. Any other body, a form that
// does not parse, and a form of more than 10,000 fields or 1,000 parts are
// compared byte for byte.
//
// The feature's value is the form written as a query, fields sorted by
// name, each name=value escaped; a part with a file name or a
// Content-Type is written name;filename;type=content.
var Form = builtin("Form", nil, func(r *http.Request, body []byte) Feature {
	return Feature{Name: "Form", Value: canonicalForm(r.Header.Get("Content-Type"), body)}
})

// Bounds on the forms Form parses, so that a hostile body costs no more
// than reading it: url.ParseQuery and mime/multipart's ReadForm have the
// same defaults.
const (
	maxFormFields = 10000
	maxFormParts  = 1000
)

// canonicalForm returns the canonical value of a body of the given
// Content-Type for [Form].
func canonicalForm(contentType string, body []byte) string {
	switch {
	case hasMediaType(contentType, "application/x-www-form-urlencoded"):
		raw := string(body)
		if isCanonicalQuery(raw) || strings.Count(raw, "&") >= maxFormFields {
			return raw
		}
		return canonicalSlow(raw, nil, false)
	case hasMediaType(contentType, "multipart/form-data"):
		if s, ok := canonicalMultipart(contentType, body); ok {
			return s
		}
	}
	return string(body)
}

// hasMediaType reports whether a Content-Type is of the media type mt, in
// any case, with or without parameters, without allocating.
func hasMediaType(contentType, mt string) bool {
	if len(contentType) < len(mt) || !strings.EqualFold(contentType[:len(mt)], mt) {
		return false
	}
	rest := strings.TrimLeft(contentType[len(mt):], " \t")
	return rest == "" || rest[0] == ';'
}

// A formField is a field of a form, in its canonical form: key is the
// escaped name, and for a file, its file name and type too.
type formField struct {
	name, key, value string
}

// canonicalMultipart returns the canonical form of a multipart/form-data
// body, or false when it does not parse or has too many parts.
func canonicalMultipart(contentType string, body []byte) (string, bool) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return "", false
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var fields []formField
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			// The closing delimiter. A body that ends before it, or has
			// none, gives an error that wraps io.EOF.
			break
		}
		if err != nil || len(fields) == maxFormParts {
			return "", false
		}
		content, err := io.ReadAll(p)
		if err != nil {
			return "", false
		}
		fields = append(fields, partField(p.Header, content))
	}
	slices.SortStableFunc(fields, func(a, b formField) int { return strings.Compare(a.name, b.name) })
	n := 0
	for _, f := range fields {
		n += len(f.key) + len(f.value) + 2
	}
	var b strings.Builder
	b.Grow(n)
	for i, f := range fields {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(f.key)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(f.value))
	}
	return b.String(), true
}

// partField reads a part's name, file name and type. A field without
// either is written as in a url-encoded form; the others join them to its
// name with semicolons, which escaping keeps out of the names themselves.
// The type is written as mime.FormatMediaType does, so that its case and
// the order of its parameters do not count.
func partField(h map[string][]string, content []byte) formField {
	hdr := http.Header(h)
	var name, file string
	hasFile := false
	if _, params, err := mime.ParseMediaType(hdr.Get("Content-Disposition")); err == nil {
		name = params["name"]
		file, hasFile = params["filename"]
	}
	key := url.QueryEscape(name)
	ct := hdr.Get("Content-Type")
	if hasFile || ct != "" {
		if mt, params, err := mime.ParseMediaType(ct); err == nil {
			if f := mime.FormatMediaType(mt, params); f != "" {
				ct = f
			}
		}
		key += ";" + url.QueryEscape(file) + ";" + url.QueryEscape(ct)
	}
	return formField{name: name, key: key, value: string(content)}
}
