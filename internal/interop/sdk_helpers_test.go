package interop

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
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

// A recording is what recordReplay leaves for a test to check.
type recording[R any] struct {
	got     R      // what the SDK returned while recording
	path    string // the cassette, relative to the test's directory
	file    []byte // the cassette file, decompressed
	secrets []secret
}

// recordReplay runs the traffic of run three times on the cassette name:
// recording from srv; then, with srv closed, replaying in ModeReplay; then
// replaying as CI does (CI=true and no mode given). run returns what the SDK
// returned, and each replay must return what the recording did.
//
// The test runs in a temporary directory, so the cassette is recorded anew
// on every run and never lands in the repository.
func recordReplay[R any](t *testing.T, name string, srv *httptest.Server, run func(t *testing.T, d *dvdtest.DVD) R, opts ...dvdtest.Option) *recording[R] {
	t.Helper()
	t.Chdir(t.TempDir())
	up := newWire(t)
	rec := &recording[R]{}
	phases := []struct {
		name   string
		reason string
		env    map[string]string
		opts   []dvdtest.Option
		want   cassette.Mode
	}{
		{
			name:   "record",
			reason: "the server is up: every request reaches it and is recorded",
			env:    map[string]string{"DVD_MODE": "", "CI": ""},
			opts:   []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord), dvdtest.Upstream(up)},
			want:   cassette.ModeRecord,
		},
		{
			name:   "replay",
			reason: "the server is gone: everything comes from the cassette, and all of it is used",
			env:    map[string]string{"DVD_MODE": "", "CI": ""},
			opts:   []dvdtest.Option{dvdtest.WithMode(cassette.ModeReplay), dvdtest.FailOnUnused()},
			want:   cassette.ModeReplay,
		},
		{
			name:   "replay_in_CI",
			reason: "CI is set and nothing else says a mode: the CI default replays",
			env:    map[string]string{"DVD_MODE": "", "CI": "true"},
			opts:   []dvdtest.Option{dvdtest.FailOnUnused()},
			want:   cassette.ModeReplay,
		},
	}
	for i, p := range phases {
		ok := t.Run(p.name, func(t *testing.T) {
			for k, v := range p.env {
				t.Setenv(k, v)
			}
			d := dvdtest.Use(t, name, slices.Concat(opts, p.opts)...)
			if d.Mode() != p.want {
				t.Fatalf("%s runs in mode %v, want %v (%s); run this test without -update: it records and replays by itself", p.name, d.Mode(), p.want, p.reason)
			}
			got := run(t, d)
			if i == 0 {
				rec.got, rec.path = got, d.Path()
				return
			}
			if diff := cmp.Diff(rec.got, got); diff != "" {
				t.Errorf("the SDK's results differ between recording and %s (%s) (-recorded +replayed):\n%s", p.name, p.reason, diff)
			}
		})
		if i == 0 {
			srv.Close()
			if !ok {
				t.Fatalf("recording failed, so nothing was saved to replay")
			}
			raw, err := os.ReadFile(rec.path)
			if err != nil {
				t.Fatalf("the recording saved no cassette: %v", err)
			}
			if rec.file, err = codec.Decompress(raw, nil); err != nil {
				t.Fatalf("%s: %v", rec.path, err)
			}
			rec.secrets = up.secrets()
		}
	}
	return rec
}

// A secret is a credential that must never reach a cassette.
type secret struct {
	what, value string
}

// assertNoSecrets fails the test for each secret found in the cassette,
// of those the SDK sent while recording and those the test planted: in the
// file's bytes (decompressed), in any escaping a URL or a query may give
// it, and in the bodies as they replay, which the file may hold in base64.
func (r *recording[R]) assertNoSecrets(t *testing.T, planted ...secret) {
	t.Helper()
	path, file, secrets := r.path, r.file, slices.Concat(r.secrets, planted)
	if len(planted) == 0 {
		t.Fatal("no secrets to look for: the test planted none")
	}
	c, err := cassette.Unmarshal(file)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var bodies [][]byte
	for _, in := range c.Interactions() {
		bodies = append(bodies, in.Request.Body)
		if in.Response != nil {
			bodies = append(bodies, in.Response.Body)
		}
	}
	seen := map[string]bool{}
	for _, s := range secrets {
		if seen[s.value] {
			continue
		}
		seen[s.value] = true
		for _, form := range slices.Compact([]string{s.value, url.QueryEscape(s.value), url.PathEscape(s.value)}) {
			if i := bytes.Index(file, []byte(form)); i >= 0 {
				t.Errorf("%s holds %s (%q) at byte %d: …%s…", path, s.what, s.value, i, around(file, i, len(form)))
				break
			}
			if slices.ContainsFunc(bodies, func(b []byte) bool { return bytes.Contains(b, []byte(form)) }) {
				t.Errorf("%s holds %s (%q) in a body stored as base64", path, s.what, s.value)
				break
			}
		}
	}
}

// around returns the text around file[i:i+n], for an error message.
func around(file []byte, i, n int) []byte {
	return file[max(0, i-80):min(len(file), i+n+40)]
}

// A wire is the upstream transport of a recording. It dials loopback
// addresses only, so that no test reaches or resolves an outside name, and
// it notes the credentials each request carries, so that a test can look
// for each of them in the cassette.
type wire struct {
	rt     *http.Transport
	bodies *bodies // if not nil, the response bodies, read whole

	mu    sync.Mutex
	found []secret
}

