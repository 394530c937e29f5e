package cassette_test

// Faithful recording and replay: what a client sees while recording is what
// it sees on replay, after the cassette went through its file format and the
// server is gone. See SPEC.md, "Recording" and "Replay".

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/replayed"
	"github.com/dvdrw/dvd/internal/testsupport"
)

// viaFile returns c as it comes back from a cassette file, once plain and
// once through zstd: whatever replay does next, the file format kept it.
func viaFile(t testing.TB, c *cassette.Cassette) *cassette.Cassette {
	t.Helper()
	data, err := cassette.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	f, err := cassette.Unmarshal(data)
	if err != nil {
		t.Fatalf("decoding the encoded cassette: %v", err)
	}
	plain, err := cassette.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	z, err := codec.Compress(plain, codec.Zstd)
	if err != nil {
		t.Fatal(err)
	}
	f, err = cassette.Unmarshal(z)
	if err != nil {
		t.Fatalf("decoding the zstd cassette: %v", err)
	}
	if again, err := cassette.Marshal(f); err != nil || !bytes.Equal(again, data) {
		t.Fatalf("the cassette file is not stable across a round trip (err %v):\n%s", err, cmp.Diff(string(data), string(again)))
	}
	return f
}

// replayer returns a replay-only recorder over c as read back from a file.
func replayer(t testing.TB, c *cassette.Cassette, cfg cassette.Config) *cassette.Recorder {
	t.Helper()
	cfg.Mode = cassette.ModeReplay
	return mustRecorder(t, viaFile(t, c), cfg)
}

func mustDo(t testing.TB, rt http.RoundTripper, req *http.Request) *http.Response {
	t.Helper()
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return resp
}

func newReq(t testing.TB, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

type x509UnknownAuthority = x509.UnknownAuthorityError

// quietLog keeps a TLS server's handshake failures out of the test output.
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// ---- 1. Streaming -----------------------------------------------------------

// The recorder hands the caller the first event of a server-sent event stream
// while the server still holds the rest, and waits for the caller's signal to
// send it: a recorder that read the whole body first would deadlock. Replay
// serves the same bytes, event by event.
func TestFaithfulStreamingSSE(t *testing.T) {
	gotFirst := make(chan struct{})
	restSent := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		io.WriteString(w, "event: tick\ndata: 1\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-gotFirst:
		case <-r.Context().Done():
			return
		}
		close(restSent)
		io.WriteString(w, "event: tick\ndata: 2\n\n")
		w.(http.Flusher).Flush()
		io.WriteString(w, "event: done\ndata: {\"n\":3}\n\n")
	}))
	defer srv.Close()
	const want = "event: tick\ndata: 1\n\nevent: tick\ndata: 2\n\nevent: done\ndata: {\"n\":3}\n\n"

	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	req := newReq(t, "GET", srv.URL+"/events", nil)
	type first struct {
		resp  *http.Response
		br    *bufio.Reader
		event string
		err   error
	}
	done := make(chan first, 1)
	go func() {
		resp, err := rec.RoundTrip(req)
		if err != nil {
			done <- first{err: err}
			return
		}
		br := bufio.NewReader(resp.Body)
		ev, err := readEvent(br)
		done <- first{resp, br, ev, err}
	}()
	var f first
	select {
	case f = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("deadlock: the recorder did not hand over the first event while the server held the rest")
	}
	if f.err != nil {
		t.Fatal(f.err)
	}
	select {
	case <-restSent:
		t.Fatal("the server sent the rest before the client had the first event")
	default:
	}
	if f.event != "event: tick\ndata: 1\n\n" {
		t.Fatalf("first event %q", f.event)
	}
	if f.resp.ContentLength != -1 {
		t.Errorf("ContentLength %d while recording a stream, want -1", f.resp.ContentLength)
	}
	close(gotFirst)
	rest, err := io.ReadAll(f.br)
	f.resp.Body.Close()
	if err != nil || f.event+string(rest) != want {
		t.Fatalf("recording read %q, %v; want %q", f.event+string(rest), err, want)
	}

	cas := rec.Cassette()
	ins := cas.Interactions()
	if len(ins) != 1 || string(ins[0].Response.Body) != want || ins[0].Response.Truncated || ins[0].Response.BodyError != nil {
		t.Fatalf("stored %+v", ins)
	}
	srv.Close()

	rep := replayer(t, cas, cassette.Config{})
	resp := mustDo(t, rep, newReq(t, "GET", srv.URL+"/events", nil))
	if !replayed.Is(resp) {
		t.Error("Replayed(resp) = false")
	}
	if resp.Header.Get("Content-Type") != "text/event-stream" || resp.ContentLength != -1 {
		t.Errorf("replayed Content-Type %q ContentLength %d", resp.Header.Get("Content-Type"), resp.ContentLength)
	}
	br := bufio.NewReader(resp.Body)
	var events []string
	for {
		ev, err := readEvent(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
	}
	resp.Body.Close()
	if len(events) != 3 || strings.Join(events, "") != want {
		t.Errorf("replayed events %q, want the 3 recorded ones", events)
	}
}

// readEvent reads one server-sent event, up to and with its blank line.
func readEvent(br *bufio.Reader) (string, error) {
	var ev strings.Builder
	for {
		line, err := br.ReadString('\n')
		ev.WriteString(line)
		if err != nil {
			if err == io.EOF && ev.Len() > 0 {
				err = io.ErrUnexpectedEOF
			}
			return ev.String(), err
		}
		if line == "\n" {
			return ev.String(), nil
		}
	}
}

