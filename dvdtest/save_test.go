package dvdtest_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/internal/testsupport"
)

// TestSaveRefusesBrokenInteraction: a BeforeSave hook that breaks an
// interaction makes the save fail with an error that names it, and the
// cassette on disk stays as it was, rather than be replaced by one that
// cannot be loaded.
func TestSaveRefusesBrokenInteraction(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		hook    func(*cassette.Interaction)
		wantErr string // after "interaction 1 (GET <url>/x): "
	}{
		{"response dropped", "an interaction needs a response or an error",
			func(in *cassette.Interaction) { in.Response = nil }, `it needs exactly one of "response" and "error"`},
		{"error added", "but not both",
			func(in *cassette.Interaction) { in.Error = io.EOF }, `it needs exactly one of "response" and "error"`},
		{"status code cleared", "",
			func(in *cassette.Interaction) { in.Response.StatusCode = 0 }, `response: code: 0 is not an HTTP status code`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, "fine")
			}))
			defer srv.Close()
			file := filepath.Join("testdata", "broken.dvd.json")
			if tb, _ := session(t, "broken", srv.URL, nil, "pass", "/x"); tb.Failed() {
				t.Fatalf("recording the first cassette failed:\n%s", tb.output())
			}
			before, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}

			opts := []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord), dvdtest.BeforeSave(tt.hook)}
			tb, got := session(t, "broken", srv.URL, opts, "pass", "/x")
			if got[0] != "fine" {
				t.Errorf("the client got %q: the hook must change only what is saved", got[0])
			}
			want := "interaction 1 (GET " + srv.URL + "/x): " + tt.wantErr
			if !tb.Failed() || !strings.Contains(tb.output(), "dvdtest: saving testdata/broken.dvd.json: ") || !strings.Contains(tb.output(), want) {
				t.Errorf("the test should fail with a save error that contains %q; it logged:\n%s", want, tb.output())
			}
			after, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(after, before) {
				t.Errorf("the cassette on disk changed:\n%s\nthen\n%s", before, after)
			}
			if _, err := cassette.Load(file); err != nil {
				t.Errorf("the cassette on disk no longer loads: %v", err)
			}
			if names := testsupport.DirNames(t, "testdata"); len(names) != 1 {
				t.Errorf("testdata holds %v, want only the cassette", names)
			}
		})
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
