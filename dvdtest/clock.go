package dvdtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/dvdrw/dvd/internal/timeline"
)

// Sleep pauses for dur, or until ctx is done, while the test records or
// passes through to real servers: they need the time. On replay it returns
// at once, however long dur is, so that a test that polls or backs off
// while recording replays at full speed; with [ReplayLatency] it waits on
// replay too. In append mode over a cassette, it returns at once until a
// request of the run goes to the network, and waits from then on.
//
// Sleep returns ctx.Err() when ctx is done, before or while it waits, in
// every mode, and nil otherwise. Hand the DVD to the code under test
// wherever it sleeps and reads the clock: see "Time and chance" in the
// package documentation.
func (d *DVD) Sleep(ctx context.Context, dur time.Duration) error { return d.rec.Sleep(ctx, dur) }

// Now returns the time as the test sees it. While recording, it is the
// real time, and the cassette stores each reading in order. On replay it
// gives the same readings in the same order; past them, the last one plus
// the real time elapsed since it was given. In append mode the readings
// past the stored ones are stored too; in passthrough mode Now is the
// real time and nothing is stored.
//
// While recording, the time is in the local zone, as time.Now's; replay
// gives the same instant in the same offset and zone name, whatever the
// replaying machine's zone, so that a URL or a body built from it is the
// same.
func (d *DVD) Now() time.Time { return d.rec.Now() }

// Rand returns the test's random generator (math/rand/v2, ChaCha8), seeded
// from a seed stored in the cassette: the test draws the same numbers on
// replay as it drew while recording, if it draws them in the same order.
// Every call returns the same generator. It is safe for concurrent use,
// but draws from several goroutines come in the order they happen to run:
// draw what must replay from one goroutine.
//
// While recording the seed is new, and stored; in passthrough mode it is
// new and stored nowhere. A cassette recorded before the test called Rand
// holds no seed: replay draws from a fixed one, the same in every run, and
// the test log says to record again to store one.
func (d *DVD) Rand() *rand.Rand {
	r, seeded := d.rec.Rand()
	if !seeded {
		d.seedOnce.Do(func() {
			d.logf("dvdtest: %s holds no random seed: the test did not call Rand when it was recorded. "+
				"Rand replays from a fixed seed; to store one, record again:\n\t%s", d.path, d.runCommand())
		})
	}
	return r
}

// Value returns the test's value called name: while recording, gen runs
// and its result is stored in the cassette under name; on replay the
// stored value comes back, and gen does not run. Within a run, every call
// with a name gives the value of the first. Use it for what the test makes
// up and must make up alike on replay: generated resource names,
// idempotency keys, UUIDs, values of the environment.
//
//	bucket := d.Value("bucket", func() string { return "tf-acc-" + rand.Text()[:8] })
//
// A value is redacted as the rest of the cassette is: the value of a
// [Placeholder] in it becomes <NAME> in the file and is put back on
// replay, and URLs in it lose their credentials. Its name is not redacted.
// To keep a secret out of the file, name it as a Placeholder:
//
//	d := dvdtest.Use(t, "db", dvdtest.Placeholder("DB_PASSWORD", os.Getenv("DB_PASSWORD")))
//	dsn := d.Value("dsn", func() string { return "postgres://app:" + os.Getenv("DB_PASSWORD") + "@db/app" })
//
// In append mode a stored value replays and a new one is recorded; in
// passthrough mode gen runs and nothing is stored. A stored value the test
// no longer asks for keeps working; the test log names it, and
// [FailOnUnused] fails the test. A value the test asks for on replay that
// the cassette does not hold fails the test at once (t.Fatalf), with the
// command that records it again; so does an empty name, or a nil gen.
func (d *DVD) Value(name string, gen func() string) string {
	d.t.Helper()
	v, err := d.rec.Value(name, gen)
	var missing *timeline.NoValueError
	switch {
	case errors.As(err, &missing):
		d.fatalf("dvdtest: %s has no value %q (mode %v, %s): %s\n%s", d.path, name, d.mode, d.source, missing.Explain(), d.advice())
	case err != nil:
		d.fatalf("dvdtest: %v", err)
	}
	return v
}

// fatalf fails the test and stops it, unless it has ended: a call from a
// goroutine that outlived the test must not use t.
func (d *DVD) fatalf(format string, args ...any) {
	d.t.Helper()
	d.mu.Lock()
	ended := d.ended
	d.mu.Unlock()
	if !ended {
		d.t.Fatalf(format, args...)
	}
}

// logUnusedValues reports the stored values that the test did not ask for:
// in the log, or as a failure with FailOnUnused.
func (d *DVD) logUnusedValues(unused []string) {
	if len(unused) == 0 {
		return
	}
	quoted := make([]string, len(unused))
	for i, n := range unused {
		quoted[i] = strconv.Quote(n)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "dvdtest: %s: %s never asked for", d.path, plural(len(unused), "recorded value"))
	if d.cfg.failUnused {
		b.WriteString(" (FailOnUnused)")
	}
	b.WriteString(": " + strings.Join(quoted, ", "))
	b.WriteString("\nThe test did not ask for them in this run; if it no longer does, re-record it to drop them:\n\t" + d.runCommand())
	if d.cfg.failUnused {
		d.t.Errorf("%s", b.String())
	} else {
		d.t.Logf("%s", b.String())
	}
}
