package cassette_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/nomatch"
	"github.com/dvdrw/dvd/internal/replayed"
	"github.com/dvdrw/dvd/internal/testsupport"
	"github.com/dvdrw/dvd/match"
)

// counter is a server whose every response carries a new number, so a test
// can tell which recorded interaction a replay served.
type counter struct {
	srv *httptest.Server
	n   atomic.Int64
}

func newCounter(t *testing.T) *counter {
	c := &counter{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := c.n.Add(1)
		w.Header().Set("X-N", fmt.Sprint(n))
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%d %s %s %s", n, r.Method, r.URL.RequestURI(), body)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func get(t *testing.T, rt http.RoundTripper, method, url, body string) (string, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return string(b), nil
}

// mustRecorder returns a recorder over c that is closed when the test ends.
func mustRecorder(t testing.TB, c *cassette.Cassette, cfg cassette.Config) *cassette.Recorder {
	t.Helper()
	r, err := cassette.NewRecorder(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// record returns a cassette of the given requests against srv, as recorded.
func record(t *testing.T, url string, reqs ...string) *cassette.Cassette {
	t.Helper()
	r := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	for _, q := range reqs {
		method, path, _ := strings.Cut(q, " ")
		if _, err := get(t, r, method, url+path, ""); err != nil {
			t.Fatal(err)
		}
	}
	return r.Cassette()
}

func TestReplayOrderAmongIdenticalRequests(t *testing.T) {
	c := newCounter(t)
	cas := record(t, c.srv.URL, "GET /item", "PUT /item", "GET /item", "GET /other")
	c.srv.Close()

	r := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay})
	want := []struct{ method, path, body string }{
		{"GET", "/item", "1 GET /item "},
		{"PUT", "/item", "2 PUT /item "},
		{"GET", "/item", "3 GET /item "}, // read-modify-reread sees the second GET
		{"GET", "/other", "4 GET /other "},
	}
	for _, w := range want {
		got, err := get(t, r, w.method, c.srv.URL+w.path, "")
		if err != nil {
			t.Fatalf("%s %s: %v", w.method, w.path, err)
		}
		if got != w.body {
			t.Errorf("%s %s replayed %q, want %q", w.method, w.path, got, w.body)
		}
	}
	_, err := get(t, r, "GET", c.srv.URL+"/item", "")
	var rep *nomatch.Report
	if !errors.Is(err, cassette.ErrNoMatch) || !errors.As(err, &rep) {
		t.Fatalf("third GET /item: err = %v, want an error wrapping ErrNoMatch", err)
	}
	if !rep.Used || rep.Position != 3 {
		t.Errorf("Report.Used = %v, Position = %d; want true, 3 (the last GET /item was used)", rep.Used, rep.Position)
	}
	if !strings.Contains(err.Error(), "already replayed") {
		t.Errorf("error does not say the match was used:\n%v", err)
	}
	if u, _ := r.Unused(); len(u) != 0 {
		t.Errorf("Unused() = %d interactions, want 0", len(u))
	}
}

func TestAllowRepeats(t *testing.T) {
	c := newCounter(t)
	cas := record(t, c.srv.URL, "GET /a", "GET /a")
	r := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay, AllowRepeats: true})
	for i, want := range []string{"1 GET /a ", "2 GET /a ", "2 GET /a ", "2 GET /a "} {
		got, err := get(t, r, "GET", c.srv.URL+"/a", "")
		if err != nil || got != want {
			t.Errorf("request %d: %q, %v; want %q", i, got, err, want)
		}
	}
}

func TestNoMatchDiff(t *testing.T) {
	c := newCounter(t)
	cas := record(t, c.srv.URL, "GET /users?page=1", "POST /elsewhere")
	r := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay})
	_, err := get(t, r, "GET", c.srv.URL+"/users?page=2", "")
	var rep *nomatch.Report
	if !errors.Is(err, cassette.ErrNoMatch) || !errors.As(err, &rep) {
		t.Fatalf("err = %v, want an error wrapping ErrNoMatch", err)
	}
	if rep.Used || rep.Position != 1 || !strings.HasSuffix(rep.Closest, "/users?page=1") {
		t.Errorf("closest = #%d %s (used %v), want #1 .../users?page=1", rep.Position, rep.Closest, rep.Used)
	}
	// go-cmp varies its spacing on purpose, so look for the parts only.
	for _, want := range []string{`-recorded +incoming`, `"Query[page]"`, `"1"`, `"2"`, "GET " + c.srv.URL + "/users?page=2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(rep.Diff, "Method") || strings.Contains(rep.Diff, "Path") {
		t.Errorf("diff shows features that are equal:\n%s", rep.Diff)
	}
}

