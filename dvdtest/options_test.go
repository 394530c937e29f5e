package dvdtest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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
			opts: []dvdtest.Option{dvdtest.MatchOn(match.Method, match.Matcher{})}, cfg: cassette.Config{Matchers: []match.Matcher{match.Method, {}}}},
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
			want: "dvdtest: Upstream(nil): give the transport that reaches the server, or leave Upstream out to use dvd's default transport"},
		{name: "bad compression", reason: "only None, Zstd and Gzip exist",
			opts: []dvdtest.Option{dvdtest.Compress(codec.Compression(9))},
			want: "dvdtest: Compress(Compression(9)): not a compression: use codec.Zstd or codec.Gzip, or leave Compress out to store plain JSON"},
		{name: "empty host", reason: "an empty host passes nothing, which hides a mistake",
			opts: []dvdtest.Option{dvdtest.PassthroughHosts("")},
			want: `dvdtest: PassthroughHosts(""): the host is empty: give a name or an IP address, such as "localhost"`},
		{name: "host with port", reason: "the port is not compared, so the host would never match",
			opts: []dvdtest.Option{dvdtest.PassthroughHosts("localhost:8080")},
			want: `dvdtest: PassthroughHosts("localhost:8080"): ports are not compared: give the host alone, "localhost"`},
		{name: "IPv6 host with port", reason: "the port is not compared, so the host would never match",
			opts: []dvdtest.Option{dvdtest.PassthroughHosts("[::1]:8080")},
			want: `dvdtest: PassthroughHosts("[::1]:8080"): ports are not compared: give the host alone, "::1"`},
		{name: "URL for a host", reason: "a URL is not a host, so it would never match",
			opts: []dvdtest.Option{dvdtest.PassthroughHosts("https://api.example.com/v1")},
			want: `dvdtest: PassthroughHosts("https://api.example.com/v1"): give the host alone, not a URL: "api.example.com" for https://api.example.com/v1`},
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

// twiceRun is what a record run and a replay run with the same options
// did.
type twiceRun struct {
	rec, rep       *fakeTB  // the two runs; rep is nil when the first failed
	recGot, repGot []string // bodies or errors the client got
	hits           int64    // requests the server saw, in both runs
	file           string   // the cassette file saved, as JSON, "" if none
	stored         []string // the paths of the stored interactions
	cas            *cassette.Cassette
}

