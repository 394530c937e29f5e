package cassette_test

// How RoundTrip behaves at the edges, against real servers on loopback: a
// replaced http.DefaultTransport, a body closed while it is read, a snapshot
// taken mid-body, malformed requests, a nil Header, TLS failures.

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/testsupport"
	"github.com/dvdrw/dvd/match"
)

// swapDefaultTransport puts rt in http.DefaultTransport for the rest of the
// test, as httpmock's Activate does.
func swapDefaultTransport(t *testing.T, rt http.RoundTripper) {
	old := http.DefaultTransport
	http.DefaultTransport = rt
	t.Cleanup(func() { http.DefaultTransport = old })
}

// The default upstream reaches the network whatever a test did to
// http.DefaultTransport.
func TestDefaultUpstreamIgnoresDefaultTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "from the server")
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name, reason string
		replaced     http.RoundTripper
	}{
		{
			name:     "mock",
			reason:   "httpmock and the like install a RoundTripper that is not an *http.Transport",
			replaced: testsupport.RoundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("mock: no responder") }),
		},
		{
			name:   "transport that cannot dial",
			reason: "a test's own *http.Transport in the global must not become dvd's",
			replaced: &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
				return nil, errors.New("test transport: dialing is off")
			}},
		},
		{
			name:     "nil",
			reason:   "dvd does not read the global at all",
			replaced: nil,
		},
	} {
		for _, mode := range []cassette.Mode{cassette.ModeRecord, cassette.ModePassthrough} {
			t.Run(tc.name+"/"+mode.String(), func(t *testing.T) {
				swapDefaultTransport(t, tc.replaced)
				r := mustRecorder(t, nil, cassette.Config{Mode: mode})
				got, err := get(t, r, "GET", srv.URL+"/x", "")
				if err != nil || got != "from the server" {
					t.Errorf("got %q, %v; want the server's answer (%s)", got, err, tc.reason)
				}
			})
		}
	}
}

// Closing a body to abort a read in another goroutine is legal for a real
// body, and so for a replayed one: under -race this test fails if the two
// touch the same memory unguarded.
func TestReplayBodyCloseWhileReading(t *testing.T) {
	payload := strings.Repeat("0123456789abcdef", 4<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, payload)
	}))
	defer srv.Close()
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	if got, err := get(t, rec, "GET", srv.URL+"/stream", ""); err != nil || got != payload {
		t.Fatalf("recording: %d bytes, %v", len(got), err)
	}
	srv.Close()

	for _, tc := range []struct {
		name, reason string
		read         func(io.Reader) error
	}{
		{name: "Read", reason: "a client reading in small pieces", read: func(r io.Reader) error {
			p := make([]byte, 1)
			for {
				if _, err := r.Read(p); err != nil {
					return err
				}
			}
		}},
		{name: "WriteTo", reason: "io.Copy, which uses the body's WriteTo", read: func(r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := mustDo(t, replayer(t, rec.Cassette(), cassette.Config{}), newReq(t, "GET", srv.URL+"/stream", nil))
			done := make(chan error)
			go func() { done <- tc.read(resp.Body) }()
			if err := resp.Body.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if err := <-done; err != nil && err != io.EOF && !strings.Contains(err.Error(), "closed") {
				t.Errorf("reading while the body was closed: %v (%s)", err, tc.reason)
			}
			if _, err := resp.Body.Read(make([]byte, 1)); err == nil {
				t.Errorf("a read after Close succeeded (%s)", tc.reason)
			}
		})
	}
}

// halfServer sends the first half of its body, then waits for the test to
// release the second half.
func halfServer(t *testing.T, first, second string) (*httptest.Server, chan<- struct{}) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, first)
		w.(http.Flusher).Flush()
		select {
		case <-release:
			io.WriteString(w, second)
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	return srv, release
}