func TestEmptyCassetteNoMatch(t *testing.T) {
	r := mustRecorder(t, cassette.New(), cassette.Config{Mode: cassette.ModeReplay})
	_, err := get(t, r, "GET", "http://127.0.0.1:1/x", "")
	if !errors.Is(err, cassette.ErrNoMatch) || !strings.Contains(err.Error(), "no interactions") {
		t.Errorf("err = %v, want ErrNoMatch saying the cassette is empty", err)
	}
}

func TestExtraFuncs(t *testing.T) {
	c := newCounter(t)
	r := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	for _, b := range []string{"id=1", "id=2"} {
		if _, err := get(t, r, "POST", c.srv.URL+"/f", b); err != nil {
			t.Fatal(err)
		}
	}
	cas := r.Cassette()
	var calls atomic.Int64
	byBody := func(rec, in *http.Request) bool {
		calls.Add(1)
		a, _ := io.ReadAll(rec.Body)
		b, _ := io.ReadAll(in.Body)
		return string(a) == string(b)
	}
	r = mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay, Extra: []match.Func{byBody}})
	got, err := get(t, r, "POST", c.srv.URL+"/f", "id=2")
	if err != nil || got != "2 POST /f id=2" {
		t.Errorf("POST id=2 replayed %q, %v; want the second interaction", got, err)
	}
	got, err = get(t, r, "POST", c.srv.URL+"/f", "id=1")
	if err != nil || got != "1 POST /f id=1" {
		t.Errorf("POST id=1 replayed %q, %v; want the first interaction", got, err)
	}
	if _, err := get(t, r, "GET", c.srv.URL+"/f", ""); !errors.Is(err, cassette.ErrNoMatch) {
		t.Errorf("GET /f: %v, want ErrNoMatch", err)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("extra func ran %d times, want 3: only on candidates of the same features", n)
	}
}

func TestBodyMatchers(t *testing.T) {
	c := newCounter(t)
	r := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Matchers: []match.Matcher{match.Method, match.Path, match.JSONBody}})
	for _, b := range []string{`{"a":1,"b":2}`, `{"a":2}`} {
		if _, err := get(t, r, "POST", c.srv.URL+"/j", b); err != nil {
			t.Fatal(err)
		}
	}
	r = mustRecorder(t, r.Cassette(), cassette.Config{Mode: cassette.ModeReplay, Matchers: []match.Matcher{match.Method, match.Path, match.JSONBody}})
	got, err := get(t, r, "POST", c.srv.URL+"/j", `{ "b": 2, "a": 1 }`)
	if err != nil || !strings.HasPrefix(got, "1 ") {
		t.Errorf("semantically equal JSON replayed %q, %v; want interaction 1", got, err)
	}
}

func TestModes(t *testing.T) {
	c := newCounter(t)
	old := record(t, c.srv.URL, "GET /old")
	tests := []struct {
		name      string
		reason    string
		mode      cassette.Mode
		cassette  *cassette.Cassette
		newErr    bool
		recording bool
		changed   bool // Changed after one replayed and one new request
		oldReplay bool // GET /old replays from the cassette
		newLen    int  // interactions in Cassette() afterwards
	}{
		{name: "once/missing", reason: "no cassette: record everything", mode: cassette.ModeOnce, recording: true, changed: true, newLen: 2},
		{name: "once/present", reason: "replay only", mode: cassette.ModeOnce, cassette: old, oldReplay: true, newLen: 1},
		{name: "replay/missing", reason: "replay needs a cassette", mode: cassette.ModeReplay, newErr: true},
		{name: "replay/present", mode: cassette.ModeReplay, cassette: old, oldReplay: true, newLen: 1},
		{name: "append/missing", mode: cassette.ModeAppend, recording: true, changed: true, newLen: 2},
		{name: "append/present", reason: "replay what matches, record the rest", mode: cassette.ModeAppend, cassette: old, recording: true, changed: true, oldReplay: true, newLen: 2},
		{name: "record/present", reason: "the cassette is ignored", mode: cassette.ModeRecord, cassette: old, recording: true, changed: true, newLen: 2},
		{name: "passthrough/present", reason: "nothing replays, nothing is recorded", mode: cassette.ModePassthrough, cassette: old},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := cassette.NewRecorder(tt.cassette, cassette.Config{Mode: tt.mode})
			if (err != nil) != tt.newErr {
				t.Fatalf("NewRecorder err = %v, want error %v (%s)", err, tt.newErr, tt.reason)
			}
			if err != nil {
				return
			}
			defer r.Close()
			if r.Recording() != tt.recording {
				t.Errorf("Recording() = %v, want %v (%s)", r.Recording(), tt.recording, tt.reason)
			}
			before := c.n.Load()
			got, err := get(t, r, "GET", c.srv.URL+"/old", "")
			if err != nil {
				t.Fatal(err)
			}
			if replayed := got == "1 GET /old "; replayed != tt.oldReplay {
				t.Errorf("GET /old gave %q: replayed = %v, want %v (%s)", got, replayed, tt.oldReplay, tt.reason)
			}
			_, err = get(t, r, "GET", c.srv.URL+"/new", "")
			if canReach := tt.recording || tt.mode == cassette.ModePassthrough; (err == nil) != canReach {
				t.Errorf("GET /new: err = %v, want success %v", err, canReach)
			}
			if tt.mode == cassette.ModePassthrough && c.n.Load()-before != 2 {
				t.Errorf("passthrough sent %d requests upstream, want 2", c.n.Load()-before)
			}
			if (r.Cassette() != nil) != tt.changed {
				t.Errorf("Cassette() != nil is %v, want %v: something to save", r.Cassette() != nil, tt.changed)
			}
			if n := toSave(r, tt.cassette).Len(); n != tt.newLen && tt.mode != cassette.ModePassthrough {
				t.Errorf("Cassette().Len() = %d, want %d", n, tt.newLen)
			}
		})
	}
}

