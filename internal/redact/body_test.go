package redact

import (
	"bytes"
	"io"
	"mime/multipart"
	"testing"
)

// TestMultipartStaysMultipart checks that a redacted multipart body reads
// back with the same boundary, its file parts whole and its other fields
// byte for byte.
func TestMultipartStaysMultipart(t *testing.T) {
	var in bytes.Buffer
	w := multipart.NewWriter(&in)
	w.SetBoundary("XyZ-boundary")
	w.WriteField("password", "pw")
	w.WriteField("user", "ada")
	fw, err := w.CreateFormFile("password", "password.txt")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, "file content")
	w.Close()
	r := New(Options{})
	body, changed := r.Body(in.Bytes(), w.FormDataContentType())
	if !changed {
		t.Fatal("nothing was redacted")
	}
	mr := multipart.NewReader(bytes.NewReader(body), "XyZ-boundary")
	got := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the redacted body is no longer multipart: %v\n%s", err, body)
		}
		b, _ := io.ReadAll(p)
		key := p.FormName()
		if p.FileName() != "" {
			key = "file " + key
		}
		got[key] = string(b)
	}
	want := map[string]string{"password": Redacted, "user": "ada", "file password": "file content"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("part %s = %q, want %q", k, got[k], v)
		}
	}
	if len(body) != in.Len()-len("pw")+len(Redacted) {
		t.Errorf("the body changed beyond the value redacted:\n%s", body)
	}
}
