package cassette_test

import (
	"os"
	"runtime"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/corpus"
)

// BenchmarkUnmarshalMillion reads a cassette of 1,000,000 small
// interactions (about 500 MB of JSON), and reports the heap the cassette
// holds once read, per byte of the file. It takes some seconds and a few
// GB, so it is left out of short runs and of CI, which runs every
// benchmark once: run it with
//
//	go test -run '^$' -bench UnmarshalMillion -benchtime 3x ./cassette
func BenchmarkUnmarshalMillion(b *testing.B) {
	if testing.Short() || os.Getenv("CI") != "" {
		b.Skip("1,000,000 interactions: left out of short runs and of CI")
	}
	raw := mustMarshal(b, cassette.New(corpus.SmallGETs(1_000_000)...))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	var live float64
	for b.Loop() {
		var before, after runtime.MemStats
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		c, err := cassette.Unmarshal(raw)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.StartTimer()
		live = float64(after.HeapAlloc-before.HeapAlloc) / float64(len(raw))
		runtime.KeepAlive(c)
	}
	b.ReportMetric(live, "live-B/file-B")
}
