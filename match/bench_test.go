package match_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/dvdrw/dvd/match"
)

// BenchmarkQuery measures the query features of a request, as every lookup
// computes them: a canonical query takes the fast path, the others are
// parsed and sorted.
func BenchmarkQuery(b *testing.B) {
	for _, bc := range []struct {
		name string
		m    match.Matcher
		url  string
	}{
		{"canonical", match.Query, "https://api.example.com/items?limit=50&page=2&sort=name"},
		{"unsorted", match.Query, "https://api.example.com/items?sort=name&page=2&limit=50"},
		{"presigned", match.Query, "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Date=20261122T093000Z&X-Amz-Expires=900&X-Amz-Signature=REDACTED&X-Amz-SignedHeaders=host"},
		{"ignoring", match.QueryIgnoring("since"), "https://api.example.com/events?limit=50&since=2026-11-22T09%3A30%3A00Z"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req, err := http.NewRequest(http.MethodGet, bc.url, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				bc.m.Feature(req, nil)
			}
		})
	}
}

// BenchmarkForm measures the form feature of a request: a url-encoded form
// already in order takes the fast path, one in map order is sorted, and a
// multipart upload (two fields and a 1 KiB file) is parsed.
func BenchmarkForm(b *testing.B) {
	var upload bytes.Buffer
	w := multipart.NewWriter(&upload)
	w.WriteField("title", "Quarterly report")
	w.WriteField("visibility", "private")
	fw, _ := w.CreateFormFile("file", "report.csv")
	fw.Write(bytes.Repeat([]byte("2026-11-22,42,ok\n"), 60))
	w.Close()
	for _, bc := range []struct {
		name, contentType, body string
	}{
		{"urlencoded", "application/x-www-form-urlencoded", "client_id=abc&grant_type=client_credentials&scope=read"},
		{"map_order", "application/x-www-form-urlencoded", "scope=read&grant_type=client_credentials&client_id=abc"},
		{"multipart", w.FormDataContentType(), upload.String()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req, err := http.NewRequest(http.MethodPost, "https://api.example.com/upload", nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Content-Type", bc.contentType)
			body := []byte(bc.body)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				match.Form.Feature(req, body)
			}
		})
	}
}

// BenchmarkJSONBodyIgnoring measures the JSON body feature of a request
// without its timestamp and request ids, beside JSONBody of the same body.
func BenchmarkJSONBodyIgnoring(b *testing.B) {
	body := []byte(`{"event":"order.created","sent_at":"2026-11-22T09:30:00Z","order":{"id":"o_123","total":4200,"currency":"EUR"},` +
		`"items":[{"sku":"A-1","qty":2,"request_id":"9f0c"},{"sku":"B-7","qty":1,"request_id":"77ab"}]}`)
	req, err := http.NewRequest(http.MethodPost, "https://api.example.com/events", nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		m    match.Matcher
	}{
		{"JSONBody", match.JSONBody},
		{"ignoring", match.JSONBodyIgnoring("sent_at", "items.*.request_id")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				bc.m.Feature(req, body)
			}
		})
	}
}
