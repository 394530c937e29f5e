package redact

import (
	"net/http"
	"net/url"
	"testing"
)

func TestMatchViewNoAllocWithoutSecrets(t *testing.T) {
	r := New(Options{})
	req := &http.Request{Method: "GET", URL: &url.URL{Scheme: "http", Host: "x", Path: "/a", RawQuery: "page=1"}, Header: http.Header{"Accept": {"*/*"}}}
	allocs := testing.AllocsPerRun(100, func() {
		if v, _ := r.Request(req, nil); v != req {
			t.Fatal("a request without secrets was copied")
		}
	})
	if allocs > 1 {
		t.Errorf("matchView allocates %v times for a request without secrets, want at most 1", allocs)
	}
}

// BenchmarkMatchView measures what replay pays for each request: the view
// of a JSON POST with no secret.
func BenchmarkMatchView(b *testing.B) {
	r := New(Options{})
	body := []byte(`{"title":"a new issue","body":"with some text","labels":["bug"],"milestone_key":3}`)
	req, _ := http.NewRequest("POST", "https://api.example.com/repos/octo/repo/issues?x=1", nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer x")
	b.ReportAllocs()
	for b.Loop() {
		r.Request(req, body)
	}
}
