package dvdtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/match"
)

// useFails runs Use with opts in a fake test and returns what it printed,
// failing t unless Use stopped the test.
func useFails(t *testing.T, opts ...dvdtest.Option) string {
	t.Helper()
	cleanEnv(t)
	tb := newFakeTB("TestX")
	if tb.run(func(tb testing.TB) { dvdtest.Use(tb, "x", opts...) }) {
		t.Fatalf("Use returned with bad options:\n%s", tb.output())
	}
	return tb.output()
}

// The options that fill cassette.Config fail Use with the very errors that
// cassette.NewRecorder returns for that Config: both fronts check the same
// things the same way, in one place.
func TestOptionErrorsAreCassettes(t *testing.T) {
	same := func(_, _ *http.Request) bool { return true }
	tests := []struct {
		name   string
		reason string
		opts   []dvdtest.Option
		cfg    cassette.Config // what the options amount to
	}{
		{name: "mode", reason: "only the five modes exist", opts: []dvdtest.Option{dvdtest.WithMode(42)}, cfg: cassette.Config{Mode: 42}},
		{name: "nil matcher", reason: "a nil matcher would panic at the first request",
			opts: []dvdtest.Option{dvdtest.MatchOn(match.Method, nil)}, cfg: cassette.Config{Matchers: []match.Matcher{match.Method, nil}}},
		{name: "nil extra", reason: "a nil func would panic at the first replay",
			opts: []dvdtest.Option{dvdtest.Extra(nil)}, cfg: cassette.Config{Extra: []match.Func{nil}}},
		{name: "nil extra in a second Extra", reason: "Extra accumulates, so the index counts every func given",
			opts: []dvdtest.Option{dvdtest.Extra(same), dvdtest.Extra(nil)}, cfg: cassette.Config{Extra: []match.Func{same, nil}}},
		{name: "nil before save", reason: "a nil hook would panic at the first recording",
			opts: []dvdtest.Option{dvdtest.BeforeSave(nil)}, cfg: cassette.Config{BeforeSave: []func(*cassette.Interaction){nil}}},
		{name: "nil record if", reason: "a nil predicate would panic at the first recording",
			opts: []dvdtest.Option{dvdtest.RecordIf(nil)}, cfg: cassette.Config{RecordIf: []func(*cassette.Interaction) bool{nil}}},
		{name: "nil passthrough", reason: "a nil predicate would panic at the first request",
			opts: []dvdtest.Option{dvdtest.Passthrough(nil)}, cfg: cassette.Config{Passthrough: []func(*http.Request) bool{nil}}},
		{name: "empty header", reason: "an empty name redacts nothing",
			opts: []dvdtest.Option{dvdtest.RedactHeaders("")}, cfg: cassette.Config{Redact: cassette.Redaction{Headers: []string{""}}}},
		{name: "empty query", reason: "an empty name redacts nothing",
			opts: []dvdtest.Option{dvdtest.RedactQuery("")}, cfg: cassette.Config{Redact: cassette.Redaction{Query: []string{""}}}},
		{name: "JSON path", reason: "a..b holds an empty name",
			opts: []dvdtest.Option{dvdtest.RedactJSON("a..b")}, cfg: cassette.Config{Redact: cassette.Redaction{JSONFields: []string{"a..b"}}}},
		{name: "placeholder name", reason: "<A B> could not be told from the text around it",
			opts: []dvdtest.Option{dvdtest.Placeholder("A B", "v")}, cfg: cassette.Config{Redact: cassette.Redaction{Placeholders: map[string]string{"A B": "v"}}}},
		{name: "placeholder name without a value", reason: "the name is wrong whether or not this run has the value",
			opts: []dvdtest.Option{dvdtest.Placeholder("<A>", "")}, cfg: cassette.Config{Redact: cassette.Redaction{Placeholders: map[string]string{"<A>": ""}}}},
		{name: "several", reason: "every finding is reported at once",
			opts: []dvdtest.Option{dvdtest.WithMode(-1), dvdtest.RedactJSON(".a"), dvdtest.Extra(nil)},
			cfg:  cassette.Config{Mode: -1, Extra: []match.Func{nil}, Redact: cassette.Redaction{JSONFields: []string{".a"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, want := cassette.NewRecorder(nil, tt.cfg)
			if want == nil {
				t.Fatalf("NewRecorder accepts %+v: the test is wrong", tt.cfg)
			}
			out := useFails(t, tt.opts...)
			if !strings.HasPrefix(out, `dvdtest: Use("x"): bad options:`) {
				t.Errorf("output %q does not start with dvdtest: Use(\"x\"): bad options:", out)
			}
			for line := range strings.SplitSeq(want.Error(), "\n") {
				if !strings.Contains(out, "\n\t"+line) {
					t.Errorf("Use output lacks the finding of NewRecorder (%s)\nwant line: %s\noutput:\n%s", tt.reason, line, out)
				}
			}
		})
	}
}

// The options that dvdtest alone understands are checked by dvdtest, with
// errors that say which option and what to do.
func TestOptionErrorsOfDvdtest(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		opts   []dvdtest.Option
		want   string
	}{
		{name: "no matcher", reason: "MatchOn() would match every request to every other",
			opts: []dvdtest.Option{dvdtest.MatchOn()},
			want: "dvdtest: MatchOn() needs at least one matcher: name the features, such as MatchOn(match.Method, match.Path), or leave MatchOn out to use the default ones"},
		{name: "nil upstream", reason: "a nil transport is usually a variable never set",
			opts: []dvdtest.Option{dvdtest.Upstream(nil)},
			want: "dvdtest: Upstream(nil): give the transport that reaches the server, or leave Upstream out to use a clone of http.DefaultTransport"},
		{name: "bad compression", reason: "only None, Zstd and Gzip exist",
			opts: []dvdtest.Option{dvdtest.Compress(codec.Compression(9))},
			want: "dvdtest: Compress(Compression(9)): not a compression: use codec.Zstd or codec.Gzip, or leave Compress out to store plain JSON"},
		{name: "zero age", reason: "every cassette would be stale",
			opts: []dvdtest.Option{dvdtest.MaxAge(0)},
			want: "dvdtest: MaxAge(0s): not a positive duration: give how old a cassette may get, such as 30*24*time.Hour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := useFails(t, tt.opts...)
			if !strings.Contains(out, "\n\t"+tt.want) {
				t.Errorf("Use output lacks the finding (%s)\nwant line: %s\noutput:\n%s", tt.reason, tt.want, out)
			}
		})
	}
}
