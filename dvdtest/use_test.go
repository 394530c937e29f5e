package dvdtest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/internal/testsupport"
)

// cleanEnv runs the test in an empty folder, without the environment that
// chooses a mode: our own CI sets CI=true.
func cleanEnv(t *testing.T) {
	t.Helper()
	t.Setenv("CI", "")
	t.Setenv("DVD_MODE", "")
	t.Setenv("DVD_STORE", "")
	t.Chdir(t.TempDir())
}

// cleanServer runs the test in a clean environment, as cleanEnv does, and
// starts a server for it.
func cleanServer(t *testing.T) *server {
	t.Helper()
	cleanEnv(t)
	return newServer(t)
}

// server counts its requests and answers each with its number.
type server struct {
	*httptest.Server
	hits atomic.Int64
}

func newServer(t *testing.T) *server {
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.hits.Add(1)
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "hit %d %s", n, r.URL.Path)
	}))
	t.Cleanup(s.Close)
	return s
}

func fetch(tb testing.TB, c *http.Client, url string) (string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// session runs one fake test that uses the cassette and fetches paths,
// and returns the fake TB and the bodies it got.
func session(t *testing.T, name, base string, opts []dvdtest.Option, outcome string, paths ...string) (*fakeTB, []string) {
	t.Helper()
	tb := newFakeTB("TestSession")
	var got []string
	tb.run(func(tb testing.TB) {
		d := dvdtest.Use(tb, name, opts...)
		for _, p := range paths {
			body, err := fetch(tb, d.Client(), base+p)
			if err != nil {
				got = append(got, "error: "+err.Error())
				continue
			}
			got = append(got, body)
		}
		switch outcome {
		case "fail":
			tb.(*fakeTB).Fail()
		case "skip":
			tb.(*fakeTB).SkipNow()
		}
	})
	return tb, got
}

func TestModesTable(t *testing.T) {
	file := filepath.Join("testdata", "m.dvd.json")
	tests := []struct {
		name    string
		reason  string
		mode    cassette.Mode
		present bool // a cassette with GET /old exists
		useErr  bool // Use fails the test
		hits    int  // requests that reach the server (of GET /old and GET /new)
		saved   bool // the file changed
	}{
		{name: "once missing", reason: "record everything", mode: cassette.ModeOnce, hits: 2, saved: true},
		{name: "once present", reason: "replay only; /new is an error", mode: cassette.ModeOnce, present: true, hits: 0},
		{name: "replay missing", reason: "fails at Use with advice", mode: cassette.ModeReplay, useErr: true},
		{name: "replay present", mode: cassette.ModeReplay, present: true, hits: 0},
		{name: "append missing", mode: cassette.ModeAppend, hits: 2, saved: true},
		{name: "append present", reason: "replay /old, record /new", mode: cassette.ModeAppend, present: true, hits: 1, saved: true},
		{name: "record missing", mode: cassette.ModeRecord, hits: 2, saved: true},
		{name: "record present", reason: "the cassette is ignored and rewritten", mode: cassette.ModeRecord, present: true, hits: 2, saved: true},
		{name: "passthrough missing", mode: cassette.ModePassthrough, hits: 2},
		{name: "passthrough present", mode: cassette.ModePassthrough, present: true, hits: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cleanServer(t)
			if tt.present {
				session(t, "m", srv.URL, []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord)}, "pass", "/old")
				srv.hits.Store(0)
			}
			before, _ := os.ReadFile(file)
			tb, got := session(t, "m", srv.URL, []dvdtest.Option{dvdtest.WithMode(tt.mode)}, "pass", "/old", "/new")
			if tt.useErr {
				if !tb.Failed() || !strings.Contains(tb.output(), "does not exist") || !strings.Contains(tb.output(), "-update") {
					t.Fatalf("Use did not fail with advice (%s):\n%s", tt.reason, tb.output())
				}
				return
			}
			if n := int(srv.hits.Load()); n != tt.hits {
				t.Errorf("%d requests reached the server, want %d (%s); bodies: %q", n, tt.hits, tt.reason, got)
			}
			after, _ := os.ReadFile(file)
			if changed := !bytes.Equal(before, after); changed != tt.saved {
				t.Errorf("cassette changed = %v, want %v (%s)\n%s", changed, tt.saved, tt.reason, tb.output())
			}
			wantFail := tt.mode == cassette.ModeOnce && tt.present || tt.mode == cassette.ModeReplay
			if tb.Failed() != wantFail {
				t.Errorf("test failed = %v, want %v (an unmatched /new fails replay-only modes)\n%s", tb.Failed(), wantFail, tb.output())
			}
			if tt.present && tt.mode != cassette.ModeRecord && tt.mode != cassette.ModePassthrough && got[0] != "hit 1 /old" {
				t.Errorf("GET /old = %q, want the recorded %q", got[0], "hit 1 /old")
			}
		})
	}
}

