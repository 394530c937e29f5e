package dvdtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

// clock is what code under test takes instead of the time package: a
// *dvdtest.DVD in tests.
type clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

var _ clock = (*dvdtest.DVD)(nil)

// A countingClock counts the sleeps it is asked for, and adds up their
// durations, without measuring time.
type countingClock struct {
	clock
	sleeps int
	asked  time.Duration
}

func (c *countingClock) Sleep(ctx context.Context, d time.Duration) error {
	c.sleeps++
	c.asked += d
	return c.clock.Sleep(ctx, d)
}

// pollUntilReady polls url every interval until it answers "ready", or
// until timeout has passed on the clock. It returns how many polls it made.
func pollUntilReady(ctx context.Context, c clock, client *http.Client, url string, interval, timeout time.Duration) (int, error) {
	deadline := c.Now().Add(timeout)
	for polls := 1; ; polls++ {
		body, err := fetch(nil, client, url)
		if err != nil {
			return polls, err
		}
		if body == "ready" {
			return polls, nil
		}
		if c.Now().After(deadline) {
			return polls, fmt.Errorf("not ready after %v", timeout)
		}
		if err := c.Sleep(ctx, interval); err != nil {
			return polls, err
		}
	}
}

// pendingServer answers "pending" to the first n requests, then "ready".
func pendingServer(t *testing.T, n int64) *httptest.Server {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= n {
			fmt.Fprint(w, "pending")
			return
		}
		fmt.Fprint(w, "ready")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A test whose poller waits between polls while recording replays without
// waiting, and polls the same number of times. The recording waits 50 ms
// between polls; the replay is checked two ways that cannot flake on a
// slow machine: it takes less time than the sleeps the recording made,
// and a replay whose poller waits 30 s between polls ends before a 20 s
// deadline.
func TestPollingReplaysAtFullSpeed(t *testing.T) {
	cleanEnv(t)
	const pending = 9
	const interval = 50 * time.Millisecond
	srv := pendingServer(t, pending)
	poll := func(mode cassette.Mode, interval time.Duration) (polls int, c *countingClock, elapsed time.Duration) {
		t.Helper()
		tb := newFakeTB("TestPoll")
		tb.run(func(tb testing.TB) {
			d := dvdtest.Use(tb, "poll", dvdtest.WithMode(mode))
			c = &countingClock{clock: d}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			start := time.Now()
			var err error
			polls, err = pollUntilReady(ctx, c, d.Client(), srv.URL+"/status", interval, time.Hour)
			elapsed = time.Since(start)
			if err != nil {
				tb.Errorf("polling: %v", err)
			}
		})
		if tb.Failed() {
			t.Fatalf("the %v run failed:\n%s", mode, tb.output())
		}
		return polls, c, elapsed
	}

	recPolls, rec, recElapsed := poll(cassette.ModeRecord, interval)
	if recPolls != pending+1 || rec.sleeps != pending {
		t.Fatalf("recording polled %d times and slept %d, want %d and %d", recPolls, rec.sleeps, pending+1, pending)
	}
	c, err := cassette.Load(filepath.Join("testdata", "poll.dvd.json"))
	if err != nil {
		t.Fatal(err)
	}
	if ins := c.Interactions(); len(ins) != 2 || ins[0].Times != pending {
		t.Errorf("the cassette holds %d interactions; want the pending poll once, %d times, then ready", len(ins), pending)
	}
	if recElapsed < rec.asked {
		t.Fatalf("recording took %v, less than the %v it slept: Sleep did not wait", recElapsed, rec.asked)
	}

	polls, replay, elapsed := poll(cassette.ModeReplay, interval)
	if polls != recPolls || replay.sleeps != rec.sleeps {
		t.Errorf("replay polled %d times and slept %d, the recording %d and %d", polls, replay.sleeps, recPolls, rec.sleeps)
	}
	if elapsed >= rec.asked {
		t.Errorf("replay took %v, no less than the %v of sleeps the recording waited: replay waited", elapsed, rec.asked)
	}
	t.Logf("recorded in %v, %d polls %v apart; replayed in %v", recElapsed.Round(time.Millisecond), recPolls, interval, elapsed)

	// The poller of production waits 30 s between polls: 4.5 minutes of
	// sleeps, which a waiting Sleep would cut short at the 20 s deadline.
	polls, replay, _ = poll(cassette.ModeReplay, 30*time.Second)
	if polls != recPolls || replay.asked != pending*30*time.Second {
		t.Errorf("replay at 30 s polled %d times and asked for %v of sleeps", polls, replay.asked)
	}
}

// Now, Rand and Value give on replay what they gave while recording, and
// the cassette's "clock" section holds them.
func TestClockReplays(t *testing.T) {
	cleanEnv(t)
	type taken struct {
		readings []time.Time
		draws    []int
		bucket   string
		gens     int
	}
	take := func(mode cassette.Mode) (taken, *fakeTB) {
		var got taken
		tb := newFakeTB("TestClock")
		tb.run(func(tb testing.TB) {
			d := dvdtest.Use(tb, "clock", dvdtest.WithMode(mode))
			got.readings = []time.Time{d.Now(), d.Now()}
			for range 3 {
				got.draws = append(got.draws, d.Rand().IntN(1000))
			}
			for range 2 {
				got.bucket = d.Value("bucket", func() string {
					got.gens++
					return fmt.Sprintf("tf-acc-%d", time.Now().UnixNano())
				})
			}
		})
		return got, tb
	}
	rec, tb := take(cassette.ModeRecord)
	if tb.Failed() || rec.gens != 1 {
		t.Fatalf("recording: gen ran %d times, want once:\n%s", rec.gens, tb.output())
	}
	data, err := os.ReadFile(filepath.Join("testdata", "clock.dvd.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"version": 2`, `"clock": {`, `"bucket": "` + rec.bucket + `"`, `"seed": "`, `"readings": [`,
		`"` + rec.readings[0].Format(time.RFC3339Nano) + `"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the cassette lacks %s:\n%s", want, data)
		}
	}
	for _, mode := range []cassette.Mode{cassette.ModeReplay, cassette.ModeOnce} {
		got, tb := take(mode)
		if tb.Failed() {
			t.Fatalf("%v: %s", mode, tb.output())
		}
		if got.gens != 0 || got.bucket != rec.bucket || !slices.Equal(got.readings, rec.readings) || !slices.Equal(got.draws, rec.draws) {
			t.Errorf("%v gave %+v, the recording %+v", mode, got, rec)
		}
	}
}

// A value asked for on replay that the cassette does not hold stops the
// test with what the cassette holds and the command that records it
// again; so does misuse.
func TestValueFailures(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		value  string
		gen    func() string
		want   []string
	}{
		{name: "missing", reason: "the test asks for a value the recording did not", value: "region", gen: func() string { return "x" },
			want: []string{`dvdtest: testdata/v.dvd.json has no value "region" (mode replay, dvdtest.WithMode): it holds only "bucket"; the test did not ask for it when the cassette was recorded`,
				"To record it again, run, where the server is reachable:\n\tgo test ", " -run '^TestValue$' -update"}},
		{name: "empty name", reason: "misuse", value: "", gen: func() string { return "x" },
			want: []string{`dvdtest: cassette: Value(""): a value's name must be UTF-8 text, not empty`}},
		{name: "nil gen", reason: "misuse", value: "bucket",
			want: []string{`dvdtest: cassette: Value("bucket", nil)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			tb := newFakeTB("TestValue")
			tb.run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "v", dvdtest.WithMode(cassette.ModeRecord))
				d.Value("bucket", func() string { return "b" })
			})
			tb = newFakeTB("TestValue")
			after := false
			completed := tb.run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "v", dvdtest.WithMode(cassette.ModeReplay))
				d.Value(tt.value, tt.gen)
				after = true
			})
			if completed || after || !tb.Failed() {
				t.Errorf("the test went on after Value(%q) (%s)", tt.value, tt.reason)
			}
			for _, w := range tt.want {
				if !strings.Contains(tb.output(), w) {
					t.Errorf("the failure lacks %q (%s):\n%s", w, tt.reason, tb.output())
				}
			}
		})
	}
}

// Values the test no longer asks for keep working; the log names them, and
// FailOnUnused fails the test.
func TestUnusedValuesNamed(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		opts   []dvdtest.Option
		failed bool
		want   string
	}{
		{name: "logged", reason: "without FailOnUnused the log names them",
			want: `dvdtest: testdata/u.dvd.json: 2 recorded values never asked for: "key", "region"` + "\n" +
				"The test did not ask for them in this run; if it no longer does, re-record it to drop them:\n\tgo test "},
		{name: "FailOnUnused", reason: "the failure names them", opts: []dvdtest.Option{dvdtest.FailOnUnused()}, failed: true,
			want: `dvdtest: testdata/u.dvd.json: 2 recorded values never asked for (FailOnUnused): "key", "region"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			newFakeTB("TestUnused").run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "u", dvdtest.WithMode(cassette.ModeRecord))
				for _, n := range []string{"bucket", "key", "region"} {
					d.Value(n, func() string { return n + "-1" })
				}
			})
			tb := newFakeTB("TestUnused")
			var bucket string
			tb.run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "u", append([]dvdtest.Option{dvdtest.WithMode(cassette.ModeReplay)}, tt.opts...)...)
				bucket = d.Value("bucket", func() string { return "new" })
			})
			if bucket != "bucket-1" {
				t.Errorf("bucket = %q, want the recorded bucket-1", bucket)
			}
			if !strings.Contains(tb.output(), tt.want) {
				t.Errorf("the log lacks (%s):\n%s\ngot:\n%s", tt.reason, tt.want, tb.output())
			}
			if tb.Failed() != tt.failed {
				t.Errorf("failed = %v, want %v (%s)", tb.Failed(), tt.failed, tt.reason)
			}
		})
	}
}