// TestOptionGivenTwice gives each option twice (or with its sibling) and
// checks what that does, as the option's documentation says.
func TestOptionGivenTwice(t *testing.T) {
	path := func(p string) func(*http.Request) bool { return func(r *http.Request) bool { return r.URL.Path == p } }
	dropPath := func(p string) func(*cassette.Interaction) bool {
		return func(in *cassette.Interaction) bool { return !strings.HasSuffix(in.Request.URL, p) }
	}
	stamp := func(s string) func(*cassette.Interaction) {
		return func(in *cassette.Interaction) {
			in.Response.Header.Set("X-Stamp", in.Response.Header.Get("X-Stamp")+s)
		}
	}
	yes := func(_, _ *http.Request) bool { return true }
	no := func(_, _ *http.Request) bool { return false }
	hasNot := func(r twiceRun, secrets ...string) string {
		for _, s := range secrets {
			if strings.Contains(r.file, s) {
				return "the cassette holds " + s
			}
		}
		return ""
	}
	tests := []struct {
		name    string
		reason  string
		opts    []dvdtest.Option
		record  []string      // paths requested while recording
		replay  []string      // paths requested in a second run, with the cassette
		timeout time.Duration // of the replay client, 0 for none
		wantErr string        // the finding that fails Use, for a conflict
		check   func(r twiceRun) string
	}{
		{
			name: "MatchOn", reason: "a second MatchOn neither adds nor replaces: it is an error",
			opts:    []dvdtest.Option{dvdtest.MatchOn(match.Method), dvdtest.MatchOn(match.Path)},
			wantErr: "dvdtest: MatchOn is given twice: give it once, with every feature that identifies a request; keep it out of Options that tests share if they need different features",
		},
		{
			name: "Extra all true", reason: "Extra funcs accumulate and all must agree",
			opts:   []dvdtest.Option{dvdtest.Extra(yes), dvdtest.Extra(yes)},
			record: []string{"/a"}, replay: []string{"/a"},
			check: func(r twiceRun) string {
				if r.rep.Failed() || r.hits != 1 {
					return "the replay did not match"
				}
				return ""
			},
		},
		{
			name: "Extra one false", reason: "Extra funcs accumulate and all must agree: one false is no match",
			opts:   []dvdtest.Option{dvdtest.Extra(yes), dvdtest.Extra(no)},
			record: []string{"/a"}, replay: []string{"/a"},
			check: func(r twiceRun) string {
				if !r.rep.Failed() || !strings.Contains(r.repGot[0], "error:") {
					return "the replay matched although the second Extra said no"
				}
				return ""
			},
		},
		{
			name: "Upstream", reason: "a second transport is an error, not a silent replacement",
			opts:    []dvdtest.Option{dvdtest.Upstream(http.DefaultTransport), dvdtest.Upstream(http.DefaultTransport)},
			wantErr: "dvdtest: Upstream is given twice: give one transport; keep it out of Options that tests share if they need different ones",
		},
		{
			name: "WithMode same", reason: "the same mode twice is that mode",
			opts:   []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord), dvdtest.WithMode(cassette.ModeRecord)},
			record: []string{"/a"}, replay: []string{"/a"},
			check: func(r twiceRun) string {
				if r.rep.Failed() || r.hits != 2 {
					return "the second run did not record anew"
				}
				return ""
			},
		},
		{
			name: "WithMode different", reason: "two modes conflict, whatever their order",
			opts:    []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord), dvdtest.WithMode(cassette.ModeReplay)},
			wantErr: "dvdtest: WithMode(record) and WithMode(replay) disagree: give one mode; keep WithMode out of Options that tests share if they need different modes",
		},
		{
			name: "AllowRepeats", reason: "a switch given twice is on",
			opts:   []dvdtest.Option{dvdtest.AllowRepeats(), dvdtest.AllowRepeats()},
			record: []string{"/a"}, replay: []string{"/a", "/a", "/a"},
			check: func(r twiceRun) string {
				if r.rep.Failed() || r.hits != 1 {
					return "the interaction did not replay three times"
				}
				return ""
			},
		},
		{
			name: "Compress same", reason: "the same compression twice is that compression",
			opts:   []dvdtest.Option{dvdtest.Compress(codec.Zstd), dvdtest.Compress(codec.Zstd)},
			record: []string{"/a"},
			check: func(r twiceRun) string {
				if _, err := os.Stat(filepath.Join("testdata", "twice.dvd.json.zst")); err != nil {
					return err.Error()
				}
				return ""
			},
		},
		{
			name: "Compress different", reason: "two compressions conflict, whatever their order",
			opts:    []dvdtest.Option{dvdtest.Compress(codec.Zstd), dvdtest.Compress(codec.Gzip)},
			wantErr: "dvdtest: Compress(zstd) and Compress(gzip) disagree: give one compression",
		},
		{
			name: "RedactHeaders", reason: "header names accumulate",
			opts:   []dvdtest.Option{dvdtest.RedactHeaders("X-One"), dvdtest.RedactHeaders("X-Two")},
			record: []string{"/a"},
			check:  func(r twiceRun) string { return hasNot(r, "h1secret", "h2secret") },
		},
		{
			name: "RedactQuery", reason: "query names accumulate",
			opts:   []dvdtest.Option{dvdtest.RedactQuery("k1"), dvdtest.RedactQuery("k2")},
			record: []string{"/a?k1=q1secret&k2=q2secret"}, replay: []string{"/a?k1=q1secret&k2=q2secret"},
			check: func(r twiceRun) string {
				if r.rep.Failed() {
					return "the redacted request did not replay"
				}
				return hasNot(r, "q1secret", "q2secret")
			},
		},
		{
			name: "RedactJSON", reason: "JSON paths accumulate",
			opts:   []dvdtest.Option{dvdtest.RedactJSON("one"), dvdtest.RedactJSON("two")},
			record: []string{"/a"},
			check:  func(r twiceRun) string { return hasNot(r, "j1secret", "j2secret") },
		},
		{
			name: "Placeholder names", reason: "placeholders of different names accumulate, and both values come back on replay",
			opts:   []dvdtest.Option{dvdtest.Placeholder("ACCT", "acct-123"), dvdtest.Placeholder("TENANT", "ten-456")},
			record: []string{"/a"}, replay: []string{"/a"},
			check: func(r twiceRun) string {
				if !strings.Contains(r.file, "<ACCT>") || !strings.Contains(r.file, "<TENANT>") {
					return "the cassette lacks <ACCT> or <TENANT>"
				}
				if !strings.Contains(r.repGot[0], "acct-123") || !strings.Contains(r.repGot[0], "ten-456") {
					return "the replay did not put the values back: " + r.repGot[0]
				}
				return hasNot(r, "acct-123", "ten-456")
			},
		},
		{
			name: "Placeholder same value", reason: "a name given twice with one value is that placeholder",
			opts:   []dvdtest.Option{dvdtest.Placeholder("ACCT", "acct-123"), dvdtest.Placeholder("ACCT", "acct-123")},
			record: []string{"/a"},
			check:  func(r twiceRun) string { return hasNot(r, "acct-123") },
		},
		{
			name: "Placeholder empty value", reason: "an empty value is ignored, so it does not conflict with a set one",
			opts:   []dvdtest.Option{dvdtest.Placeholder("ACCT", "acct-123"), dvdtest.Placeholder("ACCT", "")},
			record: []string{"/a"},
			check:  func(r twiceRun) string { return hasNot(r, "acct-123") },
		},
		{
			name: "Placeholder different values", reason: "a name cannot stand for two values; the message shows neither secret",
			opts:    []dvdtest.Option{dvdtest.Placeholder("ACCT", "acct-123"), dvdtest.Placeholder("ACCT", "acct-999")},
			wantErr: `dvdtest: Placeholder("ACCT") is given twice with different values: give each name one value`,
			check: func(r twiceRun) string {
				if out := r.rec.output(); strings.Contains(out, "acct-123") || strings.Contains(out, "acct-999") {
					return "the failure shows a secret value: " + out
				}
				return ""
			},
		},
		{
			name: "BeforeSave", reason: "hooks chain in the order given",
			opts:   []dvdtest.Option{dvdtest.BeforeSave(stamp("a")), dvdtest.BeforeSave(stamp("b"))},
			record: []string{"/a"},
			check: func(r twiceRun) string {
				if got := r.cas.Interactions()[0].Response.Header.Get("X-Stamp"); got != "ab" {
					return "X-Stamp is " + strconv.Quote(got) + ", want \"ab\""
				}
				return ""
			},
		},
		{
			name: "RecordIf", reason: "an interaction is stored only if every RecordIf keeps it",
			opts:   []dvdtest.Option{dvdtest.RecordIf(dropPath("/d1")), dvdtest.RecordIf(dropPath("/d2"))},
			record: []string{"/keep", "/d1", "/d2"},
			check: func(r twiceRun) string {
				if !slices.Equal(r.stored, []string{"/keep"}) {
					return fmt.Sprintf("stored %q, want only /keep", r.stored)
				}
				return ""
			},
		},
		{
			name: "Passthrough", reason: "a request passes if any Passthrough picks it",
			opts:   []dvdtest.Option{dvdtest.Passthrough(path("/p1")), dvdtest.Passthrough(path("/p2"))},
			record: []string{"/p1", "/p2", "/r"},
			check: func(r twiceRun) string {
				if !slices.Equal(r.stored, []string{"/r"}) {
					return fmt.Sprintf("stored %q, want only /r", r.stored)
				}
				return ""
			},
		},
		{
			name: "PassthroughHosts with Passthrough", reason: "a request passes if any of them picks it",
			opts:   []dvdtest.Option{dvdtest.Passthrough(path("/nothing")), dvdtest.PassthroughHosts("example.invalid", "::1", "[::1]"), dvdtest.PassthroughHosts("127.0.0.1")},
			record: []string{"/a", "/b"},
			check: func(r twiceRun) string {
				if len(r.stored) != 0 {
					return fmt.Sprintf("stored %q, want nothing: every request is to 127.0.0.1", r.stored)
				}
				return ""
			},
		},
		{
			name: "FailOnUnused", reason: "a switch given twice is on, and reports once",
			opts:   []dvdtest.Option{dvdtest.FailOnUnused(), dvdtest.FailOnUnused()},
			record: []string{"/a", "/b"}, replay: []string{"/a"},
			check: func(r twiceRun) string {
				if n := strings.Count(r.rep.output(), "never replayed (FailOnUnused)"); !r.rep.Failed() || n != 1 {
					return fmt.Sprintf("failed %v, %d reports; want one failure for /b", r.rep.Failed(), n)
				}
				return ""
			},
		},
		{
			name: "MaxAge same", reason: "the same age twice is that age",
			opts:   []dvdtest.Option{dvdtest.MaxAge(time.Hour), dvdtest.MaxAge(time.Hour)},
			record: []string{"/a"}, replay: []string{"/a"},
			check: func(r twiceRun) string {
				if r.rep.Failed() || r.hits != 1 {
					return "a fresh cassette did not replay"
				}
				return ""
			},
		},
		{
			name: "MaxAge different", reason: "two ages conflict, whatever their order",
			opts:    []dvdtest.Option{dvdtest.MaxAge(time.Hour), dvdtest.MaxAge(2 * time.Hour)},
			wantErr: "dvdtest: MaxAge(1h0m0s) and MaxAge(2h0m0s) disagree: give one age",
		},
		{
			name: "ReplayLatency", reason: "a switch given twice is on: replay waits the recorded hour, until the client gives up",
			opts: []dvdtest.Option{
				dvdtest.ReplayLatency(), dvdtest.ReplayLatency(),
				dvdtest.BeforeSave(func(in *cassette.Interaction) { in.Duration = time.Hour }),
			},
			record: []string{"/a"}, replay: []string{"/a"}, timeout: 20 * time.Millisecond,
			check: func(r twiceRun) string {
				// http.Client reports its timeout as "Client.Timeout exceeded"
				// or, when the context's deadline wins the race with its own
				// timer, as the context's error.
				if !strings.Contains(r.repGot[0], "Timeout") && !strings.Contains(r.repGot[0], "deadline exceeded") {
					return "the replay did not wait: " + r.repGot[0]
				}
				return ""
			},
		},
		{
			name: "Options nested", reason: "a group applies as if its options were given in its place",
			opts: []dvdtest.Option{
				dvdtest.Options{dvdtest.RedactHeaders("X-One"), dvdtest.Options{dvdtest.RedactHeaders("X-Two")}},
				dvdtest.Options(nil),
			},
			record: []string{"/a"},
			check:  func(r twiceRun) string { return hasNot(r, "h1secret", "h2secret") },
		},
		{
			name: "Options conflict", reason: "a group's options conflict with the others as if given in its place",
			opts:    []dvdtest.Option{dvdtest.Options{dvdtest.WithMode(cassette.ModeAppend)}, dvdtest.WithMode(cassette.ModeOnce)},
			wantErr: "dvdtest: WithMode(append) and WithMode(once) disagree",
		},
		{
			name: "nil Option", reason: "a nil option is a mistake, reported with where it is",
			opts:    []dvdtest.Option{dvdtest.AllowRepeats(), nil},
			wantErr: "dvdtest: Use's opts[1] is nil: remove it, or make it with an option function of dvdtest, such as dvdtest.AllowRepeats()",
		},
		{
			name: "nil in Options", reason: "a nil option is a mistake, reported with where it is",
			opts:    []dvdtest.Option{dvdtest.Options{nil}},
			wantErr: "dvdtest: Options[0] is nil: remove it, or make it with an option function of dvdtest, such as dvdtest.AllowRepeats()",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runTwice(t, tt.opts, tt.record, tt.replay, tt.timeout)
			if tt.wantErr != "" {
				if !r.rec.Failed() || !strings.Contains(r.rec.output(), "\n\t"+tt.wantErr) {
					t.Errorf("Use did not fail with %q (%s):\n%s", tt.wantErr, tt.reason, r.rec.output())
				}
				if r.file != "" {
					t.Errorf("a cassette was written although Use failed")
				}
			} else if r.rec.Failed() {
				t.Fatalf("the recording run failed (%s):\n%s", tt.reason, r.rec.output())
			}
			if tt.check == nil {
				return
			}
			if problem := tt.check(r); problem != "" {
				var rep string
				if r.rep != nil {
					rep = r.rep.output()
				}
				t.Errorf("%s (%s)\nrecording run:\n%s\nreplay run:\n%s\ncassette:\n%s", problem, tt.reason, r.rec.output(), rep, r.file)
			}
		})
	}
}