func TestReplayedResponseIsFresh(t *testing.T) {
	c := newCounter(t)
	cas := record(t, c.srv.URL, "GET /a")
	r := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay, AllowRepeats: true})
	req, _ := http.NewRequest("GET", c.srv.URL+"/a", nil)
	resp, err := r.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if !replayed.Is(resp) {
		t.Error("Replayed(resp) = false for a replayed response")
	}
	resp.Header.Set("X-N", "mutated")
	buf := make([]byte, 3)
	io.ReadFull(resp.Body, buf)
	copy(buf, "zzz")
	resp.Body.Close()
	if _, err := resp.Body.Read(buf); err == nil {
		t.Error("Read after Close succeeded")
	}
	resp2, err := r.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp2.Body)
	if resp2.Header.Get("X-N") != "1" || string(b) != "1 GET /a " {
		t.Errorf("second replay: X-N %q body %q; mutating the first response changed it", resp2.Header.Get("X-N"), b)
	}
	if in := cas.Interactions()[0]; in.Response.Header.Get("X-N") != "1" {
		t.Error("mutating a replayed response changed the cassette")
	}
}

func TestConcurrentIdenticalRequests(t *testing.T) {
	const n = 200
	c := newCounter(t)
	var reqs []string
	for range n {
		reqs = append(reqs, "GET /same")
	}
	cas := record(t, c.srv.URL, reqs...)
	r := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay})
	seen := make([]atomic.Int32, n+1)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := get(t, r, "GET", c.srv.URL+"/same", "")
			if err != nil {
				t.Error(err)
				return
			}
			var k int
			fmt.Sscan(got, &k)
			seen[k].Add(1)
		}()
	}
	wg.Wait()
	for k := 1; k <= n; k++ {
		if s := seen[k].Load(); s != 1 {
			t.Errorf("interaction %d replayed %d times, want exactly once", k, s)
		}
	}
}

func TestRecordsTransportError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now: connection refused
	r := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	_, recErr := get(t, r, "GET", url+"/x", "")
	if !errors.Is(recErr, syscall.ECONNREFUSED) {
		t.Fatalf("recording: %v, want connection refused", recErr)
	}
	r = mustRecorder(t, r.Cassette(), cassette.Config{Mode: cassette.ModeReplay})
	_, err := get(t, r, "GET", url+"/x", "")
	if !errors.Is(err, syscall.ECONNREFUSED) || err.Error() != recErr.Error() {
		t.Errorf("replayed error %q (refused %v), want %q", err, errors.Is(err, syscall.ECONNREFUSED), recErr)
	}
}

