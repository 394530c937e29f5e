package dvdtest_test

// Regression tests for the defects of issue #7.

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

// A test that mocked http.DefaultTransport can still record: Use does not
// depend on the global.
func TestUseWithDefaultTransportReplaced(t *testing.T) {
	cleanEnv(t)
	srv := newServer(t)
	old := http.DefaultTransport
	// As httpmock's Activate does: a RoundTripper that is no *http.Transport.
	http.DefaultTransport = roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("mock: no responder")
	})
	t.Cleanup(func() { http.DefaultTransport = old })

	tb, got := session(t, "mocked", srv.URL, nil, "pass", "/a")
	if tb.Failed() || len(got) != 1 || got[0] != "hit 1 /a" {
		t.Fatalf("recording with a mocked http.DefaultTransport got %q:\n%s", got, tb.output())
	}
	if !strings.Contains(tb.output(), "recorded 1 interaction") {
		t.Errorf("the cassette was not saved:\n%s", tb.output())
	}
}

// A response body the test left open, half read, is saved as far as it was
// read, whatever the mode: the cleanup ends what is in flight before it
// decides whether to save and takes the cassette.
func TestCleanupSavesBodiesLeftOpen(t *testing.T) {
	const first = "the first half, "
	for _, tc := range []struct {
		name, reason string
		mode         cassette.Mode
	}{
		{name: "append", reason: "only what was stored makes the cassette worth saving", mode: cassette.ModeAppend},
		{name: "once", reason: "a new cassette is saved anyway: it must hold the open body", mode: cassette.ModeOnce},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cleanEnv(t)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, first)
				w.(http.Flusher).Flush()
				<-r.Context().Done() // the rest never comes
			}))
			defer srv.Close()
			tb := newFakeTB("TestOpen")
			tb.run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "open", dvdtest.WithMode(tc.mode))
				resp, err := d.Client().Get(srv.URL + "/stream")
				if err != nil {
					tb.Fatalf("GET: %v", err)
				}
				if _, err := io.ReadFull(resp.Body, make([]byte, len(first))); err != nil {
					tb.Fatalf("reading: %v", err)
				}
				// The test ends without closing the body.
			})
			c, err := cassette.Load(filepath.Join("testdata", "open"+cassette.Ext))
			if err != nil {
				t.Fatalf("the cassette was not saved (%s): %v\n%s", tc.reason, err, tb.output())
			}
			ins := c.Interactions()
			if len(ins) != 1 || ins[0].Response == nil || string(ins[0].Response.Body) != first || !ins[0].Response.Truncated {
				t.Errorf("saved %d interactions, want the open body as far as it was read, truncated (%s)\n%s", len(ins), tc.reason, tb.output())
			}
		})
	}
}