// The values the log names are those the test did not ask for, sorted,
// whichever it asked for.
func TestUnusedValuesSorted(t *testing.T) {
	cleanEnv(t)
	newFakeTB("TestUnused").run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "u", dvdtest.WithMode(cassette.ModeRecord))
		for _, n := range []string{"region", "key", "bucket"} {
			d.Value(n, func() string { return n + "-1" })
		}
	})
	tb := newFakeTB("TestUnused")
	tb.run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "u", dvdtest.WithMode(cassette.ModeReplay))
		d.Value("key", noGen)
	})
	want := `dvdtest: testdata/u.dvd.json: 2 recorded values never asked for: "bucket", "region"` + "\n"
	if !strings.Contains(tb.output(), want) || tb.Failed() {
		t.Errorf("the log lacks %q:\n%s", want, tb.output())
	}
}

// noGen is a gen that must not run.
func noGen() string { panic("gen ran on replay") }

// The mode rules, seen from the file: append saves what is new and keeps
// what it replayed; passthrough saves nothing; replay never saves.
func TestClockModeFiles(t *testing.T) {
	tests := []struct {
		name     string
		reason   string
		mode     cassette.Mode
		values   []string // the values in the file after the run, nil if none was written
		readings int
	}{
		{name: "append", reason: "a new value and new readings are recorded, the stored ones kept", mode: cassette.ModeAppend,
			values: []string{"bucket", "fresh"}, readings: 2}, // the first reading replays, the second is new
		{name: "replay", reason: "replay never saves", mode: cassette.ModeReplay, values: []string{"bucket"}, readings: 1},
		{name: "record", reason: "record keeps only this run's", mode: cassette.ModeRecord, values: []string{"fresh"}, readings: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			newFakeTB("TestModes").run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "m", dvdtest.WithMode(cassette.ModeRecord))
				d.Now()
				d.Value("bucket", func() string { return "b" })
			})
			tb := newFakeTB("TestModes")
			tb.run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "m", dvdtest.WithMode(tt.mode))
				d.Now()
				d.Now()
				if tt.mode != cassette.ModeReplay {
					d.Value("fresh", func() string { return "f" })
				}
			})
			if tb.Failed() {
				t.Fatal(tb.output())
			}
			data, err := os.ReadFile(filepath.Join("testdata", "m.dvd.json"))
			if err != nil {
				t.Fatal(err)
			}
			var file struct {
				Clock struct {
					Values   map[string]string
					Readings []string
				}
			}
			if err := json.Unmarshal(data, &file); err != nil {
				t.Fatal(err)
			}
			k := file.Clock
			var names []string
			for n := range k.Values {
				names = append(names, n)
			}
			slices.Sort(names)
			if !slices.Equal(names, tt.values) || len(k.Readings) != tt.readings {
				t.Errorf("the file holds values %q and %d readings, want %q and %d (%s)", names, len(k.Readings), tt.values, tt.readings, tt.reason)
			}
		})
	}
}

