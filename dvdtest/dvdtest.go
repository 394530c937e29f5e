package dvdtest

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/internal/replayed"
)

// inUse holds the cassettes that a DVD has open, by absolute path without
// the file's extension, so that one name is one cassette whatever its
// compression: a save removes the file of the other compressions. Each
// value is the user that opened it.
var inUse sync.Map

// A user is the test that has a cassette open, and the file it has it as.
type user struct {
	test string
	path string
}

// A DVD is the cassette of one test, playing as an http.RoundTripper. Hand
// [DVD.Client] to the code under test, or the DVD itself to anything that
// takes a transport. It is safe for concurrent use.
type DVD struct {
	t      testing.TB
	test   string // t.Name(), for what is said after the test ended
	path   string // as shown to the user: testdata/<name>.dvd.json
	abs    string // as used for I/O, fixed at Use time
	mode   cassette.Mode
	source string // what chose the mode
	rec    *cassette.Recorder
	played *cassette.Cassette // the cassette rec replays from; nil when there is none
	client *http.Client
	redact func() *redact.Rules // the recorder's rules, built when a message needs them
	cfg    config

	key     string // the cassette whatever its compression: inUse's and held's key
	variant string // the cassette as saved with another compression, if only that exists
	loaded  int    // the interactions read from the cassette, which a save writes first

	mu     sync.Mutex
	ended  bool   // the test is over: t must not be used any more
	gone   bool   // the cleanup has returned: not even t.Logf may be called
	misses []miss // the different misses, in the order they first came

	seedOnce sync.Once // logs that the cassette holds no seed for Rand

	store     cassette.Store // the store of WithStore or DVD_STORE; nil for testdata/
	storeName string         // the cassette's name in store
	inStore   bool           // the cassette was in store at Use

	fwd *proxies // ProxyEnv's proxy and Server's servers, once one was asked for
}

var _ http.RoundTripper = (*DVD)(nil)