// A stream the caller closes early is stored as far as the caller read it,
// marked truncated; replay serves those bytes, then an error that says the
// recording ends there (never a silent, shorter EOF).
func TestFaithfulStreamClosedEarly(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "data: 1\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done() // an endless stream
	}))
	defer srv.Close()
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	resp := mustDo(t, rec, newReq(t, "GET", srv.URL, nil))
	ev, err := readEvent(bufio.NewReader(resp.Body))
	if err != nil || ev != "data: 1\n\n" {
		t.Fatalf("first event %q, %v", ev, err)
	}
	resp.Body.Close()
	cas := rec.Cassette()
	got := cas.Interactions()[0].Response
	if !got.Truncated || string(got.Body) != "data: 1\n\n" {
		t.Fatalf("stored body %q truncated %v; want the first event, truncated", got.Body, got.Truncated)
	}
	srv.Close()
	resp = mustDo(t, replayer(t, cas, cassette.Config{}), newReq(t, "GET", srv.URL, nil))
	b, err := io.ReadAll(resp.Body)
	if string(b) != "data: 1\n\n" || err == nil || err == io.EOF {
		t.Errorf("replay read %q, %v; want the first event then an error", b, err)
	}
}

// ---- 2. Request bodies ------------------------------------------------------

type seenRequest struct {
	method, path, contentType string
	contentLength             int64
	body                      string
}

// bodyServer records what each request brought and answers with a redirect
// for /307 and /308, and with the body otherwise.
func bodyServer(t *testing.T) (*httptest.Server, func() []seenRequest) {
	var mu sync.Mutex
	var got []seenRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("server reading the body: %v", err)
		}
		mu.Lock()
		got = append(got, seenRequest{r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.ContentLength, string(b)})
		mu.Unlock()
		switch r.URL.Path {
		case "/307":
			http.Redirect(w, r, "/308", http.StatusTemporaryRedirect)
		case "/308":
			http.Redirect(w, r, "/final", http.StatusPermanentRedirect)
		default:
			fmt.Fprintf(w, "%s %s got %q", r.Method, r.URL.Path, b)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []seenRequest {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
}

// JSON and form bodies reach the server intact while recording, are stored
// byte for byte (readably in the file) and are replayed by their body.
func TestFaithfulRequestBodies(t *testing.T) {
	srv, got := bodyServer(t)
	const jsonBody = `{"name":"gopher","tags":["a","b"],"n":1.50}`
	const spacedJSON = "{ \"name\": \"gopher\" }\n"
	form := url.Values{"a": {"1", "2"}, "b": {"two words & more"}, "c": {"ü"}}.Encode()
	bodies := []struct{ ctype, body string }{
		{"application/json", jsonBody},
		{"application/json", spacedJSON},
		{"application/x-www-form-urlencoded", form},
	}
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	client := &http.Client{Transport: rec}
	var want []string
	for _, b := range bodies {
		resp, err := client.Post(srv.URL+"/post", b.ctype, strings.NewReader(b.body))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, string(testsupport.Observe(resp).Body))
	}
	for i, g := range got() {
		b := bodies[i]
		if g.method != "POST" || g.body != b.body || g.contentType != b.ctype || g.contentLength != int64(len(b.body)) {
			t.Errorf("server got %+v, want POST of %q (%s, length %d)", g, b.body, b.ctype, len(b.body))
		}
	}
	cas := rec.Cassette()
	for i, in := range viaFile(t, cas).Interactions() {
		if string(in.Request.Body) != bodies[i].body {
			t.Errorf("stored request body %q, want %q", in.Request.Body, bodies[i].body)
		}
	}
	file := string(mustMarshal(t, cas))
	for _, readable := range []string{`"body_json": {"name":"gopher"`, `"body": "a=1&a=2&b=two+words+%26+more&c=%C3%BC"`} {
		if !strings.Contains(file, readable) {
			t.Errorf("the file does not store the request body readably: no %s in\n%s", readable, file)
		}
	}
	srv.Close()

	client = &http.Client{Transport: replayer(t, cas, cassette.Config{})}
	for i, b := range bodies {
		resp, err := client.Post(srv.URL+"/post", b.ctype, strings.NewReader(b.body))
		if err != nil {
			t.Fatal(err)
		}
		if s := testsupport.Observe(resp); string(s.Body) != want[i] {
			t.Errorf("replay %d: %q, want %q", i, s.Body, want[i])
		}
	}
}

