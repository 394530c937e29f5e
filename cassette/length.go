package cassette

import (
	"net/http"
	"strconv"
)

// syncLength makes the length r announces, in ContentLength and in the
// Content-Length header, the length of its body, when redaction, a
// placeholder or a BeforeSave hook changed the body after the server sent
// it. A client that trusts the length would otherwise stop short or wait
// for bytes that never come, and a handler that proxies the response would
// fail. It leaves alone what does not announce the body it carries: an
// unknown length, a response to HEAD, a status without a body, a body the
// transport decompressed, a body stored decoded (Encoded), whose length
// is its encoding's, set on replay once it is encoded again, and a body
// that ends early (truncated or failed).
// The header is changed in place, so clone it first where it is shared.
func syncLength(method string, r *Response) {
	if lengthAgrees(method, r) {
		return
	}
	n := int64(len(r.Body))
	r.ContentLength = n
	if _, ok := r.Header["Content-Length"]; ok {
		r.Header["Content-Length"] = []string{strconv.FormatInt(n, 10)}
	}
}

// lengthAgrees reports whether syncLength would leave r as it is.
func lengthAgrees(method string, r *Response) bool {
	if r.ContentLength < 0 || r.Uncompressed || r.Encoded != "" || r.Truncated || r.BodyError != nil || method == http.MethodHead || !bodyAllowed(r.StatusCode) {
		return true
	}
	if r.ContentLength != int64(len(r.Body)) {
		return false
	}
	vs, ok := r.Header["Content-Length"]
	if !ok {
		return true
	}
	if len(vs) != 1 {
		return false
	}
	n, err := strconv.ParseInt(vs[0], 10, 64)
	return err == nil && n == r.ContentLength
}

// bodyAllowed reports whether a response of this status may have a body.
func bodyAllowed(code int) bool {
	return !(code >= 100 && code < 200 || code == http.StatusNoContent || code == http.StatusNotModified)
}