// Use returns the DVD of the cassette testdata/<name>.dvd.json of the test's
// package. A / in name makes subfolders; an empty name means t.Name(). The
// mode (see the package documentation) decides whether requests replay from
// the cassette or reach the network and are recorded. When the test ends,
// recordings are saved if the test passed.
//
// The name must make a file name that Linux, macOS and Windows all take,
// for the cassette is committed: no \ : * ? " < > | or control characters,
// no element that Windows reserves for a device (CON, PRN, AUX, NUL, COM0
// to COM9, LPT0 to LPT9, in any case, with or without an extension), no
// folder whose name ends in a dot or a space, at most 222 bytes after the
// last / (dvd adds ".dvd.json.zst" and, while saving, 20 more) and 255 in
// a folder name, and at most 1023 bytes (macOS's limit) in the path of
// the file from the root, temporary file included. The default
// name, t.Name(), is held to the same rules and used as it is, never
// rewritten: a subtest's name keeps most characters (t.Run("a:b") names
// the test TestX/a:b), so such a test must pass Use a name of its own.
//
// A recording in which a request could not connect to its server is not
// saved, unless [RecordFailures] says to: see Saving in the package
// documentation.
//
// Use registers the cleanup that saves, and cleanups run last registered
// first: it sees a failure in the test, its deferred calls, its subtests
// and the cleanups registered after Use, but not in one registered before.
// So call Use before what registers a check for the end of the test, such
// as gomock.NewController(t). A check registered before Use fails the test
// after its cassette is saved, in record mode over a good one, unless the
// tests run through [Main], which writes cassettes only once every test
// has ended. A leak check belongs before Use, with Main: the DVD's cleanup
// closes the idle connections of the transport that recorded, whose
// goroutines a leak check run before it would report.
//
// Use fails the test at once on a bad name or option, a cassette that
// cannot be read, a missing cassette in replay mode, or a cassette that
// another DVD has open: parallel tests need a name each, and a name is one
// cassette whatever the compression ([Compress]) each asks for.
func Use(t testing.TB, name string, opts ...Option) *DVD {
	t.Helper()
	cfg := configure(opts)
	if err := cfg.err(); err != nil {
		t.Fatalf("dvdtest: Use(%q): bad options:\n\t%s", name, strings.ReplaceAll(err.Error(), "\n", "\n\t"))
	}
	if name == "" {
		name = t.Name()
	}
	rel, err := cassettePath(name, cfg.codec)
	if err != nil {
		t.Fatalf("dvdtest: %v", err)
	}
	store, storeName, err := cfg.pickStore(name)
	if err != nil {
		t.Fatalf("dvdtest: Use(%q): %v", name, err)
	}
	abs, err := filepath.Abs(rel)
	if err != nil {
		t.Fatalf("dvdtest: %v", err)
	}
	key := strings.TrimSuffix(abs, cassette.Ext+cfg.codec.Ext())
	if store != nil {
		rel, abs = store.Where(storeName), ""
		key = storeKey(store, storeName, cfg.codec)
	}
	if err := noteUsed(cmp.Or(abs, rel)); err != nil {
		t.Errorf("dvdtest: %v", err) // the test goes on: only the list is wrong
	}
	mode, source, err := resolveMode(&cfg)
	if err != nil {
		t.Fatalf("dvdtest: %v", err)
	}
	d := &DVD{t: t, test: t.Name(), path: rel, abs: abs, key: key, mode: mode, source: source, cfg: cfg, store: store, storeName: storeName}
	if v, busy := inUse.LoadOrStore(key, user{test: t.Name(), path: rel}); busy {
		if other := v.(user); other.path != rel {
			t.Fatalf("dvdtest: %s is in use by %s already, as %s: a name is one cassette whatever its compression, "+
				"and two DVDs on it would overwrite each other's recordings, or one's save would remove the other's file. Give each its own name.", rel, other.test, other.path)
		} else {
			t.Fatalf("dvdtest: %s is in use by %s already: two DVDs on one cassette would overwrite each other's recordings. Give each its own name.", rel, other.test)
		}
	}
	t.Cleanup(func() { inUse.Delete(key) }) // registered first, so it runs after the save

	// A cassette that Main holds for an earlier test is read as Main will
	// write it, as the file would be read without Main.
	h := heldFor(key)
	var c *cassette.Cassette
	from := abs
	if store != nil {
		// A store's cassette has no variant to remove: see docs/stores.md.
	} else if h != nil {
		d.variant = h.replaces(abs)
	} else if d.variant = otherVariant(abs, cfg.codec); d.variant != "" {
		from = d.variant // saved with another compression: read it, save as asked
	}
	var base *cassette.Cassette // the file the save checks is still there (see cassette.Cassette.Save)
	switch {
	case store != nil:
		c, base = d.loadStore(mode, h)
	case mode == cassette.ModePassthrough:
	case mode == cassette.ModeRecord:
		base, _ = cassette.Load(from) // not replayed; a file that does not read is saved over
	case h != nil:
		if c, err = h.cassette(); err != nil {
			t.Fatalf("dvdtest: %s: reading the cassette that dvdtest.Main holds for %s: %v", rel, h.test, err)
		}
	default:
		c, err = cassette.Load(from)
		base = c
		switch {
		case errors.Is(err, fs.ErrNotExist):
			c = nil
			if mode == cassette.ModeReplay {
				t.Fatalf("dvdtest: %s does not exist, and the mode is replay (%s).\n%s", rel, source, d.advice())
			}
		case err != nil:
			t.Fatalf("dvdtest: cannot read the cassette: %v\n"+
				"The file is left as it is. Restore it from version control, or re-record it (it is replaced only if the test passes):\n\t%s",
				strings.Replace(err.Error(), filepath.Dir(abs)+string(filepath.Separator), filepath.Dir(rel)+string(filepath.Separator), 1), d.runCommand())
		}
	}
	if c != nil && cfg.maxAge > 0 && !c.RecordedAt().IsZero() {
		if age := time.Since(c.RecordedAt()); age > cfg.maxAge {
			stale := fmt.Sprintf("recorded %s ago, more than MaxAge(%v)", age.Round(time.Second), cfg.maxAge)
			if mode == cassette.ModeOnce || mode == cassette.ModeAppend {
				mode, d.mode, d.source = cassette.ModeRecord, cassette.ModeRecord, "the cassette was "+stale
				c = nil
			} else {
				t.Logf("dvdtest: %s is stale: it was %s; mode %v (%s) does not record, so it replays.\n%s", rel, stale, mode, source, d.advice())
			}
		}
	}
	if c != nil {
		d.loaded = c.Len()
	}
	cfg.rec.Mode = mode
	cfg.rec.Logf = d.logf
	recFrom := c
	if recFrom == nil {
		recFrom = base // no cassette, or one not replayed, whose file the save checks
	}
	rec, err := cassette.NewRecorder(recFrom, cfg.rec)
	if err != nil {
		t.Fatalf("dvdtest: %s: %v", rel, err)
	}
	d.rec, d.played = rec, c
	d.redact = sync.OnceValue(func() *redact.Rules { return redact.New(redact.Options(cfg.rec.Redact)) })
	d.client = &http.Client{Transport: d}
	t.Cleanup(d.cleanup)
	trackRunning(d)
	return d
}

// Client returns an *http.Client whose Transport is d.
func (d *DVD) Client() *http.Client { return d.client }

// Recording reports whether requests that the cassette cannot replay are
// sent upstream and recorded in this run.
func (d *DVD) Recording() bool { return d.rec.Recording() }

// Replayed reports whether resp was served from the cassette rather than
// the network. It recognises the response by its Body, so ask before
// replacing resp.Body; an http.Client with a Timeout wraps the body, and its
// responses are not recognised.
func (d *DVD) Replayed(resp *http.Response) bool { return replayed.Is(resp) }

// Mode returns the mode this test runs in.
func (d *DVD) Mode() cassette.Mode { return d.mode }

// Path returns the cassette's file name, relative to the package directory.
func (d *DVD) Path() string { return d.path }

