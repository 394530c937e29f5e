package interop

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
)

// A startFunc starts a fresh server, with no state, listening on addr (a
// loopback host:port, whose port is 0 for any), and returns its endpoint
// (scheme://host:port) and the func that stops it.
type startFunc func(t *testing.T, addr string) (endpoint string, stop func())

// An sdkFunc runs an SDK against endpoint, sending its requests through hc,
// and returns what the SDK returned: what a replay must return too.
type sdkFunc[R any] func(t *testing.T, hc *http.Client, endpoint string) R

// A lifecycle says how recordRerecord replays.
type lifecycle struct {
	// newPort sends replays to a loopback port that nothing listens on and
	// that differs from the recording's, as the next run of a test against
	// a local server does: its server, started again, gets a new port; and
	// it starts the second recording's server on a new port too. Otherwise
	// replays go to the recording's endpoint, whose server is stopped, and
	// the second recording's server listens there again.
	newPort bool
	// replays is how many times each replay phase replays, each with a
	// fresh DVD; 0 is once.
	replays int
}

// recordRerecord runs the traffic of run four times on the cassette name,
// as a user's test lives: it records from a server that start starts;
// with that server stopped, it replays in ModeReplay; it records again,
// over the file, from a fresh server; and with that one stopped it replays
// again. Each replay must return what the recording before it returned,
// and every response body that dvd did not redact must replay byte for
// byte as it came from the server. The second recording must return what
// the first did: the run's results hold nothing that changes between
// servers (times, generated ids).
//
// The test runs in a temporary directory, so the cassette is recorded anew
// on every run and never lands in the repository.
func recordRerecord[R any](t *testing.T, name string, start startFunc, how lifecycle, run sdkFunc[R], opts ...dvdtest.Option) *recording[R] {
	t.Helper()
	t.Chdir(t.TempDir())
	rec := &recording[R]{}
	var (
		recorded *bodies // what the server sent in the last recording
		endpoint string  // the endpoint of the last recording
	)
	phases := []struct {
		name, reason string
		recording    bool
	}{
		{"record", "the server is up: every request reaches it and is recorded", true},
		{"replay", "the server is stopped: everything comes from the cassette, and all of it is used", false},
		{"rerecord", "a fresh server is up: ModeRecord records everything again over the file", true},
		{"replay_rerecorded", "that server is stopped: the new recording replays", false},
	}
	for i, p := range phases {
		var got R
		ok := t.Run(p.name, func(t *testing.T) {
			t.Setenv("DVD_MODE", "")
			t.Setenv("CI", "")
			if p.recording {
				addr := "127.0.0.1:0"
				if endpoint != "" && !how.newPort {
					addr = hostPort(t, endpoint)
				}
				ep, stop := start(t, addr)
				defer stop()
				up := newWire(t)
				up.bodies = newBodies()
				d := dvdtest.Use(t, name, slices.Concat(opts, []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord), dvdtest.Upstream(up)})...)
				got = run(t, sdkClient(t, d), ep)
				endpoint, recorded = ep, up.bodies
				rec.path = d.Path()
				rec.secrets = append(rec.secrets, up.secrets()...)
				return
			}
			ep := endpoint
			if how.newPort {
				ep = closedEndpoint(t, endpoint)
			}
			replays := max(1, how.replays)
			for n := range replays {
				// Each replay a test of its own, as each run of go test
				// is: one DVD per cassette at a time.
				ok := t.Run(strconv.Itoa(n+1), func(t *testing.T) {
					d := dvdtest.Use(t, name, slices.Concat(opts, []dvdtest.Option{dvdtest.WithMode(cassette.ModeReplay), dvdtest.FailOnUnused()})...)
					replayed := newBodies()
					r := run(t, &http.Client{Transport: tap{replayed, lengthCheck{t: t, rt: d}}}, ep)
					recorded.compare(t, replayed)
					if n == 0 {
						got = r
					} else if diff := cmp.Diff(got, r); diff != "" {
						t.Errorf("replay %d of %d differs from the first (-first +replay %d):\n%s", n+1, replays, n+1, diff)
					}
				})
				if !ok {
					t.Fatalf("replay %d of %d failed", n+1, replays)
				}
			}
		})
		if !ok {
			t.Fatalf("%s failed (%s): the phases after it need what it leaves", p.name, p.reason)
		}
		if i == 0 {
			rec.got = got
		} else if diff := cmp.Diff(rec.got, got); diff != "" {
			t.Errorf("the SDK's results differ between the first recording and %s (%s) (-recorded +%s):\n%s", p.name, p.reason, p.name, diff)
		}
		if p.recording {
			raw, err := os.ReadFile(rec.path)
			if err != nil {
				t.Fatalf("%s saved no cassette: %v", p.name, err)
			}
			if rec.file, err = codec.Decompress(raw, nil); err != nil {
				t.Fatalf("%s: %v", rec.path, err)
			}
		}
	}
	return rec
}

// hostPort returns the host:port of endpoint.
func hostPort(t testing.TB, endpoint string) string {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		t.Fatalf("interop: %q is no endpoint: %v", endpoint, err)
	}
	return u.Host
}