// A body with GetBody followed through a 307 and a 308 by http.Client is
// re-sent on every hop; each hop is one interaction, with the body; replay
// of the same flow gives the same final response.
func TestFaithfulRedirectResendsBody(t *testing.T) {
	srv, got := bodyServer(t)
	const payload = `{"order":42,"items":["x","y"]}`
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	do := func(rt http.RoundTripper) testsupport.Seen {
		req := newReq(t, "POST", srv.URL+"/307", strings.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		if req.GetBody == nil {
			t.Fatal("the request has no GetBody")
		}
		resp, err := (&http.Client{Transport: rt}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Request.URL.Path != "/final" {
			t.Errorf("final URL %s, want /final", resp.Request.URL)
		}
		return testsupport.Observe(resp)
	}
	recorded := do(rec)
	hops := got()
	if len(hops) != 3 {
		t.Fatalf("server saw %d requests, want 3: %+v", len(hops), hops)
	}
	for i, h := range hops {
		if h.method != "POST" || h.body != payload || h.path != []string{"/307", "/308", "/final"}[i] {
			t.Errorf("hop %d: server got %+v, want POST of the payload", i, h)
		}
	}
	cas := rec.Cassette()
	ins := cas.Interactions()
	if len(ins) != 3 {
		t.Fatalf("stored %d interactions, want one per hop", len(ins))
	}
	for i, in := range ins {
		if code := []int{307, 308, 200}[i]; in.Response.StatusCode != code || string(in.Request.Body) != payload {
			t.Errorf("interaction %d: %d with body %q, want %d with the payload", i, in.Response.StatusCode, in.Request.Body, code)
		}
	}
	srv.Close()

	rep := replayer(t, cas, cassette.Config{})
	if d := cmp.Diff(recorded, do(rep)); d != "" {
		t.Errorf("replay differs (-recorded +replayed):\n%s", d)
	}
	if u, _ := rep.Unused(); len(u) != 0 {
		t.Errorf("%d hops were not replayed", len(u))
	}
}

// ---- 3. Transport errors ----------------------------------------------------

// recordErr records one request that fails, and returns the error and the
// cassette.
func recordErr(t *testing.T, cfg cassette.Config, req *http.Request) (*cassette.Cassette, error) {
	t.Helper()
	cfg.Mode = cassette.ModeRecord
	rec := mustRecorder(t, nil, cfg)
	resp, err := rec.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("recording %s %s succeeded, want an error", req.Method, req.URL)
	}
	cas := rec.Cassette()
	ins := cas.Interactions()
	if len(ins) != 1 || ins[0].Error == nil || ins[0].Response != nil {
		t.Fatalf("stored %+v, want one interaction with an error", ins)
	}
	if ins[0].Error.Error() != err.Error() {
		t.Errorf("stored message %q, want %q", ins[0].Error, err)
	}
	return cas, err
}

// replayErr replays req from cas and returns its error, which must have the
// recorded message.
func replayErr(t *testing.T, cas *cassette.Cassette, req *http.Request, recErr error) error {
	t.Helper()
	resp, err := replayer(t, cas, cassette.Config{}).RoundTrip(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("replay succeeded, want the recorded error")
	}
	if errors.Is(err, cassette.ErrNoMatch) {
		t.Fatalf("replay did not match: %v", err)
	}
	if err.Error() != recErr.Error() {
		t.Errorf("replayed message %q, want %q", err, recErr)
	}
	return err
}

// sameAs checks that the replayed error answers errors.Is for the targets
// and the net.Error questions as the recorded one does.
func sameAs(t *testing.T, recErr, repErr error, targets ...error) {
	t.Helper()
	for _, target := range targets {
		if r, p := errors.Is(recErr, target), errors.Is(repErr, target); r != p {
			t.Errorf("errors.Is(err, %v): recorded %v, replayed %v", target, r, p)
		}
	}
	var rne, pne net.Error
	r, p := errors.As(recErr, &rne), errors.As(repErr, &pne)
	if r != p || r && rne.Timeout() != pne.Timeout() {
		t.Errorf("net.Error: recorded %v, replayed %v (timeouts %v, %v)", r, p, r && rne.Timeout(), p && pne.Timeout())
	}
	var rop, pop *net.OpError
	if errors.As(recErr, &rop) {
		if !errors.As(repErr, &pop) || pop.Op != rop.Op || pop.Net != rop.Net || fmt.Sprint(pop.Addr) != fmt.Sprint(rop.Addr) {
			t.Errorf("recorded *net.OpError %+v; replayed %+v", rop, pop)
		}
	}
}

var commonTargets = []error{context.Canceled, context.DeadlineExceeded, syscall.ECONNREFUSED, syscall.ECONNRESET, io.EOF, io.ErrUnexpectedEOF}

// stallServer answers nothing until the request's connection goes away.
func stallServer(t *testing.T) (*httptest.Server, <-chan struct{}) {
	arrived := make(chan struct{}, 16)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first
	return srv, arrived
}

// An http.Transport's response header timeout replays as a net.Error whose
// Timeout() is true, at once: the replay ends long before the recorded
// stall would have.
func TestFaithfulErrorTimeout(t *testing.T) {
	srv, _ := stallServer(t)
	const stall = 400 * time.Millisecond
	up := &http.Transport{ResponseHeaderTimeout: stall}
	defer up.CloseIdleConnections()
	req := newReq(t, "GET", srv.URL+"/slow", nil)
	cas, recErr := recordErr(t, cassette.Config{Upstream: up}, req)
	var ne net.Error
	if !errors.As(recErr, &ne) || !ne.Timeout() {
		t.Fatalf("recorded %v, want a timeout", recErr)
	}
	in := cas.Interactions()[0]
	if in.Duration < stall {
		t.Errorf("recorded duration %v, want at least the %v stall", in.Duration, stall)
	}
	if !neterr.RecordOf(in.Error).Timeout || !errors.As(in.Error, &ne) || !ne.Timeout() {
		t.Error("the stored error is not marked a timeout")
	}
	srv.Close()

	// Replay must answer well before half the recorded stall has passed: a
	// deadline the replay does not consult, read afterwards.
	ctx, cancel := context.WithTimeout(context.Background(), in.Duration/2)
	defer cancel()
	repErr := replayErr(t, cas, req.WithContext(ctx), recErr)
	if ctx.Err() != nil {
		t.Errorf("replaying the error took more than half the recorded %v: replay slept", in.Duration)
	}
	if !errors.As(repErr, &ne) || !ne.Timeout() {
		t.Errorf("replayed %v (%T), want a net.Error with Timeout()", repErr, repErr)
	}
	sameAs(t, recErr, repErr, commonTargets...)
	// Through an http.Client, as users see it: a *url.Error that is a timeout.
	_, err := (&http.Client{Transport: replayer(t, cas, cassette.Config{})}).Get(srv.URL + "/slow")
	var ue *url.Error
	if !errors.As(err, &ue) || !ue.Timeout() {
		t.Errorf("through a client: %v, want a *url.Error timeout", err)
	}
}

func TestFaithfulErrorRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	req := newReq(t, "GET", "http://"+addr+"/x", nil)
	cas, recErr := recordErr(t, cassette.Config{}, req)
	if !errors.Is(recErr, syscall.ECONNREFUSED) {
		t.Fatalf("recorded %v, want connection refused", recErr)
	}
	repErr := replayErr(t, cas, req, recErr)
	if !errors.Is(repErr, syscall.ECONNREFUSED) {
		t.Errorf("replayed %v, not ECONNREFUSED", repErr)
	}
	sameAs(t, recErr, repErr, commonTargets...)
}

