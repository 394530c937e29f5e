package dvdtest_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
)

// usedLines reads the list that DVD_USED names, one path a line, and fails
// the test on a line that is not a whole absolute path.
func usedLines(t *testing.T, list string) []string {
	t.Helper()
	data, err := os.ReadFile(list)
	if err != nil {
		t.Fatalf("reading the list of used cassettes: %v", err)
	}
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
		t.Errorf("%s does not end with a newline:\n%s", list, data)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(data) == 0 {
		lines = nil
	}
	for _, l := range lines {
		if !filepath.IsAbs(l) || filepath.Clean(l) != l || !strings.Contains(l, cassette.Ext) {
			t.Errorf("%s holds the line %q, want the absolute, cleaned path of a cassette", list, l)
		}
	}
	return lines
}

// useList runs the test in a clean environment, as cleanEnv does, with
// DVD_USED naming a list in a folder of its own, and returns the test's
// working directory and the list.
func useList(t *testing.T) (dir, list string) {
	t.Helper()
	cleanEnv(t)
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	list = filepath.Join(t.TempDir(), "used.txt")
	t.Setenv("DVD_USED", list)
	return dir, list
}

// TestUsedListsEveryUse: with DVD_USED set, every Use appends its
// cassette's absolute path, whatever the mode and whether the file exists,
// even when Use then fails the test.
func TestUsedListsEveryUse(t *testing.T) {
	dir, list := useList(t)
	srv := newServer(t)

	cases := []struct {
		name     string
		cassette string
		opts     []dvdtest.Option
		wantFail bool   // Use fails the test
		want     string // the line, relative to dir
	}{
		{name: "once records", cassette: "svc/once", opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModeOnce)}, want: "testdata/svc/once.dvd.json"},
		{name: "once replays", cassette: "svc/once", opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModeOnce)}, want: "testdata/svc/once.dvd.json"},
		{name: "passthrough", cassette: "pass", opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModePassthrough)}, want: "testdata/pass.dvd.json"},
		{name: "replay of a missing cassette fails but is listed", cassette: "missing", opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModeReplay)}, wantFail: true, want: "testdata/missing.dvd.json"},
		{name: "compressed", cassette: "zipped", opts: []dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord), dvdtest.Compress(codec.Zstd)}, want: "testdata/zipped.dvd.json.zst"},
	}
	var want []string
	for _, tc := range cases {
		tb := newFakeTB("Test" + strings.ReplaceAll(tc.name, " ", "_"))
		tb.run(func(tb testing.TB) {
			d := dvdtest.Use(tb, tc.cassette, tc.opts...)
			if _, err := fetch(tb, d.Client(), srv.URL+"/x"); err != nil {
				tb.Errorf("fetch: %v", err)
			}
		})
		if tb.failed != tc.wantFail {
			t.Errorf("%s: failed=%v, want %v:\n%s", tc.name, tb.failed, tc.wantFail, tb.output())
		}
		want = append(want, filepath.Join(dir, filepath.FromSlash(tc.want)))
		if got := usedLines(t, list); !slices.Equal(got, want) {
			t.Fatalf("after %q the list holds\n\t%s\nwant\n\t%s", tc.name, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
		}
	}
}

// TestUsedUnset: without DVD_USED, Use writes no list anywhere.
func TestUsedUnset(t *testing.T) {
	cleanEnv(t)
	t.Setenv("DVD_USED", "")
	tb := newFakeTB("TestUnset")
	tb.run(func(tb testing.TB) { dvdtest.Use(tb, "x", dvdtest.WithMode(cassette.ModePassthrough)) })
	if tb.failed {
		t.Fatalf("Use failed:\n%s", tb.output())
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("Use without DVD_USED wrote %v", entries)
	}
}

