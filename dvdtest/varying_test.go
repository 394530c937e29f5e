package dvdtest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/match"
)

// Requests that carry values that change on every run replay with the
// matchers that leave those values out, and a difference anywhere else
// still misses.
func TestRequestsThatChangeEveryRun(t *testing.T) {
	// run numbers a run of the test: 0 records, the others replay.
	type request func(t *testing.T, base string, run int) *http.Request
	upload := func(content string) request {
		return func(t *testing.T, base string, run int) *http.Request {
			var body bytes.Buffer
			w := multipart.NewWriter(&body) // a new random boundary on every run
			w.WriteField("title", "Quarterly report")
			f, _ := w.CreateFormFile("file", "report.csv")
			io.WriteString(f, content)
			w.Close()
			return newRequest(t, "POST", base+"/upload", w.FormDataContentType(), body.String())
		}
	}
	form := func(scope string) request {
		return func(t *testing.T, base string, run int) *http.Request {
			fields := []string{"grant_type=client_credentials", "scope=" + scope, "client_id=abc"}
			if run%2 == 1 {
				fields[0], fields[2] = fields[2], fields[0] // as a map gives them
			}
			return newRequest(t, "POST", base+"/token", "application/x-www-form-urlencoded", strings.Join(fields, "&"))
		}
	}
	events := func(limit int) request {
		return func(t *testing.T, base string, run int) *http.Request {
			since := time.Date(2026, 11, 22, 9, run, 0, 0, time.UTC).Format(time.RFC3339)
			return newRequest(t, "GET", fmt.Sprintf("%s/events?since=%s&limit=%d&nonce=n%d", base, since, limit, run), "", "")
		}
	}
	order := func(sku string) request {
		return func(t *testing.T, base string, run int) *http.Request {
			body := fmt.Sprintf(`{"sent_at":"2026-11-22T09:%02d:00Z","items":[{"sku":%q,"qty":2,"request_id":"r%d"}]}`, run, sku, run)
			return newRequest(t, "POST", base+"/orders", "application/json", body)
		}
	}
	presigned := func(expires int) request {
		return func(t *testing.T, base string, run int) *http.Request {
			return newRequest(t, "GET", fmt.Sprintf("%s/bucket/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%d&X-Amz-Date=20261122T09%02d00Z&X-Amz-Expires=%d&X-Amz-SignedHeaders=host&X-Amz-Signature=%064d",
				base, run, run, expires, run), "", "")
		}
	}
	tests := []struct {
		name, reason string
		matchers     []match.Matcher
		same         request // the same request on every run
		other        request // a request that differs where it counts
	}{
		{"multipart upload", "the boundary is drawn at random on every run", []match.Matcher{match.Method, match.Path, match.Form}, upload("a,b\n1,2\n"), upload("a,b\n1,3\n")},
		{"form in map order", "", []match.Matcher{match.Method, match.Path, match.Form}, form("read"), form("write")},
		{"query", "ts and nonce are left out", []match.Matcher{match.Method, match.Scheme, match.Host, match.Path, match.QueryIgnoring("since", "nonce")}, events(50), events(51)},
		{"json body", "sent_at and the request ids are left out", []match.Matcher{match.Method, match.Path, match.JSONBodyIgnoring("sent_at", "items.*.request_id")}, order("A-1"), order("A-2")},
		{"presigned URL", "the default matchers", nil, presigned(900), presigned(60)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cleanServer(t)
			var opts []dvdtest.Option
			if tt.matchers != nil {
				opts = append(opts, dvdtest.MatchOn(tt.matchers...))
			}
			send := func(run int, r request) (*fakeTB, string, error) {
				tb := newFakeTB("TestChanging")
				var body string
				var err error
				tb.run(func(tb testing.TB) {
					d := dvdtest.Use(tb, "changing", opts...)
					resp, e := d.Client().Do(r(t, srv.URL, run))
					if err = e; e != nil {
						return
					}
					defer resp.Body.Close()
					b, _ := io.ReadAll(resp.Body)
					body = string(b)
				})
				return tb, body, err
			}
			if tb, body, err := send(0, tt.same); err != nil || tb.Failed() {
				t.Fatalf("recording failed: %v\n%s", err, tb.output())
			} else if !strings.HasPrefix(body, "hit 1") {
				t.Fatalf("recording got %q", body)
			}
			for run := 1; run <= 2; run++ {
				tb, body, err := send(run, tt.same)
				if err != nil || tb.Failed() || !strings.HasPrefix(body, "hit 1 ") {
					t.Errorf("run %d: the request did not replay (%s): %v, %q\n%s", run, tt.reason, err, body, tb.output())
				}
			}
			tb, _, err := send(1, tt.other)
			if !errors.Is(err, cassette.ErrNoMatch) || !tb.Failed() {
				t.Errorf("a request that differs where it counts replayed: %v\n%s", err, tb.output())
			}
			if srv.hits.Load() != 1 {
				t.Errorf("the server got %d requests, want the one recorded", srv.hits.Load())
			}
		})
	}
}

// A miss that differs only in a query parameter gives the option that
// makes it match, then the command that records the test again.
func TestMissNamesTheFix(t *testing.T) {
	srv := cleanServer(t)
	session(t, "fix", srv.URL, nil, "pass", "/events?limit=50&since=2026-11-22T09%3A30%3A00Z")
	tb := newFakeTB("TestEvents")
	var err error
	tb.run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "fix")
		_, err = d.Client().Get(srv.URL + "/events?limit=50&since=2026-11-23T10%3A00%3A00Z")
	})
	if !errors.Is(err, cassette.ErrNoMatch) {
		t.Fatalf("err = %v, want a miss", err)
	}
	msg := err.Error()
	want := `It differs only in the query parameter "since". For values that change on every run, match without them:` + "\n\t" +
		`dvdtest.MatchOn(match.Method, match.Scheme, match.Host, match.Path, match.QueryIgnoring("since"))` + "\n\n" +
		"To record it again, run, where the server is reachable:\n\tgo test"
	if !strings.Contains(msg, want) {
		t.Errorf("the miss lacks\n%s\nin\n%s", want, msg)
	}
	if !strings.HasSuffix(msg, "-run '^TestEvents$' -update") {
		t.Errorf("the miss does not end with the command that records it again:\n%s", msg)
	}
	if !strings.Contains(tb.output(), want) {
		t.Errorf("the test log lacks the fix:\n%s", tb.output())
	}
}

func newRequest(t *testing.T, method, url, contentType, body string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}
