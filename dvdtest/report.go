package dvdtest

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/dvdrw/dvd/internal/nomatch"
)

// reportError is an error of the cassette package told for a test: the
// message names the cassette and says what to do, and the error wraps the
// cassette's, such as a miss, and so its sentinel.
type reportError struct {
	msg string
	err error
}

func (e *reportError) Error() string { return e.msg }
func (e *reportError) Unwrap() error { return e.err }

// noMatchReport returns the report that a miss of the cassette wraps, or
// nil when err is no miss.
func noMatchReport(err error) *nomatch.Report {
	var report *nomatch.Report
	if errors.As(err, &report) {
		return report
	}
	return nil
}

func (d *DVD) noMatchMessage(nm *nomatch.Report) string {
	return fmt.Sprintf("dvdtest: %s has no recorded interaction for %s (mode %v, %s)\n%s\n%s",
		d.path, nm.Request, d.mode, d.source, nm.Explain(), d.advice())
}

// A miss is one unmatched request, and how often it came. Two misses are
// the same when their request lines and their explanations, diff included,
// are: a client that retries sends the same miss again.
type miss struct {
	request string
	explain string
	n       int
}

// countMiss counts nm among the misses and returns how many times it came,
// this one included. Only the first fails the test: the others would
// print the same message again.
func (d *DVD) countMiss(nm *nomatch.Report) int {
	explain := nm.Explain()
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range d.misses {
		if m := &d.misses[i]; m.request == nm.Request && m.explain == explain {
			m.n++
			return m.n
		}
	}
	d.misses = append(d.misses, miss{request: nm.Request, explain: explain, n: 1})
	return 1
}

// logRepeatedMisses says, once per miss, how often it was repeated after
// the failure that reported it.
func (d *DVD) logRepeatedMisses() {
	d.mu.Lock()
	misses := slices.Clone(d.misses)
	d.mu.Unlock()
	for _, m := range misses {
		if m.n > 1 {
			d.t.Logf("dvdtest: %s: the miss of %s above was repeated %s, with the same diff", d.path, m.request, plural(m.n-1, "more time"))
		}
	}
}

// endedMessage explains why req, sent after the test ended, was refused.
// It must not use d.t, whose test is over.
func (d *DVD) endedMessage(req *http.Request) string {
	return fmt.Sprintf("dvdtest: %s ended; its cassette %s is closed: a request sent after the test, %s, was not sent. "+
		"Stop the goroutine that sends it before the test returns (cancel its context in t.Cleanup).",
		d.test, d.path, d.requestLine(req))
}

// requestLine returns the method and URL of req, redacted.
func (d *DVD) requestLine(req *http.Request) string {
	if req == nil || req.URL == nil {
		return "one without a URL"
	}
	return cmp.Or(req.Method, http.MethodGet) + " " + d.redactURL(req.URL.String())
}

// redactURL returns raw as dvd shows URLs in its messages: with secret
// query values, passwords and user information redacted, and placeholders
// put in, as the recorder's configuration says.
func (d *DVD) redactURL(raw string) string { return d.redact().URL(raw) }

// onDisk reports whether the cassette exists, under any compression.
func (d *DVD) onDisk() bool {
	if d.store != nil {
		return d.inStore
	}
	return onDisk(d.abs, d.variant)
}

// onDisk reports whether the cassette at abs exists, or the variant that a
// save of it replaces.
func onDisk(abs, variant string) bool {
	for _, p := range []string{abs, variant} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

// unchanged says what a cleanup that does not save leaves on disk.
func (d *DVD) unchanged() string {
	if d.onDisk() {
		return "the cassette on disk is unchanged"
	}
	return "nothing was written"
}

// advice says how to record this test, or record it again.
func (d *DVD) advice() string {
	again := " again"
	if !d.onDisk() {
		again = ""
	}
	return "To record it" + again + ", run, where the server is reachable:\n\t" + d.runCommand()
}

// runCommand returns the go test command that re-records this test alone,
// quoted for a POSIX shell (sh, bash, zsh; fish reads it alike), so it can
// be pasted whatever the test's name holds.
func (d *DVD) runCommand() string {
	cmd := "go test"
	if pkg := packageArg(); pkg != "" {
		cmd += " " + shellQuote(pkg)
	}
	return cmd + " -run " + shellQuote(runPattern(d.t.Name())) + " -update"
}

// runPattern returns the -run pattern that selects the test named name, as
// t.Name() gives it, and none of its siblings. go test splits the pattern at
// each / outside brackets and parentheses, splits a test's name at every /,
// and matches each part of the pattern against one level of the name. So the
// pattern has one part per level, anchored, with every metacharacter escaped:
// a bracket, parenthesis or bar in a name neither keeps go test from
// splitting nor starts an alternative. The name is already as the testing
// package rewrote it (spaces as _, control characters as Go escapes, #01 for
// a repeated name), and that is what go test matches. One thing no pattern
// can do: for TestX/a/b, a sibling subtest named a runs too (though not its
// own subtests), since go test cannot tell it from a parent of b.
func runPattern(name string) string {
	levels := strings.Split(name, "/")
	for i, l := range levels {
		levels[i] = "^" + regexp.QuoteMeta(l) + "$"
	}
	return strings.Join(levels, "/")
}

// shellQuote returns s as one word for a POSIX shell: as it is when it holds
// only characters that no shell treats specially, else in single quotes,
// inside which nothing is special but the quote itself, which is closed,
// escaped and reopened:
//
//	it's  ->  'it'\''s'
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, shellSafe) == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellSafe are the characters that mean themselves anywhere in a word, in
// every common shell.
const shellSafe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./,:+@"

// packageArg returns the package directory relative to the module root, as
// go test takes it ("./dvdtest"), or "" when it cannot tell.
func packageArg() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil {
				return ""
			}
			if rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
