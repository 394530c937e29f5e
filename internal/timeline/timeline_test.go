package timeline

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// upper stores values in upper case and restores them in lower case, so
// that a test sees which way a value went.
type upper struct{}

func (upper) Redact(v string) string  { return strings.ToUpper(v) }
func (upper) Restore(v string) string { return strings.ToLower(v) }

func TestNowReplaysInOrder(t *testing.T) {
	start := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	k := Clock{Readings: []time.Time{start, start.Add(time.Minute)}}
	tl := New(&k, Config{Store: true, Redactor: upper{}})
	if a, b := tl.Now(), tl.Now(); a != k.Readings[0] || b != k.Readings[1] {
		t.Fatalf("Now gave %v, %v; want the readings in order", a, b)
	}
	if past := tl.Now(); past.Before(k.Readings[1]) || past.Location() != time.UTC {
		t.Errorf("past the readings Now = %v, want the last plus the time since, in UTC", past)
	}
	if saved := tl.Saved(); len(saved.Readings) != 3 || !tl.Changed() {
		t.Errorf("a stored timeline saved %d readings, changed %v; want the 2 replayed and 1 new", len(saved.Readings), tl.Changed())
	}
}

func TestValue(t *testing.T) {
	k := Clock{Values: map[string]string{"bucket": "B-1", "key": "K"}}
	tests := []struct {
		name, reason string
		replay       *Clock
		store        bool
		ask          string
		want         string
		err          string
	}{
		{name: "replayed", reason: "the stored value, restored", replay: &k, ask: "bucket", want: "b-1"},
		{name: "missing", reason: "nothing to record it with", replay: &k, ask: "region",
			err: `cassette: the cassette holds no value "region": it holds only "bucket", "key"; the test did not ask for it when the cassette was recorded: record it again`},
		{name: "missing from nothing", reason: "", replay: &Clock{}, ask: "region",
			err: `cassette: the cassette holds no value "region": it holds no values; the test did not ask for it when the cassette was recorded: record it again`},
		{name: "appended", reason: "a new value is given as made, stored redacted", replay: &k, store: true, ask: "region", want: "new"},
		{name: "live", reason: "nothing replays", ask: "region", want: "new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := New(tt.replay, Config{Store: tt.store, Redactor: upper{}})
			v, err := tl.Value(tt.ask, func() string { return "new" })
			if tt.err != "" {
				if err == nil || err.Error() != tt.err || !errors.Is(err, ErrNoValue) {
					t.Fatalf("Value = %q, %v; want %q wrapping ErrNoValue (%s)", v, err, tt.err, tt.reason)
				}
				return
			}
			if err != nil || v != tt.want {
				t.Fatalf("Value = %q, %v; want %q (%s)", v, err, tt.want, tt.reason)
			}
			if again, _ := tl.Value(tt.ask, func() string { return "other" }); again != v {
				t.Errorf("asked again, Value = %q, want %q", again, v)
			}
			if stored := tl.Saved().Values[tt.ask]; tt.store && stored != "NEW" {
				t.Errorf("stored %q, want NEW", stored)
			}
		})
	}
}

// Sleep waits when the run talks to real servers.
func TestSleepWaits(t *testing.T) {
	tests := []struct {
		name, reason string
		replay       *Clock
		cfg          Config
		upstream     bool
		waits        bool
	}{
		{name: "live", reason: "recording or passing through", waits: true},
		{name: "replay", reason: "replay runs at full speed", replay: &Clock{}},
		{name: "replay with latency", reason: "", replay: &Clock{}, cfg: Config{Latency: true}, waits: true},
		{name: "append", reason: "the replayed part runs at full speed", replay: &Clock{}, cfg: Config{Store: true}},
		{name: "append upstream", reason: "the new part waits", replay: &Clock{}, cfg: Config{Store: true}, upstream: true, waits: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := New(tt.replay, tt.cfg)
			if tt.upstream {
				tl.WentUpstream()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			err := tl.Sleep(ctx, time.Hour)
			if waited := errors.Is(err, context.DeadlineExceeded); waited != tt.waits {
				t.Errorf("Sleep = %v, want waiting %v (%s)", err, tt.waits, tt.reason)
			}
		})
	}
}

// The seed is the replayed one; a new one is stored only when the
// timeline stores.
func TestRandSeed(t *testing.T) {
	k := Clock{Seed: [32]byte{1}}
	a, b := New(&k, Config{}).Rand().Uint64(), New(&k, Config{}).Rand().Uint64()
	if a != b {
		t.Errorf("two replays of one seed drew %d and %d", a, b)
	}
	tl := New(&Clock{}, Config{Store: true})
	tl.Rand()
	if !tl.Changed() || tl.Saved().Seed == ([32]byte{}) {
		t.Errorf("a stored timeline without a seed stores none")
	}
	passthrough := New(nil, Config{})
	passthrough.Rand()
	if passthrough.Changed() {
		t.Errorf("a timeline that does not store has changed")
	}
}

// A timeline draws from a seed of its own unless it replays a clock
// without one.
func TestSeeded(t *testing.T) {
	seeded := Clock{Seed: [32]byte{1}}
	for _, tt := range []struct {
		name   string
		replay *Clock
		store  bool
		want   bool
	}{
		{"live", nil, false, true},
		{"replay of a seed", &seeded, false, true},
		{"replay without a seed", &Clock{}, false, false},
		{"append without a seed", &Clock{}, true, true},
	} {
		if got := New(tt.replay, Config{Store: tt.store}).Seeded(); got != tt.want {
			t.Errorf("%s: Seeded = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// The unused values are those of the replayed clock that Value did not
// give, sorted; a new value is none of them.
func TestUnusedValues(t *testing.T) {
	k := Clock{Values: map[string]string{"region": "R", "key": "K", "bucket": "B"}}
	tl := New(&k, Config{Store: true, Redactor: upper{}})
	for _, name := range []string{"key", "new"} {
		if _, err := tl.Value(name, func() string { return "v" }); err != nil {
			t.Fatal(err)
		}
	}
	if got := tl.UnusedValues(); strings.Join(got, ",") != "bucket,region" {
		t.Errorf("UnusedValues = %q, want bucket, region", got)
	}
	if got := New(nil, Config{}).UnusedValues(); got != nil {
		t.Errorf("with nothing replayed, UnusedValues = %q, want none", got)
	}
}
