package cassette

import "strings"

// body redacts the JSON fields, the secret parameters of a form and the
// placeholder values of a body of the given Content-Type, and says whether
// there were any; b itself is never modified.
func (rd *redactor) body(b []byte, contentType string) ([]byte, bool) {
	changed := false
	if len(b) == 0 {
		return b, false
	}
	if len(contentType) >= 33 && strings.EqualFold(contentType[:33], "application/x-www-form-urlencoded") {
		if f, ok := rd.rawQuery(string(b)); ok {
			b, changed = []byte(f), true
		}
	} else {
		b, changed = redactJSON(b, rd.jsonPaths)
	}
	b, swapped := rd.swapBytes(b, false)
	return b, changed || swapped
}
