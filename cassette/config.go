package cassette

import (
	"errors"
	"fmt"
	"log"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/dvdrw/dvd/match"
)

// Config configures a [Recorder]. The zero Config is valid: ModeOnce, the
// default matchers, the default redaction, a clone of
// http.DefaultTransport. [NewRecorder] rejects a Config that
// [Config.Validate] rejects.
type Config struct {
	// Mode says what to replay and what to record.
	Mode Mode
	// Matchers are the features that identify a request; nil means
	// match.Method, match.Scheme, match.Host, match.Path and match.Query.
	Matchers []match.Matcher
	// Extra funcs run on the candidates the matchers found: a candidate
	// replays only if every one returns true.
	Extra []match.Func
	// Upstream is the transport that reaches the network while recording
	// and in ModePassthrough. Nil means a transport of the recorder's own,
	// with the settings of net/http's default transport (proxy from the
	// environment, dial and TLS handshake timeouts, HTTP/2, idle connection
	// limits), built anew: http.DefaultTransport is never read, so a test
	// that replaced it (httpmock and the like do) still records the real
	// server. [Recorder.Close] closes its idle connections.
	Upstream http.RoundTripper
	// AllowRepeats lets a recorded interaction replay any number of times:
	// identical requests get the recorded interactions in order, then the
	// last one again and again.
	AllowRepeats bool
	// ExactPorts matches the port of a loopback server (127.0.0.1, ::1,
	// localhost) as it was recorded. By default, when the matchers read
	// the host (match.Host) and a loopback request's port is one the
	// cassette does not know, as when an httptest server got a new port,
	// replay follows it: the request matches what was recorded for the
	// loopback server it matches, and goes on with that one, so that two
	// local servers on two new ports each keep their own recordings. Only
	// matching follows the port; responses replay as recorded.
	ExactPorts bool

	// Redact says what to redact beyond the defaults, which always apply.
	Redact Redaction
	// BeforeSave funcs edit each recorded interaction before it is
	// redacted and stored. They run in order, each on what the one before
	// it left. They see bodies decoded (see Response.Encoded); a body in a
	// coding they and redaction leave as it was is stored as it came.
	BeforeSave []func(*Interaction)
	// RecordIf funcs decide which recorded interactions are kept: one is
	// stored only if every func returns true; the others are passed to the
	// client but not stored. They run in order, up to the first that
	// returns false, and see the interaction before BeforeSave and
	// redaction, with its bodies decoded.
	RecordIf []func(*Interaction) bool
	// Passthrough funcs pick requests that go upstream in every mode and
	// are never recorded nor replayed: a request passes if any func
	// returns true. They run in order, up to the first that returns true.
	Passthrough []func(*http.Request) bool
	// Latency makes replay wait for the recorded duration of each
	// interaction before it answers, or until the request's context ends,
	// and makes [Recorder.Sleep] wait on replay too.
	Latency bool
	// Logf receives the warnings of the recorder: a recorded body that is
	// stored as it came, not redacted, because dvd does not decode its
	// Content-Encoding or it does not decode (see Response.Encoded). Each
	// names the request, redacted, and the coding. Nil means the log
	// package's standard logger; dvdtest passes the test's Logf.
	Logf func(format string, args ...any)
	// StoreBombs stores a body that decodes past 1 GiB, or past 1,000
	// times its encoded size (a decompression bomb), as it came: encoded,
	// unscanned for secrets, and reported through Logf. Without it such a
	// body is not stored unscanned: the recorder keeps the request (its
	// method and redacted URL), and the cassette it returns is refused by
	// Save and Marshal with an error that names it. Decoding a bomb stops
	// at the bound either way. Set it for a test of a bomb, or of a body
	// that compresses that well, whose cassette holds no secret.
	StoreBombs bool
}

