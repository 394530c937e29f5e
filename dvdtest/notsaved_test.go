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
	record := []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord)}
	tests := []struct {
		name    string
		reason  string
		present bool // a cassette exists before the run
		opts    []dvdtest.Option
		outcome string
		paths   []string
		want    string
		notWant string
	}{
		{
			name: "failed, no cassette", reason: "there was nothing on disk to keep",
			outcome: "fail", paths: []string{"/a"},
			want: "dvdtest: testdata/ns.dvd.json not saved: the test failed, so nothing was written", notWant: "unchanged",
		},
		{
			name: "failed re-record", reason: "the old file stays",
			present: true, opts: record, outcome: "fail", paths: []string{"/a"},
			want: "dvdtest: testdata/ns.dvd.json not saved: the test failed, so the cassette on disk is unchanged", notWant: "nothing was written",
		},
		{
			name: "skipped, no cassette", reason: "",
			outcome: "skip", paths: []string{"/a"},
			want: "dvdtest: testdata/ns.dvd.json not saved: the test was skipped, so nothing was written", notWant: "unchanged",
		},
		{
			name: "skipped re-record", reason: "",
			present: true, opts: record, outcome: "skip", paths: []string{"/a"},
			want: "dvdtest: testdata/ns.dvd.json not saved: the test was skipped, so the cassette on disk is unchanged", notWant: "nothing was written",
		},
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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			srv := newServer(t)
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