// Cassette is a snapshot of what was stored: asking for it while a body is
// being read changes nothing of what is finally stored. Ending what is in
// flight is Close's job.
func TestCassetteWhileABodyIsRead(t *testing.T) {
	const first, second = "the first half, ", "and the second"
	for _, tc := range []struct {
		name, reason string
		end          func(r *cassette.Recorder, body io.ReadCloser, release chan<- struct{}) error
		want         string
		truncated    bool
	}{
		{
			name:   "read to the end",
			reason: "the client reads on after the snapshot: the whole body is stored",
			end: func(_ *cassette.Recorder, body io.ReadCloser, release chan<- struct{}) error {
				close(release)
				rest, err := io.ReadAll(body)
				if string(rest) != second {
					return errors.New("read " + string(rest))
				}
				if err != nil {
					return err
				}
				return body.Close()
			},
			want: first + second,
		},
		{
			name:   "closed by the recorder",
			reason: "Recorder.Close stores a body still open as far as it was read, truncated",
			end: func(r *cassette.Recorder, _ io.ReadCloser, _ chan<- struct{}) error {
				r.Close()
				return nil
			},
			want: first, truncated: true,
		},
		{
			name:   "closed by the recorder while the client reads",
			reason: "the client's read fails once the body is closed under it, but the body was not cut by the network: it is truncated, with no error",
			end: func(r *cassette.Recorder, body io.ReadCloser, _ chan<- struct{}) error {
				done := make(chan error)
				go func() {
					_, err := io.ReadAll(body)
					done <- err
				}()
				time.Sleep(20 * time.Millisecond) // the client waits in Read for the second half
				r.Close()
				if err := <-done; err == nil {
					return errors.New("the client's read did not fail when the recorder closed the body")
				}
				return nil
			},
			want: first, truncated: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, release := halfServer(t, first, second)
			r := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeAppend})
			resp := mustDo(t, r, newReq(t, "GET", srv.URL+"/half", nil))
			buf := make([]byte, len(first))
			if _, err := io.ReadFull(resp.Body, buf); err != nil {
				t.Fatal(err)
			}
			if c := r.Cassette(); c != nil {
				t.Errorf("Cassette() holds %d interactions while the only body is being read, want nil: nothing to save yet", c.Len())
			}
			if err := tc.end(r, resp.Body, release); err != nil {
				t.Fatal(err)
			}
			ins := r.Cassette().Interactions()
			if len(ins) != 1 {
				t.Fatalf("stored %d interactions, want 1", len(ins))
			}
			if got := ins[0].Response; string(got.Body) != tc.want || got.Truncated != tc.truncated || got.BodyError != nil {
				t.Errorf("stored %q, truncated %v, body error %v; want %q, truncated %v, no error (%s)",
					got.Body, got.Truncated, got.BodyError, tc.want, tc.truncated, tc.reason)
			}

		})
	}
}

// trackedBody reports whether it was closed.
type trackedBody struct {
	io.Reader
	closed bool
}

func (b *trackedBody) Close() error { b.closed = true; return nil }

// A request that net/http would refuse gets an error in every mode, never a
// panic, and its body is closed as a RoundTripper must.
func TestRoundTripMalformedRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	recorded := record(t, srv.URL, "GET /x")
	for _, mode := range []cassette.Mode{cassette.ModeOnce, cassette.ModeReplay, cassette.ModeAppend, cassette.ModeRecord, cassette.ModePassthrough} {
		for _, tc := range []struct {
			name, reason string
			req          func() (*http.Request, *trackedBody)
		}{
			{name: "nil request", reason: "net/http's transport would panic; an error says more", req: func() (*http.Request, *trackedBody) {
				return nil, nil
			}},
			{name: "no URL", reason: "net/http says http: nil Request.URL", req: func() (*http.Request, *trackedBody) {
				return &http.Request{Method: "GET"}, nil
			}},
			{name: "no URL, with a body", reason: "the body is closed, as net/http does", req: func() (*http.Request, *trackedBody) {
				b := &trackedBody{Reader: strings.NewReader("data")}
				return &http.Request{Method: "POST", Body: b, ContentLength: 4}, b
			}},
		} {
			t.Run(mode.String()+"/"+tc.name, func(t *testing.T) {
				r := mustRecorder(t, recorded, cassette.Config{Mode: mode})
				before := toSave(r, nil).Len()
				req, body := tc.req()
				resp, err := r.RoundTrip(req)
				if err == nil {
					resp.Body.Close()
					t.Fatalf("RoundTrip succeeded, want an error (%s)", tc.reason)
				}
				if resp != nil {
					t.Errorf("RoundTrip returned a response with its error %v", err)
				}
				if !strings.HasPrefix(err.Error(), "cassette: ") {
					t.Errorf("error %q does not start with %q", err, "cassette: ")
				}
				if body != nil && !body.closed {
					t.Errorf("the request body was left open (%s)", tc.reason)
				}
				if n := toSave(r, nil).Len(); n != before {
					t.Errorf("the cassette holds %d interactions after a refused request, %d before", n, before)
				}
			})
		}
	}
}