func TestSavedOnlyWhenPassed(t *testing.T) {
	for _, outcome := range []string{"fail", "skip"} {
		t.Run(outcome, func(t *testing.T) {
			srv := cleanServer(t)
			file := filepath.Join("testdata", "s.dvd.json")
			tb, _ := session(t, "s", srv.URL, nil, outcome, "/a")
			if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a %sed test wrote %s (stat: %v)", outcome, file, err)
			}
			if !strings.Contains(tb.output(), "not saved") {
				t.Errorf("the log does not say the cassette was not saved:\n%s", tb.output())
			}
			// An existing cassette survives a failed re-record untouched.
			session(t, "s", srv.URL, nil, "pass", "/a")
			before, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			session(t, "s", srv.URL, []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord)}, outcome, "/b")
			if after, _ := os.ReadFile(file); !bytes.Equal(before, after) {
				t.Errorf("a %sed re-record changed the cassette", outcome)
			}
		})
	}
}

func TestRecordLog(t *testing.T) {
	srv := cleanServer(t)
	tb, _ := session(t, "dir/log", srv.URL, nil, "pass", "/a", "/b")
	want := "recorded 2 interactions to " + filepath.Join("testdata", "dir", "log.dvd.json")
	if !strings.Contains(tb.output(), want) {
		t.Errorf("log lacks %q:\n%s", want, tb.output())
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		name, reason, give, want string // want: a path, or an error fragment
	}{
		{"plain", "", "plain", "testdata/plain.dvd.json"},
		{"folders", "/ makes subfolders", "github/list_repos", "testdata/github/list_repos.dvd.json"},
		{"empty", "an empty name is t.Name()", "", "testdata/TestSession/sub_test.dvd.json"},
		{"dotdot", "must not escape testdata", "../x", "escapes testdata/"},
		{"inner dotdot", "", "a/../../x", "escapes testdata/"},
		{"absolute", "", "/etc/passwd", "is absolute"},
		{"empty element", "", "a//b", "empty"},
		{"dot element", "", "a/./b", "empty or \".\""},
		{"trailing slash", "", "a/", "empty"},
		{"backslash", "not portable", `a\b`, "backslash"},
		{"nul", "", "a\x00b", "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			tb := newFakeTB("TestSession/sub_test")
			var path string
			tb.run(func(tb testing.TB) {
				path = filepath.ToSlash(dvdtest.Use(tb, tt.give, dvdtest.WithMode(cassette.ModeRecord)).Path())
			})
			if strings.HasPrefix(tt.want, "testdata/") {
				if path != tt.want || tb.Failed() {
					t.Errorf("Use(%q).Path() = %q (failed %v), want %q (%s)\n%s", tt.give, path, tb.Failed(), tt.want, tt.reason, tb.output())
				}
				return
			}
			if !tb.Failed() || !strings.Contains(tb.output(), tt.want) || !strings.Contains(tb.output(), "dvdtest: ") {
				t.Errorf("Use(%q): failed %v, output %q; want a dvdtest failure mentioning %q", tt.give, tb.Failed(), tb.output(), tt.want)
			}
		})
	}
}

func TestBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  dvdtest.Option
		want string
	}{
		{"nil upstream", dvdtest.Upstream(nil), "Upstream"},
		{"bad codec", dvdtest.Compress(codec.Compression(9)), "Compress"},
		{"no matcher", dvdtest.MatchOn(), "MatchOn"},
		// What cassette.Config.Validate checks: see TestOptionErrorsAreCassettes.
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			tb := newFakeTB("TestX")
			if tb.run(func(tb testing.TB) { dvdtest.Use(tb, "x", tt.opt) }) {
				t.Fatal("Use returned with a bad option")
			}
			if !strings.Contains(tb.output(), tt.want) {
				t.Errorf("output %q does not name %s", tb.output(), tt.want)
			}
		})
	}
}

