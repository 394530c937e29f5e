package cassette

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
	"unicode/utf8"

	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/internal/timeline"
)

// ErrNoValue is wrapped by the error of [Recorder.Value] when the test asks,
// on replay, for a value that the cassette does not hold.
var ErrNoValue = timeline.ErrNoValue

// newTimeline returns the timeline of r, which replays from (nil when
// nothing replays).
func (r *Recorder) newTimeline(from *Cassette) *timeline.Timeline {
	cfg := timeline.Config{Store: r.recording, Latency: r.cfg.Latency, Redactor: valueRedactor{r.redact}}
	if from == nil {
		return timeline.New(nil, cfg)
	}
	from.mu.Lock()
	k := from.clock.Clone()
	from.mu.Unlock()
	cfg.RecordedAt = from.RecordedAt()
	return timeline.New(&k, cfg)
}

// A valueRedactor redacts a value as the recorder stores free text, and
// puts the placeholders' values back in a stored one.
type valueRedactor struct{ rd *redact.Rules }

func (v valueRedactor) Redact(given string) string   { return v.rd.Message(given) }
func (v valueRedactor) Restore(stored string) string { return v.rd.Restore(stored) }

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
// While recording, it reads like time.Now, in the local zone; the cassette
// keeps each reading's offset and zone abbreviation, and replay gives the
// same instant in the same offset and zone name, whatever the replaying
// machine's zone, so that a URL or a body built from it is the same
// (time.Time.Equal holds; the Location is a fixed zone of that name and
// offset). Readings carry no monotonic clock reading, and go to
// concurrent callers in the order they call.
func (r *Recorder) Now() time.Time { return r.clock.Now() }

// Sleep pauses for d, or until ctx is done, when the test talks to real
// servers: while recording, and in ModePassthrough. On replay it returns at
// once, unless [Config.Latency] asks replay to wait as the recording did.
// In ModeAppend over a cassette, it returns at once until a request of the
// run goes upstream, and waits from then on: the replayed part of the test
// runs at full speed, the new part waits for the real server as it must.
//
// Sleep returns ctx.Err() when ctx is done, before or while it waits, and
// nil otherwise.
func (r *Recorder) Sleep(ctx context.Context, d time.Duration) error { return r.clock.Sleep(ctx, d) }

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
// with the zero seed, the same in every run: then seeded is false, and the
// test should be recorded again to store a seed. In ModePassthrough the
// seed is new and stored nowhere.
func (r *Recorder) Rand() (g *rand.Rand, seeded bool) { return r.clock.Rand(), r.clock.Seeded() }

// Value returns the value of the test named name. The first time a run asks
// for a name:
//
//   - while recording, gen runs, and its result is given and stored;
//   - on replay, the stored value is given and gen does not run; a name the
//     cassette does not hold is an error that wraps [ErrNoValue], and
//     says which names it holds;
//   - in ModeAppend over a cassette, the stored value if there is one, else
//     gen's, stored;
//   - in ModePassthrough, gen's, stored nowhere.
//
// Later calls with the same name give the same value, and gen does not run
// again. It is for what the test makes up and must make up the same on
// replay: generated resource names, idempotency keys, UUIDs, and values of
// the environment.
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
	return r.clock.Value(name, gen)
}
