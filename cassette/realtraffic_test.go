package cassette_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/replayed"
	"github.com/dvdrw/dvd/internal/testsupport"
	"github.com/dvdrw/dvd/match"
)

// TestReplayedLengthIsTheBodys checks that the length a replayed response
// announces, in ContentLength and in the Content-Length header, is the
// length of the body the client reads, after redaction shortened it and
// after a placeholder's value lengthened it again.
func TestReplayedLengthIsTheBodys(t *testing.T) {
	const account = "acct_0123456789abcdefghij"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := `{"access_token":"eyJhbGciOiJIUzI1NiJ9.long-enough-to-shrink","account":"` + account + `"}`
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		io.WriteString(w, body)
	}))
	defer srv.Close()
	cfg := cassette.Config{Redact: cassette.Redaction{Placeholders: map[string]string{"ACCOUNT": account}}}

	cfg.Mode = cassette.ModeRecord
	rec := mustRecorder(t, nil, cfg)
	if _, err := get(t, rec, "GET", srv.URL+"/token", ""); err != nil {
		t.Fatal(err)
	}
	rec.Close()
	cas := viaFile(t, rec.Cassette())
	stored := cas.Interactions()[0].Response
	if got, want := stored.ContentLength, int64(len(stored.Body)); got != want {
		t.Errorf("stored ContentLength %d, but the stored body holds %d bytes", got, want)
	}
	if got, want := stored.Header.Get("Content-Length"), strconv.Itoa(len(stored.Body)); got != want {
		t.Errorf("stored Content-Length header %q, but the stored body holds %s bytes", got, want)
	}

	cfg.Mode = cassette.ModeReplay
	rep := mustRecorder(t, cas, cfg)
	req, _ := http.NewRequest("GET", srv.URL+"/token", nil)
	resp, err := rep.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	seen := testsupport.Observe(resp)
	if seen.BodyErr != "" {
		t.Fatal(seen.BodyErr)
	}
	body := seen.Body
	if seen.ContentLength != int64(len(body)) {
		t.Errorf("replayed ContentLength %d, but the body holds %d bytes", seen.ContentLength, len(body))
	}
	if got := seen.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
		t.Errorf("replayed Content-Length header %q, but the body holds %d bytes", got, len(body))
	}

	// What a proxying handler does with it: copy the header and the body.
	proxy := httptest.NewRecorder()
	for k, vs := range seen.Header {
		proxy.Header()[k] = vs
	}
	proxy.WriteHeader(seen.StatusCode)
	proxy.Write(body)
	if proxy.Body.Len() != len(body) {
		t.Errorf("proxied %d bytes of %d", proxy.Body.Len(), len(body))
	}
}

// TestClientTimeoutReplaysAsATimeout records a request that hit
// http.Client.Timeout and checks that replay answers with a timeout, which
// retry code tells from other failures.
func TestClientTimeoutReplaysAsATimeout(t *testing.T) {
	srv, _ := stallServer(t)
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	client := &http.Client{Transport: rec, Timeout: 100 * time.Millisecond}
	_, recErr := client.Get(srv.URL + "/slow")
	if recErr == nil {
		t.Fatal("the request did not time out while recording")
	}
	rec.Close()
	cas := viaFile(t, rec.Cassette())
	// net/http reports the client's timeout as "net/http: request
	// canceled" or as the context's deadline, as the race goes.
	if e := neterr.RecordOf(cas.Interactions()[0].Error); e.Kind != neterr.Timeout && e.Kind != neterr.Deadline || !e.Timeout {
		t.Errorf("stored %+v, want a timeout or a deadline, marked a timeout", e)
	}
	srv.Close()

	for i := range 3 {
		rep := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay})
		req, _ := http.NewRequest("GET", srv.URL+"/slow", nil)
		_, err := rep.RoundTrip(req)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("replay %d: %v (%T), want a net.Error whose Timeout() is true", i, err, err)
		}
		_, err = (&http.Client{Transport: mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay})}).Get(srv.URL + "/slow")
		var ue *url.Error
		if !errors.As(err, &ue) || !ue.Timeout() {
			t.Errorf("replay %d through a client: %v, want a *url.Error timeout", i, err)
		}
	}
}