// closedEndpoint returns endpoint with another loopback port, on which
// nothing listens: a replay that reached the network there would fail.
func closedEndpoint(t testing.TB, endpoint string) string {
	t.Helper()
	for range 10 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		if addr != hostPort(t, endpoint) {
			return strings.Replace(endpoint, hostPort(t, endpoint), addr, 1)
		}
	}
	t.Fatal("interop: found no free loopback port other than the recording's")
	return ""
}

// bodies are the response bodies one phase received, by request.
type bodies struct {
	mu sync.Mutex
	m  map[string][][]byte // "METHOD path?query" → bodies, in arrival order
}

func newBodies() *bodies { return &bodies{m: map[string][][]byte{}} }

func bodyKey(req *http.Request) string {
	return req.Method + " " + req.URL.RequestURI()
}

// take reads resp's body whole, notes it under req, and gives resp a body
// that reads the same bytes.
func (b *bodies) take(req *http.Request, resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	k := bodyKey(req)
	b.m[k] = append(b.m[k], body)
	return nil
}

// compare checks that every body replayed is, byte for byte, a body that
// the server sent for the same request while recording, unless dvd
// redacted it: a body that holds a redaction marker was changed on
// purpose. Identical requests may replay in another order, so each
// replayed body is looked for among all that its request received.
func (b *bodies) compare(t *testing.T, replayed *bodies) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	replayed.mu.Lock()
	defer replayed.mu.Unlock()
	left := map[string][][]byte{}
	for k, v := range b.m {
		left[k] = slices.Clone(v)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range replayed.m {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		for _, got := range replayed.m[k] {
			if bytes.Contains(got, []byte("REDACTED")) {
				continue
			}
			cands := left[k]
			i := slices.IndexFunc(cands, func(want []byte) bool { return bytes.Equal(got, want) })
			if i >= 0 {
				left[k] = slices.Delete(cands, i, i+1)
				continue
			}
			switch len(cands) {
			case 0:
				t.Errorf("%s: replayed a body of %d bytes, but no more were recorded for that request", k, len(got))
			case 1:
				t.Errorf("%s: the body replayed is not the one recorded, though dvd redacted nothing in it: %s", k, diffBytes(got, cands[0]))
			default:
				t.Errorf("%s: the body replayed (%d bytes, %x…) is none of the %d recorded for that request, though dvd redacted nothing in it", k, len(got), got[:min(8, len(got))], len(cands))
			}
		}
	}
}

// tap notes the body of each response, read whole, in bodies.
type tap struct {
	bodies *bodies
	rt     http.RoundTripper
}

func (tp tap) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := tp.rt.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	return resp, tp.bodies.take(req, resp)
}

// A nodeServer is a server of an npm package, started as a child process.
type nodeServer struct {
	bin      string // the absolute path of its command
	args     []string
	env      []string
	ready    string // the start of the line it prints once it listens, before its URL
	freePort bool   // it cannot listen on port 0: pick a free port for it
}

// findNodeServer returns the absolute path of an npm package's command, as
// npm ci installs it into internal/interop/node_modules. It must be called
// before the test changes its directory. A missing command fails the test:
// CI installs them, and a skipped test would hide that it did not.
func findNodeServer(t testing.TB, cmd string) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("node_modules", ".bin", cmd))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("interop: %s is not installed (%v): install Node.js 20 or later and run `npm ci` in internal/interop, as .ci/run does", cmd, err)
	}
	return bin
}

// start starts the server listening on addr and waits until it says it
// listens. Its output goes to the test log when the test fails.
func (s nodeServer) start(t *testing.T, addr string) (string, func()) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	if port == "0" && s.freePort {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ = net.SplitHostPort(ln.Addr().String())
		ln.Close()
	}
	args := make([]string, len(s.args))
	for i, a := range s.args {
		args[i] = strings.NewReplacer("{host}", host, "{port}", port).Replace(a)
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Env = append(os.Environ(), s.env...)
	cmd.Dir = t.TempDir()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	cmd.Stderr = &syncWriter{w: &log}
	if err := cmd.Start(); err != nil {
		t.Fatalf("interop: starting %s: %v", filepath.Base(s.bin), err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() && log.Len() > 0 {
			t.Logf("%s said:\n%s", filepath.Base(s.bin), log.Bytes())
		}
	}
	t.Cleanup(stop)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if rest, ok := strings.CutPrefix(line, s.ready); ok {
				select {
				case found <- strings.TrimSpace(rest):
				default:
				}
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case ep := <-found:
		return ep, stop
	case <-time.After(60 * time.Second):
		stop()
		t.Fatalf("interop: %s did not say %q within a minute", filepath.Base(s.bin), s.ready)
		return "", nil
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

// listenOn listens on addr and serves h there until stop is called.
func listenOn(t *testing.T, addr string, h http.Handler) (endpoint string, stop func()) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // a port just closed may take a moment to free
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("interop: listening on %s again: %v", addr, err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	stop = func() { srv.Close() }
	t.Cleanup(stop)
	return fmt.Sprintf("http://%s", ln.Addr()), stop
}
