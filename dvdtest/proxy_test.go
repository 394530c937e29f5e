package dvdtest_test

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

// upstreams are an HTTPS and a plain HTTP server of one handler, reached
// by made-up names: api.test on ports 443 and 80. Clients in children
// need a name, for Go's ProxyFromEnvironment never proxies loopback; the
// DVD's Upstream transport maps the names to the servers.
type upstreams struct {
	tls, plain *httptest.Server
	roots      *x509.CertPool
}

func newUpstreams(t *testing.T, h http.Handler) *upstreams {
	u := &upstreams{tls: httptest.NewUnstartedServer(h), plain: httptest.NewServer(h)}
	u.tls.EnableHTTP2 = true
	u.tls.StartTLS()
	u.roots = x509.NewCertPool()
	u.roots.AddCert(u.tls.Certificate())
	t.Cleanup(u.close)
	return u
}

func (u *upstreams) close() { u.tls.Close(); u.plain.Close() }

// transport reaches api.test through the servers' loopback ports, trusting
// the TLS server's certificate, and refuses every other address: no test
// resolves an outside name.
func (u *upstreams) transport() http.RoundTripper {
	addrs := map[string]string{"api.test:443": u.tls.Listener.Addr().String(), "api.test:80": u.plain.Listener.Addr().String()}
	var dialer net.Dialer
	return &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			to, ok := addrs[addr]
			if !ok {
				return nil, fmt.Errorf("test dialer: %s is not one of the test's servers", addr)
			}
			return dialer.DialContext(ctx, network, to)
		},
		TLSClientConfig:   &tls.Config{RootCAs: u.roots, ServerName: "example.com"}, // httptest's certificate names example.com
		ForceAttemptHTTP2: true,
	}
}

// echo answers with what it was sent, less the secret itself: whether an
// Authorization came, and the body.
func echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s %s %s auth=%t body=%q", r.Proto, r.Method, r.URL.RequestURI(), r.Header.Get("Authorization") != "", body)
}

// secret returns a made-up bearer token.
func secret() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "tok" + hex.EncodeToString(b)
}

// proxyClient is an in-process client that uses d's proxy as a child
// would: through the environment's entries, trusting the PEM file.
func proxyClient(t *testing.T, env []string) *http.Client {
	t.Helper()
	vars := map[string]string{}
	for _, e := range env {
		k, v, _ := strings.Cut(e, "=")
		vars[k] = v
	}
	pemData, err := os.ReadFile(vars["SSL_CERT_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemData) {
		t.Fatalf("SSL_CERT_FILE holds no certificate")
	}
	proxy, err := url.Parse(vars["HTTPS_PROXY"])
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{Proxy: http.ProxyURL(proxy), TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func get(t *testing.T, c *http.Client, u, auth string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return fmt.Sprintf("%d %s %s", resp.StatusCode, resp.Proto, b)
}

// The proxy records HTTP and HTTPS (HTTP/2 inside the tunnel), and replays
// them with the servers stopped, with the same answers; d.Client() replays
// what the proxy recorded.
func TestProxyRecordReplay(t *testing.T) {
	up := newUpstreams(t, http.HandlerFunc(echo))
	store := cassette.MemoryStore()
	tok := secret()
	urls := []string{"https://api.test/a?x=1", "http://api.test/b"}
	var recorded []string
	t.Run("record", func(t *testing.T) {
		d := dvdtest.Use(t, "proxy/rr", dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeRecord), dvdtest.Upstream(up.transport()))
		c := proxyClient(t, d.ProxyEnv())
		for _, u := range urls {
			recorded = append(recorded, get(t, c, u, tok))
		}
	})
	want := []string{`200 HTTP/2.0 HTTP/2.0 GET /a?x=1 auth=true body=""`, `200 HTTP/1.1 HTTP/1.1 GET /b auth=true body=""`}
	if strings.Join(recorded, "\n") != strings.Join(want, "\n") {
		t.Fatalf("recording through the proxy:\n got %q\nwant %q", recorded, want)
	}
	data, _, err := store.Load(context.Background(), "proxy/rr.dvd.json")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), tok) || !strings.Contains(string(data), "REDACTED") {
		t.Errorf("the Authorization the client sent is not redacted in the cassette:\n%s", data)
	}
	up.close()
	t.Run("replay", func(t *testing.T) {
		d := dvdtest.Use(t, "proxy/rr", dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeReplay), dvdtest.AllowRepeats())
		c := proxyClient(t, d.ProxyEnv())
		for i, u := range urls {
			if got := get(t, c, u, tok); got != recorded[i] {
				t.Errorf("replay through the proxy of %s:\n got %q\nwant %q", u, got, recorded[i])
			}
			// d.Client() speaks HTTP/1.1 to the DVD itself: the body is what was recorded.
			if got, body := get(t, d.Client(), u, tok), recorded[i][strings.Index(recorded[i], " ")+1:]; !strings.HasSuffix(got, body[strings.Index(body, " ")+1:]) {
				t.Errorf("replay through d.Client() of what the proxy recorded, %s:\n got %q\nwant the body of %q", u, got, recorded[i])
			}
		}
	})
}

// TempDir gives the fake test a directory of the real one's, for the
// authority's PEM file.
func (f *fakeTB) TempDir() string { return f.tempDir }

