package cassette

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// ErrNoValue is wrapped by the error of [Recorder.Value] when the test asks,
// on replay, for a value that the cassette does not hold.
var ErrNoValue = errors.New("cassette: the cassette holds no value of that name")

// A NoValueError reports a value that the test asks for on replay and the
// cassette does not hold: the test did not ask for it when the cassette
// was recorded. It wraps [ErrNoValue].
type NoValueError struct {
	Name string   // the name asked for
	Held []string // the names the cassette holds, sorted
}

func (e *NoValueError) Error() string {
	return "cassette: the cassette holds no value " + strconv.Quote(e.Name) + ": " + e.Explain()
}

// Explain says what the cassette holds instead, and what to do.
func (e *NoValueError) Explain() string {
	held := "it holds no values"
	if len(e.Held) > 0 {
		quoted := make([]string, len(e.Held))
		for i, n := range e.Held {
			quoted[i] = strconv.Quote(n)
		}
		held = "it holds only " + strings.Join(quoted, ", ")
	}
	return held + "; the test did not ask for it when the cassette was recorded: record it again"
}

// Unwrap returns [ErrNoValue].
func (e *NoValueError) Unwrap() error { return ErrNoValue }

// A timeline is a recorder's side of the clock: what replays, what is new,
// and what a save writes.
type timeline struct {
	// Fixed by NewRecorder.
	live       bool      // Now reads the real clock: there is no cassette to replay
	store      bool      // new readings, the seed and new values are kept
	recorded   Clock     // what replays: the cassette's clock, or nothing
	recordedAt time.Time // when the replayed cassette was recorded
	start      time.Time // when the recorder was made, with its monotonic reading

	upstream atomic.Bool // a request went upstream in this run

	mu      sync.Mutex
	next    int       // the next of recorded.Readings to give
	lastAt  time.Time // when the last recorded reading was given, or start (monotonic)
	added   []time.Time
	rnd     *rand.Rand
	seed    [32]byte          // the seed of rnd
	seedNew bool              // seed is new, and stored
	given   map[string]string // the values given in this run, by name, as given
	newVals map[string]string // the values recorded in this run, as stored
}

// newTimeline returns the timeline of a recorder that replays from (nil
// when nothing replays) and stores what is new when store is true.
func newTimeline(from *Cassette, store bool) *timeline {
	now := time.Now()
	tl := &timeline{live: from == nil, store: store, start: now, lastAt: now}
	if from != nil {
		tl.recorded, tl.recordedAt = from.Clock(), from.RecordedAt()
	}
	return tl
}

// now returns the next reading, as [Recorder.Now] describes.
func (tl *timeline) now() time.Time {
	if tl.live && !tl.store {
		return wallClock()
	}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if tl.live {
		t := wallClock()
		tl.added = append(tl.added, t)
		return t
	}
	if n := len(tl.recorded.Readings); tl.next < n {
		t := tl.recorded.Readings[tl.next]
		if tl.next++; tl.next == n {
			tl.lastAt = time.Now() // the clock runs on from here
		}
		return t
	}
	t := tl.base().Add(time.Since(tl.lastAt))
	if tl.store {
		tl.added = append(tl.added, t)
	}
	return t
}

// base returns the time the replayed clock runs on from, past its
// readings: the last one; in a cassette without readings, the time it was
// recorded; in one without either, the time the recorder was made.
func (tl *timeline) base() time.Time {
	if n := len(tl.recorded.Readings); n > 0 {
		return tl.recorded.Readings[n-1]
	}
	if !tl.recordedAt.IsZero() {
		return tl.recordedAt
	}
	return tl.start.UTC().Round(0)
}

// wallClock returns the real time as Now gives it: in UTC, without a
// monotonic reading, so that a reading equals its replay.
func wallClock() time.Time { return time.Now().UTC().Round(0) }

// Now returns the time, as the test should see it:
//
//   - while recording a new cassette (ModeRecord, or ModeOnce and
//     ModeAppend without one), the real time, stored in the order read;
//   - on replay (ModeOnce and ModeReplay over a cassette), the stored
//     readings, in the same order; past them, the last one plus the real
//     time elapsed since it was given (in a cassette without readings, the
//     time it was recorded plus the time since the recorder was made);
//   - in ModeAppend over a cassette, the same as replay, and the readings
//     past the stored ones are stored too;
//   - in ModePassthrough, the real time, stored nowhere.
//
// Its time is in UTC without a monotonic clock reading, in every mode, so
// that a replayed reading equals (==) the recorded one. Readings go to
// concurrent callers in the order they call.
func (r *Recorder) Now() time.Time { return r.clock.now() }

// Sleep pauses for d, or until ctx is done, when the test talks to real
// servers: while recording, and in ModePassthrough. On replay it returns at
// once, unless [Config.Latency] asks replay to wait as the recording did.
// In ModeAppend over a cassette, it returns at once until a request of the
// run goes upstream, and waits from then on: the replayed part of the test
// runs at full speed, the new part waits for the real server as it must.
//
// Sleep returns ctx.Err() when ctx is done, before or while it waits, and
// nil otherwise.
func (r *Recorder) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil || d <= 0 || !r.waits() {
		return err
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return ctx.Err() // both may be ready on a busy machine; the context wins
	case <-ctx.Done():
		return ctx.Err()
	}
}

// waits reports whether Sleep waits: as the mode and the run so far say.
func (r *Recorder) waits() bool {
	switch {
	case r.cfg.Latency, r.cfg.Mode == ModePassthrough:
		return true
	case !r.recording:
		return false
	}
	return r.index == nil || r.clock.upstream.Load()
}

// wentUpstream notes that a request of this run went upstream.
func (tl *timeline) wentUpstream() { tl.upstream.Store(true) }