func TestModeFromOutside(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		ci      string
		env     string
		opts    []dvdtest.Option
		want    cassette.Mode
		wantErr string
	}{
		{name: "default", want: cassette.ModeOnce},
		{name: "CI", reason: "CI never reaches the network by accident", ci: "true", want: cassette.ModeReplay},
		{name: "CI=1", ci: "1", want: cassette.ModeReplay},
		{name: "CI=false", reason: "a false CI is not CI", ci: "false", want: cassette.ModeOnce},
		{name: "env", env: "append", want: cassette.ModeAppend},
		{name: "env case", env: " Record ", want: cassette.ModeRecord},
		{name: "env beats CI", ci: "true", env: "passthrough", want: cassette.ModePassthrough},
		{name: "WithMode beats CI", ci: "true", opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord)}, want: cassette.ModeRecord},
		{name: "env beats WithMode", reason: "the person running the tests decides", env: "replay", opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord)}, want: cassette.ModeReplay},
		{name: "bad env", env: "sometimes", wantErr: "DVD_MODE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			t.Setenv("CI", tt.ci)
			t.Setenv("DVD_MODE", tt.env)
			// A present, empty cassette, so that replay mode can start.
			if err := cassette.New().Save(filepath.Join("testdata", "env.dvd.json")); err != nil {
				t.Fatal(err)
			}
			tb := newFakeTB("TestEnv")
			var got cassette.Mode
			tb.run(func(tb testing.TB) { got = dvdtest.Use(tb, "env", tt.opts...).Mode() })
			if tt.wantErr != "" {
				if !tb.Failed() || !strings.Contains(tb.output(), tt.wantErr) {
					t.Errorf("want a failure naming %s, got %q", tt.wantErr, tb.output())
				}
				return
			}
			if got != tt.want || tb.Failed() {
				t.Errorf("mode = %v (failed %v), want %v (%s)\n%s", got, tb.Failed(), tt.want, tt.reason, tb.output())
			}
		})
	}
}

func TestNoMatchFailsTheTest(t *testing.T) {
	srv := cleanServer(t)
	session(t, "nm", srv.URL, nil, "pass", "/users?page=1")
	var err error
	tb := newFakeTB("TestNoMatch/sub")
	tb.run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "nm")
		_, err = d.Client().Get(srv.URL + "/users?page=2") // the client swallows it
	})
	if !tb.Failed() {
		t.Error("an unmatched request did not fail the test")
	}
	if !errors.Is(err, cassette.ErrNoMatch) {
		t.Errorf("err = %v, want one wrapping cassette.ErrNoMatch", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"testdata/nm.dvd.json", "GET " + srv.URL + "/users?page=2", "(-recorded +incoming)", `"Query[page]": "1"`, `"Query[page]": "2"`,
		"go test -run '^TestNoMatch$/^sub$' -update",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

func TestNoCallOnTAfterTheTest(t *testing.T) {
	srv := cleanServer(t)
	session(t, "late", srv.URL, nil, "pass", "/a")
	tb := newFakeTB("TestLate")
	var d *dvdtest.DVD
	tb.run(func(tb testing.TB) { d = dvdtest.Use(tb, "late") })
	_, err := fetch(t, d.Client(), srv.URL+"/unrecorded")
	if !errors.Is(err, cassette.ErrClosed) {
		t.Errorf("late request: %v, want ErrClosed", err)
	}
	if tb.lateCall != "" {
		t.Errorf("dvdtest called t after the test ended: %s", tb.lateCall)
	}
}

func TestCorruptCassette(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"garbage", "{not json", "line 1, column 2"},
		{"truncated", `{"version": 1, "interactions": [`, "truncated"},
		{"newer version", `{"version": 99, "interactions": []}`, "upgrade"},
		{"no version", `{"interactions": []}`, "not a dvd cassette"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cleanServer(t)
			file := filepath.Join("testdata", "bad.dvd.json")
			os.MkdirAll("testdata", 0o755)
			os.WriteFile(file, []byte(tt.content), 0o644)
			for _, mode := range []cassette.Mode{cassette.ModeOnce, cassette.ModeAppend, cassette.ModeReplay} {
				tb, _ := session(t, "bad", srv.URL, []dvdtest.Option{dvdtest.WithMode(mode)}, "pass", "/a")
				out := tb.output()
				if !tb.Failed() || !strings.Contains(out, file) || !strings.Contains(out, tt.want) || !strings.Contains(out, "-update") {
					t.Errorf("%v: want a failure naming %s, saying %q and how to re-record; got:\n%s", mode, file, tt.want, out)
				}
			}
			if b, _ := os.ReadFile(file); string(b) != tt.content {
				t.Errorf("the corrupt cassette was changed to %q", b)
			}
			if srv.hits.Load() != 0 {
				t.Errorf("%d requests reached the server past a corrupt cassette", srv.hits.Load())
			}
			// A passing re-record replaces it.
			session(t, "bad", srv.URL, []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord)}, "pass", "/a")
			if _, err := cassette.Load(file); err != nil {
				t.Errorf("after a passing re-record: %v", err)
			}
		})
	}
}