func newWire(t testing.TB) *wire {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.TLSClientConfig = &tls.Config{RootCAs: loopbackRoots()}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("interop: refusing to dial %s: these tests reach in-process servers on loopback only", addr)
		}
		return dialer.DialContext(ctx, network, addr)
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &wire{rt: tr}
}

// loopbackRoots returns the certificate pool that trusts the servers of
// httptest.NewTLSServer, whose certificate is the same in every process.
var loopbackRoots = sync.OnceValue(func() *x509.CertPool {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	return srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
})

// secretParams are the query and form parameters that carry credentials.
var secretParams = []string{
	"X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token",
	"client_secret", "password", "access_token", "refresh_token",
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	w.note(req)
	resp, err := w.rt.RoundTrip(req)
	if err != nil || w.bodies == nil {
		return resp, err
	}
	return resp, w.bodies.take(req, resp)
}

func (w *wire) note(req *http.Request) {
	for _, v := range req.Header.Values("Authorization") {
		scheme, cred, ok := strings.Cut(v, " ")
		if !ok {
			w.add("an Authorization header", v)
			continue
		}
		w.add("the credentials of an Authorization: "+scheme+" header", cred)
		// SigV4: Credential=AKID/date/region/service/aws4_request, SignedHeaders=…, Signature=hex
		for part := range strings.SplitSeq(cred, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok && (k == "Credential" || k == "Signature") {
				w.add("the "+k+" of a SigV4 Authorization header", v)
			}
		}
	}
	for _, v := range req.Header.Values("X-Amz-Security-Token") {
		w.add("the X-Amz-Security-Token header", v)
	}
	w.params("the query parameter", req.URL.Query())
	if req.GetBody != nil && strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if body, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(body)
			if form, err := url.ParseQuery(string(b)); err == nil {
				w.params("the form field", form)
			}
		}
	}
}

func (w *wire) params(where string, vs url.Values) {
	for _, name := range secretParams {
		for _, v := range vs[name] {
			w.add(where+" "+name, v)
		}
	}
}

func (w *wire) add(what, value string) {
	if value == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.found = append(w.found, secret{what + " sent while recording", value})
}

func (w *wire) secrets() []secret {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.found)
}

// sdkClient returns the client an SDK gets in these tests: d as its
// transport, holding each response to what a real transport guarantees.
func sdkClient(t testing.TB, d *dvdtest.DVD) *http.Client {
	return &http.Client{Transport: lengthCheck{t: t, rt: d}}
}

// lengthCheck holds responses to what net/http's transport guarantees and
// SDKs may rely on: a Content-Length header that agrees with ContentLength,
// and a body of exactly ContentLength bytes.
type lengthCheck struct {
	t  testing.TB
	rt http.RoundTripper
}

func (c lengthCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(req)
	if err != nil || req.Method == http.MethodHead || resp.ContentLength < 0 {
		return resp, err
	}
	what := req.Method + " " + req.URL.Path
	if h := resp.Header.Get("Content-Length"); h != "" && h != strconv.FormatInt(resp.ContentLength, 10) {
		c.t.Errorf("%s: the response's Content-Length header says %s, its ContentLength %d", what, h, resp.ContentLength)
	}
	resp.Body = &lengthBody{ReadCloser: resp.Body, t: c.t, what: what, want: resp.ContentLength}
	return resp, nil
}

type lengthBody struct {
	io.ReadCloser
	t        testing.TB
	what     string
	want     int64
	got      int64
	reported bool
}

func (b *lengthBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.got += int64(n)
	if !b.reported && (b.got > b.want || err == io.EOF && b.got != b.want) {
		b.reported = true
		b.t.Errorf("%s: the response's ContentLength is %d, but its body holds %s bytes", b.what, b.want, lengthSeen(b.got, err))
	}
	return n, err
}

func lengthSeen(n int64, err error) string {
	if err == io.EOF {
		return strconv.FormatInt(n, 10)
	}
	return "at least " + strconv.FormatInt(n, 10)
}

// checkLength reports, as lengthCheck does, a response whose body of n
// bytes disagrees with its ContentLength or Content-Length header.
func checkLength(t testing.TB, resp *http.Response, n int) {
	t.Helper()
	if resp.ContentLength >= 0 && resp.ContentLength != int64(n) {
		t.Errorf("%s %s: the response's ContentLength is %d, but its body holds %d bytes", resp.Request.Method, resp.Request.URL.Path, resp.ContentLength, n)
	}
	if h := resp.Header.Get("Content-Length"); h != "" && h != strconv.Itoa(n) {
		t.Errorf("%s %s: the response's Content-Length header says %s, but its body holds %d bytes", resp.Request.Method, resp.Request.URL.Path, h, n)
	}
}

// brief returns err for a failure message. A request that did not replay
// has been reported by dvd already, with the diff; and an http.Client puts
// the URL into its errors, which may hold credentials (a presigned URL
// does) that dvd cannot redact.
func brief(err error) error {
	if errors.Is(err, cassette.ErrNoMatch) {
		return errors.New("no recorded interaction matches the request: dvd said why above")
	}
	if ue, ok := err.(*url.Error); ok {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