func TestClockPassthroughStoresNothing(t *testing.T) {
	cleanEnv(t)
	tb := newFakeTB("TestPass")
	gens := 0
	tb.run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "p", dvdtest.WithMode(cassette.ModePassthrough))
		d.Now()
		d.Rand().Int()
		d.Value("a", func() string { gens++; return "x" })
		d.Value("a", func() string { gens++; return "y" })
	})
	if gens != 1 || tb.Failed() {
		t.Errorf("gen ran %d times, want once:\n%s", gens, tb.output())
	}
	if _, err := os.Stat(filepath.Join("testdata", "p.dvd.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("passthrough wrote a cassette: %v", err)
	}
}

// A cassette recorded before the test called Rand replays with a fixed
// seed, and the log says how to store one.
func TestRandWithoutSeedLogged(t *testing.T) {
	cleanEnv(t)
	newFakeTB("TestRand").run(func(tb testing.TB) {
		dvdtest.Use(tb, "r", dvdtest.WithMode(cassette.ModeRecord))
	})
	var draws [2][]int
	var tb *fakeTB
	for i := range draws {
		tb = newFakeTB("TestRand")
		tb.run(func(tb testing.TB) {
			d := dvdtest.Use(tb, "r", dvdtest.WithMode(cassette.ModeReplay))
			draws[i] = []int{d.Rand().Int(), d.Rand().Int()}
		})
	}
	if !slices.Equal(draws[0], draws[1]) {
		t.Errorf("replays without a seed drew %v then %v, want the same", draws[0], draws[1])
	}
	want := "dvdtest: testdata/r.dvd.json holds no random seed: the test did not call Rand when it was recorded. Rand replays from a fixed seed; to store one, record again:\n\tgo test "
	if out := tb.output(); !strings.Contains(out, want) || strings.Count(out, "no random seed") != 1 || tb.Failed() {
		t.Errorf("the log should say once, without failing:\n%s\ngot:\n%s", want, out)
	}
}

