package dvdtest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// Main runs the tests, as m.Run does, and saves the cassettes they recorded
// only once every test has ended, so that a check that fails a test after
// its DVD was closed keeps its cassette from being saved. Call it from
// TestMain in place of m.Run:
//
//	func TestMain(m *testing.M) {
//		os.Exit(dvdtest.Main(m))
//	}
//
// A test's cleanups run last registered first, so a check registered with
// t.Cleanup before Use, such as a mock controller's Finish or a leak check,
// runs after the DVD's cleanup has decided to save. Without Main, a test
// that such a check fails has its cassette saved already, in record mode
// over a good one; see "Checks at the end of a test" in the package
// documentation for the order that avoids it. With Main, the DVD's cleanup decides as before, but a
// cassette it would save is held in memory. Once m.Run has returned, every
// cleanup of every test has run: Main writes each held cassette whose test
// still passed, and leaves the file as it was for a test that failed or
// skipped after all. It prints what it did, one line per cassette, and
// returns m.Run's exit code, or 1 if a cassette could not be written: pass
// it to os.Exit, for a TestMain that returns exits with m.Run's code.
//
// A later test that uses a held cassette's name reads it as Main will
// write it, as it would read the file without Main. A test binary that
// dies before m.Run returns, in a panic or a timeout, writes none of the
// held cassettes: their files stay as they were. m is the *testing.M of
// TestMain, or anything that runs the tests the same way. Main must not be
// called while another call runs the tests.
//
// While the tests replay (CI set, or DVD_MODE=replay), Main also makes
// them hermetic: http.DefaultTransport refuses to dial a host that is not
// loopback, fails the tests that have a DVD open, and Main returns 1.
// DVD_HERMETIC=off turns this off; see docs/proxy.md for what it cannot
// catch.
func Main(m interface{ Run() int }) int {
	held.mu.Lock()
	if held.on {
		held.mu.Unlock()
		panic("dvdtest: Main called while another Main runs the tests: call it once, from TestMain, in place of m.Run")
	}
	held.on = true
	held.mu.Unlock()

	var code int
	var saves []*heldSave
	stopHermetic := startHermetic()
	func() {
		defer func() { // also when m.Run panics: the held saves are dropped
			held.mu.Lock()
			saves = held.saves
			held.saves, held.on = nil, false
			held.mu.Unlock()
		}()
		code = m.Run()
	}()
	stopHermetic()
	if msgs := takeBypasses(); len(msgs) > 0 {
		for _, msg := range msgs {
			fmt.Fprintln(os.Stdout, msg)
		}
		if code == 0 {
			code = 1
		}
	}
	for _, s := range saves {
		if !s.finish(os.Stdout) && code == 0 {
			code = 1
		}
	}
	return code
}

// held is what Main holds while it runs the tests: the cassettes to save
// once every test has ended, in the order their tests' cleanups held them.
var held struct {
	mu    sync.Mutex
	on    bool
	saves []*heldSave
}

// A heldSave is a cassette that a test's cleanup would have saved, held
// until its test's verdict is final. It keeps the test's DVD only for what
// is said about the file.
type heldSave struct {
	t       testing.TB // read only for Failed and Skipped once the test ended
	test    string
	key     string // inUse's key: the cassette whatever its compression
	path    string
	abs     string
	variant string
	source  string
	c       *cassette.Cassette

	store     cassette.Store // as the DVD's: nil for testdata/
	storeName string
	inStore   bool
}

// hold holds c, the cassette d's cleanup would save, if Main runs the
// tests, and reports whether it did.
func (d *DVD) hold(c *cassette.Cassette) bool {
	held.mu.Lock()
	defer held.mu.Unlock()
	if !held.on {
		return false
	}
	held.saves = append(held.saves, &heldSave{
		t: d.t, test: d.test, key: d.key, path: d.path, abs: d.abs,
		variant: d.variant, source: d.source, c: c,
		store: d.store, storeName: d.storeName, inStore: d.inStore,
	})
	return true
}

// heldFor returns the save held last for key, or nil.
func heldFor(key string) *heldSave {
	held.mu.Lock()
	defer held.mu.Unlock()
	var last *heldSave
	for _, s := range held.saves {
		if s.key == key {
			last = s
		}
	}
	return last
}

// cassette returns a copy of the held cassette, as it will be written.
func (s *heldSave) cassette() (*cassette.Cassette, error) {
	data, err := cassette.Marshal(s.c)
	if err != nil {
		return nil, err
	}
	return cassette.Unmarshal(data)
}

// replaces returns the file that a save to abs, of a cassette read from s,
// must remove: what s's own save would have replaced, s's file itself when
// abs asks for another compression.
func (s *heldSave) replaces(abs string) string {
	if s.abs != abs {
		return s.abs
	}
	return s.variant
}

// finish writes the held cassette if its test passed, or says why it does
// not, on w. It reports false when the write failed.
func (s *heldSave) finish(w io.Writer) bool {
	switch {
	case s.t.Failed():
		fmt.Fprintf(w, "dvdtest: %s not saved: %s failed after dvdtest closed the cassette, in a cleanup that ran after dvdtest's "+
			"(one registered before dvdtest.Use), so %s\n", s.path, s.test, s.unchanged())
		return true
	case s.t.Skipped():
		fmt.Fprintf(w, "dvdtest: %s not saved: %s was skipped after dvdtest closed the cassette, in a cleanup that ran after dvdtest's "+
			"(one registered before dvdtest.Use), so %s\n", s.path, s.test, s.unchanged())
		return true
	}
	if err := saveIn(s.c, s.abs, s.store, s.storeName); err != nil {
		fmt.Fprintf(w, "dvdtest: saving %s, recorded by %s: %v\nThe file is as it was; fix what is wrong and record again.\n", s.path, s.test, err)
		return false
	}
	fmt.Fprintf(w, "dvdtest: recorded %s to %s (%s), for %s\n", plural(s.c.Len(), "interaction"), s.path, s.source, s.test)
	if s.variant != "" && s.variant != s.abs {
		if err := os.Remove(s.variant); err == nil {
			fmt.Fprintf(w, "dvdtest: removed %s, which %s replaces\n", filepath.Base(s.variant), s.path)
		}
	}
	return true
}

// unchanged says what a held save that is not written leaves on disk.
func (s *heldSave) unchanged() string {
	if s.inStore || onDisk(s.abs, s.variant) {
		return "the cassette on disk is unchanged"
	}
	return "nothing was written"
}
