package dvdtest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/match"
)

// An Option configures [Use]. Options are made by the functions of this
// package and grouped by [Options]; no other type is an Option.
//
// The order of options never changes what they do, except that
// [BeforeSave] funcs run in the order given. Given more than once, an
// option does what its documentation says:
//
//   - options that add accumulate: [Extra], [RedactHeaders],
//     [RedactQuery], [RedactJSON], [Placeholder], [BeforeSave],
//     [RecordIf], [Passthrough] and [PassthroughHosts], though one
//     Placeholder name given two different values fails Use;
//   - options that set one value, [WithMode], [Compress] and [MaxAge],
//     may be repeated with the same value, and fail Use with different
//     ones: a conflict is reported, not settled by position;
//   - [MatchOn] and [Upstream] fail Use when given twice: they set one
//     value, and matchers and transports cannot be compared;
//   - switches, [AllowRepeats], [FailOnUnused], [RecordFailures] and
//     [ReplayLatency], may be repeated.
//
// Use checks every option before it touches the cassette, and fails the
// test with all that is wrong, one finding per line.
type Option interface {
	apply(*config)
}

// Options is a set of options that is itself an [Option], for options that
// many tests share:
//
//	var githubAPI = dvdtest.Options{
//		dvdtest.RedactHeaders("X-GitHub-Request-Id"),
//		dvdtest.Placeholder("OWNER", os.Getenv("GITHUB_OWNER")),
//	}
//
//	d := dvdtest.Use(t, "github/list_repos", githubAPI, dvdtest.AllowRepeats())
//
// Its options apply as if they were given in its place, so they compose
// with the others as [Option] says. A nil Options is no option.
type Options []Option

func (o Options) apply(c *config) { c.applyAll("Options", o) }

var _ Option = Options(nil)

// optionFunc is the Option of each option function.
type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	rec         cassette.Config
	modeSet     bool
	matchOnSet  bool
	upstreamSet bool
	codecSet    bool
	codec       codec.Compression
	failUnused  bool
	recordFails bool
	maxAge      time.Duration
	store       cassette.Store // WithStore's; nil for DVD_STORE or testdata/
	errs        []error
}

// configure applies the options of Use.
func configure(opts []Option) config {
	var c config
	c.applyAll("Use's opts", opts)
	return c
}

// applyAll applies opts in order; what names them in errors.
func (c *config) applyAll(what string, opts []Option) {
	for i, o := range opts {
		if o == nil {
			c.fail("%s[%d] is nil: remove it, or make it with an option function of dvdtest, such as dvdtest.AllowRepeats()", what, i)
			continue
		}
		o.apply(c)
	}
}

func (c *config) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("dvdtest: "+format, args...))
}

// once reports whether an option that is given at most once, and not
// empty, may be set, and marks it given: it fails with missing where empty,
// and with twice where given says it was given before.
func (c *config) once(given *bool, empty bool, missing, twice string) bool {
	switch {
	case empty:
		c.fail("%s", missing)
	case *given:
		c.fail("%s", twice)
	default:
		*given = true
		return true
	}
	return false
}

// err returns what is wrong with the options: the findings of dvdtest's
// own options, then those of cassette.Config.Validate, which checks the
// rest, as cassette.NewRecorder does.
func (c *config) err() error {
	return errors.Join(append(c.errs, c.rec.Validate())...)
}

// MatchOn sets the request features that identify a request, replacing the
// default match.Method, match.Scheme, match.Host, match.Path and match.Query.
// Requests that agree on every feature are the same request; the features
// are hashed into the cassette's index, so matching stays O(1).
//
// For requests that carry values that change on every run, match.Form
// compares form and multipart bodies whatever their boundary and field
// order, and match.QueryIgnoring and match.JSONBodyIgnoring leave named
// query parameters and JSON fields out:
//
//	dvdtest.MatchOn(match.Method, match.Path, match.JSONBodyIgnoring("sent_at", "items.*.request_id"))
//
// A request that misses, and differs from the closest recording only in
// query parameters or JSON fields, is reported with the MatchOn option
// that would have matched it.
//
// MatchOn given twice fails Use, rather than add to or replace the first:
// give it once, with every feature. Keep it out of [Options] that tests
// share if they need different features.
func MatchOn(m ...match.Matcher) Option {
	return optionFunc(func(c *config) {
		if c.once(&c.matchOnSet, len(m) == 0,
			"MatchOn() needs at least one matcher: name the features, such as MatchOn(match.Method, match.Path), or leave MatchOn out to use the default ones",
			"MatchOn is given twice: give it once, with every feature that identifies a request; keep it out of Options that tests share if they need different features") {
			c.rec.Matchers = m
		}
	})
}

