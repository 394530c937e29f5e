package cassette_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// freePort returns a loopback address no server listens on now: the
// address a test's server would have on the next run.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String()
}

// twoServers records a session with two local servers that answer some
// paths alike, and returns the cassette.
func twoServers(t *testing.T) *cassette.Cassette {
	t.Helper()
	named := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%s %s", name, r.URL.Path)
		}))
	}
	a, b := named("A"), named("B")
	defer a.Close()
	defer b.Close()
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	for _, u := range []string{a.URL + "/a-only", a.URL + "/who", b.URL + "/b-only", b.URL + "/who", a.URL + "/who", b.URL + "/who"} {
		req, _ := http.NewRequest("GET", u, nil)
		send(t, rec, req)
	}
	rec.Close()
	return rec.Cassette()
}

func getBody(rt http.RoundTripper, u string) (string, error) {
	req, _ := http.NewRequest("GET", u, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// TestPortsFollowed replays two local servers that got new ports: each
// follows its own recordings, in turn and in parallel, and responses
// replay as recorded.
func TestPortsFollowed(t *testing.T) {
	c := twoServers(t)
	t.Run("in turn", func(t *testing.T) {
		rec := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay})
		a, b := freePort(t), strings.Replace(freePort(t), "127.0.0.1", "localhost", 1)
		// b's first request is one both servers answer: a server not yet
		// followed is tried first.
		for _, tt := range []struct{ base, path, want string }{
			{a, "/a-only", "A /a-only"}, {b, "/who", "B /who"}, {a, "/who", "A /who"},
			{b, "/b-only", "B /b-only"}, {a, "/who", "A /who"}, {b, "/who", "B /who"},
		} {
			if got, err := getBody(rec, tt.base+tt.path); err != nil || got != tt.want {
				t.Errorf("GET %s%s: %q, %v; want %q", tt.base, tt.path, got, err, tt.want)
			}
		}
	})
	t.Run("in parallel", func(t *testing.T) {
		for range 20 {
			rec := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay})
			var wg sync.WaitGroup
			for _, s := range []struct{ name, first string }{{"A", "/a-only"}, {"B", "/b-only"}} {
				base := freePort(t)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for _, p := range []string{s.first, "/who", "/who"} {
						if got, err := getBody(rec, base+p); err != nil || got != s.name+" "+p {
							t.Errorf("server %s, GET %s: %q, %v", s.name, p, got, err)
						}
					}
				}()
			}
			wg.Wait()
		}
	})
}

// TestExactPorts turns port following off: a new port misses, and the
// miss says how to match without the port.
func TestExactPorts(t *testing.T) {
	c := twoServers(t)
	rec := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay, ExactPorts: true})
	_, err := getBody(rec, freePort(t)+"/a-only")
	if !errors.Is(err, cassette.ErrNoMatch) {
		t.Fatalf("err %v, want a miss", err)
	}
	for _, want := range []string{"It differs only in the port of the host", "match.Hostname"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the miss lacks %q:\n%v", want, err)
		}
	}
}