// Rand returns the random generator of the test: a math/rand/v2 ChaCha8
// generator seeded from the cassette, so that the test draws the same
// numbers on replay as it drew while recording, as long as it draws them
// in the same order. Every call returns the same *rand.Rand. It is safe for
// concurrent use, but draws from several goroutines come in the order they
// happen to run, which can change from run to run: draw from one goroutine
// what must replay.
//
// While recording, the seed is new, and stored; in ModeAppend over a
// cassette without a seed, too. On replay it is the stored one, and a
// cassette without one, recorded before the test called Rand, replays
// with the zero seed, the same in every run. In ModePassthrough the seed
// is new and stored nowhere.
func (r *Recorder) Rand() *rand.Rand {
	tl := r.clock
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if tl.rnd != nil {
		return tl.rnd
	}
	tl.seed = tl.recorded.Seed
	if tl.seed == [32]byte{} && (tl.live || tl.store) {
		crand.Read(tl.seed[:]) // never fails: see crypto/rand.Read
		tl.seedNew = tl.store
	}
	tl.rnd = rand.New(&lockedSource{src: rand.NewChaCha8(tl.seed)})
	return tl.rnd
}

// Seeded reports whether [Recorder.Rand] draws from a seed of its own: new,
// or stored in the cassette. It is false on replay of a cassette that holds
// no seed, where Rand draws from the zero seed.
func (r *Recorder) Seeded() bool {
	tl := r.clock
	return tl.live || tl.store || tl.recorded.Seed != [32]byte{}
}

// A lockedSource makes a rand.Source safe for concurrent use. A rand.Rand
// keeps no state of its own beyond its source, so a Rand over it is safe
// too.
type lockedSource struct {
	mu  sync.Mutex
	src rand.Source
}

func (s *lockedSource) Uint64() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.src.Uint64()
}

// Value returns the value of the test named name. The first time a run asks
// for a name:
//
//   - while recording, gen runs, and its result is given and stored;
//   - on replay, the stored value is given and gen does not run; a name the
//     cassette does not hold is an error, a *[NoValueError];
//   - in ModeAppend over a cassette, the stored value if there is one, else
//     gen's, stored;
//   - in ModePassthrough, gen's, stored nowhere.
//
// Later calls with the same name give the same value, and gen does not run
// again. It is for what the test makes up and must make up the same on
// replay: generated resource names, idempotency keys, UUIDs, and values of
// the environment. A value missing on replay is a *[NoValueError].
//
// A value is stored as the recorder stores free text, such as an error
// message: the URLs in it lose their user information and secret query
// parameters, and the value of each placeholder of [Redaction] becomes its
// <NAME>; on replay the placeholders' values are put back. So to keep a
// secret out of the file, name it as a placeholder. Names are not redacted.
//
// A name must be UTF-8 text, not empty, and gen must not be nil.
func (r *Recorder) Value(name string, gen func() string) (string, error) {
	if name == "" || !utf8.ValidString(name) {
		return "", fmt.Errorf("cassette: Value(%q): a value's name must be UTF-8 text, not empty, as the file writes it", name)
	}
	if gen == nil {
		return "", fmt.Errorf("cassette: Value(%q, nil): give the func that makes the value while recording", name)
	}
	tl := r.clock
	tl.mu.Lock()
	if v, ok := tl.given[name]; ok {
		tl.mu.Unlock()
		return v, nil
	}
	if stored, ok := tl.recorded.Values[name]; ok {
		defer tl.mu.Unlock()
		return tl.give(name, r.redact.swap(stored, true)), nil
	}
	tl.mu.Unlock()
	if !tl.live && !tl.store {
		return "", tl.noValue(name)
	}
	v := gen() // unlocked: gen may take its time, or ask for another value
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if first, ok := tl.given[name]; ok {
		return first, nil // another goroutine asked first
	}
	if tl.store {
		if tl.newVals == nil {
			tl.newVals = map[string]string{}
		}
		tl.newVals[name] = r.redact.message(v)
	}
	return tl.give(name, v), nil
}

// give notes that name was given v in this run, and returns v.
func (tl *timeline) give(name, v string) string {
	if tl.given == nil {
		tl.given = map[string]string{}
	}
	tl.given[name] = v
	return v
}

func (tl *timeline) noValue(name string) error {
	return &NoValueError{Name: name, Held: slices.Sorted(maps.Keys(tl.recorded.Values))}
}

// UnusedValues returns the names of the stored values that this run has
// not asked for, sorted: a test that no longer asks for them should be
// recorded again to drop them. They keep working meanwhile, and a save in
// ModeAppend keeps them.
func (r *Recorder) UnusedValues() []string {
	tl := r.clock
	tl.mu.Lock()
	defer tl.mu.Unlock()
	var unused []string
	for name := range tl.recorded.Values {
		if _, ok := tl.given[name]; !ok {
			unused = append(unused, name)
		}
	}
	slices.Sort(unused)
	return unused
}

// changed reports whether the clock has something new to save.
func (tl *timeline) changed() bool {
	if !tl.store {
		return false
	}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return len(tl.added) > 0 || tl.seedNew || len(tl.newVals) > 0
}

// saved returns the clock a save writes: the replayed one, with what this
// run stored added.
func (tl *timeline) saved() Clock {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	k := tl.recorded.clone()
	if !tl.store {
		return k
	}
	k.Readings = append(k.Readings, tl.added...)
	if tl.seedNew {
		k.Seed = tl.seed
	}
	if len(tl.newVals) > 0 && k.Values == nil {
		k.Values = map[string]string{}
	}
	maps.Copy(k.Values, tl.newVals)
	return k
}
