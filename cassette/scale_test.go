package cassette_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/corpus"
)

// corpusInteractions returns n interactions of the real-shaped suite
// (internal/corpus), its cassettes concatenated, as one large cassette of
// a long suite would hold them.
func corpusInteractions(n int) []cassette.Interaction {
	var out []cassette.Interaction
	for seed := uint64(1); len(out) < n; seed++ {
		for _, ins := range corpus.Generate(seed, corpus.Suite) {
			out = append(out, ins...)
			if len(out) >= n {
				return out[:n:n]
			}
		}
	}
	return out
}

// scaleSets are the cassettes the scale benchmarks index: a million small
// interactions, and 100,000 shaped like the real suite. Each is built once
// per process.
var scaleSets = []struct {
	name string
	n    int
	ins  func() []cassette.Interaction
}{
	{"small/N=1000000", 1_000_000, sync.OnceValue(func() []cassette.Interaction { return corpus.SmallGETs(1_000_000) })},
	{"corpus/N=100000", 100_000, sync.OnceValue(func() []cassette.Interaction { return corpusInteractions(100_000) })},
}

// BenchmarkNewRecorderScale measures what a replaying Use pays once after
// the file is read: the recorder and its index over a large cassette. It
// reports interactions indexed per second.
func BenchmarkNewRecorderScale(b *testing.B) {
	for _, set := range scaleSets {
		b.Run(set.name, func(b *testing.B) {
			c := cassette.New(set.ins()...)
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if _, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeReplay}); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, set.n, cpuTime()-cpu)
		})
	}
}

// BenchmarkNewIndexScale is BenchmarkNewRecorderScale for the index alone.
func BenchmarkNewIndexScale(b *testing.B) {
	for _, set := range scaleSets {
		b.Run(set.name, func(b *testing.B) {
			ins := set.ins()
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if _, err := cassette.NewIndex(ins, cassette.DefaultMatchers(), false); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, set.n, cpuTime()-cpu)
		})
	}
}

// reportRate reports interactions indexed per second of wall time and per
// second of the process's CPU time: on a shared machine the wall time
// counts the waits for a core, the CPU time counts the work.
func reportRate(b *testing.B, n int, cpu time.Duration) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "interactions/s")
	if cpu > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "interactions/cpu-s")
	}
}

// cannedTransport answers every request with the same small response, as
// cheaply as a RoundTripper can while still giving each caller a response
// of its own: the floor that replay is measured against.
type cannedTransport struct {
	header http.Header
	body   string
}

func (t *cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: t.header.Clone(), Body: io.NopCloser(strings.NewReader(t.body)),
		ContentLength: int64(len(t.body)), Request: req,
	}, nil
}

// BenchmarkRecorderReplay replays small GETs in random order through an
// http.Client over a Recorder, at 100 and 100,000 interactions: the cost
// must not grow with the cassette. "bare" is the same client over a canned
// transport.
func BenchmarkRecorderReplay(b *testing.B) {
	run := func(b *testing.B, rt http.RoundTripper, n int) {
		corpus.GetSmall(b, &http.Client{Transport: rt}, n)
	}
	b.Run("bare", func(b *testing.B) {
		in := corpus.SmallGETs(1)[0]
		run(b, &cannedTransport{header: in.Response.Header, body: string(in.Response.Body)}, 100)
	})
	for _, n := range []int{100, 100_000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			r, err := cassette.NewRecorder(cassette.New(corpus.SmallGETs(n)...), cassette.Config{Mode: cassette.ModeReplay, AllowRepeats: true})
			if err != nil {
				b.Fatal(err)
			}
			run(b, r, n)
		})
	}
	// Replay must cost the same whatever the file was compressed with:
	// the cassette is read from the file's bytes, as Use reads it.
	for _, c := range codecs {
		b.Run(fmt.Sprintf("file=%s/N=%d", c, 100_000), func(b *testing.B) {
			data, err := cassette.Marshal(cassette.New(corpus.SmallGETs(100_000)...))
			if err != nil {
				b.Fatal(err)
			}
			if data, err = codec.Compress(data, c); err != nil {
				b.Fatal(err)
			}
			cas, err := cassette.Unmarshal(data)
			if err != nil {
				b.Fatal(err)
			}
			r, err := cassette.NewRecorder(cas, cassette.Config{Mode: cassette.ModeReplay, AllowRepeats: true})
			if err != nil {
				b.Fatal(err)
			}
			run(b, r, 100_000)
		})
	}
}