func TestCompressedCassettes(t *testing.T) {
	for _, c := range []codec.Compression{codec.Zstd, codec.Gzip} {
		t.Run(c.String(), func(t *testing.T) {
			srv := cleanServer(t)
			opts := []dvdtest.Option{dvdtest.Compress(c)}
			_, rec := session(t, "z", srv.URL, opts, "pass", "/a", "/b")
			file := filepath.Join("testdata", "z.dvd.json"+c.Ext())
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if codec.Detect(data) != c {
				t.Errorf("%s is not %v data", file, c)
			}
			srv.Close()
			tb, got := session(t, "z", srv.URL, opts, "pass", "/a", "/b")
			if tb.Failed() || strings.Join(got, "|") != strings.Join(rec, "|") {
				t.Errorf("replay gave %q, want %q\n%s", got, rec, tb.output())
			}
		})
	}
}

func TestRecordingAndReplayed(t *testing.T) {
	srv := cleanServer(t)
	for i, wantRecording := range []bool{true, false} {
		tb := newFakeTB("TestRR")
		tb.run(func(tb testing.TB) {
			d := dvdtest.Use(tb, "rr")
			if d.Recording() != wantRecording {
				t.Errorf("run %d: Recording() = %v, want %v", i, d.Recording(), wantRecording)
			}
			resp, err := d.Client().Get(srv.URL + "/x")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if d.Replayed(resp) == wantRecording {
				t.Errorf("run %d: Replayed = %v, want %v", i, d.Replayed(resp), !wantRecording)
			}
		})
	}
}

func TestCompressionChangedLater(t *testing.T) {
	srv := cleanServer(t)
	session(t, "v", srv.URL, nil, "pass", "/a")
	srv.hits.Store(0)
	zst := []dvdtest.Option{dvdtest.Compress(codec.Zstd)}
	// The plain cassette still replays when the test now asks for zstd.
	tb, got := session(t, "v", srv.URL, zst, "pass", "/a")
	if tb.Failed() || srv.hits.Load() != 0 || got[0] != "hit 1 /a" {
		t.Fatalf("replay from the plain file: %q, %d hits\n%s", got, srv.hits.Load(), tb.output())
	}
	// A re-record writes the zstd file and removes the plain one.
	session(t, "v", srv.URL, append(zst, dvdtest.WithMode(cassette.ModeRecord)), "pass", "/a")
	if _, err := os.Stat(filepath.Join("testdata", "v.dvd.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the plain cassette is still there after re-recording as zstd: %v", err)
	}
	if _, err := cassette.Load(filepath.Join("testdata", "v.dvd.json.zst")); err != nil {
		t.Error(err)
	}
}

func TestOneCassetteOneDVD(t *testing.T) {
	cleanEnv(t)
	tb := newFakeTB("TestTwice")
	if tb.run(func(tb testing.TB) {
		dvdtest.Use(tb, "shared")
		dvdtest.Use(tb, "shared")
	}) {
		t.Fatal("a second Use of the same cassette in one test went through")
	}
	if !strings.Contains(tb.output(), "in use by TestTwice") {
		t.Errorf("output does not say the cassette is in use:\n%s", tb.output())
	}
	// Once the test ended, the cassette is free again.
	tb = newFakeTB("TestAfter")
	tb.run(func(tb testing.TB) { dvdtest.Use(tb, "shared") })
	if tb.Failed() {
		t.Errorf("the cassette stayed in use after its test ended:\n%s", tb.output())
	}
}

// A test that mocked http.DefaultTransport can still record: Use does not
// depend on the global.
func TestUseWithDefaultTransportReplaced(t *testing.T) {
	srv := cleanServer(t)
	old := http.DefaultTransport
	// As httpmock's Activate does: a RoundTripper that is no *http.Transport.
	http.DefaultTransport = testsupport.RoundTripFunc(func(*http.Request) (*http.Response, error) {
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