// A DNS failure, simulated by a dialer that fails the lookup without
// resolving anything, replays as a *net.DNSError with IsNotFound.
func TestFaithfulErrorDNS(t *testing.T) {
	up := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}}
	req := newReq(t, "GET", "http://nonexistent.invalid/path", nil)
	cas, recErr := recordErr(t, cassette.Config{Upstream: up}, req)
	var dns *net.DNSError
	if !errors.As(recErr, &dns) || !dns.IsNotFound {
		t.Fatalf("recorded %v, want a not-found DNS error", recErr)
	}
	repErr := replayErr(t, cas, req, recErr)
	var rd *net.DNSError
	if !errors.As(repErr, &rd) {
		t.Fatalf("replayed %v (%T), want a *net.DNSError", repErr, repErr)
	}
	if !rd.IsNotFound || rd.Name != "nonexistent.invalid" || rd.Err != "no such host" || rd.IsTimeout {
		t.Errorf("replayed DNS error %+v", rd)
	}
	sameAs(t, recErr, repErr, commonTargets...)

	// The same without the *net.OpError around it.
	up.DialContext = func(context.Context, string, string) (net.Conn, error) {
		return nil, &net.DNSError{Err: "no such host", Name: "nonexistent.invalid", IsNotFound: true}
	}
	cas, recErr = recordErr(t, cassette.Config{Upstream: up}, req)
	repErr = replayErr(t, cas, req, recErr)
	if !errors.As(repErr, &rd) || !rd.IsNotFound {
		t.Errorf("replayed %v, want a not-found *net.DNSError", repErr)
	}
	sameAs(t, recErr, repErr, commonTargets...)
}

// Errors of no known kind keep their message, and their *net.OpError when
// they had one; one that was not a net.Error does not become one.
func TestFaithfulErrorOther(t *testing.T) {
	for _, e := range []error{
		errors.New("upstream: something odd happened"),
		&net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}, Err: errors.New("custom dial failure")},
		fmt.Errorf("net/http: HTTP/1.x transport connection broken: %w", errors.New("malformed")),
	} {
		up := testsupport.RoundTripFunc(func(*http.Request) (*http.Response, error) { return nil, e })
		req := newReq(t, "GET", "http://127.0.0.1:9/other", nil)
		cas, recErr := recordErr(t, cassette.Config{Upstream: up}, req)
		repErr := replayErr(t, cas, req, recErr)
		sameAs(t, recErr, repErr, commonTargets...)
		var op *net.OpError
		if errors.As(repErr, &op) && op.Err.Error() != "custom dial failure" {
			t.Errorf("the replayed *net.OpError wraps %q, want the recorded reason", op.Err)
		}
	}
}

func TestFaithfulErrorContext(t *testing.T) {
	t.Run("deadline", func(t *testing.T) {
		srv, _ := stallServer(t)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req := newReq(t, "GET", srv.URL+"/d", nil).WithContext(ctx)
		cas, recErr := recordErr(t, cassette.Config{}, req)
		if !errors.Is(recErr, context.DeadlineExceeded) {
			t.Fatalf("recorded %v, want context.DeadlineExceeded", recErr)
		}
		srv.Close()
		repErr := replayErr(t, cas, newReq(t, "GET", srv.URL+"/d", nil), recErr)
		if !errors.Is(repErr, context.DeadlineExceeded) {
			t.Errorf("replayed %v, not context.DeadlineExceeded", repErr)
		}
		if (recErr == context.DeadlineExceeded) != (repErr == context.DeadlineExceeded) {
			t.Errorf("recorded %#v, replayed %#v: one is the bare sentinel", recErr, repErr)
		}
		sameAs(t, recErr, repErr, commonTargets...)
	})
	t.Run("canceled", func(t *testing.T) {
		srv, arrived := stallServer(t)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-arrived
			cancel()
		}()
		req := newReq(t, "GET", srv.URL+"/c", nil).WithContext(ctx)
		cas, recErr := recordErr(t, cassette.Config{}, req)
		if !errors.Is(recErr, context.Canceled) {
			t.Fatalf("recorded %v, want context.Canceled", recErr)
		}
		srv.Close()
		repErr := replayErr(t, cas, newReq(t, "GET", srv.URL+"/c", nil), recErr)
		if !errors.Is(repErr, context.Canceled) {
			t.Errorf("replayed %v, not context.Canceled", repErr)
		}
		if (recErr == context.Canceled) != (repErr == context.Canceled) {
			t.Errorf("recorded %#v, replayed %#v: one is the bare sentinel", recErr, repErr)
		}
		sameAs(t, recErr, repErr, commonTargets...)
	})
}

// A certificate the client does not trust: the replayed error has the
// recorded message and is a *tls.CertificateVerificationError, over an
// x509.UnknownAuthorityError as the original was.
func TestFaithfulErrorCertificate(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = quietLog()
	srv.StartTLS()
	defer srv.Close()
	up := &http.Transport{TLSClientConfig: &tls.Config{}} // trusts only the system's roots
	defer up.CloseIdleConnections()
	req := newReq(t, "GET", srv.URL+"/secure", nil)
	cas, recErr := recordErr(t, cassette.Config{Upstream: up}, req)
	var cve *tls.CertificateVerificationError
	if !errors.As(recErr, &cve) {
		t.Fatalf("recorded %v (%T), want a certificate verification error", recErr, recErr)
	}
	if k := neterr.RecordOf(cas.Interactions()[0].Error).Kind; k != neterr.Certificate {
		t.Errorf("stored kind %q, want %q", k, neterr.Certificate)
	}
	srv.Close()
	repErr := replayErr(t, cas, req, recErr)
	if !errors.As(repErr, &cve) {
		t.Errorf("replayed %v (%T), not a *tls.CertificateVerificationError", repErr, repErr)
	} else if cve.Error() != recErr.Error() {
		t.Errorf("the replayed *tls.CertificateVerificationError says %q, want %q", cve, recErr)
	}
	var ua x509UnknownAuthority
	if errors.As(recErr, &ua) && !errors.As(repErr, &ua) {
		t.Errorf("recorded an x509.UnknownAuthorityError, replayed %v without one", repErr)
	}
	sameAs(t, recErr, repErr, commonTargets...)
}