// Extra adds comparisons that run after the matchers, on the recorded
// requests whose features equal the incoming request's. Use it for what
// cannot be reduced to a feature, such as "the body mentions this id".
// Given more than once, the funcs accumulate: a recorded request replays
// only if every func returns true.
func Extra(f ...match.Func) Option {
	return optionFunc(func(c *config) { c.rec.Extra = append(c.rec.Extra, f...) })
}

// Upstream sets the transport that reaches the real server while
// recording and in passthrough mode. The default is a transport of dvd's
// own with net/http's default settings, built without reading
// http.DefaultTransport (so a test that replaced it still records the real
// server), whose idle connections are closed when the test ends. Upstream
// given twice fails Use: give one transport.
func Upstream(rt http.RoundTripper) Option {
	return optionFunc(func(c *config) {
		if c.once(&c.upstreamSet, rt == nil,
			"Upstream(nil): give the transport that reaches the server, or leave Upstream out to use dvd's default transport",
			"Upstream is given twice: give one transport; keep it out of Options that tests share if they need different ones") {
			c.rec.Upstream = rt
		}
	})
}

// WithMode sets the mode of this cassette. It wins over the CI default;
// -update and DVD_MODE, which the person running the tests chooses, win over
// it. See the package documentation for the order. WithMode may be given
// more than once with the same mode; two different modes fail Use.
func WithMode(m cassette.Mode) Option {
	return optionFunc(func(c *config) {
		if c.modeSet && c.rec.Mode != m {
			c.fail("WithMode(%v) and WithMode(%v) disagree: give one mode; keep WithMode out of Options that tests share if they need different modes", c.rec.Mode, m)
			return
		}
		c.rec.Mode, c.modeSet = m, true
	})
}

// AllowRepeats lets a recorded interaction be replayed any number of times.
// Identical requests still get the recorded interactions in recorded order;
// once all were used, the last one is replayed again. Giving it more than
// once changes nothing.
func AllowRepeats() Option {
	return optionFunc(func(c *config) { c.rec.AllowRepeats = true })
}

// ExactPorts matches the port of a loopback server as it was recorded,
// which replay otherwise follows when it changed (an httptest server gets
// a new port on every run): see cassette.Config.ExactPorts.
func ExactPorts() Option {
	return optionFunc(func(c *config) { c.rec.ExactPorts = true })
}

// Compress stores the cassette compressed: codec.Zstd writes
// <name>.dvd.json.zst, codec.Gzip <name>.dvd.json.gz. Compress may be given
// more than once with the same compression; two different ones fail Use.
func Compress(cd codec.Compression) Option {
	return optionFunc(func(c *config) {
		if cd != codec.None && cd != codec.Zstd && cd != codec.Gzip {
			c.fail("Compress(%v): not a compression: use codec.Zstd or codec.Gzip, or leave Compress out to store plain JSON", cd)
			return
		}
		if c.codecSet && c.codec != cd {
			c.fail("Compress(%v) and Compress(%v) disagree: give one compression", c.codec, cd)
			return
		}
		c.codec, c.codecSet = cd, true
	})
}

// RedactHeaders redacts more request and response headers, beyond the
// defaults (Authorization, Cookie, Set-Cookie, names holding token, secret,
// password or api-key, names ending in Key, and the like; see
// cassette.Redaction). A redacted value never reaches the cassette, an error
// message or a log line, and replay still matches it. Given more than once,
// the names accumulate.
func RedactHeaders(names ...string) Option {
	return optionFunc(func(c *config) { c.rec.Redact.Headers = append(c.rec.Redact.Headers, names...) })
}

