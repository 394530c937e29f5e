package cassette

import (
	"time"

	"github.com/dvdrw/dvd/internal/timeline"
)

// A Clock is what a test took from time and chance while it was recorded,
// kept so that replay gives it the same: the clock readings in the order
// it took them, the seed of its random numbers, and its named values.
// [Recorder.Now], [Recorder.Rand] and [Recorder.Value] give them out; the
// cassette file holds them in a section of its own, "clock".
type Clock struct {
	// Readings are the times Now returned, in the order it returned them,
	// in UTC, to the nanosecond.
	Readings []time.Time
	// Seed seeds the ChaCha8 generator of Rand. It is zero when the test
	// never called Rand.
	Seed [32]byte
	// Values are the values of Value, by name, as the file stores them:
	// redacted, with placeholders in place of their values.
	Values map[string]string
}

// empty reports whether k holds nothing, so that the file leaves it out.
func (k *Clock) empty() bool {
	return len(k.Readings) == 0 && k.Seed == [32]byte{} && len(k.Values) == 0
}

// clone returns a copy of k that shares nothing with it.
func (k Clock) clone() Clock { return Clock(timeline.Clock(k).Clone()) }

// Clock returns a copy of the cassette's clock: its readings, seed and
// values.
func (c *Cassette) Clock() Clock {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clock.clone()
}

// SetClock replaces the cassette's clock with a copy of k.
func (c *Cassette) SetClock(k Clock) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock = k.clone()
}