// A body that fails in its middle replays its bytes up to the failure, then
// the error of the same kind and message, through Read and through WriteTo.
func TestFaithfulErrorMidBody(t *testing.T) {
	payload := bytes.Repeat([]byte("0123456789"), 10) // 100 of the announced 1000 bytes
	for _, reset := range []bool{true, false} {
		t.Run(map[bool]string{true: "reset", false: "close"}[reset], func(t *testing.T) {
			readFirst := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n")
				conn.Write(payload)
				select { // until the client has the 100 bytes, so none is lost to the reset
				case <-readFirst:
				case <-time.After(10 * time.Second):
				}
				if reset {
					conn.(*net.TCPConn).SetLinger(0)
				}
				conn.Close()
			}))
			defer srv.Close()
			rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
			resp := mustDo(t, rec, newReq(t, "GET", srv.URL+"/download", nil))
			if resp.ContentLength != 1000 {
				t.Errorf("ContentLength %d", resp.ContentLength)
			}
			buf := make([]byte, 100)
			if _, err := io.ReadFull(resp.Body, buf); err != nil || !bytes.Equal(buf, payload) {
				t.Fatalf("first 100 bytes: %q, %v", buf, err)
			}
			close(readFirst)
			rest, recErr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if len(rest) != 0 || recErr == nil {
				t.Fatalf("after 100 bytes: %d more, err %v; want a failure", len(rest), recErr)
			}
			if reset && !errors.Is(recErr, syscall.ECONNRESET) || !reset && recErr != io.ErrUnexpectedEOF {
				t.Fatalf("recorded body error %#v, want a reset (reset %v) or io.ErrUnexpectedEOF", recErr, reset)
			}
			cas := rec.Cassette()
			got := cas.Interactions()[0].Response
			if !bytes.Equal(got.Body, payload) || got.BodyError == nil || got.BodyError.Error() != recErr.Error() || got.Truncated {
				t.Fatalf("stored body %d bytes, error %+v, truncated %v", len(got.Body), got.BodyError, got.Truncated)
			}
			srv.Close()

			for _, via := range []string{"Read", "WriteTo"} {
				resp := mustDo(t, replayer(t, cas, cassette.Config{}), newReq(t, "GET", srv.URL+"/download", nil))
				if resp.ContentLength != 1000 {
					t.Errorf("replayed ContentLength %d, want 1000", resp.ContentLength)
				}
				var b []byte
				var repErr error
				if via == "Read" {
					b, repErr = io.ReadAll(resp.Body)
				} else {
					var out bytes.Buffer
					_, repErr = io.Copy(&out, resp.Body)
					b = out.Bytes()
				}
				resp.Body.Close()
				if !bytes.Equal(b, payload) {
					t.Errorf("%s: replayed %d bytes before the error, want the recorded 100", via, len(b))
				}
				if repErr == nil || repErr.Error() != recErr.Error() {
					t.Fatalf("%s: replayed body error %v, want %v", via, repErr, recErr)
				}
				if (recErr == io.ErrUnexpectedEOF) != (repErr == io.ErrUnexpectedEOF) {
					t.Errorf("%s: recorded %#v, replayed %#v: one is the bare io.ErrUnexpectedEOF", via, recErr, repErr)
				}
				sameAs(t, recErr, repErr, commonTargets...)
			}
		})
	}
}

// ---- 4. Redirects and cookies ----------------------------------------------

// A login answers 302 with a cookie; the next page needs it. Each hop is an
// interaction; replay with a fresh jar sees the same final page, although
// the cassette holds the cookie's value redacted.
func TestFaithfulRedirectCookieLogin(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/login":
			r.ParseForm()
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cr3t-" + r.Form.Get("user"), Path: "/", HttpOnly: true})
			http.Redirect(w, r, "/home", http.StatusFound)
		case "/home":
			c, err := r.Cookie("session")
			if err != nil {
				http.Error(w, "log in first", http.StatusUnauthorized)
				return
			}
			fmt.Fprintf(w, "welcome, %s", strings.TrimPrefix(c.Value, "s3cr3t-"))
		}
	}))
	defer srv.Close()
	login := func(rt http.RoundTripper) (testsupport.Seen, *cookiejar.Jar) {
		jar, _ := cookiejar.New(nil)
		resp, err := (&http.Client{Transport: rt, Jar: jar}).PostForm(srv.URL+"/login", url.Values{"user": {"alice"}})
		if err != nil {
			t.Fatal(err)
		}
		return testsupport.Observe(resp), jar
	}
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	recorded, _ := login(rec)
	if recorded.StatusCode != 200 || string(recorded.Body) != "welcome, alice" {
		t.Fatalf("recording: %d %q", recorded.StatusCode, recorded.Body)
	}
	cas := rec.Cassette()
	ins := cas.Interactions()
	if len(ins) != 2 || ins[0].Response.StatusCode != 302 || ins[1].Request.Method != "GET" || ins[1].Response.StatusCode != 200 {
		t.Fatalf("stored %d interactions, want the 302 and the page", len(ins))
	}
	if sc := ins[0].Response.Header["Set-Cookie"]; len(sc) != 1 || cassette.PlainMarkers([]byte(sc[0])) != "session=REDACTED; Path=/; HttpOnly" {
		t.Errorf("stored Set-Cookie %q, want the value redacted and the attributes kept", sc)
	}
	if strings.Contains(string(mustMarshal(t, cas)), "s3cr3t") {
		t.Error("the cookie's value reached the file")
	}
	srv.Close()

	replayed, jar := login(replayer(t, cas, cassette.Config{}))
	if d := cmp.Diff(recorded, replayed); d != "" {
		t.Errorf("replayed final page differs (-recorded +replayed):\n%s", d)
	}
	u, _ := url.Parse(srv.URL)
	if cs := jar.Cookies(u); len(cs) != 1 || cs[0].Name != "session" {
		t.Errorf("the replayed Set-Cookie left %v in the jar, want the session cookie", cs)
	}
}

