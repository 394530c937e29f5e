package cassette_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/nomatch"
)

// pollServer answers "pending" to the first n requests of each path, then
// "ready", with headers that change with every response, as real APIs
// send: a request id, a rate-limit counter, a date.
func pollServer(t *testing.T, n int) *httptest.Server {
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		hit := hits[r.URL.Path]
		mu.Unlock()
		w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", hit))
		w.Header().Set("X-Ratelimit-Remaining", fmt.Sprint(100-hit))
		w.Header().Set("Date", fmt.Sprintf("Sun, 22 Nov 2026 09:30:%02d GMT", hit))
		w.Header().Set("Content-Type", "text/plain")
		if hit <= n {
			fmt.Fprint(w, "pending")
			return
		}
		fmt.Fprint(w, "ready")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Five identical pending polls are stored once, with their count and the
// first one's headers, and replay serves them five times, in place.
func TestPollsStoredOnce(t *testing.T) {
	srv := pollServer(t, 5)
	rec := newRecorder(t, nil, cassette.ModeRecord, cassette.Config{})
	for range 6 {
		if _, err := get(t, rec, "GET", srv.URL+"/status", ""); err != nil {
			t.Fatal(err)
		}
	}
	rec.Close()
	c := throughFile(t, rec.Cassette())
	ins := c.Interactions()
	if len(ins) != 2 || ins[0].Times != 5 || ins[1].Times != 0 {
		t.Fatalf("the cassette holds %d interactions, times %v; want the poll once, 5 times, then ready", len(ins), timesOf(ins))
	}
	if got := ins[0].Response.Header.Get("X-Request-Id"); got != "req-1" {
		t.Errorf("the stored poll has X-Request-Id %q, want the first one's, req-1", got)
	}

	play := newRecorder(t, c, cassette.ModeReplay, cassette.Config{})
	var got []string
	for range 6 {
		body, err := get(t, play, "GET", srv.URL+"/status", "")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, body)
	}
	want := []string{"pending", "pending", "pending", "pending", "pending", "ready"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("replay mismatch (-want +got):\n%s", diff)
	}
	_, err := get(t, play, "GET", srv.URL+"/status", "")
	var rep *nomatch.Report
	if !errors.Is(err, cassette.ErrNoMatch) || !errors.As(err, &rep) || !rep.Used {
		t.Errorf("a seventh poll: %v; want a miss that says the match was used", err)
	}
	if u, _ := play.Unused(); len(u) != 0 {
		t.Errorf("Unused() = %d interactions after every poll replayed", len(u))
	}
}

func timesOf(ins []cassette.Interaction) []int {
	var ts []int
	for _, in := range ins {
		ts = append(ts, in.Times)
	}
	return ts
}

