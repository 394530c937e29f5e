package cassette_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// closeTracker is a request body that remembers being closed.
type closeTracker struct {
	io.Reader
	closed atomic.Bool
}

func (c *closeTracker) Close() error { c.closed.Store(true); return nil }

// A closed Recorder refuses every request, whatever its mode: nothing
// reaches the network, nothing replays, nothing is recorded.
func TestClosedRecorderRefuses(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "live")
	}))
	defer srv.Close()
	recorded := cassette.New(cassette.Interaction{
		Request:  cassette.Request{Method: "GET", URL: srv.URL + "/a?token=s3cr3t"},
		Response: &cassette.Response{StatusCode: 200, Status: "200 OK", Body: []byte("recorded")},
	})
	tests := []struct {
		name   string
		reason string
		c      *cassette.Cassette
		cfg    cassette.Config
	}{
		{name: "recording", reason: "no cassette yet: the request would be sent and recorded", cfg: cassette.Config{Mode: cassette.ModeOnce}},
		{name: "replaying", reason: "the request would replay", c: recorded, cfg: cassette.Config{Mode: cassette.ModeReplay}},
		{name: "appending", reason: "the request would replay", c: recorded, cfg: cassette.Config{Mode: cassette.ModeAppend}},
		{name: "re-recording", reason: "the request would be sent", c: recorded, cfg: cassette.Config{Mode: cassette.ModeRecord}},
		{name: "passthrough", reason: "the request would be sent", cfg: cassette.Config{Mode: cassette.ModePassthrough}},
		{name: "passthrough hosts", reason: "a passthrough request would be sent in any mode", c: recorded,
			cfg: cassette.Config{Mode: cassette.ModeReplay, Passthrough: []func(*http.Request) bool{func(*http.Request) bool { return true }}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits.Store(0)
			r, err := cassette.NewRecorder(tt.c, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			r.Close()
			body := &closeTracker{Reader: strings.NewReader("payload")}
			req, _ := http.NewRequest("GET", srv.URL+"/a?token=s3cr3t", body)
			resp, err := r.RoundTrip(req)
			if !errors.Is(err, cassette.ErrClosed) || resp != nil {
				t.Fatalf("RoundTrip after Close = %v, %v; want an error wrapping ErrClosed (%s)", resp, err, tt.reason)
			}
			if errors.Is(err, cassette.ErrNoMatch) {
				t.Errorf("the error wraps ErrNoMatch too: %v", err)
			}
			msg := err.Error()
			if want := "cassette: the recorder is closed: GET " + srv.URL + "/a?token=REDACTED was not sent"; msg != want {
				t.Errorf("error = %q, want %q", msg, want)
			}
			if n := hits.Load(); n != 0 {
				t.Errorf("the server saw %d requests after Close (%s)", n, tt.reason)
			}
			if !body.closed.Load() {
				t.Error("the request body was not closed, as a RoundTripper must")
			}
			want := 0 // what a save would write: nothing was recorded
			if tt.c != nil && tt.cfg.Mode != cassette.ModeRecord {
				want = tt.c.Len()
			}
			if n := toSave(r, tt.c).Len(); n != want {
				t.Errorf("the cassette holds %d interactions, want %d: the refused request was recorded", n, want)
			}
		})
	}
}

func TestClosedRecorderMalformedRequest(t *testing.T) {
	r, err := cassette.NewRecorder(nil, cassette.Config{})
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if _, err := r.RoundTrip(&http.Request{Method: "GET"}); !errors.Is(err, cassette.ErrClosed) {
		t.Errorf("a request without a URL after Close: %v, want ErrClosed", err)
	}
}
