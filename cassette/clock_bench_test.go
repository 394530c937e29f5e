package cassette_test

import (
	"context"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
)

// benchReadings is how many readings the replayed cassette of the Now
// benchmarks holds; a recorder that ran out is replaced, off the clock.
const benchReadings = 1 << 16

func replayRecorder(b *testing.B, k cassette.Clock) *cassette.Recorder {
	c := cassette.New()
	c.SetClock(k)
	r, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeReplay})
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// Sleep on replay must cost well under a microsecond, whatever it is asked
// to sleep: a suite that polls while recording replays without waiting.
func BenchmarkReplaySleep(b *testing.B) {
	r := replayRecorder(b, cassette.Clock{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Sleep(ctx, 30*time.Second); err != nil {
			b.Fatal(err)
		}
	}
}

// Now on replay, within the recorded readings and past them.
func BenchmarkReplayNow(b *testing.B) {
	start := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	readings := make([]time.Time, benchReadings)
	for i := range readings {
		readings[i] = start.Add(time.Duration(i) * time.Second)
	}
	b.Run("recorded", func(b *testing.B) {
		r := replayRecorder(b, cassette.Clock{Readings: readings})
		n := 0
		b.ReportAllocs()
		for b.Loop() {
			if n == benchReadings {
				b.StopTimer()
				r = replayRecorder(b, cassette.Clock{Readings: readings})
				n = 0
				b.StartTimer()
			}
			r.Now()
			n++
		}
	})
	b.Run("past", func(b *testing.B) {
		r := replayRecorder(b, cassette.Clock{Readings: readings[:1]})
		r.Now()
		b.ReportAllocs()
		for b.Loop() {
			r.Now()
		}
	})
}

// Value on replay, the second and later calls being the common case.
func BenchmarkReplayValue(b *testing.B) {
	r := replayRecorder(b, cassette.Clock{Values: map[string]string{"bucket": "tf-acc-8f3a2c"}})
	gen := func() string { panic("gen ran on replay") }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Value("bucket", gen); err != nil {
			b.Fatal(err)
		}
	}
}
