package dvdtest_test

import (
	"strings"
	"testing"

	"github.com/dvdrw/dvd/dvdtest"
)

// The interactions a replay never used are named, the first five, by
// their position in the cassette and their request, redacted, with or
// without FailOnUnused.
func TestUnusedNamed(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		opts   []dvdtest.Option
		failed bool
		head   string
	}{
		{name: "logged", reason: "without FailOnUnused the log names them too",
			head: "dvdtest: testdata/un.dvd.json: 6 recorded interactions never replayed:\n"},
		{name: "FailOnUnused", reason: "the failure names them", opts: []dvdtest.Option{dvdtest.FailOnUnused()}, failed: true,
			head: "dvdtest: testdata/un.dvd.json: 6 recorded interactions never replayed (FailOnUnused):\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cleanServer(t)
			// Recorded before session_id was a secret to redact: the file
			// holds it, and what dvd prints must not.
			session(t, "un", srv.URL, nil, "pass", "/p1", "/p2?session_id=s3cr3t-session", "/p3", "/p4", "/p5", "/p6", "/p7", "/p8")
			opts := append([]dvdtest.Option{dvdtest.RedactQuery("session_id")}, tt.opts...)
			tb, _ := session(t, "un", srv.URL, opts, "pass", "/p1", "/p4")
			out := tb.output()
			want := tt.head +
				"\t#2 GET " + srv.URL + "/p2?session_id=REDACTED\n" +
				"\t#3 GET " + srv.URL + "/p3\n" +
				"\t#5 GET " + srv.URL + "/p5\n" +
				"\t#6 GET " + srv.URL + "/p6\n" +
				"\t#7 GET " + srv.URL + "/p7\n" +
				"\t… and 1 more\n" +
				"The test did not send them in this run; if it no longer does, re-record it to drop them:\n\tgo test "
			if !strings.Contains(out, want) {
				t.Errorf("the log lacks (%s):\n%s\ngot:\n%s", tt.reason, want, out)
			}
			if l := leaks(out); len(l) > 0 {
				t.Errorf("the log holds %v:\n%s", l, out)
			}
			if tb.Failed() != tt.failed {
				t.Errorf("failed = %v, want %v", tb.Failed(), tt.failed)
			}
		})
	}
}
