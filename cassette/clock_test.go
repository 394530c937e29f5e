package cassette_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dvdrw/dvd/cassette"
)

// newRecorder returns a recorder over c in mode, failing the test on error.
func newRecorder(t testing.TB, c *cassette.Cassette, mode cassette.Mode, cfg cassette.Config) *cassette.Recorder {
	t.Helper()
	cfg.Mode = mode
	r, err := cassette.NewRecorder(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// throughFile returns c as the file gives it back.
func throughFile(t testing.TB, c *cassette.Cassette) *cassette.Cassette {
	t.Helper()
	data, err := cassette.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := cassette.Unmarshal(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return back
}

// A run is what a test took from the clock in one run.
type run struct {
	readings []time.Time
	draws    []uint64
	values   []string
	gens     int // how often a gen func ran
}

// takeClock reads the clock twice, draws three numbers, and asks for two
// values, each twice: what a test of a cloud API might do.
func takeClock(t *testing.T, r *cassette.Recorder, names ...string) run {
	t.Helper()
	var got run
	for range 2 {
		got.readings = append(got.readings, r.Now())
	}
	rnd, _ := r.Rand()
	for range 3 {
		got.draws = append(got.draws, rnd.Uint64())
	}
	for _, name := range names {
		for range 2 {
			v, err := r.Value(name, func() string { got.gens++; return name + "-" + time.Now().Format(time.RFC3339Nano) })
			if err != nil {
				t.Fatalf("Value(%q): %v", name, err)
			}
			got.values = append(got.values, v)
		}
	}
	return got
}

// recordClock records a cassette in which takeClock asked for names.
func recordClock(t *testing.T, names ...string) (*cassette.Cassette, run) {
	t.Helper()
	r := newRecorder(t, nil, cassette.ModeRecord, cassette.Config{})
	rec := takeClock(t, r, names...)
	if rec.gens != len(names) {
		t.Fatalf("while recording gen ran %d times for %d names, want once each", rec.gens, len(names))
	}
	return throughFile(t, r.Cassette()), rec
}

func TestClockModes(t *testing.T) {
	tests := []struct {
		name     string
		reason   string
		mode     cassette.Mode
		names    []string // asked for in the second run; "bucket" and "key" were recorded
		replays  bool     // readings, draws and recorded values come back
		gens     int
		changed  bool
		readings int // in the cassette to save
		values   []string
	}{
		{name: "once", reason: "over a cassette, once replays everything", mode: cassette.ModeOnce,
			names: []string{"bucket", "key"}, replays: true, readings: 2, values: []string{"bucket", "key"}},
		{name: "replay", reason: "replay gives what was recorded, and runs no gen", mode: cassette.ModeReplay,
			names: []string{"bucket", "key"}, replays: true, readings: 2, values: []string{"bucket", "key"}},
		{name: "append, nothing new", reason: "append replays what it has, and has nothing new to save", mode: cassette.ModeAppend,
			names: []string{"bucket", "key"}, replays: true, readings: 2, values: []string{"bucket", "key"}},
		{name: "append, a new value", reason: "append records a value the cassette lacks, and keeps those not asked for", mode: cassette.ModeAppend,
			names: []string{"bucket", "fresh"}, replays: true, gens: 1, changed: true, readings: 2, values: []string{"bucket", "fresh", "key"}},
		{name: "record", reason: "record starts anew: only this run's clock is saved", mode: cassette.ModeRecord,
			names: []string{"bucket"}, gens: 1, changed: true, readings: 2, values: []string{"bucket"}},
		{name: "passthrough", reason: "passthrough is all real, and stores nothing", mode: cassette.ModePassthrough,
			names: []string{"bucket", "key"}, gens: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := recordClock(t, "bucket", "key")
			r := newRecorder(t, c, tt.mode, cassette.Config{})
			got := takeClock(t, r, tt.names...)
			if got.gens != tt.gens {
				t.Errorf("gen ran %d times, want %d (%s)", got.gens, tt.gens, tt.reason)
			}
			if tt.replays {
				if !slices.Equal(got.readings, rec.readings) {
					t.Errorf("readings %v, want the recorded %v (%s)", got.readings, rec.readings, tt.reason)
				}
				if !slices.Equal(got.draws, rec.draws) {
					t.Errorf("draws %v, want the recorded %v (%s)", got.draws, rec.draws, tt.reason)
				}
				if got.values[0] != rec.values[0] || got.values[1] != rec.values[0] {
					t.Errorf("bucket = %q, %q; want the recorded %q (%s)", got.values[0], got.values[1], rec.values[0], tt.reason)
				}
			} else if slices.Equal(got.draws, rec.draws) {
				t.Errorf("draws %v are the recorded ones: the seed should be new (%s)", got.draws, tt.reason)
			}
			if got.values[0] != got.values[1] {
				t.Errorf("two calls of Value(%q) gave %q and %q, want one value per name", tt.names[0], got.values[0], got.values[1])
			}
			toSave := r.Cassette()
			if (toSave != nil) != tt.changed {
				t.Errorf("Cassette() != nil is %v, want %v: something to save (%s)", toSave != nil, tt.changed, tt.reason)
			}
			if toSave == nil {
				if tt.mode == cassette.ModePassthrough {
					return // nothing stored: no readings, seed nor values
				}
				toSave = c // nothing new: the file holds what is to save
			}
			saved := throughFile(t, toSave).Clock()
			if len(saved.Readings) != tt.readings {
				t.Errorf("the cassette to save has %d readings, want %d (%s)", len(saved.Readings), tt.readings, tt.reason)
			}
			var names []string
			for n := range saved.Values {
				names = append(names, n)
			}
			if diff := cmp.Diff(tt.values, names, cmpSorted); diff != "" {
				t.Errorf("the cassette to save holds the values (-want +got):\n%s(%s)", diff, tt.reason)
			}
			if tt.mode == cassette.ModePassthrough && saved.Seed != ([32]byte{}) {
				t.Errorf("passthrough stored a seed")
			}
		})
	}
}

// toSave returns the cassette that r would save, or, when r has nothing
// new to save, c, the cassette it replayed, which the file already holds
// (an empty one when there is none).
func toSave(r *cassette.Recorder, c *cassette.Cassette) *cassette.Cassette {
	if s := r.Cassette(); s != nil {
		return s
	}
	if c == nil {
		return cassette.New()
	}
	return c
}

var cmpSorted = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// Readings equal their replay with ==, not only Equal: UTC, no monotonic
// reading.
func TestNowReadingsAreComparable(t *testing.T) {
	r := newRecorder(t, nil, cassette.ModeRecord, cassette.Config{})
	rec := r.Now()
	if rec.Location() != time.UTC || rec != rec.Round(0) {
		t.Errorf("Now() = %#v, want UTC without a monotonic reading", rec)
	}
	replay := newRecorder(t, throughFile(t, r.Cassette()), cassette.ModeReplay, cassette.Config{}).Now()
	if rec != replay {
		t.Errorf("replayed %v, recorded %v: want ==", replay, rec)
	}
}

// Past the recorded readings, the clock runs on from the last one with the
// real time: never back, never stuck.
func TestNowPastTheReadings(t *testing.T) {
	last := time.Date(2026, 11, 22, 9, 30, 0, 123456789, time.UTC)
	recordedAt := time.Date(2026, 11, 22, 9, 29, 0, 0, time.UTC)
	tests := []struct {
		name     string
		reason   string
		readings []time.Time
		mode     cassette.Mode
		base     time.Time
		stored   int // readings in the cassette to save
	}{
		{name: "replay", reason: "past the readings, the last one plus the time since", mode: cassette.ModeReplay,
			readings: []time.Time{last.Add(-time.Hour), last}, base: last, stored: 2},
		{name: "no readings", reason: "a cassette recorded before the test read the clock runs on from its recording time", mode: cassette.ModeReplay,
			base: recordedAt, stored: 0},
		{name: "append", reason: "append stores the readings past the recorded ones", mode: cassette.ModeAppend,
			readings: []time.Time{last}, base: last, stored: 1 + 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cassette.New()
			cassette.SetRawRecordedAt(c, recordedAt)
			c.SetClock(cassette.Clock{Readings: tt.readings})
			r := newRecorder(t, c, tt.mode, cassette.Config{})
			for _, want := range tt.readings {
				if got := r.Now(); got != want {
					t.Fatalf("Now() = %v, want the recorded %v", got, want)
				}
			}
			before := time.Now()
			prev := tt.base
			for i := range 3 {
				got := r.Now()
				if got.Before(prev) {
					t.Errorf("reading %d past the recorded ones is %v, before %v (%s)", i+1, got, prev, tt.reason)
				}
				// The bound holds however slow the machine: elapsed is
				// measured after the reading.
				if limit := tt.base.Add(time.Since(before) + time.Second); got.After(limit) {
					t.Errorf("reading %d past the recorded ones is %v, after %v (%s)", i+1, got, limit, tt.reason)
				}
				prev = got
			}
			if got := len(toSave(r, c).Clock().Readings); got != tt.stored {
				t.Errorf("the cassette to save has %d readings, want %d (%s)", got, tt.stored, tt.reason)
			}
		})
	}
}

func TestValueErrors(t *testing.T) {
	c, _ := recordClock(t, "bucket", "key")
	gen := func() string { return "x" }
	tests := []struct {
		name   string
		reason string
		value  string
		gen    func() string
		is     error
		want   string
	}{
		{name: "missing", reason: "a name the recording never asked for cannot replay", value: "region", gen: gen, is: cassette.ErrNoValue,
			want: `cassette: the cassette holds no value "region": it holds only "bucket", "key"; the test did not ask for it when the cassette was recorded: record it again`},
		{name: "empty name", reason: "a value needs a name the file can write", value: "", gen: gen,
			want: `cassette: Value(""): a value's name must be UTF-8 text, not empty`},
		{name: "not UTF-8", reason: "the file writes names as JSON keys", value: "caf\xe9", gen: gen,
			want: `cassette: Value("caf\xe9"): a value's name must be UTF-8 text`},
		{name: "nil gen", reason: "misuse is reported, not a nil call", value: "bucket",
			want: `cassette: Value("bucket", nil): give the func that makes the value while recording`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecorder(t, c, cassette.ModeReplay, cassette.Config{})
			v, err := r.Value(tt.value, tt.gen)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Value(%q) = %q, %v; want an error containing %q (%s)", tt.value, v, err, tt.want, tt.reason)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}
}

// A value goes through the redaction of free text: placeholders, and
// secrets in URLs. Replay puts the placeholders' values back.
func TestValueRedaction(t *testing.T) {
	const secret = "s3cr3t-account"
	cfg := cassette.Config{Redact: cassette.Redaction{Placeholders: map[string]string{"ACCOUNT": secret}}}
	r := newRecorder(t, nil, cassette.ModeRecord, cfg)
	for name, v := range map[string]string{
		"bucket":  "tf-acc-" + secret,
		"webhook": "https://hooks.example.com/x?token=s3cr3t-token&id=7",
	} {
		if got, err := r.Value(name, func() string { return v }); err != nil || got != v {
			t.Fatalf("Value(%q) = %q, %v; want %q as gen made it, while recording", name, got, err, v)
		}
	}
	data, err := cassette.Marshal(r.Cassette())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{secret, "s3cr3t-token"} {
		if strings.Contains(string(data), s) {
			t.Errorf("the file holds %q:\n%s", s, data)
		}
	}
	for _, s := range []string{`"bucket": "tf-acc-<ACCOUNT>"`, `"webhook": "https://hooks.example.com/x?token=REDACTED&id=7"`} {
		if !strings.Contains(string(data), s) {
			t.Errorf("the file lacks %s:\n%s", s, data)
		}
	}
	c := throughFile(t, r.Cassette())
	tests := []struct {
		name   string
		reason string
		cfg    cassette.Config
		want   string
	}{
		{name: "placeholder set", reason: "replay puts the value back", cfg: cfg, want: "tf-acc-" + secret},
		{name: "placeholder unset", reason: "as in CI, where the secret is not there: the token stays", want: "tf-acc-<ACCOUNT>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecorder(t, c, cassette.ModeReplay, tt.cfg)
			if got, err := r.Value("bucket", noGen); err != nil || got != tt.want {
				t.Errorf("Value = %q, %v; want %q (%s)", got, err, tt.want, tt.reason)
			}
		})
	}
}

// noGen is a gen that must not run.
func noGen() string { panic("gen ran on replay") }

// Concurrent first calls of one name give one value, whichever gen won.
func TestValueConcurrent(t *testing.T) {
	r := newRecorder(t, nil, cassette.ModeRecord, cassette.Config{})
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Go(func() {
			v, err := r.Value("id", func() string { return strings.Repeat("x", i+1) })
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	wg.Wait()
	for _, v := range got {
		if v != got[0] {
			t.Fatalf("concurrent calls gave %q", got)
		}
	}
	if saved := r.Cassette().Clock().Values["id"]; saved != got[0] {
		t.Errorf("saved %q, gave %q", saved, got[0])
	}
}

// Rand is safe for concurrent use: the race detector checks it.
func TestRandConcurrent(t *testing.T) {
	r := newRecorder(t, nil, cassette.ModeRecord, cassette.Config{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			g, _ := r.Rand()
			for range 1000 {
				g.IntN(100)
			}
		})
	}
	wg.Wait()
}

// A cassette recorded before the test called Rand replays with the zero
// seed, the same in every run; append stores a new seed.
func TestRandWithoutSeed(t *testing.T) {
	draws := func(r *cassette.Recorder) [3]uint64 {
		rnd, _ := r.Rand()
		return [3]uint64{rnd.Uint64(), rnd.Uint64(), rnd.Uint64()}
	}
	a := newRecorder(t, cassette.New(), cassette.ModeReplay, cassette.Config{})
	b := newRecorder(t, cassette.New(), cassette.ModeOnce, cassette.Config{})
	if draws(a) != draws(b) {
		t.Errorf("replays without a seed differ")
	}
	for _, r := range []*cassette.Recorder{a, b} {
		if _, seeded := r.Rand(); seeded {
			t.Errorf("Rand() says seeded on replay of a cassette without a seed")
		}
	}
	app := newRecorder(t, cassette.New(), cassette.ModeAppend, cassette.Config{})
	if _, seeded := app.Rand(); !seeded {
		t.Errorf("Rand() says not seeded in append, which stores a new seed")
	}
	if app.Cassette() == nil || app.Cassette().Clock().Seed == ([32]byte{}) {
		t.Errorf("append over a cassette without a seed stores none")
	}
}

func TestSleep(t *testing.T) {
	recorded := cassette.New()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		reason string
		c      *cassette.Cassette
		mode   cassette.Mode
		cfg    cassette.Config
		ctx    context.Context
		d      time.Duration
		waits  bool
		err    error
	}{
		{name: "replay", reason: "replay never waits, however long the sleep", c: recorded, mode: cassette.ModeReplay, d: time.Hour},
		{name: "once over a cassette", reason: "once replays", c: recorded, mode: cassette.ModeOnce, d: time.Hour},
		{name: "append, nothing sent upstream", reason: "the replayed part of an append runs at full speed", c: recorded, mode: cassette.ModeAppend, d: time.Hour},
		{name: "replay, canceled", reason: "replay honours the context", c: recorded, mode: cassette.ModeReplay, ctx: canceled, d: time.Hour, err: context.Canceled},
		{name: "record", reason: "recording waits for the real server", mode: cassette.ModeRecord, d: 20 * time.Millisecond, waits: true},
		{name: "once, recording", reason: "once without a cassette records", mode: cassette.ModeOnce, d: 20 * time.Millisecond, waits: true},
		{name: "passthrough", reason: "passthrough is real", mode: cassette.ModePassthrough, d: 20 * time.Millisecond, waits: true},
		{name: "replay latency", reason: "ReplayLatency waits as the recording did", c: recorded, mode: cassette.ModeReplay,
			cfg: cassette.Config{Latency: true}, d: 20 * time.Millisecond, waits: true},
		{name: "record, canceled", reason: "a done context ends the wait", mode: cassette.ModeRecord, ctx: canceled, d: time.Hour, err: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecorder(t, tt.c, tt.mode, tt.cfg)
			ctx := tt.ctx
			if ctx == nil {
				// An hour's sleep that waited would end here instead, with
				// an error, rather than hang the test.
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
			}
			start := time.Now()
			err := r.Sleep(ctx, tt.d)
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("Sleep(%v) = %v, want %v (%s)", tt.d, err, tt.err, tt.reason)
			}
			if elapsed := time.Since(start); tt.waits && elapsed < tt.d {
				t.Errorf("Sleep(%v) returned after %v (%s)", tt.d, elapsed, tt.reason)
			}
		})
	}
}

// In append mode over a cassette, Sleep starts to wait once a request of
// the run goes upstream.
func TestSleepAppendAfterUpstream(t *testing.T) {
	srv := newCounter(t)
	r := newRecorder(t, cassette.New(), cassette.ModeAppend, cassette.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := r.Sleep(ctx, time.Hour); err != nil {
		t.Fatalf("before any request went upstream: Sleep = %v, want nil at once", err)
	}
	if _, err := get(t, r, "GET", srv.srv.URL+"/new", ""); err != nil {
		t.Fatal(err)
	}
	if err := r.Sleep(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("after a request went upstream: Sleep = %v, want it to wait until the context's deadline", err)
	}
}
