package dvdtest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

// benchReplay records one small GET of u into a memory store, then
// replays it b.N times through the client that via returns.
func benchReplay(b *testing.B, u string, via func(b *testing.B, d *dvdtest.DVD) *http.Client) {
	up := newUpstreams(&testing.T{}, http.HandlerFunc(echo))
	defer up.close()
	store := cassette.MemoryStore()
	tb := newFakeTB("BenchmarkRecord")
	tb.tempDir = b.TempDir()
	tb.run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "bench", dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeRecord), dvdtest.Upstream(up.transport()))
		resp, err := d.Client().Get(u)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	})
	tb = newFakeTB("BenchmarkReplay")
	tb.tempDir = b.TempDir()
	tb.run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "bench", dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeReplay), dvdtest.AllowRepeats())
		c := via(b, d)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			resp, err := c.Get(u)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
		b.StopTimer()
	})
	if tb.Failed() {
		b.Fatal(tb.output())
	}
}

func direct(b *testing.B, d *dvdtest.DVD) *http.Client { return d.Client() }

func proxied(b *testing.B, d *dvdtest.DVD) *http.Client {
	return proxyClient(&testing.T{}, d.ProxyEnv())
}

func proxiedNewTLS(b *testing.B, d *dvdtest.DVD) *http.Client {
	c := proxied(b, d)
	c.Transport.(*http.Transport).DisableKeepAlives = true
	return c
}

// The replay of a small response through d.Client(), the baseline.
func BenchmarkReplayClient(b *testing.B) { benchReplay(b, "https://api.test/x", direct) }

// The same through the proxy, over a kept-alive connection: plain HTTP,
// and HTTPS in a CONNECT tunnel (HTTP/2).
func BenchmarkReplayProxyHTTP(b *testing.B)  { benchReplay(b, "http://api.test/x", proxied) }
func BenchmarkReplayProxyHTTPS(b *testing.B) { benchReplay(b, "https://api.test/x", proxied) }

// HTTPS through the proxy with a new connection, CONNECT and TLS
// handshake per request, as curl makes.
func BenchmarkReplayProxyNewTLS(b *testing.B) { benchReplay(b, "https://api.test/x", proxiedNewTLS) }

// What ProxyEnv costs a test: the authority, its PEM file, the proxy's
// listener, and closing them, with Use on an empty memory store.
func BenchmarkProxySetup(b *testing.B) {
	dir := b.TempDir()
	b.ReportAllocs()
	for range b.N {
		tb := newFakeTB("BenchmarkProxySetup")
		tb.tempDir = dir
		tb.run(func(tb testing.TB) {
			d := dvdtest.Use(tb, "setup", dvdtest.WithStore(cassette.MemoryStore()), dvdtest.WithMode(cassette.ModeRecord))
			d.ProxyEnv()
		})
	}
}