// TestRecordedRequestCanceledReplaysAsATimeout loads cassettes as other
// tools and older recordings wrote them: a request that hit the client's
// timeout stored as "net/http: request canceled" of no known kind.
func TestRecordedRequestCanceledReplaysAsATimeout(t *testing.T) {
	for _, msg := range []string{
		"net/http: request canceled",
		"net/http: request canceled while waiting for connection",
		"net/http: timeout awaiting response headers",
		`Get "https://api.example.com/x": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
	} {
		cas := cassette.New(cassette.Interaction{
			Request: cassette.Request{Method: "GET", URL: "https://api.example.com/x"},
			Error:   neterr.Recorded(neterr.Record{Kind: neterr.Other, Message: msg}),
		})
		rep := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay})
		req, _ := http.NewRequestWithContext(context.Background(), "GET", "https://api.example.com/x", nil)
		_, err := rep.RoundTrip(req)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || err.Error() != msg {
			t.Errorf("%q replays as %v (%T), want a net.Error timeout with the recorded message", msg, err, err)
		}
	}
}

// TestLengthOfHandWrittenCassettes replays responses as hand-written or
// imported cassettes hold them: lengths that disagree with the body, a
// header with no or many values. The replayed length is the body's, except
// where the response announces no body of its own.
func TestLengthOfHandWrittenCassettes(t *testing.T) {
	tests := []struct {
		name, reason string
		method       string
		resp         cassette.Response
		wantLength   int64
		wantHeader   []string
	}{
		{"stale length", "a body edited by hand", "GET", cassette.Response{StatusCode: 200, Body: []byte("abc"), ContentLength: 10, Header: http.Header{"Content-Length": {"10"}}}, 3, []string{"3"}},
		{"empty header", "a header key without values", "GET", cassette.Response{StatusCode: 200, Body: []byte("abc"), ContentLength: 3, Header: http.Header{"Content-Length": {}}}, 3, []string{"3"}},
		{"two values", "", "GET", cassette.Response{StatusCode: 200, Body: []byte("abc"), ContentLength: 3, Header: http.Header{"Content-Length": {"3", "3"}}}, 3, []string{"3"}},
		{"no header", "the field alone is fixed", "GET", cassette.Response{StatusCode: 200, Body: []byte("abc"), ContentLength: 5}, 3, nil},
		{"unknown length", "a chunked response announces nothing", "GET", cassette.Response{StatusCode: 200, Body: []byte("abc"), ContentLength: -1}, -1, nil},
		{"HEAD", "the length is the resource's, the body empty", "HEAD", cassette.Response{StatusCode: 200, ContentLength: 10, Header: http.Header{"Content-Length": {"10"}}}, 10, []string{"10"}},
		{"304", "no body, the length is the resource's", "GET", cassette.Response{StatusCode: 304, ContentLength: 10, Header: http.Header{"Content-Length": {"10"}}}, 10, []string{"10"}},
		{"truncated", "the recording stopped early: the length is what the server sent", "GET", cassette.Response{StatusCode: 200, Body: []byte("ab"), ContentLength: 10, Truncated: true}, 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := tt.resp
			resp.Status = strconv.Itoa(resp.StatusCode)
			before := resp.Header.Clone()
			cas := cassette.New(cassette.Interaction{Request: cassette.Request{Method: tt.method, URL: "http://h/x"}, Response: &resp})
			rep := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay})
			req, _ := http.NewRequest(tt.method, "http://h/x", nil)
			got, err := rep.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			got.Body.Close()
			if got.ContentLength != tt.wantLength || !slices.Equal(got.Header["Content-Length"], tt.wantHeader) {
				t.Errorf("ContentLength %d, header %q; want %d, %q (%s)", got.ContentLength, got.Header["Content-Length"], tt.wantLength, tt.wantHeader, tt.reason)
			}
			if after := cas.Interactions()[0].Response.Header; !reflect.DeepEqual(after, before) {
				t.Errorf("replay changed the cassette's own header from %q to %q", before, after)
			}
		})
	}
}

// TestBothSidesSeeTheSameRedaction replays cassettes that hold what this
// run redacts: written by hand, imported from another tool, or saved before
// a redaction default existed. The recorded request is redacted as the
// incoming one is, so they match, whatever credential each carries.
func TestBothSidesSeeTheSameRedaction(t *testing.T) {
	tests := []struct {
		name, reason       string
		matchers           []match.Matcher
		recorded, incoming cassette.Request
	}{
		{
			name: "presigned upload", reason: "the signature and credential differ on every signing",
			matchers: cassette.DefaultMatchers(),
			recorded: cassette.Request{Method: "PUT", URL: "https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAOLD%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=0ld51gnature&X-Amz-SignedHeaders=host"},
			incoming: cassette.Request{Method: "PUT", URL: "https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIANEW%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=n3w51gnature&X-Amz-SignedHeaders=host"},
		},
		{
			name: "header", reason: "a matcher of a credential header compares its redacted form",
			matchers: []match.Matcher{match.Method, match.Path, match.Header("Authorization")},
			recorded: cassette.Request{Method: "GET", URL: "https://x.example/", Header: http.Header{"Authorization": {"Bearer old-token"}}},
			incoming: cassette.Request{Method: "GET", URL: "https://x.example/", Header: http.Header{"Authorization": {"Bearer new-token"}}},
		},
		{
			name: "form body", reason: "a token request carries the client's secret",
			matchers: []match.Matcher{match.Method, match.Path, match.Body},
			recorded: cassette.Request{Method: "POST", URL: "https://x.example/token", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte("client_secret=old&grant_type=client_credentials")},
			incoming: cassette.Request{Method: "POST", URL: "https://x.example/token", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte("client_secret=new&grant_type=client_credentials")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cas := cassette.New(cassette.Interaction{Request: tt.recorded, Response: &cassette.Response{StatusCode: 200, Status: "200 OK"}})
			rep := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay, Matchers: tt.matchers})
			req, err := http.NewRequest(tt.incoming.Method, tt.incoming.URL, bytes.NewReader(tt.incoming.Body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.incoming.Header != nil {
				req.Header = tt.incoming.Header
			}
			resp, err := rep.RoundTrip(req)
			if err != nil {
				t.Fatalf("did not replay (%s): %v", tt.reason, err)
			}
			resp.Body.Close()
		})
	}
}

// TestSwitchingProtocols records a connection upgrade, as a WebSocket
// client makes one: while recording, the caller gets the connection as an
// io.ReadWriteCloser and talks over it; the cassette keeps the handshake,
// and a replayed connection says that it cannot carry anything.
func TestSwitchingProtocols(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "echo" {
			http.Error(w, "upgrade to echo", http.StatusBadRequest)
			return
		}
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
		brw.Flush()
		io.Copy(conn, brw) // echo until the client closes
	}))
	defer srv.Close()
	upgrade := func(rt http.RoundTripper) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+"/ws", nil)
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "echo")
		resp, err := (&http.Client{Transport: rt}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusSwitchingProtocols {
			t.Fatalf("status %d, want 101", resp.StatusCode)
		}
		return resp
	}

	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	resp := upgrade(rec)
	conn, ok := resp.Body.(io.ReadWriteCloser)
	if !ok {
		t.Fatalf("while recording, the body of a 101 is a %T, not an io.ReadWriteCloser", resp.Body)
	}
	if _, err := io.WriteString(conn, "ping"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo: %q, %v", buf, err)
	}
	conn.Close()
	rec.Close()
	cas := viaFile(t, rec.Cassette())
	if in := cas.Interactions(); len(in) != 1 || in[0].Response.StatusCode != 101 || in[0].Response.Header.Get("Upgrade") != "echo" {
		t.Fatalf("stored %+v, want the 101 handshake", in)
	}

	rep := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay})
	resp = upgrade(rep)
	if !replayed.Is(resp) {
		t.Error("Replayed is false for a replayed 101")
	}
	w, ok := resp.Body.(io.Writer)
	if !ok {
		t.Fatalf("a replayed 101's body is a %T, which cannot be written", resp.Body)
	}
	if _, err := w.Write([]byte("ping")); err == nil || !strings.Contains(err.Error(), "handshake") {
		t.Errorf("writing to a replayed connection: %v, want an error that says only the handshake was recorded", err)
	}
	resp.Body.Close()
}