// ---- 5. Exact responses -----------------------------------------------------

// rawServer answers every request with the bytes of raw and closes.
func rawServer(t *testing.T, raw string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		io.WriteString(conn, raw)
		conn.Close()
	}))
	t.Cleanup(srv.Close)
	return srv
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, s)
	zw.Close()
	return b.Bytes()
}

func gunzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

// Every part of a response a client can see replays as it was recorded.
func TestFaithfulExactResponses(t *testing.T) {
	plain := strings.Repeat("hello gzip world. ", 50)
	gz := gzipped(plain)
	mux := http.NewServeMux()
	mux.HandleFunc("/multi", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Multi"] = []string{"b", "a", "c"}
		h.Add("Link", `</p2>; rel="next"`)
		h.Add("Link", `</p0>; rel="prev"`)
		h.Add("Vary", "Accept")
		h.Add("Vary", "Accept-Encoding")
		io.WriteString(w, "multi")
	})
	mux.HandleFunc("/trailers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum, X-Count")
		io.WriteString(w, "part one, ")
		w.(http.Flusher).Flush()
		io.WriteString(w, "part two")
		w.Header().Set("X-Sum", "abc123")
		w.Header().Add("X-Count", "1")
		w.Header().Add("X-Count", "2")
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "chunk 1;")
		w.(http.Flusher).Flush()
		io.WriteString(w, "chunk 2")
	})
	mux.HandleFunc("/head", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "11")
		io.WriteString(w, "hello world")
	})
	mux.HandleFunc("/204", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/304", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		w.WriteHeader(http.StatusNotModified)
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", fmt.Sprint(len(gz)))
		w.Write(gz)
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	h2 := httptest.NewUnstartedServer(mux)
	h2.EnableHTTP2 = true
	h2.StartTLS()
	defer h2.Close()
	custom := rawServer(t, "HTTP/1.1 299 Custom Thing\r\nContent-Length: 2\r\nX-Raw: yes\r\nConnection: close\r\n\r\nok")
	http10 := rawServer(t, "HTTP/1.0 200 OK\r\nX-Old: yes\r\n\r\nread until close")

	type check func(t *testing.T, s testsupport.Seen)
	cases := []struct {
		name, method, url string
		header            http.Header
		upstream          http.RoundTripper
		leaveOpen         bool // the caller neither reads nor closes the body
		// The body is stored decoded and encoded again on replay: its
		// content replays, not its bytes, and the length announced is the
		// length of the bytes replayed.
		reencoded bool
		check     check
	}{
		{name: "multi-value headers", method: "GET", url: srv.URL + "/multi", check: func(t *testing.T, s testsupport.Seen) {
			if !slices.Equal(s.Header["X-Multi"], []string{"b", "a", "c"}) || len(s.Header["Link"]) != 2 || s.Header["Link"][0] != `</p2>; rel="next"` {
				t.Errorf("headers %v", s.Header)
			}
		}},
		{name: "trailers", method: "GET", url: srv.URL + "/trailers", check: func(t *testing.T, s testsupport.Seen) {
			if !slices.Equal(s.TrailerKeys, []string{"X-Count", "X-Sum"}) || s.Trailer.Get("X-Sum") != "abc123" || !slices.Equal(s.Trailer["X-Count"], []string{"1", "2"}) {
				t.Errorf("trailers announced %v, then %v", s.TrailerKeys, s.Trailer)
			}
		}},
		{name: "custom status text", method: "GET", url: custom.URL, check: func(t *testing.T, s testsupport.Seen) {
			if s.Status != "299 Custom Thing" || s.StatusCode != 299 {
				t.Errorf("status %q", s.Status)
			}
		}},
		{name: "HTTP/1.0", method: "GET", url: http10.URL, check: func(t *testing.T, s testsupport.Seen) {
			if s.Proto != "HTTP/1.0" || s.ProtoMinor != 0 || s.ContentLength != -1 || string(s.Body) != "read until close" {
				t.Errorf("%s, length %d, body %q", s.Proto, s.ContentLength, s.Body)
			}
		}},
		{name: "HTTP/2", method: "GET", url: h2.URL + "/trailers", upstream: h2.Client().Transport, check: func(t *testing.T, s testsupport.Seen) {
			if s.Proto != "HTTP/2.0" || s.ProtoMajor != 2 || s.Trailer.Get("X-Sum") != "abc123" {
				t.Errorf("%s %d.%d, trailers %v", s.Proto, s.ProtoMajor, s.ProtoMinor, s.Trailer)
			}
		}},
		{name: "chunked", method: "GET", url: srv.URL + "/chunked", check: func(t *testing.T, s testsupport.Seen) {
			if s.ContentLength != -1 || string(s.Body) != "chunk 1;chunk 2" {
				t.Errorf("length %d, body %q", s.ContentLength, s.Body)
			}
		}},
		{name: "content length", method: "GET", url: srv.URL + "/multi", check: func(t *testing.T, s testsupport.Seen) {
			if s.ContentLength != 5 {
				t.Errorf("length %d", s.ContentLength)
			}
		}},
		{name: "HEAD", method: "HEAD", url: srv.URL + "/head", check: func(t *testing.T, s testsupport.Seen) {
			if s.ContentLength != 11 || len(s.Body) != 0 || s.BodyErr != "" {
				t.Errorf("length %d, body %q, error %q", s.ContentLength, s.Body, s.BodyErr)
			}
		}},
		{name: "HEAD left open", method: "HEAD", url: srv.URL + "/head", leaveOpen: true, check: func(t *testing.T, s testsupport.Seen) {
			if len(s.Body) != 0 || s.BodyErr != "" {
				t.Errorf("body %q, error %q", s.Body, s.BodyErr)
			}
		}},
		{name: "204", method: "GET", url: srv.URL + "/204", check: func(t *testing.T, s testsupport.Seen) {
			if s.StatusCode != 204 || len(s.Body) != 0 || s.BodyErr != "" {
				t.Errorf("%d, body %q, error %q", s.StatusCode, s.Body, s.BodyErr)
			}
		}},
		{name: "204 left open", method: "DELETE", url: srv.URL + "/204", leaveOpen: true, check: func(t *testing.T, s testsupport.Seen) {
			if s.StatusCode != 204 || len(s.Body) != 0 || s.BodyErr != "" {
				t.Errorf("%d, body %q, error %q", s.StatusCode, s.Body, s.BodyErr)
			}
		}},
		{name: "304", method: "GET", url: srv.URL + "/304", header: http.Header{"If-None-Match": {`"v1"`}}, check: func(t *testing.T, s testsupport.Seen) {
			if s.StatusCode != 304 || len(s.Body) != 0 || s.BodyErr != "" || s.Header.Get("ETag") != `"v1"` {
				t.Errorf("%d, body %q, error %q", s.StatusCode, s.Body, s.BodyErr)
			}
		}},
		{name: "empty 200 left open", method: "GET", url: srv.URL + "/empty", leaveOpen: true, check: func(t *testing.T, s testsupport.Seen) {
			if s.ContentLength != 0 || len(s.Body) != 0 || s.BodyErr != "" {
				t.Errorf("length %d, body %q, error %q", s.ContentLength, s.Body, s.BodyErr)
			}
		}},
		{name: "gzip asked for", method: "GET", url: srv.URL + "/gzip", header: http.Header{"Accept-Encoding": {"gzip"}}, reencoded: true, check: func(t *testing.T, s testsupport.Seen) {
			if string(gunzipped(t, s.Body)) != plain || s.Uncompressed || s.Header.Get("Content-Encoding") != "gzip" ||
				s.ContentLength != int64(len(s.Body)) || s.Header.Get("Content-Length") != fmt.Sprint(len(s.Body)) {
				t.Errorf("body %d bytes (raw gzip is %d), uncompressed %v, encoding %q, length %d, Content-Length %q",
					len(s.Body), len(gz), s.Uncompressed, s.Header.Get("Content-Encoding"), s.ContentLength, s.Header.Get("Content-Length"))
			}
		}},
		{name: "gzip decoded by the transport", method: "GET", url: srv.URL + "/gzip", check: func(t *testing.T, s testsupport.Seen) {
			if string(s.Body) != plain || !s.Uncompressed || s.Header.Get("Content-Encoding") != "" || s.ContentLength != -1 {
				t.Errorf("body %q, uncompressed %v, encoding %q, length %d", s.Body, s.Uncompressed, s.Header.Get("Content-Encoding"), s.ContentLength)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := newReq(t, c.method, c.url, nil)
			for k, v := range c.header {
				req.Header[k] = v
			}
			rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Upstream: c.upstream})
			resp := mustDo(t, rec, req)
			var cas *cassette.Cassette
			if c.leaveOpen {
				// Before the caller is done with the body: Close stores it
				// as it is, which is whole.
				rec.Close()
				cas = rec.Cassette()
			}
			recorded := testsupport.Observe(resp)
			c.check(t, recorded)
			if cas == nil {
				cas = rec.Cassette()
			}
			rep := replayer(t, cas, cassette.Config{})
			resp = mustDo(t, rep, req)
			if resp.Request != req {
				t.Error("the replayed response's Request is not the request")
			}
			replayed := testsupport.Observe(resp)
			c.check(t, replayed)
			if c.reencoded {
				for _, s := range []*testsupport.Seen{&recorded, &replayed} {
					s.Body = gunzipped(t, s.Body)
					s.ContentLength = 0
					s.Header.Del("Content-Length")
				}
			}
			if d := cmp.Diff(recorded, replayed); d != "" {
				t.Errorf("replay differs (-recorded +replayed):\n%s", d)
			}
		})
	}
}