// What is not a repeat is stored each time.
func TestRepeatsOnlyWhenTheSame(t *testing.T) {
	type step struct {
		method, path, body string
		header             http.Header // of the request
	}
	tests := []struct {
		name   string
		reason string
		steps  []step
		answer func(w http.ResponseWriter, r *http.Request, hit int)
		times  []int
	}{
		{name: "volatile headers differ", reason: "ids, dates and counters change with every response of the same poll",
			steps: []step{{"GET", "/s", "", nil}, {"GET", "/s", "", nil}, {"GET", "/s", "", nil}},
			answer: func(w http.ResponseWriter, r *http.Request, hit int) {
				w.Header().Set("X-Amzn-Requestid", fmt.Sprint(hit))
				w.Header().Set("Ratelimit-Remaining", fmt.Sprint(hit))
				w.Header().Set("Traceparent", fmt.Sprint(hit))
				fmt.Fprint(w, "pending")
			},
			times: []int{3}},
		{name: "request ids differ", reason: "an SDK's invocation id changes with every request of the same poll",
			steps:  []step{{"GET", "/s", "", http.Header{"Amz-Sdk-Invocation-Id": {"a"}}}, {"GET", "/s", "", http.Header{"Amz-Sdk-Invocation-Id": {"b"}}}},
			answer: func(w http.ResponseWriter, r *http.Request, hit int) { fmt.Fprint(w, "pending") },
			times:  []int{2}},
		{name: "bodies differ", reason: "a progress report is not the same answer",
			steps:  []step{{"GET", "/s", "", nil}, {"GET", "/s", "", nil}},
			answer: func(w http.ResponseWriter, r *http.Request, hit int) { fmt.Fprintf(w, "%d%%", hit*50) },
			times:  []int{0, 0}},
		{name: "statuses differ", reason: "",
			steps:  []step{{"GET", "/s", "", nil}, {"GET", "/s", "", nil}},
			answer: func(w http.ResponseWriter, r *http.Request, hit int) { w.WriteHeader(200 + hit) },
			times:  []int{0, 0}},
		{name: "a stable header differs", reason: "an ETag names a version of the resource",
			steps: []step{{"GET", "/s", "", nil}, {"GET", "/s", "", nil}},
			answer: func(w http.ResponseWriter, r *http.Request, hit int) {
				w.Header().Set("Etag", fmt.Sprint(hit))
				fmt.Fprint(w, "same")
			},
			times: []int{0, 0}},
		{name: "requests differ", reason: "a condition changes the request",
			steps:  []step{{"GET", "/s", "", http.Header{"If-None-Match": {"1"}}}, {"GET", "/s", "", http.Header{"If-None-Match": {"2"}}}},
			answer: func(w http.ResponseWriter, r *http.Request, hit int) { fmt.Fprint(w, "same") },
			times:  []int{0, 0}},
		{name: "request bodies differ", reason: "",
			steps:  []step{{"POST", "/s", "a", nil}, {"POST", "/s", "b", nil}},
			answer: func(w http.ResponseWriter, r *http.Request, hit int) { fmt.Fprint(w, "same") },
			times:  []int{0, 0}},
		{name: "not consecutive", reason: "only a run in a row is a poll: the order of the test is kept",
			steps:  []step{{"GET", "/a", "", nil}, {"GET", "/b", "", nil}, {"GET", "/a", "", nil}},
			answer: func(w http.ResponseWriter, r *http.Request, hit int) { fmt.Fprint(w, "same") },
			times:  []int{0, 0, 0}},
		{name: "runs", reason: "each run is stored once",
			steps:  []step{{"GET", "/a", "", nil}, {"GET", "/a", "", nil}, {"GET", "/b", "", nil}, {"GET", "/b", "", nil}, {"GET", "/b", "", nil}},
			answer: func(w http.ResponseWriter, r *http.Request, hit int) { fmt.Fprint(w, "same") },
			times:  []int{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tt.answer(w, r, int(hits.Add(1)))
			}))
			defer srv.Close()
			rec := newRecorder(t, nil, cassette.ModeRecord, cassette.Config{})
			for _, s := range tt.steps {
				req, err := http.NewRequest(s.method, srv.URL+s.path, strings.NewReader(s.body))
				if err != nil {
					t.Fatal(err)
				}
				for k, vs := range s.header {
					req.Header[k] = vs
				}
				resp, err := rec.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			rec.Close()
			if got := timesOf(rec.Cassette().Interactions()); !cmp.Equal(got, tt.times) {
				t.Errorf("times %v, want %v (%s)", got, tt.times, tt.reason)
			}
		})
	}
}

// A transport error is stored each time: its message may hold what
// differs (a port), and a retry loop's errors are worth seeing.
func TestErrorsNotCollapsed(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // refused from now on
	rec := newRecorder(t, nil, cassette.ModeRecord, cassette.Config{})
	for range 2 {
		if _, err := get(t, rec, "GET", url+"/x", ""); err == nil {
			t.Fatal("a closed server answered")
		}
	}
	if got := timesOf(rec.Cassette().Interactions()); !cmp.Equal(got, []int{0, 0}) {
		t.Errorf("times %v, want two interactions", got)
	}
}

// A re-record of the same polling gives a file that differs only in the
// count.
func TestRepollDiffersInCount(t *testing.T) {
	record := func(pending int) []string {
		up := &pollUpstream{pending: pending}
		// Durations change with every recording.
		rec := newRecorder(t, nil, cassette.ModeRecord, cassette.Config{Upstream: up, BeforeSave: []func(*cassette.Interaction){
			func(in *cassette.Interaction) { in.Duration = 0 },
		}})
		for range pending + 1 {
			if _, err := get(t, rec, "GET", "https://api.example.com/v1/clusters/c1", ""); err != nil {
				t.Fatal(err)
			}
		}
		rec.Close()
		c := rec.Cassette()
		cassette.SetRawRecordedAt(c, time.Time{}) // the second it was recorded in
		data, err := cassette.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(string(data), "\n")
	}
	five, seven := record(5), record(7)
	if len(five) != len(seven) {
		t.Fatalf("the files have %d and %d lines:\n%s\n%s", len(five), len(seven), strings.Join(five, "\n"), strings.Join(seven, "\n"))
	}
	var diff []string
	for i := range five {
		if five[i] != seven[i] {
			diff = append(diff, strings.TrimSpace(five[i])+" -> "+strings.TrimSpace(seven[i]))
		}
	}
	if want := []string{`"times": 5 -> "times": 7`}; !cmp.Equal(diff, want) {
		t.Errorf("the files differ in %q, want only %q", diff, want)
	}
}