func TestEarlyCloseIsTruncated(t *testing.T) {
	big := strings.Repeat("x", 1<<16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, big) }))
	defer srv.Close()
	r := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	req, _ := http.NewRequest("GET", srv.URL, nil)
	resp, err := r.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10)
	io.ReadFull(resp.Body, buf)
	resp.Body.Close()
	rec := r.Cassette().Interactions()[0].Response
	if !rec.Truncated || len(rec.Body) != 10 {
		t.Fatalf("stored body %d bytes, truncated %v; want the 10 bytes read, truncated", len(rec.Body), rec.Truncated)
	}
	r = mustRecorder(t, r.Cassette(), cassette.Config{Mode: cassette.ModeReplay})
	resp, err = r.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if len(b) != 10 || err == nil || !strings.Contains(err.Error(), "closed it early") {
		t.Errorf("replay read %d bytes, err %v; want 10 bytes then an error saying the recording stopped", len(b), err)
	}
}

func urls(c *cassette.Cassette) []string {
	var out []string
	for _, in := range c.Interactions() {
		out = append(out, in.Request.URL[strings.LastIndex(in.Request.URL, "/"):])
	}
	return out
}

func TestSaveOrder(t *testing.T) {
	c := newCounter(t)
	// Sequential requests keep the order they were sent in.
	seq := record(t, c.srv.URL, "GET /c", "GET /a", "GET /b")
	if got := strings.Join(urls(seq), " "); got != "/c /a /b" {
		t.Errorf("sequential order = %s, want /c /a /b", got)
	}
	// Concurrent requests, started in a different order each time, give
	// the same file order.
	release := make(chan struct{})
	var arrived atomic.Int64
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Add(1)
		<-release // every request is in flight at once
		io.WriteString(w, r.URL.Path)
	}))
	defer slow.Close()
	var orders []string
	for run := range 2 {
		r := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
		var wg sync.WaitGroup
		for i := range 20 {
			p := (i*7 + run*5) % 20 // another start order per run
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := get(t, r, "GET", fmt.Sprintf("%s/%02d", slow.URL, p), ""); err != nil {
					t.Error(err)
				}
			}()
		}
		for arrived.Load() < 20 {
			time.Sleep(time.Millisecond)
		}
		arrived.Store(0)
		close(release)
		wg.Wait()
		release = make(chan struct{})
		orders = append(orders, strings.Join(urls(r.Cassette()), " "))
	}
	if orders[0] != orders[1] {
		t.Errorf("two recordings of the same concurrent requests saved in different orders:\n%s\n%s", orders[0], orders[1])
	}
}

func TestReplayHonoursADoneContext(t *testing.T) {
	c := newCounter(t)
	cas := record(t, c.srv.URL, "GET /a")
	r := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", c.srv.URL+"/a", nil)
	if _, err := r.RoundTrip(req); !errors.Is(err, context.Canceled) {
		t.Errorf("replay with a canceled context: %v, want context.Canceled", err)
	}
	if _, err := get(t, r, "GET", c.srv.URL+"/a", ""); err != nil {
		t.Errorf("the canceled request used up the interaction: %v", err)
	}
}

// A test that sends its next request before it reads the last response
// body is still sequential: the file keeps the order of sending, which
// replay relies on for requests that match alike.
func TestSequentialRequestsKeepOrderWithUnreadBodies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "created %s", b)
	}))
	defer srv.Close()
	r := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	var resps []*http.Response
	for _, name := range []string{"zebra", "apple"} {
		req, _ := http.NewRequest("POST", srv.URL+"/items", strings.NewReader(name))
		resp, err := r.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resps = append(resps, resp)
	}
	for _, resp := range resps {
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	r = mustRecorder(t, r.Cassette(), cassette.Config{Mode: cassette.ModeReplay})
	for _, name := range []string{"zebra", "apple"} {
		if got, err := get(t, r, "POST", srv.URL+"/items", name); err != nil || got != "created "+name {
			t.Errorf("POST %s replayed %q, %v", name, got, err)
		}
	}
}

func TestCloseClosesUnclosedBodies(t *testing.T) {
	c := newCounter(t)
	r, err := cassette.NewRecorder(nil, cassette.Config{Mode: cassette.ModeRecord})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", c.srv.URL+"/leak", nil)
	resp, err := r.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("a body the client never closed is still open after Close")
	}
}

func TestReplayedDNSErrorKeepsTemporary(t *testing.T) {
	up := testsupport.RoundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "api.test", IsTemporary: true}}
	})
	r := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Upstream: up})
	get(t, r, "GET", "http://api.test/x", "")
	r = mustRecorder(t, r.Cassette(), cassette.Config{Mode: cassette.ModeReplay})
	_, err := get(t, r, "GET", "http://api.test/x", "")
	var ne interface{ Temporary() bool }
	if !errors.As(err, &ne) || !ne.Temporary() {
		t.Errorf("replayed %v: Temporary() is not true as it was when recorded", err)
	}
}