// TestUsedUnwritable: a DVD_USED that cannot be written fails the test with
// a message that names the variable and the file, and the DVD still works.
func TestUsedUnwritable(t *testing.T) {
	cleanEnv(t)
	list := filepath.Join(t.TempDir(), "no-such-folder", "used.txt")
	t.Setenv("DVD_USED", list)
	srv := newServer(t)
	tb := newFakeTB("TestUnwritable")
	var body string
	tb.run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "x", dvdtest.WithMode(cassette.ModePassthrough))
		body, _ = fetch(tb, d.Client(), srv.URL+"/y")
	})
	if !tb.failed {
		t.Errorf("Use did not fail the test on an unwritable %s", "DVD_USED")
	}
	out := tb.output()
	for _, s := range []string{"DVD_USED=" + list, "cannot open the list of used cassettes", "unset it"} {
		if !strings.Contains(out, s) {
			t.Errorf("the message lacks %q:\n%s", s, out)
		}
	}
	if body != "hit 1 /y" {
		t.Errorf("the DVD answered %q, want the server's %q", body, "hit 1 /y")
	}
}

// TestUsedConcurrent: Use called at once from many goroutines, each on a
// cassette of its own, lists every path once, each on a line of its own.
func TestUsedConcurrent(t *testing.T) {
	dir, list := useList(t)
	const n = 64
	long := strings.Repeat("long-folder-name/", 8) // lines of about 200 bytes
	var wg sync.WaitGroup
	failed := make([]string, n)
	for i := range n {
		wg.Go(func() {
			tb := newFakeTB(fmt.Sprintf("TestConcurrent%d", i))
			tb.run(func(tb testing.TB) {
				dvdtest.Use(tb, fmt.Sprintf("%sc%02d", long, i), dvdtest.WithMode(cassette.ModePassthrough))
			})
			if tb.failed {
				failed[i] = tb.output()
			}
		})
	}
	wg.Wait()
	for i, f := range failed {
		if f != "" {
			t.Errorf("Use #%d failed:\n%s", i, f)
		}
	}
	got := usedLines(t, list)
	slices.Sort(got)
	var want []string
	for i := range n {
		want = append(want, filepath.Join(dir, "testdata", filepath.FromSlash(long), fmt.Sprintf("c%02d.dvd.json", i)))
	}
	if !slices.Equal(got, want) {
		t.Errorf("the list holds %d lines:\n\t%s\nwant %d:\n\t%s", len(got), strings.Join(got, "\n\t"), len(want), strings.Join(want, "\n\t"))
	}
}

// subprocessUsed runs four fixture binaries at once, each running
// TestRecord twenty times in a folder of its own, all with one DVD_USED:
// the list holds every Use of every process, each line whole.
func subprocessUsed(t *testing.T, fx *fixtures) {
	srv := newUpstream(t, "v1")
	list := filepath.Join(t.TempDir(), "used.txt")
	const procs, count = 4, 20
	dirs := make([]string, procs)
	errs := make([]error, procs)
	var wg sync.WaitGroup
	for i := range procs {
		dirs[i] = t.TempDir()
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, fx.fixture, "-test.run", "^TestRecord$", "-test.count", fmt.Sprint(count))
			cmd.Dir = dirs[i]
			cmd.Env = append(childEnv(), "FIXTURE_URL="+srv.URL, "DVD_MODE=passthrough", "DVD_USED="+list)
			cmd.WaitDelay = 5 * time.Second
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("process %d: %v\n%s", i, err, out)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got := usedLines(t, list)
	counts := map[string]int{}
	for _, l := range got {
		counts[l]++
	}
	for i, d := range dirs {
		real, err := filepath.EvalSymlinks(d) // the child's working directory, as getcwd gives it
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(real, recordFile)
		if counts[p] != count {
			t.Errorf("process %d: the list holds %s %d times, want %d", i, p, counts[p], count)
		}
		delete(counts, p)
	}
	if len(counts) > 0 {
		t.Errorf("the list holds lines no process wrote: %v", counts)
	}
	if len(got) != procs*count {
		t.Errorf("the list holds %d lines, want %d", len(got), procs*count)
	}
}