// A replayed response is a fresh value each time: mutating its header,
// trailers or the bytes read from it changes neither the cassette nor the
// next replay.
func TestFaithfulFreshResponses(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		w.Header()["X-Multi"] = []string{"1", "2"}
		io.WriteString(w, "original body")
		w.Header().Set("X-Sum", "s")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	recorded := testsupport.Observe(mustDo(t, rec, newReq(t, "GET", srv.URL, nil)))
	cas := viaFile(t, rec.Cassette())
	srv.Close()
	rep := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay, AllowRepeats: true})
	for i := range 3 {
		resp := mustDo(t, rep, newReq(t, "GET", srv.URL, nil))
		if d := cmp.Diff(recorded, testsupport.Observe(resp)); d != "" {
			t.Fatalf("replay %d differs after mutating the ones before (-recorded +replayed):\n%s", i, d)
		}
		resp = mustDo(t, rep, newReq(t, "GET", srv.URL, nil))
		resp.Header["X-Multi"][0] = "mutated"
		resp.Header.Add("X-Multi", "3")
		resp.Header.Del("Content-Length")
		resp.Trailer["X-Sum"] = []string{"early"}
		buf := make([]byte, 64)
		n, _ := io.ReadFull(resp.Body, buf)
		copy(buf[:n], "XXXXXXXX")
		if resp.Trailer.Get("X-Sum") != "s" {
			t.Errorf("trailer %q after the body's end", resp.Trailer.Get("X-Sum"))
		}
		resp.Trailer["X-Sum"][0] = "mutated"
		var out bytes.Buffer
		io.Copy(&out, resp.Body)
		resp.Body.Close()
	}
	in := cas.Interactions()[0].Response
	if string(in.Body) != "original body" || in.Header["X-Multi"][0] != "1" || in.Trailer.Get("X-Sum") != "s" {
		t.Errorf("mutating replayed responses changed the cassette: %+v", in)
	}
}

