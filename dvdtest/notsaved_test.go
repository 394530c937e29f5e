package dvdtest_test

import (
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

// What the log says when a cassette is not saved, or how to record it,
// is true of the file: there may be none.
func TestNotSavedSaysWhatIsOnDisk(t *testing.T) {
	type test struct {
		name    string
		reason  string
		present bool // a cassette exists before the run
		opts    []dvdtest.Option
		outcome string
		paths   []string
		want    string
		notWant string
	}
	tests := []test{
		{
			name: "replay, no cassette", reason: "it was never recorded, so it cannot be recorded again",
			opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModeReplay)}, outcome: "pass",
			want: "To record it, run, where the server is reachable:\n\tgo test ", notWant: "again",
		},
		{
			name: "miss", reason: "a cassette that exists is recorded again",
			present: true, outcome: "pass", paths: []string{"/b"},
			want: "To record it again, run, where the server is reachable:\n\tgo test ",
		},
	}
	// A test that failed or was skipped saves nothing, and the log says
	// what is on disk: nothing, or the old file, which stays.
	record := []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord)}
	for _, end := range []struct{ name, outcome, why string }{
		{"failed", "fail", "the test failed"},
		{"skipped", "skip", "the test was skipped"},
	} {
		notSaved := "dvdtest: testdata/ns.dvd.json not saved: " + end.why
		tests = append(tests, test{
			name: end.name + ", no cassette", reason: "there was nothing on disk to keep",
			outcome: end.outcome, paths: []string{"/a"},
			want: notSaved + ", so nothing was written", notWant: "unchanged",
		}, test{
			name: end.name + " re-record", reason: "the old file stays",
			present: true, opts: record, outcome: end.outcome, paths: []string{"/a"},
			want: notSaved + ", so the cassette on disk is unchanged", notWant: "nothing was written",
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cleanServer(t)
			if tt.present {
				session(t, "ns", srv.URL, nil, "pass", "/a")
			}
			tb, _ := session(t, "ns", srv.URL, tt.opts, tt.outcome, tt.paths...)
			out := tb.output()
			if !strings.Contains(out, tt.want) {
				t.Errorf("the log lacks %q (%s):\n%s", tt.want, tt.reason, out)
			}
			if tt.notWant != "" && strings.Contains(out, tt.notWant) {
				t.Errorf("the log holds %q (%s):\n%s", tt.notWant, tt.reason, out)
			}
		})
	}
}