// A request the cassette cannot answer gets 502 with the miss message, the
// test fails with the same message, through the proxy and through Server;
// once the test has ended, both refuse connections.
func TestProxyMiss(t *testing.T) {
	up := newUpstreams(t, http.HandlerFunc(echo))
	store := cassette.MemoryStore()
	t.Run("record", func(t *testing.T) {
		d := dvdtest.Use(t, "proxy/miss", dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeRecord), dvdtest.Upstream(up.transport()))
		get(t, proxyClient(t, d.ProxyEnv()), "https://api.test/known", "")
	})
	for _, via := range []string{"proxy", "server"} {
		t.Run(via, func(t *testing.T) {
			tb := newFakeTB("TestMiss")
			tb.tempDir = t.TempDir()
			var got, after string
			var c *http.Client
			var u string
			tb.run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "proxy/miss", dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeReplay))
				if via == "proxy" {
					c, u = proxyClient(t, d.ProxyEnv()), "https://api.test/unknown"
				} else {
					c, u = http.DefaultClient, d.Server("https://api.test")+"/unknown"
				}
				got = get(t, c, u, "")
			})
			if !strings.HasPrefix(got, "502 ") || !strings.Contains(got, "has no recorded interaction for GET https://api.test/unknown") {
				t.Errorf("the child got %q, want 502 with the miss", got)
			}
			msg := got[strings.Index(got, "dvdtest:"):]
			if !tb.Failed() || !strings.Contains(tb.output(), msg) {
				t.Errorf("the test did not fail with the message the child got:\n%s\nchild:\n%s", tb.output(), msg)
			}
			done := make(chan struct{})
			go func() { after = get(t, c, u, ""); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("a request after the test ended hangs")
			}
			if !strings.HasPrefix(after, "error: ") {
				t.Errorf("a request after the test ended got %q, want a connection error", after)
			}
		})
	}
}

// Server stands for an upstream: what a plain client and a Go child
// record through it replays through d.Client(), with the server stopped,
// and what d.Client() recorded replays through Server.
func TestServer(t *testing.T) {
	up := newUpstreams(t, http.HandlerFunc(echo))
	store := cassette.MemoryStore()
	tok := secret()
	var viaServer, viaChild string
	t.Run("record through Server", func(t *testing.T) {
		d := dvdtest.Use(t, "server/a", dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeRecord), dvdtest.Upstream(up.transport()))
		base := d.Server("https://api.test")
		if !strings.HasPrefix(base, "http://127.0.0.1:") {
			t.Errorf("Server returned %q, want http://127.0.0.1:PORT", base)
		}
		viaServer = get(t, http.DefaultClient, base+"/s?x=1", tok)
		cmd := exec.Command(os.Args[0], "-test.run=^TestProxyGoChild$")
		cmd.Env = append(os.Environ(), goChildEnv+"="+d.Server("http://api.test")+"/c", "CHILD_AUTH="+tok)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		viaChild = string(out)
	})
	if !strings.HasSuffix(viaServer, `GET /s?x=1 auth=true body=""`) || !strings.HasSuffix(viaChild, `POST /c auth=true body="from go"`) {
		t.Fatalf("recording through Server: %q, %q", viaServer, viaChild)
	}
	t.Run("record through d.Client()", func(t *testing.T) {
		d := dvdtest.Use(t, "server/b", dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeRecord), dvdtest.Upstream(up.transport()))
		get(t, d.Client(), "https://api.test/d", tok)
	})
	data, _, _ := store.Load(context.Background(), "server/a.dvd.json")
	if strings.Contains(string(data), tok) || !strings.Contains(string(data), `"https://api.test/s?x=1"`) || !strings.Contains(string(data), `"http://api.test/c"`) {
		t.Errorf("the cassette holds the secret, or not the upstream's URLs:\n%s", data)
	}
	up.close()
	t.Run("replay", func(t *testing.T) {
		d := dvdtest.Use(t, "server/a", dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeReplay))
		if got := get(t, d.Client(), "https://api.test/s?x=1", tok); !strings.HasSuffix(got, viaServer[strings.LastIndex(viaServer, " GET"):]) {
			t.Errorf("d.Client() replaying what Server recorded: %q, want %q", got, viaServer)
		}
		req, _ := http.NewRequest(http.MethodPost, "http://api.test/c", strings.NewReader("from go"))
		resp, err := d.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := fmt.Sprintf("%d %s", resp.StatusCode, b); got != viaChild {
			t.Errorf("d.Client() replaying what the child recorded through Server: %q, want %q", got, viaChild)
		}
	})
	t.Run("replay through Server", func(t *testing.T) {
		d := dvdtest.Use(t, "server/b", dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeReplay))
		if got := get(t, http.DefaultClient, d.Server("https://api.test")+"/d", tok); !strings.HasPrefix(got, "200 ") || !strings.HasSuffix(got, `GET /d auth=true body=""`) {
			t.Errorf("Server replaying what d.Client() recorded: %q", got)
		}
	})
}

// Server refuses an upstream that is not scheme://host[:port].
func TestServerBadUpstream(t *testing.T) {
	for _, up := range []string{"api.test", "ftp://api.test", "https://api.test/v1", "https://u:p@api.test", "https://api.test?x=1"} {
		tb := newFakeTB("TestBad")
		tb.run(func(tb testing.TB) {
			dvdtest.Use(tb, "server/bad", dvdtest.WithStore(cassette.MemoryStore()), dvdtest.WithMode(cassette.ModeRecord)).Server(up)
		})
		if !tb.Failed() || !strings.Contains(tb.output(), "give the upstream as scheme://host[:port]") {
			t.Errorf("Server(%q):\n%s", up, tb.output())
		}
	}
}