// A nil Header is no header at all, as http.Client takes it: recorded and
// replayed, in every mode, and sent upstream as an empty one.
func TestRoundTripNilHeader(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok "+r.URL.Path)
	}))
	defer srv.Close()
	nilHeader := func(path string) *http.Request {
		req := newReq(t, "GET", srv.URL+path, nil)
		req.Header = nil
		return req
	}
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	resp := mustDo(t, rec, nilHeader("/x"))
	if s := testsupport.Observe(resp); string(s.Body) != "ok /x" {
		t.Fatalf("recording got %q", s.Body)
	}
	cas := rec.Cassette()
	for _, mode := range []cassette.Mode{cassette.ModeOnce, cassette.ModeReplay, cassette.ModeAppend, cassette.ModeRecord, cassette.ModePassthrough} {
		t.Run(mode.String(), func(t *testing.T) {
			r := mustRecorder(t, viaFile(t, cas), cassette.Config{Mode: mode, Matchers: append(cassette.DefaultMatchers(), match.Header("Accept"))})
			req := nilHeader("/x")
			resp, err := r.RoundTrip(req)
			if err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			if s := testsupport.Observe(resp); string(s.Body) != "ok /x" {
				t.Errorf("got %q, want %q", s.Body, "ok /x")
			}
			if req.Header != nil {
				t.Error("RoundTrip modified the caller's request")
			}
		})
	}
}

// tlsServer starts a TLS server with the given config, quiet about the
// handshakes it fails, and returns it with a transport that trusts it.
func tlsServer(t *testing.T, cfg *tls.Config) (*httptest.Server, *http.Transport) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = quietLog()
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(srv.Close)
	up := srv.Client().Transport.(*http.Transport).Clone()
	t.Cleanup(up.CloseIdleConnections)
	return srv, up
}