// pollUpstream answers "pending" to the first requests, then "ready", with
// a request id that changes with every response, and does not depend on
// how many polls there were: real ids differ in every recording anyway.
type pollUpstream struct {
	pending int
	hits    int
}

func (u *pollUpstream) RoundTrip(req *http.Request) (*http.Response, error) {
	u.hits++
	state, id := "ready", "ready-1"
	if u.hits <= u.pending {
		state, id = "pending", fmt.Sprintf("pending-%d", u.hits)
	}
	return &http.Response{
		StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {id}},
		Body:          io.NopCloser(strings.NewReader(`{"state":"` + state + `"}`)),
		ContentLength: -1, Request: req,
	}, nil
}

// replayPending returns a recorder that replays a run of times polls of a
// status, each answered "pending".
func replayPending(t *testing.T, times int) *cassette.Recorder {
	t.Helper()
	c := cassette.New(cassette.Interaction{
		Request:  cassette.Request{Method: "GET", URL: "https://api.example.com/status"},
		Response: &cassette.Response{StatusCode: 200, Body: []byte("pending")},
		Times:    times,
	})
	return newRecorder(t, c, cassette.ModeReplay, cassette.Config{})
}

// Concurrent replays of a run of polls take exactly its count.
func TestRepeatsConcurrent(t *testing.T) {
	play := replayPending(t, 50)
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 10 {
				req, _ := http.NewRequest("GET", "https://api.example.com/status", nil)
				if resp, err := play.RoundTrip(req); err == nil {
					resp.Body.Close()
					ok.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if ok.Load() != 50 {
		t.Errorf("%d replays, want the 50 recorded", ok.Load())
	}
}

// A run replayed fewer times than recorded is unused: the test polls less
// than it did.
func TestRepeatsPartlyUnused(t *testing.T) {
	play := replayPending(t, 3)
	if _, err := get(t, play, "GET", "https://api.example.com/status", ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := play.Unused(); !cmp.Equal(got, []int{1}) {
		t.Errorf("Unused() = %v, want [1]", got)
	}
}

func TestTimesFormat(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		times   string
		wantErr string
	}{
		{"five", "", `5`, ""},
		{"one", "the writer leaves once out: a file that says it is hand-made or broken", `1`, `times: 1 is not a number of repeats: it is 2 or more; leave it out for once`},
		{"zero", "", `0`, "times: 0 is not a number of repeats"},
		{"negative", "", `-3`, "times: -3 is not a number of repeats"},
		{"a string", "", `"5"`, "times should be a JSON number, not a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(`{"version": 2, "interactions": [{` + okRequest + `, "response": {"code": 200}, "times": ` + tt.times + `}]}`)
			f, err := unmarshal(data)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Unmarshal: %v", err)
			case tt.wantErr == "":
				if f.Interactions[0].Times != 5 {
					t.Errorf("times = %d, want 5", f.Interactions[0].Times)
				}
			case err == nil || !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("Unmarshal = %v; want an error containing %q (%s)", err, tt.wantErr, tt.reason)
			}
		})
	}
	// Once is left out, whether it is 0 or 1; a file without "times" or a
	// clock is version 1.
	for _, n := range []int{0, 1} {
		c := cassette.New(cassette.Interaction{Request: cassette.Request{Method: "GET", URL: "/"}, Response: &cassette.Response{StatusCode: 200}, Times: n})
		data, err := cassette.Marshal(c)
		if err != nil || strings.Contains(string(data), "times") || !strings.Contains(string(data), `"version": 1`) {
			t.Errorf("Times %d: %v\n%s", n, err, data)
		}
	}
	c := cassette.New(cassette.Interaction{Request: cassette.Request{Method: "GET", URL: "/"}, Response: &cassette.Response{StatusCode: 200}, Times: -1})
	if _, err := cassette.Marshal(c); err == nil || !strings.Contains(err.Error(), "times: -1 is not a number of repeats") {
		t.Errorf("Marshal of Times -1: %v", err)
	}
}
