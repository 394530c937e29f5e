package dvdtest_test

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

// streaming serves /events, an event stream whose second event waits
// until the client has read the first, and /ws, a WebSocket-like upgrade
// that echoes what it is sent; anything else is echoed.
func streaming(release chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/events":
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "data: one\n\n")
			http.NewResponseController(w).Flush()
			select {
			case <-release:
			case <-time.After(10 * time.Second):
			}
			io.WriteString(w, "data: two\n\n")
		case "/ws":
			if r.Header.Get("Upgrade") != "websocket" {
				http.Error(w, "not an upgrade", http.StatusBadRequest)
				return
			}
			conn, rw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			io.WriteString(rw, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
			rw.Flush()
			line, _ := rw.ReadString('\n')
			io.WriteString(conn, "echo "+line)
		default:
			echo(w, r)
		}
	}
}

// While recording, an event stream reaches the client event by event, a
// chunked upload arrives whole, and a WebSocket upgrade is passed through;
// on replay the upgrade is refused with a clear error that fails the test.
func TestProxyStreams(t *testing.T) {
	release := make(chan struct{}, 1)
	up := newUpstreams(t, streaming(release))
	store := cassette.MemoryStore()
	for _, scheme := range []string{"http", "https"} {
		t.Run(scheme, func(t *testing.T) {
			name := "proxy/streams-" + scheme
			t.Run("record", func(t *testing.T) {
				d := dvdtest.Use(t, name, dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeRecord), dvdtest.Upstream(up.transport()))
				c := proxyClient(t, d.ProxyEnv())

				resp, err := c.Get(scheme + "://api.test/events")
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				br := bufio.NewReader(resp.Body)
				first := make(chan string, 1)
				go func() { l, _ := br.ReadString('\n'); first <- l }()
				select {
				case l := <-first:
					if l != "data: one\n" {
						t.Errorf("first event %q", l)
					}
				case <-time.After(5 * time.Second):
					t.Fatal("the first event did not come before the stream ended: the proxy buffers it")
				}
				release <- struct{}{}
				rest, _ := io.ReadAll(br)
				if string(rest) != "\ndata: two\n\n" {
					t.Errorf("rest of the stream %q", rest)
				}

				pr, pw := io.Pipe()
				go func() { io.WriteString(pw, "part one, "); io.WriteString(pw, "part two"); pw.Close() }()
				req, _ := http.NewRequest(http.MethodPost, scheme+"://api.test/upload", pr) // no length: chunked, or HTTP/2 frames
				resp, err = c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if !strings.HasSuffix(string(b), `body="part one, part two"`) {
					t.Errorf("chunked upload: %s", b)
				}

				if got := websocket(t, c, scheme+"://api.test/ws"); got != "echo hello\n" {
					t.Errorf("WebSocket while recording: %q", got)
				}
			})
			t.Run("replay", func(t *testing.T) {
				tb := newFakeTB("TestStreams")
				tb.tempDir = t.TempDir()
				var got string
				tb.run(func(tb testing.TB) {
					d := dvdtest.Use(tb, name, dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeReplay))
					c := proxyClient(t, d.ProxyEnv())
					got = websocket(t, c, scheme+"://api.test/ws")
				})
				const want = "the websocket upgrade of GET " // and the URL
				if !strings.Contains(got, "502") || !strings.Contains(got, want) || !tb.Failed() || !strings.Contains(tb.output(), want) {
					t.Errorf("a WebSocket on replay: the client got %q, the test:\n%s", got, tb.output())
				}
			})
		})
	}
}

// websocket upgrades u, sends a line and returns the answer, or the
// response when the upgrade is refused.
func websocket(t *testing.T, c *http.Client, u string) string {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	resp, err := c.Do(req)
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("%d %s", resp.StatusCode, b)
	}
	conn := resp.Body.(io.ReadWriteCloser)
	io.WriteString(conn, "hello\n")
	line, _ := bufio.NewReader(conn).ReadString('\n')
	return line
}
