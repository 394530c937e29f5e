package cassette

import (
	"net/http"
	"time"

	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/internal/timeline"
	"github.com/dvdrw/dvd/match"
)

// Index exposes the replay index to the benchmarks of package cassette_test,
// which use internal/corpus, a package that imports cassette.
type Index struct{ ix *replayIndex }

func NewIndex(ins []Interaction, matchers []match.Matcher, repeats bool) (Index, error) {
	ix, err := newIndex(ins, matchers, nil, repeats, false, redact.New(redact.Options(Redaction{})))
	return Index{ix}, err
}

func (x Index) Lookup(req *http.Request) bool { return x.ix.Lookup(req, nil) != nil }

// LookupBody looks up a request with a body.
func (x Index) LookupBody(req *http.Request, body []byte) bool { return x.ix.Lookup(req, body) != nil }

// SetRawRecordedAt sets when c was recorded as a file read from disk
// says, without the rounding of Cassette.SetRecordedAt.
func SetRawRecordedAt(c *Cassette, t time.Time) { c.recordedAt = t }

// Clock is what a test took from time and chance, as a cassette holds it.
type Clock = timeline.Clock

// Clock returns a copy of c's clock, which package cassette_test sees no
// other way than through a file.
func (c *Cassette) Clock() Clock {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clock.Clone()
}

// SetClock replaces c's clock with a copy of k.
func (c *Cassette) SetClock(k Clock) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock = k.Clone()
}

// Version is the newest format version, for the tests of the file.
const Version = version

// DefaultMatchers are the matchers of a Config that gives none.
var DefaultMatchers = defaultMatchers

// PlainMarkers returns b as a string with its numbered markers made plain
// REDACTED, for tests that check where redaction put a marker, not which.
func PlainMarkers(b []byte) string { return redact.Unnumbered(string(b)) }