// A body read to its announced length and closed without its EOF having been
// testsupport.Seen is complete, not truncated: replay ends it with io.EOF.
func TestFaithfulBodyReadToLengthThenClosed(t *testing.T) {
	body := strings.Repeat("0123456789", 100)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		io.WriteString(w, body[:500])
		w.(http.Flusher).Flush()
		io.WriteString(w, body[500:])
	})
	h1 := httptest.NewServer(handler)
	defer h1.Close()
	h2 := httptest.NewUnstartedServer(handler)
	h2.EnableHTTP2 = true
	h2.StartTLS()
	defer h2.Close()
	for _, srv := range []*httptest.Server{h1, h2} {
		rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Upstream: srv.Client().Transport})
		resp := mustDo(t, rec, newReq(t, "GET", srv.URL, nil))
		buf := make([]byte, resp.ContentLength)
		if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != body {
			t.Fatalf("%s: read %q, %v", resp.Proto, buf, err)
		}
		resp.Body.Close()
		cas := rec.Cassette()
		if got := cas.Interactions()[0].Response; got.Truncated || string(got.Body) != body {
			t.Errorf("%s: stored %d bytes, truncated %v; want the whole body", resp.Proto, len(got.Body), got.Truncated)
		}
		resp = mustDo(t, replayer(t, cas, cassette.Config{}), newReq(t, "GET", srv.URL, nil))
		if b, err := io.ReadAll(resp.Body); err != nil || string(b) != body {
			t.Errorf("%s: replayed %d bytes, %v; want the body and io.EOF", resp.Proto, len(b), err)
		}
	}
}

// ---- 6. Concurrency ---------------------------------------------------------

// Many goroutines record at once; the saved cassette, under as many
// concurrent identical requests, replays every interaction exactly once.
func TestFaithfulConcurrentRecordReplay(t *testing.T) {
	const n = 64
	var mu sync.Mutex
	next := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		next++
		k := next
		mu.Unlock()
		w.Header().Set("X-K", fmt.Sprint(k))
		io.WriteString(w, fmt.Sprintf("%d:%s:%s:", k, r.URL.RequestURI(), b))
		w.(http.Flusher).Flush()
		io.WriteString(w, strings.Repeat("z", k)) // a body in two chunks
	}))
	defer srv.Close()

	// Each goroutine sends one identical GET and one request of its own.
	run := func(rt http.RoundTripper) (same []string, own map[int]string) {
		var wg sync.WaitGroup
		var rmu sync.Mutex
		own = map[int]string{}
		for i := range n {
			wg.Go(func() {
				resp, err := rt.RoundTrip(newReq(t, "GET", srv.URL+"/same", nil))
				if err != nil {
					t.Error(err)
					return
				}
				s := testsupport.Observe(resp)
				req := newReq(t, "POST", fmt.Sprintf("%s/own?i=%d", srv.URL, i), strings.NewReader(fmt.Sprint("body ", i)))
				resp, err = rt.RoundTrip(req)
				if err != nil {
					t.Error(err)
					return
				}
				o := testsupport.Observe(resp)
				rmu.Lock()
				same = append(same, s.Header.Get("X-K")+" "+string(s.Body))
				own[i] = o.Header.Get("X-K") + " " + string(o.Body)
				rmu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(same)
		return same, own
	}
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	recSame, recOwn := run(rec)
	cas := rec.Cassette()
	if cas.Len() != 2*n {
		t.Fatalf("recorded %d interactions, want %d", cas.Len(), 2*n)
	}
	// The same recording saves to the same file. (Only the recording time,
	// which ModeRecord takes when the cassette is asked for, may differ.)
	a, b := mustMarshal(t, cas), mustMarshal(t, rec.Cassette())
	a, b = dropRecordedAt(a), dropRecordedAt(b)
	if !bytes.Equal(a, b) {
		t.Errorf("saving the same recording twice gives different files:\n%s", cmp.Diff(string(a), string(b)))
	}
	srv.Close()

	rep := replayer(t, cas, cassette.Config{})
	repSame, repOwn := run(rep)
	if d := cmp.Diff(recSame, repSame); d != "" {
		t.Errorf("concurrent identical requests did not replay each recording exactly once (-recorded +replayed):\n%s", d)
	}
	if d := cmp.Diff(recOwn, repOwn); d != "" {
		t.Errorf("requests of their own (-recorded +replayed):\n%s", d)
	}
	if _, err := rep.RoundTrip(newReq(t, "GET", srv.URL+"/same", nil)); !errors.Is(err, cassette.ErrNoMatch) {
		t.Errorf("one identical request more: %v, want ErrNoMatch (all were used)", err)
	}
}

func mustMarshal(t testing.TB, c *cassette.Cassette) []byte {
	t.Helper()
	data, err := cassette.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// dropRecordedAt removes the recorded_at line of a cassette file.
func dropRecordedAt(data []byte) []byte {
	return regexp.MustCompile(`(?m)^  "recorded_at": .*\n`).ReplaceAll(data, nil)
}
