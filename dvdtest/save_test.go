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
			if names := savedFiles(t, "testdata"); len(names) != 1 {
				t.Errorf("testdata holds %v, want only the cassette", names)
			}
		})
	}
}

// savedFiles returns the names of the files in dir.
func savedFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