// Rand says nothing of a seed where it draws from one of its own: while
// recording, over a cassette that holds one, and in append mode over a
// cassette without one, which stores a new one.
func TestRandSeededLogsNothing(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		record bool // record a seed first
		mode   cassette.Mode
	}{
		{name: "record", reason: "a new seed", mode: cassette.ModeRecord},
		{name: "replay of a seed", reason: "the cassette's seed", record: true, mode: cassette.ModeReplay},
		{name: "append without a seed", reason: "append stores a new seed", mode: cassette.ModeAppend},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			newFakeTB("TestRand").run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "r", dvdtest.WithMode(cassette.ModeRecord))
				if tt.record {
					d.Rand()
				}
			})
			tb := newFakeTB("TestRand")
			tb.run(func(tb testing.TB) {
				dvdtest.Use(tb, "r", dvdtest.WithMode(tt.mode)).Rand().Int()
			})
			if out := tb.output(); strings.Contains(out, "no random seed") || tb.Failed() {
				t.Errorf("Rand logged a missing seed (%s):\n%s", tt.reason, out)
			}
		})
	}
}

// Now, Sleep, Rand and Value are safe for concurrent use.
func TestClockConcurrent(t *testing.T) {
	cleanEnv(t)
	newFakeTB("TestConcurrent").run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "c", dvdtest.WithMode(cassette.ModeRecord))
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				for range 100 {
					d.Now()
					d.Rand().IntN(10)
					d.Value(fmt.Sprint(i%2), func() string { return "v" })
					d.Sleep(context.Background(), 0)
				}
			})
		}
		wg.Wait()
	})
}
