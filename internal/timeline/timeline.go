// Package timeline gives a test the time, the random numbers and the named
// values it takes while it runs: the real ones while recording, stored,
// and the stored ones on replay, so that the test sees on replay what it
// saw while it was recorded.
package timeline

import (
	"context"
	crand "crypto/rand"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// A Clock is what a test took from time and chance while it was recorded:
// the readings of the clock in the order it took them, the seed of its
// random numbers, and its named values, as stored.
type Clock struct {
	Readings []time.Time
	Seed     [32]byte
	Values   map[string]string
}

// Clone returns a copy of k that shares nothing with it.
func (k Clock) Clone() Clock {
	k.Readings = slices.Clone(k.Readings)
	k.Values = maps.Clone(k.Values)
	return k
}

// A Redactor turns a value between the form the test is given and the
// form stored.
type Redactor interface {
	// Restore returns the value to give for a stored one.
	Restore(stored string) string
	// Redact returns the value to store for one that the test is given.
	Redact(given string) string
}

// Config says how a [Timeline] replays and what it stores.
type Config struct {
	// RecordedAt is when the replayed clock was recorded, or zero.
	RecordedAt time.Time
	// Store says to keep new readings, a new seed and new values, for
	// [Timeline.Saved].
	Store bool
	// Latency says that Sleep waits on replay too.
	Latency bool
	// Redactor redacts the values stored, and restores those replayed.
	Redactor Redactor
}

// A Timeline is one run's side of the clock: what replays, what is new,
// and what a save writes. It is safe for concurrent use.
type Timeline struct {
	// Fixed by New.
	live       bool      // Now reads the real clock: there is nothing to replay
	store      bool      // new readings, the seed and new values are kept
	latency    bool      // Sleep waits on replay
	redactor   Redactor  // redacts the values stored, restores those replayed
	recorded   Clock     // what replays, or nothing
	recordedAt time.Time // when the replayed clock was recorded
	start      time.Time // when the timeline was made, with its monotonic reading

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

// New returns the timeline of one run that replays replay, as cfg says.
// replay is nil when nothing replays: Now reads the real clock. The
// timeline keeps replay's slices and map, and never modifies them.
func New(replay *Clock, cfg Config) *Timeline {
	now := time.Now()
	tl := &Timeline{live: replay == nil, store: cfg.Store, latency: cfg.Latency, redactor: cfg.Redactor, start: now, lastAt: now}
	if replay != nil {
		tl.recorded, tl.recordedAt = *replay, cfg.RecordedAt
	}
	return tl
}

// Now returns the next reading: the real time when nothing replays; else
// the replayed readings, in order, and past them the last one plus the
// real time elapsed since it was given (with no readings, the time the
// clock was recorded, or else the time the timeline was made, plus the
// time since the timeline was made). The readings it stores are those of
// a stored timeline past what it replays.
//
// While it records, its time is in the local zone, as time.Now's; a
// replayed reading is the recorded instant in the recorded offset and
// zone name. Readings carry no monotonic clock reading.
func (tl *Timeline) Now() time.Time {
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
// readings: the last one; in a clock without readings, the time it was
// recorded; without either, the time the timeline was made.
func (tl *Timeline) base() time.Time {
	if n := len(tl.recorded.Readings); n > 0 {
		return tl.recorded.Readings[n-1]
	}
	if !tl.recordedAt.IsZero() {
		return tl.recordedAt
	}
	return tl.start.UTC().Round(0)
}

// wallClock returns the real time as Now gives it: in the local zone, as
// time.Now gives it, without a monotonic reading, and in the Location
// that Zone gives for its zone, so that a reading equals (==) its replay
// in the same process.
func wallClock() time.Time { return InZone(time.Now().Round(0)) }

// InZone returns t in the Location Zone gives for its zone name and
// offset: UTC for UTC.
func InZone(t time.Time) time.Time {
	name, offset := t.Zone()
	return t.In(Zone(name, offset))
}

// zones are the Locations Zone made, by name and offset.
var zones sync.Map

type zoneKey struct {
	name   string
	offset int
}

// Zone returns the Location of a fixed zone of that name and offset (in
// seconds east of UTC), time.UTC for UTC, and the same Location for the
// same name and offset every time, so that times read from a cassette and
// times read from the clock compare equal (==).
func Zone(name string, offset int) *time.Location {
	if offset == 0 && (name == "UTC" || name == "") {
		return time.UTC
	}
	k := zoneKey{name, offset}
	if loc, ok := zones.Load(k); ok {
		return loc.(*time.Location)
	}
	loc, _ := zones.LoadOrStore(k, time.FixedZone(name, offset))
	return loc.(*time.Location)
}

// Sleep pauses for d, or until ctx is done, when the run talks to real
// servers: when nothing replays; when it replays and stores, once a
// request of the run went upstream; and on replay with Latency. Otherwise
// it returns at once. It returns ctx.Err() when ctx is done, before or
// while it waits, and nil otherwise.
func (tl *Timeline) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil || d <= 0 || !tl.waits() {
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

// waits reports whether Sleep waits.
func (tl *Timeline) waits() bool {
	return tl.latency || tl.live || tl.store && tl.upstream.Load()
}

// WentUpstream notes that a request of this run went upstream: Sleep waits
// from now on in a timeline that replays and stores.
func (tl *Timeline) WentUpstream() { tl.upstream.Store(true) }

// Rand returns the random generator of the run: a ChaCha8 generator,
// seeded from the replayed clock, or from a new seed when that holds none
// and nothing replays or the timeline stores; else from the zero seed.
// A new seed is stored when the timeline stores. Every call returns the
// same *rand.Rand, which is safe for concurrent use.
func (tl *Timeline) Rand() *rand.Rand {
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

// Seeded reports whether Rand draws from a seed of its own: a new one, or
// the replayed clock's. Replay of a clock without a seed, recorded before
// the test called Rand, draws from the zero seed, the same in every run.
func (tl *Timeline) Seeded() bool {
	return tl.live || tl.store || tl.recorded.Seed != [32]byte{}
}

// Changed reports whether the timeline has something new to save.
func (tl *Timeline) Changed() bool {
	if !tl.store {
		return false
	}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return len(tl.added) > 0 || tl.seedNew || len(tl.newVals) > 0
}

// Saved returns the clock a save writes: the replayed one, with what this
// run stored added. It shares nothing with the timeline.
func (tl *Timeline) Saved() Clock {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	k := tl.recorded.Clone()
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