// RoundTrip replays, records or passes on req, as the mode says. A request
// that can be neither replayed nor recorded fails the test, even if the
// client swallows the error, and returns an error that wraps
// cassette.ErrNoMatch.
//
// Once the test has ended, the DVD is closed: a request sent then, by a
// goroutine that outlived the test, is neither sent nor replayed, and gets
// an error that wraps cassette.ErrClosed. The finished test is left alone.
func (d *DVD) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := d.rec.RoundTrip(req)
	if nm := noMatchReport(err); nm != nil {
		err = &reportError{msg: d.noMatchMessage(nm), err: err}
		if d.countMiss(nm) == 1 {
			d.errorf("%v", err)
		}
	} else if errors.Is(err, cassette.ErrClosed) {
		err = &reportError{msg: d.endedMessage(req), err: err}
	}
	return resp, err
}

// errorf marks the test failed, unless it has ended: a request from a
// goroutine that outlived the test must not call t.
func (d *DVD) errorf(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.ended {
		d.t.Errorf(format, args...)
	}
}

// logf logs what the recorder reports, such as a body it could not
// redact, until the test is gone: the bodies that cleanup closes are
// stored, and reported, while it runs.
func (d *DVD) logf(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.gone {
		d.t.Logf(format, args...)
	}
}

func (d *DVD) cleanup() {
	d.mu.Lock()
	d.ended = true
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.gone = true
		d.mu.Unlock()
	}()
	// Close first: it stores the response bodies still open, so that
	// Cassette below sees everything that was recorded.
	d.rec.Close()
	t := d.t
	d.logRepeatedMisses()
	failed := t.Failed() || panicking()
	if !failed && !t.Skipped() {
		interactions, values := d.rec.Unused()
		d.logReplay(interactions)
		d.logUnusedValues(values)
		failed = t.Failed() // FailOnUnused may have failed it
	}
	c := d.rec.Cassette()
	if c == nil {
		return
	}
	switch {
	case t.Skipped():
		t.Logf("dvdtest: %s not saved: the test was skipped, so %s", d.path, d.unchanged())
		return
	case failed:
		t.Logf("dvdtest: %s not saved: the test failed, so %s", d.path, d.unchanged())
		return
	}
	if why := d.unreachable(c); why != "" {
		t.Logf("%s", why)
		return
	}
	if d.hold(c) {
		t.Logf("dvdtest: recorded %s for %s (%s); dvdtest.Main writes it once every test has ended, if %s has not failed by then",
			plural(c.Len(), "interaction"), d.path, d.source, d.test)
		return
	}
	if err := d.save(c); err != nil {
		t.Errorf("dvdtest: saving %s: %v", d.path, err)
		return
	}
	t.Logf("dvdtest: recorded %s to %s (%s)", plural(c.Len(), "interaction"), d.path, d.source)
	if d.variant != "" {
		if err := os.Remove(d.variant); err == nil {
			t.Logf("dvdtest: removed %s, which %s replaces", filepath.Base(d.variant), d.path)
		}
	}
}

// otherVariant returns the cassette saved under another compression than
// the one asked for, when only that one exists.
func otherVariant(abs string, want codec.Compression) string {
	if _, err := os.Stat(abs); !errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	base := strings.TrimSuffix(abs, want.Ext())
	for _, c := range []codec.Compression{codec.None, codec.Zstd, codec.Gzip} {
		if c == want {
			continue
		}
		if _, err := os.Stat(base + c.Ext()); err == nil {
			return base + c.Ext()
		}
	}
	return ""
}

// logReplay reports the recorded interactions that were never replayed,
// the first few by position and request: in the log, or as a failure with
// FailOnUnused.
func (d *DVD) logReplay(unused []int) {
	if len(unused) == 0 {
		// One line under go test -v, so that a replay says it happened.
		if d.played != nil && d.played.Len() > 0 && !d.Recording() {
			d.t.Logf("dvdtest: replayed %s from %s (%s)", plural(d.played.Len(), "interaction"), d.path, d.source)
		}
		return
	}
	played := d.played.Interactions()
	var b strings.Builder
	fmt.Fprintf(&b, "dvdtest: %s: %s never replayed", d.path, plural(len(unused), "recorded interaction"))
	if d.cfg.failUnused {
		b.WriteString(" (FailOnUnused)")
	}
	b.WriteString(":")
	for i, pos := range unused {
		if i == listed {
			fmt.Fprintf(&b, "\n\t… and %d more", len(unused)-listed)
			break
		}
		in := played[pos-1]
		fmt.Fprintf(&b, "\n\t#%d %s %s", pos, in.Request.Method, d.redactURL(in.Request.URL))
	}
	b.WriteString("\nThe test did not send them in this run; if it no longer does, re-record it to drop them:\n\t" + d.runCommand())
	if d.cfg.failUnused {
		d.t.Errorf("%s", b.String())
	} else {
		d.t.Logf("%s", b.String())
	}
}

// plural returns "1 interaction" or "2 interactions".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// panicking reports whether the test goroutine is unwinding a panic. The
// testing package runs the cleanups of a panicking test before it marks the
// test failed, so t.Failed() alone would save the cassette of a test that
// panicked.
func panicking() bool {
	var pcs [64]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs[:])])
	for {
		f, more := frames.Next()
		if f.Function == "runtime.gopanic" {
			return true
		}
		if !more {
			return false
		}
	}
}
