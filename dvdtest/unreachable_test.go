package dvdtest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

// deadServer is the URL of a server that is down: connections to it are
// refused. It is not a stopped httptest server, whose port another test's
// server may be given at once (the kernel reuses ports), nor one a client
// can be given as its own port, which would connect to itself: port 1 is
// below the range of both, and privileged.
const deadServer = "http://127.0.0.1:1"

// A re-record while the server is down, in a test that swallows transport
// errors, must not replace a cassette of real responses with connection
// errors; the test log says why, and what to do.
func TestUnreachableKeepsTheCassette(t *testing.T) {
	record := []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord)}
	tests := []struct {
		name    string
		reason  string
		opts    []dvdtest.Option
		present bool     // a cassette of GET /a exists, recorded with the server up
		paths   []string // "dead:" paths go to a stopped server
		saved   bool
		log     []string // what the log holds; %s is the dead server's URL
	}{
		{
			name: "re-record, server down", reason: "the cassette of real responses stays",
			opts: record, present: true, paths: []string{"dead:/a"},
			log: []string{
				"dvdtest: testdata/u.dvd.json kept as it was: 1 of 1 recorded request could not connect, so the server looks unreachable, and saving would replace the cassette with these errors:\n" +
					"\t#1 GET %s/a: dial tcp ",
				"connection refused\nCheck that the server is up and reachable from here, then record again:\n\tgo test ",
				" -run '^TestSession$' -update\nTo record failures to connect on purpose, as a test of an unreachable server does, pass dvdtest.RecordFailures() to Use.",
			},
		},
		{
			name: "first recording, server down", reason: "no cassette of connection errors appears",
			paths: []string{"dead:/a", "dead:/b"},
			log: []string{
				"dvdtest: testdata/u.dvd.json not saved, nothing was written: 2 of 2 recorded requests could not connect, so the server looks unreachable:\n\t#1 GET %s/a",
				"\t#2 GET %s/b", "Check that the server is up and reachable from here, then record it:\n", "RecordFailures()",
			},
		},
		{
			name: "some requests answered", reason: "one request that could not connect is enough: a partial recording is no better",
			opts: record, present: true, paths: []string{"/a", "dead:/b"},
			log: []string{"kept as it was: 1 of 2 recorded requests could not connect", "\t#2 GET %s/b: "},
		},
		{
			name: "append", reason: "only the requests recorded in this run count, numbered as they would be saved",
			opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModeAppend)}, present: true, paths: []string{"/a", "dead:/b"},
			log: []string{"kept as it was: 1 of 1 recorded request could not connect", "\t#2 GET %s/b: "},
		},
		{
			name: "RecordFailures", reason: "failures recorded on purpose are saved",
			opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord), dvdtest.RecordFailures()}, present: true, paths: []string{"dead:/a"},
			saved: true, log: []string{"dvdtest: recorded 1 interaction to testdata/u.dvd.json"},
		},
		{
			name: "https then http", reason: "a client that falls back from https to http, as an insecure registry's does, met no outage: the host answered",
			opts: record, present: true, paths: []string{"tls:/a", "/a"},
			saved: true, log: []string{"dvdtest: recorded 2 interactions to testdata/u.dvd.json"},
		},
		{
			name: "server up", reason: "an ordinary re-record is saved",
			opts: record, present: true, paths: []string{"/a", "/b"},
			saved: true, log: []string{"dvdtest: recorded 2 interactions to testdata/u.dvd.json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cleanServer(t)
			dead := deadServer
			file := filepath.Join("testdata", "u.dvd.json")
			if tt.present {
				session(t, "u", srv.URL, nil, "pass", "/a")
			}
			before, _ := os.ReadFile(file)

			tb := newFakeTB("TestSession")
			tb.run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "u", tt.opts...)
				for _, p := range tt.paths {
					url := srv.URL + p
					if rest, ok := strings.CutPrefix(p, "dead:"); ok {
						url = dead + rest
					}
					if rest, ok := strings.CutPrefix(p, "tls:"); ok {
						url = "https://" + strings.TrimPrefix(srv.URL, "http://") + rest
					}
					if resp, err := d.Client().Get(url); err == nil { // errors are swallowed
						resp.Body.Close()
					}
				}
			})
			out := tb.output()
			after, err := os.ReadFile(file)
			switch {
			case tt.saved && bytes.Equal(before, after):
				t.Errorf("the cassette was not saved (%s):\n%s", tt.reason, out)
			case !tt.saved && !bytes.Equal(before, after):
				t.Errorf("the cassette changed (%s): before:\n%s\nafter:\n%s\nlog:\n%s", tt.reason, before, after, out)
			case !tt.saved && !tt.present && !errors.Is(err, os.ErrNotExist):
				t.Errorf("a cassette was written (%s): %v\n%s", tt.reason, err, out)
			}
			for _, l := range tt.log {
				if l = strings.ReplaceAll(l, "%s", dead); !strings.Contains(out, l) {
					t.Errorf("the log lacks %q (%s):\n%s", l, tt.reason, out)
				}
			}
			if tb.Failed() {
				t.Errorf("the test failed; the fixture swallows errors and should pass:\n%s", out)
			}
			if !tt.saved && strings.Contains(out, "dvdtest: recorded") {
				t.Errorf("the log says the cassette was recorded:\n%s", out)
			}
		})
	}
}

// failingTransport fails every request with err.
type failingTransport struct{ err error }

func (f failingTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, f.err }

// Which transport errors mean that the request never reached its server,
// as recorded from the errors net/http returns.
func TestCouldNotConnect(t *testing.T) {
	dial := func(err error) error {
		return &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 443}, Err: err}
	}
	tests := []struct {
		name    string
		reason  string
		err     error
		connect bool // the request reached the server, so the failure is saved
	}{
		{name: "refused", err: dial(&os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED})},
		{name: "dns", reason: "a name that does not resolve", err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.example.invalid", IsNotFound: true}}},
		{name: "host unreachable", reason: "no kind of its own: the dial failed", err: dial(&os.SyscallError{Syscall: "connect", Err: syscall.EHOSTUNREACH})},
		{name: "network unreachable", err: dial(&os.SyscallError{Syscall: "connect", Err: syscall.ENETUNREACH})},
		{name: "dial timeout", reason: "a timeout before the connection was made", err: dial(os.ErrDeadlineExceeded)},
		{name: "proxy", reason: "the proxy could not be reached", err: &net.OpError{Op: "proxyconnect", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}},
		{name: "certificate", reason: "a TLS-intercepting proxy, an expired certificate", err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}},
		{name: "tls", reason: "no TLS server at the address", err: tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}},
		{name: "reset", reason: "the server took the connection", err: &net.OpError{Op: "read", Net: "tcp", Err: &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}}, connect: true},
		{name: "deadline", reason: "the test's own context", err: context.DeadlineExceeded, connect: true},
		{name: "canceled", err: context.Canceled, connect: true},
		{name: "other", reason: "an error of the client's transport", err: errors.New("upstream said no"), connect: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			tb := newFakeTB("TestSession")
			tb.run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "kinds", dvdtest.Upstream(failingTransport{tt.err}))
				d.Client().Get("https://api.example.com/a")
			})
			_, err := os.Stat(filepath.Join("testdata", "kinds.dvd.json"))
			if saved := err == nil; saved != tt.connect {
				t.Errorf("%v: saved %v, want %v (%s)\n%s", tt.err, saved, tt.connect, tt.reason, tb.output())
			}
		})
	}
}
