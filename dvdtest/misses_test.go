package dvdtest_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

// An SDK that retries a miss sends it again and again: the test log tells
// it once, with the count, and every attempt still gets the whole error.
func TestRepeatedMissReportedOnce(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		paths   []string
		reports int      // the failures the log holds, diffs or "already replayed"
		log     []string // %s is the server's URL
		notLog  []string
	}{
		{
			name: "retried", reason: "three identical misses are one failure and one count",
			paths: []string{"/items?page=2", "/items?page=2", "/items?page=2"}, reports: 1,
			log: []string{"dvdtest: testdata/retry.dvd.json: the miss of GET %s/items?page=2 above was repeated 2 more times, with the same diff"},
		},
		{
			name: "once", reason: "a single miss has no count",
			paths: []string{"/items?page=2"}, reports: 1,
			notLog: []string{"repeated"},
		},
		{
			name: "two misses", reason: "different requests are different misses, each told and counted",
			paths: []string{"/items?page=2", "/items?page=3", "/items?page=2"}, reports: 2,
			log:    []string{"the miss of GET %s/items?page=2 above was repeated 1 more time, with the same diff"},
			notLog: []string{"page=3 above was repeated"},
		},
		{
			name: "already replayed", reason: "a retry of a request whose interaction was used up",
			paths: []string{"/items?page=1", "/items?page=1", "/items?page=1"}, reports: 1,
			log: []string{"the miss of GET %s/items?page=1 above was repeated 1 more time"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cleanServer(t)
			session(t, "retry", srv.URL, nil, "pass", "/items?page=1")
			tb := newFakeTB("TestRetry")
			var errs []error
			tb.run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "retry")
				for _, p := range tt.paths {
					resp, err := d.RoundTrip(mustGet(t, srv.URL+p))
					if err != nil {
						errs = append(errs, err)
						continue
					}
					resp.Body.Close()
				}
			})
			out := tb.output()
			if !tb.Failed() {
				t.Errorf("a miss did not fail the test:\n%s", out)
			}
			reports := strings.Count(out, "(-recorded +incoming)") + strings.Count(out, "which was already replayed")
			if reports != tt.reports {
				t.Errorf("the log tells %d misses, want %d (%s):\n%s", reports, tt.reports, tt.reason, out)
			}
			for _, l := range tt.log {
				if l = strings.ReplaceAll(l, "%s", srv.URL); !strings.Contains(out, l) {
					t.Errorf("the log lacks %q (%s):\n%s", l, tt.reason, out)
				}
			}
			for _, l := range tt.notLog {
				if strings.Contains(out, l) {
					t.Errorf("the log holds %q (%s):\n%s", l, tt.reason, out)
				}
			}
			for i, err := range errs {
				if !errors.Is(err, cassette.ErrNoMatch) || !strings.Contains(err.Error(), "-update") ||
					!strings.Contains(err.Error(), "(-recorded +incoming)") && !strings.Contains(err.Error(), "already replayed") {
					t.Errorf("attempt %d got %v; want the whole error, wrapping cassette.ErrNoMatch", i+1, err)
				}
			}
		})
	}
}

func mustGet(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
