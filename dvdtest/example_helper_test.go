package dvdtest_test

import (
	"fmt"
	"os"
	"testing"
)

// runTest runs fn the way "go test" would run a test named name, cleanups
// included, without the CI and DVD_MODE variables, so that the examples
// behave the same everywhere. It prints what a failing test would print.
func runTest(name string, fn func(t testing.TB)) {
	for _, v := range []string{"CI", "DVD_MODE"} {
		if old, ok := os.LookupEnv(v); ok {
			os.Unsetenv(v)
			defer os.Setenv(v, old)
		}
	}
	tb := newFakeTB(name)
	tb.run(fn)
	if tb.Failed() {
		fmt.Printf("--- FAIL: %s\n%s\n", name, tb.output())
	}
}

// inFolder runs fn in a fresh temporary folder, standing for a package
// directory with its testdata/.
func inFolder(fn func()) {
	dir, err := os.MkdirTemp("", "dvd-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	wd, _ := os.Getwd()
	os.Chdir(dir)
	defer os.Chdir(wd)
	fn()
}
