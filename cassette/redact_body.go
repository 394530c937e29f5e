package cassette

import "strings"

// body redacts the JSON fields, the secret parameters of a form and the
// placeholder values of a body of the given Content-Type, and says whether
// there were any; b itself is never modified.
func (rd *redactor) body(b []byte, contentType string) ([]byte, bool) {
	if len(b) == 0 {
		return b, false
	}
	changed := false
	if isForm(contentType) {
		if f, ok := rd.rawQuery(string(b)); ok {
			b, changed = []byte(f), true
		}
	} else {
		b, changed = redactJSON(b, rd.jsonPaths)
	}
	b, swapped := rd.swapBytes(b, false)
	return b, changed || swapped
}

// formType is the media type of a body written as a query: name=value&….
const formType = "application/x-www-form-urlencoded"

// isForm reports whether a Content-Type is formType, in any case and with
// any parameters (; charset=utf-8), without allocating.
func isForm(contentType string) bool {
	return len(contentType) >= len(formType) && strings.EqualFold(contentType[:len(formType)], formType)
}
