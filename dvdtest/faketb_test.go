package dvdtest_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// fakeTB is a testing.TB that records what Use does to it, so that failure
// paths can be tested without failing the real test. Methods it does not
// override panic through the nil embedded TB, which catches any unexpected
// use.
type fakeTB struct {
	testing.TB
	name string

	mu       sync.Mutex
	failed   bool
	skipped  bool
	ended    bool
	lateCall string // a method called after the test ended
	logs     []string
	cleanups []func()
	tempDir  string // for TempDir
}

func newFakeTB(name string) *fakeTB { return &fakeTB{name: name} }

func (f *fakeTB) note(method, s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		f.lateCall = method + ": " + s
	}
	f.logs = append(f.logs, s)
}

func (f *fakeTB) Helper()      {}
func (f *fakeTB) Name() string { return f.name }
func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}
func (f *fakeTB) Logf(format string, args ...any) { f.note("Logf", fmt.Sprintf(format, args...)) }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.note("Errorf", fmt.Sprintf(format, args...))
	f.mu.Lock()
	f.failed = true
	f.mu.Unlock()
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	runtime.Goexit()
}
func (f *fakeTB) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}
func (f *fakeTB) Skipped() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.skipped
}

// Fail and Skip stand for a test body that failed or skipped.
func (f *fakeTB) Fail() { f.mu.Lock(); f.failed = true; f.mu.Unlock() }
func (f *fakeTB) SkipNow() {
	f.mu.Lock()
	f.skipped = true
	f.mu.Unlock()
	runtime.Goexit()
}

// run runs body as a test: in its own goroutine, so that Fatalf can stop
// it, then the cleanups, last registered first. It reports whether body
// returned normally.
func (f *fakeTB) run(body func(tb testing.TB)) (completed bool) {
	done := make(chan bool)
	go func() {
		ok := false
		defer func() { done <- ok }()
		body(f)
		ok = true
	}()
	completed = <-done
	f.mu.Lock()
	cleanups := f.cleanups
	f.cleanups = nil
	f.mu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	f.mu.Lock()
	f.ended = true
	f.mu.Unlock()
	return completed
}

func (f *fakeTB) output() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.logs, "\n")
}
