package match

import (
	"bytes"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"testing"
)

// FuzzForm checks that Form reads any body of any Content-Type without
// panicking, gives equal features for equal requests, and that the
// canonical form of a url-encoded form is its own canonical form.
func FuzzForm(f *testing.F) {
	for _, s := range [][2]string{
		{"application/x-www-form-urlencoded", "b=2&a=1"},
		{"application/x-www-form-urlencoded; charset=utf-8", "q=a+b&q=a%20b&%zz=1"},
		{"multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--X--\r\n"},
		{"multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--X\r\n"},
		{"multipart/form-data; boundary=X", "--X\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ\r\n--X--"},
		{"multipart/form-data", "--X--"},
		{"text/plain", "a=1"},
		{"", ""},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		r := &http.Request{Header: http.Header{"Content-Type": {contentType}}}
		a := Form.Feature(r, body)
		if b := Form.Feature(r, bytes.Clone(body)); a != b {
			t.Fatalf("Form is not a function of the request: %q, then %q", a.Value, b.Value)
		}
		if hasMediaType(contentType, "application/x-www-form-urlencoded") {
			if again := canonicalForm(contentType, []byte(a.Value)); again != a.Value {
				t.Errorf("canonicalForm(%q) = %q, but canonicalForm of that = %q", body, a.Value, again)
			}
			fields := strings.Split(string(body), "&")
			slices.Reverse(fields)
			if b := canonicalForm(contentType, []byte(strings.Join(fields, "&"))); b != a.Value && !repeats(string(body)) && len(fields) <= maxFormFields {
				t.Errorf("the order of fields changed the form %q: %q vs %q", body, a.Value, b)
			}
		}
	})
}

// FuzzFormMultipart writes the same fields twice with mime/multipart, with
// two boundaries and in two orders, and checks that Form reads the same
// form from both.
func FuzzFormMultipart(f *testing.F) {
	f.Add("a\x001\x00f\x00a.txt\x00text/plain\x00hello")
	f.Add("name\x00ada\x00avatar\x00me.png\x00image/png\x00\x89PNG\r\n\x00note\x00\x00\x00\r\n--\r\n")
	f.Add("é\x00\"quoted\"\x00résumé.pdf\x00application/pdf; x=1\x00%PDF")
	f.Fuzz(func(t *testing.T, data string) {
		// Fields are runs of NUL-separated strings: a name and a value,
		// or a name, a file name, a type and a content when the second
		// string has a dot in it.
		var parts []formPart
		names := map[string]bool{}
		for s := strings.Split(data, "\x00"); len(s) >= 2; {
			p := formPart{name: s[0], content: s[1]}
			s = s[2:]
			if strings.Contains(p.content, ".") && len(s) >= 2 {
				p.file, p.typ, p.content = p.content, s[0], s[1]
				s = s[2:]
			}
			if names[p.name] {
				return // the values of one name keep their order
			}
			names[p.name] = true
			parts = append(parts, p)
		}
		const one, two = "dvd-fuzz-boundary-one", "dvd-fuzz-boundary-two"
		if strings.Contains(data, one) || strings.Contains(data, two) {
			return // a content that holds the boundary ends its part
		}
		ctA, bodyA, ok := writeMultipart(one, parts)
		if !ok {
			return
		}
		reversed := slices.Clone(parts)
		slices.Reverse(reversed)
		ctB, bodyB, _ := writeMultipart(two, reversed)
		a := Form.Feature(&http.Request{Header: http.Header{"Content-Type": {ctA}}}, bodyA)
		b := Form.Feature(&http.Request{Header: http.Header{"Content-Type": {ctB}}}, bodyB)
		if a != b {
			t.Errorf("the boundary or the order changed the form:\n%q\n%q", a.Value, b.Value)
		}
		if len(parts) > 0 && a.Value == string(bodyA) {
			t.Errorf("a form written by mime/multipart did not parse:\n%q", bodyA)
		}
	})
}

type formPart struct{ name, file, typ, content string }

// writeMultipart writes parts as mime/multipart does, and reports false
// when a name or a type cannot be written in a header.
func writeMultipart(boundary string, parts []formPart) (string, []byte, bool) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.SetBoundary(boundary); err != nil {
		return "", nil, false
	}
	for _, p := range parts {
		params := map[string]string{"name": p.name}
		if p.file != "" {
			params["filename"] = p.file
		}
		disposition := mime.FormatMediaType("form-data", params)
		if disposition == "" || strings.ContainsFunc(p.typ, isControl) || strings.TrimSpace(p.typ) != p.typ {
			return "", nil, false
		}
		h := textproto.MIMEHeader{"Content-Disposition": {disposition}}
		if p.typ != "" {
			h.Set("Content-Type", p.typ)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			return "", nil, false
		}
		pw.Write([]byte(p.content))
	}
	if err := w.Close(); err != nil {
		return "", nil, false
	}
	return w.FormDataContentType(), b.Bytes(), true
}

// isControl reports whether r may not be in a header value.
func isControl(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }
