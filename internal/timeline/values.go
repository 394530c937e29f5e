package timeline

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// ErrNoValue is wrapped by the error of [Timeline.Value] when the test
// asks, on replay, for a value that the replayed clock does not hold.
var ErrNoValue = errors.New("cassette: the cassette holds no value of that name")

// A NoValueError reports a value that the test asks for on replay and the
// replayed clock does not hold: the test did not ask for it when it was
// recorded. It wraps [ErrNoValue].
type NoValueError struct {
	Name string   // the name asked for
	Held []string // the names the clock holds, sorted
}

func (e *NoValueError) Error() string {
	return "cassette: the cassette holds no value " + strconv.Quote(e.Name) + ": " + e.Explain()
}

// Explain says what the clock holds instead, and what to do.
func (e *NoValueError) Explain() string {
	held := "it holds no values"
	if len(e.Held) > 0 {
		quoted := make([]string, len(e.Held))
		for i, n := range e.Held {
			quoted[i] = strconv.Quote(n)
		}
		held = "it holds only " + strings.Join(quoted, ", ")
	}
	return held + "; the test did not ask for it when the cassette was recorded: record it again"
}

// Unwrap returns [ErrNoValue].
func (e *NoValueError) Unwrap() error { return ErrNoValue }

// Value returns the value named name. The first time a run asks for a
// name, it is the replayed clock's value, restored, when it holds one;
// otherwise, when nothing replays or the timeline stores, gen's, which is
// stored redacted when the timeline stores; otherwise it is a
// *[NoValueError]. Later calls with the same name give the same value, and
// gen does not run again.
func (tl *Timeline) Value(name string, gen func() string) (string, error) {
	tl.mu.Lock()
	if v, ok := tl.given[name]; ok {
		tl.mu.Unlock()
		return v, nil
	}
	if stored, ok := tl.recorded.Values[name]; ok {
		defer tl.mu.Unlock()
		return tl.give(name, tl.redactor.Restore(stored)), nil
	}
	tl.mu.Unlock()
	if !tl.live && !tl.store {
		return "", &NoValueError{Name: name, Held: slices.Sorted(maps.Keys(tl.recorded.Values))}
	}
	v := gen() // unlocked: gen may take its time, or ask for another value
	tl.mu.Lock()
	defer tl.mu.Unlock()
	if first, ok := tl.given[name]; ok {
		return first, nil // another goroutine asked first
	}
	if tl.store {
		if tl.newVals == nil {
			tl.newVals = map[string]string{}
		}
		tl.newVals[name] = tl.redactor.Redact(v)
	}
	return tl.give(name, v), nil
}

// give notes that name was given v in this run, and returns v.
func (tl *Timeline) give(name, v string) string {
	if tl.given == nil {
		tl.given = map[string]string{}
	}
	tl.given[name] = v
	return v
}

// UnusedValues returns the names of the replayed clock's values that
// Value did not give in this run, sorted.
func (tl *Timeline) UnusedValues() []string {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	var unused []string
	for _, name := range slices.Sorted(maps.Keys(tl.recorded.Values)) {
		if _, ok := tl.given[name]; !ok {
			unused = append(unused, name)
		}
	}
	return unused
}