// RedactQuery redacts more query parameters, and the form fields of the
// same names, beyond the defaults (access_token, api_key, key, token, code,
// signature, X-Amz-Signature and the like; see cassette.Redaction).
// The incoming request is redacted the same way before it is matched, so a
// redacted parameter still matches on replay. Given more than once, the
// names accumulate.
func RedactQuery(names ...string) Option {
	return optionFunc(func(c *config) { c.rec.Redact.Query = append(c.rec.Redact.Query, names...) })
}

// RedactJSON redacts fields of JSON request and response bodies, named by
// dotted paths from the top: "password", "user.token", "items.*.secret",
// where * is any array element or object member. The value becomes
// "REDACTED"; the rest of the body is kept byte for byte. Given more than
// once, the paths accumulate.
func RedactJSON(paths ...string) Option {
	return optionFunc(func(c *config) { c.rec.Redact.JSONFields = append(c.rec.Redact.JSONFields, paths...) })
}

// KeepFields keeps the values of fields, headers and parameters of these
// names that the defaults would redact because of their names: a field
// called password that holds a rule expression, a session that is a
// public id. A name is compared in every place, in any case and with any
// of the separators _ - . [ ] (KeepFields("user_password") keeps
// userPassword and user[password]), whole: KeepFields("password") does not
// keep new_password. It overrides RedactHeaders and RedactQuery too, not
// RedactJSON's paths nor placeholders. Given more than once, the names
// accumulate.
func KeepFields(names ...string) Option {
	return optionFunc(func(c *config) { c.rec.Redact.Keep = append(c.rec.Redact.Keep, names...) })
}

// Placeholder keeps a secret out of the cassette and still gives it to the
// client: wherever value appears in a recorded request or response (the
// TLS server name too), also escaped in a URL, a JSON string or HTML as
// encoders write it, the cassette holds <NAME> (in the same escaped form),
// and replay puts value back, byte for byte, into the responses the client
// reads. Requests are matched with the value replaced the same way.
//
//	d := dvdtest.Use(t, "billing", dvdtest.Placeholder("ACCOUNT_ID", os.Getenv("ACCOUNT_ID")))
//
// An empty value is ignored, so a test can pass one that is set only while
// recording. Placeholders with different names accumulate; a name given
// twice with two different values fails Use.
func Placeholder(name, value string) Option {
	return optionFunc(func(c *config) {
		if c.rec.Redact.Placeholders == nil {
			c.rec.Redact.Placeholders = map[string]string{}
		}
		old, given := c.rec.Redact.Placeholders[name]
		switch {
		case !given || old == "":
			c.rec.Redact.Placeholders[name] = value
		case value != "" && value != old:
			// The values are secrets: the message must not show them.
			c.fail("Placeholder(%q) is given twice with different values: give each name one value", name)
		}
	})
}

// BeforeSave runs f on each recorded interaction before it is redacted and
// stored, to edit it: drop a volatile header, shorten a body, rename a host.
// Given more than once, the funcs run in the order given, each on what the
// one before it left. f sees bodies decoded, as they are stored (see
// cassette.Response.Encoded).
func BeforeSave(f func(*cassette.Interaction)) Option {
	return optionFunc(func(c *config) { c.rec.BeforeSave = append(c.rec.BeforeSave, f) })
}

// RecordIf keeps only the interactions for which keep returns true; the
// others reach the client but are not stored, so a later replay-only run
// has no answer for them. Given more than once, an interaction is kept only
// if every keep func returns true, so each RecordIf can only narrow what is
// stored. keep sees the interaction before BeforeSave and redaction, with
// its bodies decoded. For example, only GET requests, or no 5xx:
//
//	dvdtest.RecordIf(func(in *cassette.Interaction) bool {
//		return in.Response != nil && in.Response.StatusCode < 500
//	})
func RecordIf(keep func(*cassette.Interaction) bool) Option {
	return optionFunc(func(c *config) { c.rec.RecordIf = append(c.rec.RecordIf, keep) })
}

