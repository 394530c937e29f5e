package dvdtest

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/dvdrw/dvd/cassette"
)

// The -update flag is registered only when it is on the command line and no
// one has registered it yet. An ordinary run registers nothing, so a package
// that defines its own -update flag (for golden files) keeps working; and the
// flag is read at Use time from whichever package defined it.
func init() {
	if hasUpdateArg(os.Args[1:]) && flag.Lookup("update") == nil {
		flag.Bool("update", false, "dvdtest: re-record every cassette this run uses")
	}
}

// hasUpdateArg reports whether args hold -update in any of the forms the
// flag package accepts.
func hasUpdateArg(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if len(name) == len(a) {
			continue // not a flag
		}
		name, _, _ = strings.Cut(name, "=")
		if name == "update" {
			return true
		}
	}
	return false
}

// updateFlag reads the -update flag, whoever defined it.
func updateFlag() bool {
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	if g, ok := f.Value.(flag.Getter); ok {
		if b, ok := g.Get().(bool); ok {
			return b
		}
	}
	b, _ := strconv.ParseBool(f.Value.String())
	return b
}

// envMode is the environment variable that sets the mode:
// DVD_MODE=once|replay|append|record|passthrough.
const envMode = "DVD_MODE"

// resolveMode decides the mode and says where the decision came from. The
// person running the tests speaks first, then the code, then the machine:
// -update, then DVD_MODE, then WithMode, then CI, then ModeOnce.
func resolveMode(c *config) (cassette.Mode, string, error) {
	if updateFlag() {
		return cassette.ModeRecord, "-update", nil
	}
	if v := os.Getenv(envMode); v != "" {
		m, ok := parseMode(strings.ToLower(strings.TrimSpace(v)))
		if !ok {
			return 0, "", fmt.Errorf("%s=%q is not a mode: use once, replay, append, record or passthrough", envMode, v)
		}
		return m, envMode + "=" + v, nil
	}
	switch {
	case c.modeSet:
		return c.rec.Mode, "dvdtest.WithMode", nil
	case inCI():
		return cassette.ModeReplay, "CI is set", nil
	}
	return cassette.ModeOnce, "the default mode", nil
}

// inCI reports whether the CI environment variable is set to something other
// than a false value.
func inCI() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	return err != nil || b
}

// parseMode returns the mode that [cassette.Mode.String] names s.
func parseMode(s string) (cassette.Mode, bool) {
	for m := cassette.ModeOnce; m <= cassette.ModePassthrough; m++ {
		if s == m.String() {
			return m, true
		}
	}
	return 0, false
}
