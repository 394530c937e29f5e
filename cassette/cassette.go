// Package cassette holds recorded HTTP interactions in memory, indexes them
// for replay, and provides the [Recorder], an http.RoundTripper that replays
// from a cassette and records what it cannot replay.
package cassette

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/dvdrw/dvd/codec"
)

// The recorded data, as the codec package defines it.
type (
	// An Interaction is one recorded request and its response or error.
	Interaction = codec.Interaction
	// A Request is a recorded request.
	Request = codec.Request
	// A Response is a recorded response.
	Response = codec.Response
)

// A Cassette is an ordered list of recorded interactions. It is safe for
// concurrent use.
type Cassette struct {
	mu           sync.Mutex
	interactions []Interaction
	recordedAt   time.Time
}

// New returns an empty cassette, as if nothing had been recorded yet.
func New() *Cassette { return &Cassette{} }

// FromFile returns a cassette holding the interactions of a parsed file.
func FromFile(f *codec.File) *Cassette {
	return &Cassette{interactions: f.Interactions, recordedAt: f.RecordedAt}
}

// Load reads the cassette file at path, compressed or not. A missing file
// gives an error for which errors.Is(err, fs.ErrNotExist) is true; a corrupt,
// truncated or newer-format file gives an error that names it and says what
// is wrong.
func Load(path string) (*Cassette, error) {
	f, err := codec.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return FromFile(f), nil
}

// Save writes the cassette to path atomically, compressed as the name asks
// (see [codec.WriteFile]).
func (c *Cassette) Save(path string) error {
	return codec.WriteFile(path, c.File())
}

// Len returns the number of interactions.
func (c *Cassette) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.interactions)
}

// Interactions returns the interactions in recorded order. The slice is a
// copy; the interactions share their bodies and headers with the cassette
// and must not be modified.
func (c *Cassette) Interactions() []Interaction {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.interactions)
}

// RecordedAt returns when the cassette was recorded, or the zero time for a
// new one.
func (c *Cassette) RecordedAt() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.recordedAt
}

// Add appends interactions to the cassette.
func (c *Cassette) Add(in ...Interaction) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.interactions = append(c.interactions, in...)
}

// File returns the cassette as a file to write. A cassette with no recording
// time gets the current time.
func (c *Cassette) File() *codec.File {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.recordedAt.IsZero() {
		c.recordedAt = time.Now().UTC().Truncate(time.Second)
	}
	return &codec.File{Version: codec.Version, RecordedAt: c.recordedAt, Interactions: slices.Clone(c.interactions)}
}

// ErrNoMatch is wrapped by every error that reports a request the cassette
// cannot replay, so that errors.Is(err, ErrNoMatch) tells such errors apart.
var ErrNoMatch = errors.New("cassette: no recorded interaction matches the request")

// A Mode says what a [Recorder] does with a request: replay it, record it, or
// pass it through.
type Mode int

// The modes. The zero Mode is ModeOnce.
const (
	// ModeOnce records when there is no cassette yet, and replays only
	// when there is one: an unmatched request is an error.
	ModeOnce Mode = iota
	// ModeReplay replays only. A missing cassette is an error.
	ModeReplay
	// ModeAppend replays what the cassette has and records the rest.
	ModeAppend
	// ModeRecord ignores the cassette and records everything anew.
	ModeRecord
	// ModePassthrough sends everything upstream and records nothing.
	ModePassthrough
)

var modeNames = [...]string{"once", "replay", "append", "record", "passthrough"}

// String returns the mode's name as [ParseMode] reads it: "once", "replay",
// "append", "record" or "passthrough".
func (m Mode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode returns the mode of the given name, as [Mode.String] writes it.
func ParseMode(s string) (Mode, error) {
	for i, n := range modeNames {
		if s == n {
			return Mode(i), nil
		}
	}
	return 0, fmt.Errorf("cassette: unknown mode %q: use once, replay, append, record or passthrough", s)
}
