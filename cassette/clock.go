package cassette

import (
	"slices"

	"github.com/dvdrw/dvd/internal/timeline"
)

// emptyClock reports whether k holds nothing, so that the file leaves it
// out.
func emptyClock(k *timeline.Clock) bool {
	return len(k.Readings) == 0 && k.Seed == [32]byte{} && len(k.Values) == 0
}

// With returns a cassette of the interactions in, in order, with c's
// recording time and the clock of c's test: what the test took from time
// and chance, its clock readings, random seed and named values. A tool
// that rewrites a loaded cassette (redacts it, drops interactions) makes
// the new one with With, so that the file keeps them.
func (c *Cassette) With(in ...Interaction) *Cassette {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &Cassette{interactions: slices.Clone(in), recordedAt: c.recordedAt, clock: c.clock.Clone()}
}
