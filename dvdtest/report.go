package dvdtest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dvdrw/dvd/cassette"
)

// noMatchError is the error of a request the cassette cannot replay: the
// message names the cassette and the command that re-records it, and the
// error wraps the *cassette.NoMatchError and so cassette.ErrNoMatch.
type noMatchError struct {
	msg string
	err *cassette.NoMatchError
}

func (e *noMatchError) Error() string { return e.msg }
func (e *noMatchError) Unwrap() error { return e.err }

func (d *DVD) noMatchMessage(nm *cassette.NoMatchError) string {
	return fmt.Sprintf("dvdtest: %s has no recorded interaction for %s (mode %v, %s)\n%s\n%s",
		d.path, nm.Request, d.mode, d.source, nm.Explain(), d.advice())
}

// advice says how to re-record this test.
func (d *DVD) advice() string {
	return "To record it again, run, where the server is reachable:\n\t" + d.runCommand()
}

// runCommand returns the go test command that re-records this test alone.
func (d *DVD) runCommand() string {
	parts := strings.Split(d.t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	pkg := packageArg()
	cmd := "go test"
	if pkg != "" {
		cmd += " " + pkg
	}
	return cmd + " -run '" + strings.Join(parts, "/") + "' -update"
}

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
