package dvdtest

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/match"
)

// An Option configures [Use].
type Option func(*config)

type config struct {
	rec     cassette.Config
	modeSet bool
	codec   codec.Codec
	errs    []error
}

func (c *config) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, args...))
}

// MatchOn sets the request features that identify a request, replacing the
// default match.Method, match.Scheme, match.Host, match.Path and match.Query.
// Requests that agree on every feature are the same request; the features
// are hashed into the cassette's index, so matching stays O(1).
func MatchOn(m ...match.Matcher) Option {
	return func(c *config) {
		if len(m) == 0 {
			c.fail("MatchOn needs at least one matcher; leave it out to use the default ones")
		}
		for i, f := range m {
			if f == nil {
				c.fail("MatchOn: matcher %d is nil", i)
			}
		}
		c.rec.Matchers = append(c.rec.Matchers, m...)
	}
}

// Extra adds comparisons that run after the matchers, on the recorded
// requests whose features equal the incoming request's. Use it for what
// cannot be reduced to a feature, such as "the body mentions this id".
func Extra(f ...match.Func) Option {
	return func(c *config) {
		for i, fn := range f {
			if fn == nil {
				c.fail("Extra: func %d is nil", i)
			}
		}
		c.rec.Extra = append(c.rec.Extra, f...)
	}
}

// Upstream sets the transport that reaches the real server while
// recording and in passthrough mode. The default is a clone of
// http.DefaultTransport, whose idle connections are closed when the test
// ends.
func Upstream(rt http.RoundTripper) Option {
	return func(c *config) {
		if rt == nil {
			c.fail("Upstream: the transport is nil")
		}
		c.rec.Upstream = rt
	}
}

// WithMode sets the mode of this cassette. It wins over the CI default;
// -update and DVD_MODE, which the person running the tests chooses, win over
// it. See the package documentation for the order.
func WithMode(m cassette.Mode) Option {
	return func(c *config) {
		if _, err := cassette.ParseMode(m.String()); err != nil {
			c.fail("WithMode: %v is not a mode", m)
		}
		c.rec.Mode, c.modeSet = m, true
	}
}

// AllowRepeats lets a recorded interaction be replayed any number of times.
// Identical requests still get the recorded interactions in recorded order;
// once all were used, the last one is replayed again.
func AllowRepeats() Option {
	return func(c *config) { c.rec.AllowRepeats = true }
}

// Compress stores the cassette compressed: codec.Zstd writes
// <name>.dvd.json.zst, codec.Gzip <name>.dvd.json.gz.
func Compress(cd codec.Codec) Option {
	return func(c *config) {
		if !cd.Valid() {
			c.fail("Compress: %v is not a codec: use codec.Zstd or codec.Gzip", cd)
		}
		c.codec = cd
	}
}

func (c *config) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return errors.Join(c.errs...)
}