// runTwice records the record paths with opts, then, if the recording run
// passed and there are replay paths, requests those in a second run with
// the same options.
func runTwice(t *testing.T, opts []dvdtest.Option, record, replay []string, timeout time.Duration) twiceRun {
	t.Helper()
	cleanEnv(t)
	var r twiceRun
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-One", "h1secret")
		w.Header().Set("X-Two", "h2secret")
		fmt.Fprintf(w, `{"path":%q,"one":"j1secret","two":"j2secret","acct":"acct-123","tenant":"ten-456"}`, req.URL.Path)
	}))
	defer srv.Close()
	run := func(paths []string, timeout time.Duration) (*fakeTB, []string) {
		tb := newFakeTB("TestTwice")
		var got []string
		tb.run(func(tb testing.TB) {
			d := dvdtest.Use(tb, "twice", opts...)
			client := d.Client()
			client.Timeout = timeout
			for _, p := range paths {
				body, err := fetch(tb, client, srv.URL+p)
				if err != nil {
					body = "error: " + err.Error()
				}
				got = append(got, body)
			}
		})
		return tb, got
	}
	r.rec, r.recGot = run(record, 0)
	if !r.rec.Failed() && replay != nil {
		r.rep, r.repGot = run(replay, timeout)
	}
	r.hits = hits.Load()
	files, _ := filepath.Glob(filepath.Join("testdata", "twice.dvd.json*"))
	if len(files) == 1 {
		c, err := cassette.Load(files[0])
		if err != nil {
			t.Fatal(err)
		}
		data, err := cassette.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		r.cas, r.file = c, string(data)
		for _, in := range c.Interactions() {
			r.stored = append(r.stored, strings.TrimPrefix(in.Request.URL, srv.URL))
		}
	}
	return r
}
