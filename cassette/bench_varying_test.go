package cassette_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/match"
)

// BenchmarkLookupChanging measures the index with the matchers for requests
// that change every run: a multipart upload looked up with a new boundary,
// and a JSON body with a new timestamp and request id. Each request is
// reduced to one canonical feature hashed into the key, so the cost must
// not grow with the cassette.
func BenchmarkLookupChanging(b *testing.B) {
	upload := func(i, run int) (*http.Request, []byte) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body) // a random boundary
		w.WriteField("title", fmt.Sprintf("report %d", i))
		f, _ := w.CreateFormFile("file", "report.csv")
		fmt.Fprintf(f, "day,count\n2026-11-22,%d\n", i)
		w.Close()
		r, _ := http.NewRequest(http.MethodPost, "https://api.example.com/upload", nil)
		r.Header.Set("Content-Type", w.FormDataContentType())
		return r, body.Bytes()
	}
	event := func(i, run int) (*http.Request, []byte) {
		r, _ := http.NewRequest(http.MethodPost, "https://api.example.com/events", nil)
		r.Header.Set("Content-Type", "application/json")
		return r, fmt.Appendf(nil, `{"sent_at":"2026-11-22T09:%02d:00Z","event":"order.created","order":%d,"items":[{"sku":"A-1","request_id":"r%d-%d"}]}`, run%60, i, run, i)
	}
	for _, bc := range []struct {
		name     string
		matchers []match.Matcher
		request  func(i, run int) (*http.Request, []byte)
	}{
		{"Form", []match.Matcher{match.Method, match.Path, match.Form}, upload},
		{"JSONBodyIgnoring", []match.Matcher{match.Method, match.Path, match.JSONBodyIgnoring("sent_at", "items.*.request_id")}, event},
	} {
		for _, n := range []int{100, 10_000} {
			b.Run(fmt.Sprintf("%s/N=%d", bc.name, n), func(b *testing.B) {
				ins := make([]cassette.Interaction, n)
				for i := range ins {
					r, body := bc.request(i, 0)
					ins[i] = cassette.Interaction{
						Request:  cassette.Request{Method: r.Method, URL: r.URL.String(), Header: r.Header, Body: body},
						Response: &cassette.Response{StatusCode: 200},
					}
				}
				ix, err := cassette.NewIndex(ins, bc.matchers, true)
				if err != nil {
					b.Fatal(err)
				}
				type req struct {
					r    *http.Request
					body []byte
				}
				reqs := make([]req, n)
				for i, p := range rand.New(rand.NewPCG(1, 2)).Perm(n) {
					reqs[i].r, reqs[i].body = bc.request(p, 1)
				}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if !ix.LookupBody(reqs[i].r, reqs[i].body) {
						b.Fatal("no match")
					}
					if i++; i == n {
						i = 0
					}
				}
			})
		}
	}
}