// TLS failures other than certificate verification replay as what they
// were: errors.As finds a tls.RecordHeaderError with the recorded Msg and
// header bytes, or a tls.AlertError with the recorded alert, and the
// message is the recorded one.
func TestFaithfulErrorTLS(t *testing.T) {
	for _, tc := range []struct {
		name, reason string
		setup        func(t *testing.T) (url string, up *http.Transport)
		alert        tls.AlertError // 0: the failure is a tls.RecordHeaderError
	}{
		{
			name:   "plain HTTP server",
			reason: "a TLS client reads an HTTP response where a TLS record should be: a tls.RecordHeaderError",
			setup: func(t *testing.T) (string, *http.Transport) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
				srv.Config.ErrorLog = quietLog()
				t.Cleanup(srv.Close)
				return strings.Replace(srv.URL, "http:", "https:", 1), nil
			},
		},
		{
			name:   "client certificate required, TLS 1.3",
			reason: "the server sends the certificate_required alert",
			setup: func(t *testing.T) (string, *http.Transport) {
				srv, up := tlsServer(t, &tls.Config{ClientAuth: tls.RequireAnyClientCert})
				return srv.URL, up
			},
			alert: 116,
		},
		{
			name:   "client certificate required, TLS 1.2",
			reason: "the server sends the handshake_failure alert",
			setup: func(t *testing.T) (string, *http.Transport) {
				srv, up := tlsServer(t, &tls.Config{ClientAuth: tls.RequireAnyClientCert, MaxVersion: tls.VersionTLS12})
				return srv.URL, up
			},
			alert: 40,
		},
		{
			name:   "no common version",
			reason: "the server sends the protocol_version alert",
			setup: func(t *testing.T) (string, *http.Transport) {
				srv, up := tlsServer(t, &tls.Config{MaxVersion: tls.VersionTLS12})
				up.TLSClientConfig.MinVersion = tls.VersionTLS13
				return srv.URL, up
			},
			alert: 70,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, up := tc.setup(t)
			cfg := cassette.Config{}
			if up != nil {
				cfg.Upstream = up
			}
			req := newReq(t, "GET", url+"/secure", nil)
			cas, recErr := recordErr(t, cfg, req)
			if k := neterr.RecordOf(cas.Interactions()[0].Error).Kind; k != neterr.TLS {
				t.Errorf("stored kind %q, want %q (%s)", k, neterr.TLS, tc.reason)
			}
			repErr := replayErr(t, cas, req, recErr)
			sameAs(t, recErr, repErr, commonTargets...)
			if tc.alert == 0 {
				var rec, rep tls.RecordHeaderError
				if !errors.As(recErr, &rec) {
					t.Fatalf("recorded %v (%T), want a tls.RecordHeaderError (%s)", recErr, recErr, tc.reason)
				}
				if !errors.As(repErr, &rep) {
					t.Fatalf("replayed %v (%T), want a tls.RecordHeaderError", repErr, repErr)
				}
				if rep.Msg != rec.Msg || rep.RecordHeader != rec.RecordHeader {
					t.Errorf("replayed tls.RecordHeaderError{Msg: %q, RecordHeader: %q}, recorded {%q, %q}", rep.Msg, rep.RecordHeader, rec.Msg, rec.RecordHeader)
				}
				// http.Client turns the error into ErrSchemeMismatch when
				// the header is "HTTP/": it must on replay as it did.
				_, recClient := (&http.Client{Transport: mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})}).Get(url)
				_, repClient := (&http.Client{Transport: replayer(t, cas, cassette.Config{AllowRepeats: true})}).Get(url + "/secure")
				if !errors.Is(recClient, http.ErrSchemeMismatch) || !errors.Is(repClient, http.ErrSchemeMismatch) {
					t.Errorf("through an http.Client: recorded %v, replayed %v; want http.ErrSchemeMismatch both times", recClient, repClient)
				}
				return
			}
			// crypto/tls reports the alert as a *net.OpError over a type of
			// its own, whose text is tls.AlertError's; replay gives the
			// exported type, with the value.
			if !strings.Contains(recErr.Error(), tc.alert.Error()) {
				t.Fatalf("recorded %v, want the alert %q (%s)", recErr, tc.alert.Error(), tc.reason)
			}
			var got tls.AlertError
			if !errors.As(repErr, &got) || got != tc.alert {
				t.Errorf("replayed %v (%T): errors.As finds tls.AlertError %v, want %d (%s)", repErr, repErr, uint8(got), uint8(tc.alert), tc.reason)
			}
			if !errors.Is(repErr, tc.alert) {
				t.Errorf("errors.Is(replayed, tls.AlertError(%d)) is false", uint8(tc.alert))
			}
		})
	}
}

// TestGettersChangeNothing: asking a cassette for its file, or a recorder
// for its cassette, leaves both as they were (the cassette's getter used to
// stamp the current time into a cassette that had none).
func TestGettersChangeNothing(t *testing.T) {
	c := cassette.New(cassette.Interaction{
		Request:  cassette.Request{Method: "GET", URL: "http://x/"},
		Response: &cassette.Response{StatusCode: 204, Status: "204 No Content"},
	})
	first, err := cassette.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !c.RecordedAt().IsZero() {
		t.Errorf("Marshal stamped the cassette with %v", c.RecordedAt())
	}
	if again, _ := cassette.Marshal(c); !bytes.Equal(first, again) {
		t.Errorf("Marshal gave another file the second time:\n%s\n%s", first, again)
	}
}
