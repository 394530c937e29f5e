package redact

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"
)

// Body redacts the JSON fields, the secret parameters of a form or the
// secret fields of a multipart form, and the placeholder values of a body
// of the given Content-Type, and says whether there were any; b itself is
// never modified.
func (r *Rules) Body(b []byte, contentType string) ([]byte, bool) {
	if len(b) == 0 {
		return b, false
	}
	changed := false
	switch {
	case isForm(contentType):
		if f, ok := r.Query(string(b)); ok {
			b, changed = []byte(f), true
		}
	case hasPrefixFold(contentType, "multipart/"):
		b, changed = r.multipart(b, contentType)
	default:
		b, changed = redactJSON(b, r.json)
	}
	b, swapped := r.swapBytes(b, false)
	shaped := false
	// The scan comes first: most bodies hold no shape, and need no
	// decision on whether they are text. A multipart body's parts were
	// scanned one by one.
	if !hasPrefixFold(contentType, "multipart/") && hasShapeBytes(b) && !binaryBody(b, contentType) {
		b, shaped = ShapesBytes(b)
	}
	return b, changed || swapped || shaped
}

// binaryBody reports whether a body is not text, which shapes leave
// alone: by its media type (images but SVG, audio, video, fonts, archives,
// octet streams, protocol buffers), or by a NUL byte or invalid UTF-8 in
// its first 512 bytes.
func binaryBody(b []byte, contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	if !hasSuffixFold(mt, "+xml") { // image/svg+xml is text
		for _, p := range binaryTypes {
			if hasPrefixFold(mt, p) {
				return true
			}
		}
	}
	head := b[:min(len(b), 512)]
	if bytes.IndexByte(head, 0) >= 0 {
		return true
	}
	// A rune cut by the 512-byte limit is not invalid.
	for k := 0; k < 3 && len(head) < len(b) && len(head) > 0 && !utf8.Valid(head); k++ {
		head = head[:len(head)-1]
	}
	return !utf8.Valid(head)
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

var binaryTypes = []string{
	"image/", "audio/", "video/", "font/", "application/octet-stream", "application/zip",
	"application/gzip", "application/x-gzip", "application/pdf", "application/protobuf",
	"application/x-protobuf", "application/grpc", "application/wasm", "application/vnd.google.protobuf",
}

// FormType is the media type of a body written as a query: name=value&….
const FormType = "application/x-www-form-urlencoded"

// isForm reports whether a Content-Type is FormType, in any case and with
// any parameters (; charset=utf-8), without allocating.
func isForm(contentType string) bool {
	return hasPrefixFold(contentType, FormType)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// multipart redacts the fields of a multipart body (multipart/form-data)
// that the query parameters name, and the JSON fields of the others; file
// parts are kept. The body stays a multipart body of the same boundary,
// byte for byte but for the values redacted.
func (r *Rules) multipart(b []byte, contentType string) ([]byte, bool) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return b, false
	}
	delim := []byte("--" + params["boundary"])
	var out []byte
	last := 0 // b[:last] is in out
	for _, p := range multipartParts(b, delim) {
		content := b[p.content[0]:p.content[1]]
		name, file := partName(b[p.header[0]:p.header[1]])
		var red []byte
		switch {
		case file:
		case name != "" && r.SecretQueryName(name):
			if named, numbers := r.secretQuery(name); secretValue(string(content), named, numbers) {
				red = []byte(Redacted)
			}
		default:
			if j, ok := redactJSON(content, r.json); ok {
				red = j
			}
		}
		// Shapes in every part that is text, a file's too.
		if red == nil && hasShapeBytes(content) && !binaryBody(content, "") {
			red, _ = ShapesBytes(content)
		} else if red != nil {
			if sh, ok := ShapesBytes(red); ok {
				red = sh
			}
		}
		if red != nil {
			out = append(out, b[last:p.content[0]]...)
			out = append(out, red...)
			last = p.content[1]
		}
	}
	if out == nil {
		return b, false
	}
	return append(out, b[last:]...), true
}

// A part of a multipart body: the spans of its header and its content.
type part struct{ header, content [2]int }

// multipartParts finds the parts of a multipart body: between delimiter
// lines that start with delim, a header that ends at an empty line, then
// the content up to the line break before the next delimiter. Lines end in
// CRLF or, leniently, LF. A part that does not end is left out.
func multipartParts(b, delim []byte) []part {
	var parts []part
	i := delimAt(b, delim, 0)
	for i >= 0 {
		// The delimiter line: delim, then -- for the last, or a line break.
		after := i + len(delim)
		if bytes.HasPrefix(b[after:], []byte("--")) {
			break
		}
		nl := bytes.IndexByte(b[after:], '\n')
		if nl < 0 {
			break
		}
		hstart := after + nl + 1
		cstart := hstart
		for {
			nl := bytes.IndexByte(b[cstart:], '\n')
			if nl < 0 {
				return parts
			}
			line := bytes.TrimSuffix(b[cstart:cstart+nl], []byte("\r"))
			cstart += nl + 1
			if len(line) == 0 {
				break
			}
		}
		next := delimAt(b, delim, cstart)
		if next < 0 {
			break
		}
		cend := next
		if cend > cstart && b[cend-1] == '\n' {
			cend--
			if cend > cstart && b[cend-1] == '\r' {
				cend--
			}
		}
		parts = append(parts, part{header: [2]int{hstart, cstart}, content: [2]int{cstart, max(cstart, cend)}})
		i = next
	}
	return parts
}

// delimAt returns where the next delimiter line at or after from starts:
// delim at the start of b or of a line.
func delimAt(b, delim []byte, from int) int {
	for {
		k := bytes.Index(b[from:], delim)
		if k < 0 {
			return -1
		}
		k += from
		if (k == 0 || b[k-1] == '\n') && delimEnds(b[k+len(delim):]) {
			return k
		}
		from = k + 1
	}
}

// delimEnds reports whether what follows a delimiter ends its line: --
// for the last, or spacing and a line break.
func delimEnds(rest []byte) bool {
	if bytes.HasPrefix(rest, []byte("--")) {
		return true
	}
	rest = bytes.TrimLeft(rest, " \t")
	return len(rest) == 0 || rest[0] == '\r' || rest[0] == '\n'
}

// partName returns the form field name of a part from its header, and
// whether it is a file.
func partName(header []byte) (name string, file bool) {
	for line := range strings.SplitSeq(string(header), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "Content-Disposition") {
			continue
		}
		_, params, err := mime.ParseMediaType(strings.TrimSpace(v))
		if err != nil {
			// A header that does not parse may still name a file.
			return "", strings.Contains(v, "filename")
		}
		_, file = params["filename"]
		return params["name"], file
	}
	return "", false
}
