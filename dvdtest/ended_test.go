package dvdtest_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

// A DVD outlives its test only as a closed one: a request sent after the
// test ended, by a goroutine the test left behind, gets an error that says
// so, and neither reaches the network nor replays, whatever the mode.
func TestEndedDVDRefuses(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		present bool // a cassette holding GET /a exists
		opts    []dvdtest.Option
	}{
		{name: "recording", reason: "no cassette yet: the request would be sent, and recorded too late to be saved"},
		{name: "replaying", reason: "the request would replay an interaction of the finished test", present: true},
		{name: "appending", reason: "", present: true, opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModeAppend)}},
		{name: "re-recording", reason: "", present: true, opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord)}},
		{name: "passthrough", reason: "", opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModePassthrough)}},
		{name: "passthrough hosts", reason: "a request the DVD passes on in any mode", present: true, opts: []dvdtest.Option{dvdtest.PassthroughHosts("127.0.0.1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cleanServer(t)
			if tt.present {
				session(t, "ended", srv.URL, nil, "pass", "/a?token=s3cr3t-query")
			}
			srv.hits.Store(0)
			tb := newFakeTB("TestEnded")
			var d *dvdtest.DVD
			tb.run(func(tb testing.TB) { d = dvdtest.Use(tb, "ended", tt.opts...) })
			before := tb.output()

			resp, err := d.Client().Get(srv.URL + "/a?token=s3cr3t-query")
			if err == nil {
				resp.Body.Close()
				t.Fatalf("a request after the test ended got %s (replayed %v); want an error (%s)", resp.Status, d.Replayed(resp), tt.reason)
			}
			if !errors.Is(err, cassette.ErrClosed) || errors.Is(err, cassette.ErrNoMatch) {
				t.Errorf("err = %v; want one wrapping cassette.ErrClosed, not ErrNoMatch", err)
			}
			if n := srv.hits.Load(); n != 0 {
				t.Errorf("the server saw %d requests after the test ended (%s)", n, tt.reason)
			}
			want := "dvdtest: TestEnded ended; its cassette testdata/ended.dvd.json is closed: a request sent after the test, " +
				"GET " + srv.URL + "/a?token=REDACTED, was not sent. " +
				"Stop the goroutine that sends it before the test returns (cancel its context in t.Cleanup)."
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error:\n%s\nwant it to hold:\n%s", err, want)
			}
			// net/http's *url.Error quotes the URL as it was; dvd's own error
			// must not.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			if l := leaks(err.Error()); len(l) > 0 {
				t.Errorf("the error leaks %q: %v", l, err)
			}
			if tb.lateCall != "" || tb.output() != before {
				t.Errorf("dvdtest used the finished test's t: %s", tb.lateCall)
			}
		})
	}
}

// The DVD's own transport is refused too: a client that kept the DVD as
// its Transport and sends a request with a nil URL still gets an error.
func TestEndedDVDRequestWithoutURL(t *testing.T) {
	cleanEnv(t)
	tb := newFakeTB("TestEnded")
	var d *dvdtest.DVD
	tb.run(func(tb testing.TB) { d = dvdtest.Use(tb, "ended") })
	_, err := d.RoundTrip(&http.Request{Method: "GET"})
	if !errors.Is(err, cassette.ErrClosed) || !strings.Contains(err.Error(), "TestEnded ended") {
		t.Errorf("err = %v, want the DVD's error wrapping cassette.ErrClosed", err)
	}
}
