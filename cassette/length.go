package cassette

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/dvdrw/dvd/internal/integrity"
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

// checksummed reports whether r carries integrity headers (Content-MD5,
// X-Amz-Crc32, Digest…) that describe the bytes its body holds as it is
// stored, which syncChecksums recomputes when dvd changes the body. A body
// stored decoded (Encoded) is not: its headers describe the encoded bytes,
// which replay encodes again, and recomputes them then.
func checksummed(r *Response) bool {
	return !r.Uncompressed && r.Encoded == "" && !r.Truncated && r.BodyError == nil && integrity.Present(r.Header)
}

// bodyBefore returns a copy of the body of r, the response of an
// interaction about to be changed, when checksums describe it
// (checksummed), and whether they do: what syncChecksums compares with
// after the change. It copies nothing for the many bodies without them.
func bodyBefore(r *Response) (sent []byte, check bool) {
	if r == nil || !checksummed(r) {
		return nil, false
	}
	return bytes.Clone(r.Body), true
}

// syncChecksums makes the integrity headers of r that describe its body
// agree with the body it holds, when dvd changed it (redaction, a
// BeforeSave func, a placeholder put back, a coding encoded again): see
// package internal/integrity. A body dvd did not change keeps its headers
// as they came, so sent is the body before the change. The header is
// changed in place, so clone it first where it is shared.
func syncChecksums(method string, r *Response, sent []byte) {
	if checksummed(r) && !bytes.Equal(sent, r.Body) {
		integrity.Sync(r.Header, method, r.StatusCode, r.Body)
	}
}