// Validate reports what is wrong with c, as one error that joins every
// finding: an unknown Mode; a nil matcher, Extra, BeforeSave, RecordIf or
// Passthrough func; an empty header or query name to redact; a JSON path
// that is not a dotted path; a placeholder name that cannot be written as
// <NAME>. Each finding starts with "cassette: ", names the field and says
// what to do. Validate returns nil for a valid Config.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("cassette: "+format, args...))
	}
	if !c.Mode.valid() {
		bad("Config.Mode is %v, which is not a mode: use ModeOnce, ModeReplay, ModeAppend, ModeRecord or ModePassthrough", c.Mode)
	}
	for _, l := range []struct {
		field, want string
		n           int
		isNil       func(i int) bool
	}{
		{"Matchers", "a matcher of package match, such as match.Path", len(c.Matchers), func(i int) bool { return c.Matchers[i] == (match.Matcher{}) }},
		{"Extra", "a func(recorded, incoming *http.Request) bool", len(c.Extra), func(i int) bool { return c.Extra[i] == nil }},
		{"BeforeSave", "a func that edits the *Interaction", len(c.BeforeSave), func(i int) bool { return c.BeforeSave[i] == nil }},
		{"RecordIf", "a func that returns true for the interactions to store", len(c.RecordIf), func(i int) bool { return c.RecordIf[i] == nil }},
		{"Passthrough", "a func that returns true for the requests to send upstream", len(c.Passthrough), func(i int) bool { return c.Passthrough[i] == nil }},
	} {
		for i := range l.n {
			if l.isNil(i) {
				bad("Config.%s[%d] is nil: remove it, or give %s", l.field, i, l.want)
			}
		}
	}
	for i, h := range c.Redact.Headers {
		if h == "" || strings.ContainsFunc(h, func(r rune) bool { return r == ':' || unicode.IsSpace(r) || unicode.IsControl(r) }) {
			bad("Config.Redact.Headers[%d] is %q, which is not a header name: give the name alone, such as \"X-Tenant-Token\"", i, h)
		}
	}
	for i, q := range c.Redact.Query {
		if q == "" {
			bad("Config.Redact.Query[%d] is empty: give the name of a query parameter, such as \"session\"", i)
		}
	}
	for i, p := range c.Redact.JSONFields {
		if !validJSONPath(p) {
			bad("Config.Redact.JSONFields[%d] is %q, which is not a dotted path: name the field from the top, such as \"password\", \"user.token\" or \"items.*.secret\"", i, p)
		}
	}
	names := make([]string, 0, len(c.Redact.Placeholders))
	for name := range c.Redact.Placeholders {
		names = append(names, name)
	}
	slices.Sort(names) // the same Config gives the same error
	for _, name := range names {
		if !validPlaceholderName(name) {
			bad("Config.Redact.Placeholders has the name %q, which cannot be written as <NAME>: use a name without angle brackets, spaces or control characters, such as \"ACCOUNT_ID\"", name)
		}
	}
	return errors.Join(errs...)
}

// validJSONPath reports whether p is a dotted path: names separated by
// dots, none of them empty.
func validJSONPath(p string) bool {
	return p != "" && !slices.Contains(strings.Split(p, "."), "")
}

// validPlaceholderName reports whether <name> stands for one placeholder
// without ambiguity: a name that held angle brackets, spaces or controls
// could not be told apart from the text around it.
func validPlaceholderName(name string) bool {
	return name != "" && !strings.ContainsFunc(name, func(r rune) bool {
		return r == '<' || r == '>' || unicode.IsSpace(r) || unicode.IsControl(r)
	})
}

// passes reports whether a Passthrough func picks req.
func (c *Config) passes(req *http.Request) bool {
	for _, f := range c.Passthrough {
		if f(req) {
			return true
		}
	}
	return false
}

// keeps reports whether every RecordIf func keeps in.
func (c *Config) keeps(in *Interaction) bool {
	for _, f := range c.RecordIf {
		if !f(in) {
			return false
		}
	}
	return true
}

// logf reports a warning to Logf, or to the standard logger.
func (c *Config) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
		return
	}
	log.Printf(format, args...)
}

// beforeSave runs the BeforeSave funcs on in, in order.
func (c *Config) beforeSave(in *Interaction) {
	for _, f := range c.BeforeSave {
		f(in)
	}
}

// defaultMatchers returns the matchers of a Config that gives none: a
// request is its method and its URL.
func defaultMatchers() []match.Matcher {
	return []match.Matcher{match.Method, match.Scheme, match.Host, match.Path, match.Query}
}