// Passthrough sends the requests for which pass returns true to the
// network in every mode, replay included, and never records them. Given
// more than once, or with [PassthroughHosts], a request passes if any of
// them picks it.
func Passthrough(pass func(*http.Request) bool) Option {
	return optionFunc(func(c *config) { c.rec.Passthrough = append(c.rec.Passthrough, pass) })
}

// PassthroughHosts passes through the requests to the given hosts (names
// or IP addresses, without port, compared without regard to case), such as
// "localhost" or "127.0.0.1" for a local service the test starts itself.
// Given more than once, or with [Passthrough], a request passes if any of
// them picks it.
func PassthroughHosts(hosts ...string) Option {
	set := map[string]bool{}
	for _, h := range hosts {
		set[strings.ToLower(strings.Trim(h, "[]"))] = true
	}
	pass := func(r *http.Request) bool { return set[strings.ToLower(r.URL.Hostname())] }
	return optionFunc(func(c *config) {
		for _, h := range hosts {
			if why := notAHost(h); why != "" {
				c.fail("PassthroughHosts(%q): %s", h, why)
			}
		}
		c.rec.Passthrough = append(c.rec.Passthrough, pass)
	})
}

// notAHost says why h cannot be a host name or IP address as
// PassthroughHosts compares them, or returns "".
func notAHost(h string) string {
	if h == "" {
		return "the host is empty: give a name or an IP address, such as \"localhost\""
	}
	if strings.Contains(h, "/") {
		return "give the host alone, not a URL: \"api.example.com\" for https://api.example.com/v1"
	}
	if host, _, err := net.SplitHostPort(h); err == nil {
		return fmt.Sprintf("ports are not compared: give the host alone, %q", host)
	}
	return ""
}

// FailOnUnused fails the test when recorded interactions were never
// replayed, or recorded values (see [DVD.Value]) never asked for. With it
// or without, the test log names them: the first five interactions by
// position and request, and the values by name. Giving it more than once
// changes nothing.
func FailOnUnused() Option {
	return optionFunc(func(c *config) { c.failUnused = true })
}

// RecordFailures saves a recording in which requests could not connect to
// their server: the connection was refused, the name did not resolve, the
// host or network was unreachable, the dial timed out, or the TLS handshake
// or the certificate failed. Without it such a recording is not saved, for
// the server looks unreachable, and a test that swallows transport errors
// would replace its cassette of real responses with connection errors; the
// test log says so and keeps the file. Give it to a test that records such
// failures on purpose, such as one of how the code handles a server that is
// down. Giving it more than once changes nothing.
func RecordFailures() Option {
	return optionFunc(func(c *config) { c.recordFails = true })
}

// StoreBombs stores a body that decodes past 1 GiB, or past 1,000 times
// its encoded size (a decompression bomb), as it came: encoded, and not
// scanned for secrets, with a line in the test log. Without it such a
// recording is not saved: decoding stops at the bound, and the test fails
// with t.Error naming each such request, by method and redacted URL. Give
// it to a test of a bomb, or of a body that compresses that well, whose
// cassette holds no secret. It sets cassette.Config.StoreBombs. Giving it
// more than once changes nothing.
func StoreBombs() Option {
	return optionFunc(func(c *config) { c.rec.StoreBombs = true })
}

// MaxAge re-records a cassette older than age, where the mode allows
// recording (once or append); where it does not, as in CI, the test logs
// that the cassette is stale. MaxAge may be given more than once with the
// same age; two different ages fail Use.
func MaxAge(age time.Duration) Option {
	return optionFunc(func(c *config) {
		if age <= 0 {
			c.fail("MaxAge(%v): not a positive duration: give how old a cassette may get, such as 30*24*time.Hour", age)
			return
		}
		if c.maxAge != 0 && c.maxAge != age {
			c.fail("MaxAge(%v) and MaxAge(%v) disagree: give one age", c.maxAge, age)
			return
		}
		c.maxAge = age
	})
}

// ReplayLatency makes replay wait as long as each interaction took when it
// was recorded, or until the request's context is done, and makes
// [DVD.Sleep] wait on replay as it did while recording. Replay does not
// wait without it. Giving it more than once changes nothing.
func ReplayLatency() Option {
	return optionFunc(func(c *config) { c.rec.Latency = true })
}
