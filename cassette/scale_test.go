package cassette_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
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

// BenchmarkLoadMillion loads a cassette of 1,000,000 small GETs
// (corpus.SmallGETs: three response headers each, about 580 MB of plain
// JSON) from its file as Use does, cassette.Load then a Recorder in
// ModeReplay, which builds the index. It reports load-s (Load), index-s
// (NewRecorder) and use-s (both: the target is under 5 s); use-cpu-s, the
// CPU time the process spent meanwhile, the collector's too; read-s,
// os.ReadFile of the same file into a fresh buffer, the floor of any load;
// and the heap each keeps live over the file's size: parsed/file (the
// cassette) and live/file (the cassette and its recorder: the target is at
// most 2). The heap is measured after two collections, so that the buffer
// Load reads the file into, which it keeps in a pool for the next Load, is
// not counted; each iteration drops what the last one loaded first.
//
// It takes a minute and a few GB, so it runs only when DVD_BENCH_MILLION
// is set (CI runs every benchmark once, without it):
//
//	DVD_BENCH_MILLION=1 go test -run '^$' -bench LoadMillion -benchtime 3x ./cassette
func BenchmarkLoadMillion(b *testing.B) {
	if os.Getenv("DVD_BENCH_MILLION") == "" {
		b.Skip("1,000,000 interactions: set DVD_BENCH_MILLION=1 to run it")
	}
	const n = 1_000_000
	data, err := cassette.Marshal(cassette.New(corpus.SmallGETs(n)...))
	if err != nil {
		b.Fatal(err)
	}
	name := filepath.Join(b.TempDir(), "million"+cassette.Ext)
	if err := os.WriteFile(name, data, 0o644); err != nil {
		b.Fatal(err)
	}
	size := float64(len(data))
	data = nil
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var load, index, read, cpu time.Duration
	var parsed, live float64
	for b.Loop() {
		b.StopTimer()
		start := time.Now()
		if _, err := os.ReadFile(name); err != nil {
			b.Fatal(err)
		}
		read += time.Since(start)
		base := settledHeap()
		b.StartTimer()
		cpu0 := cpuTime()
		start = time.Now()
		c, err := cassette.Load(name)
		if err != nil {
			b.Fatal(err)
		}
		load += time.Since(start)
		cpu += cpuTime() - cpu0
		b.StopTimer()
		afterLoad := settledHeap()
		b.StartTimer()
		start = time.Now()
		r, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeReplay})
		if err != nil {
			b.Fatal(err)
		}
		index += time.Since(start)
		cpu += cpuTime() - cpu0
		b.StopTimer()
		afterIndex := settledHeap()
		runtime.KeepAlive(c)
		runtime.KeepAlive(r)
		parsed, live = float64(afterLoad-base)/size, float64(afterIndex-base)/size
		b.StartTimer()
	}
	b.ReportMetric(load.Seconds()/float64(b.N), "load-s")
	b.ReportMetric(index.Seconds()/float64(b.N), "index-s")
	b.ReportMetric((load+index).Seconds()/float64(b.N), "use-s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "use-cpu-s")
	b.ReportMetric(read.Seconds()/float64(b.N), "read-s")
	b.ReportMetric(parsed, "parsed/file")
	b.ReportMetric(live, "live/file")
}

// settledHeap returns the bytes live on the heap after two collections:
// the second frees what the first left in the pools' victim caches.
func settledHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
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

// cannedTransport answers the requests of a replay benchmark with
// prebuilt responses, in the order they are sent, doing the least a
// RoundTripper must: a fresh *http.Response with the recorded header and a
// reader over the recorded body. It is the floor that replay is measured
// against. The header is the recorded map itself, which every caller
// shares, unless clone is set: then each gets a copy (http.Header.Clone),
// as a caller that changes its response's header needs, and as dvd's
// replay gives.
type cannedTransport struct {
	resps []*cassette.Response
	next  int
	clone bool
}

func (t *cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := t.resps[t.next]
	if t.next++; t.next == len(t.resps) {
		t.next = 0
	}
	h := r.Header
	if t.clone {
		h = h.Clone()
	}
	return &http.Response{
		Status: r.Status, StatusCode: r.StatusCode, Proto: r.Proto, ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: corpus.CannedBody(r.Body),
		ContentLength: r.ContentLength, Request: req,
	}, nil
}

// A sideRunner sends the requests of n SmallGETs, in the random order of
// corpus.SmallURLs, each built just before it is sent, through a client:
// dvd's recorder or the canned transport.
type sideRunner struct {
	name   string
	client *http.Client
	urls   []string
	next   int
	spent  time.Duration
	sent   int
}

// smallReplayers returns a sideRunner through a Recorder in ModeReplay
// over n SmallGETs, one through a canned transport serving the same
// responses in the same order, and one through a canned transport that
// copies each header.
func smallReplayers(b *testing.B, n int) (dvd, bare, clone *sideRunner) {
	ins := corpus.SmallGETs(n)
	r, err := cassette.NewRecorder(cassette.New(ins...), cassette.Config{Mode: cassette.ModeReplay, AllowRepeats: true})
	if err != nil {
		b.Fatal(err)
	}
	urls := corpus.SmallURLs(n)
	at := make(map[string]*cassette.Response, n)
	for i := range ins {
		at[ins[i].Request.URL] = ins[i].Response
	}
	resps := make([]*cassette.Response, n)
	for i, u := range urls {
		resps[i] = at[u]
	}
	return &sideRunner{name: "dvd", client: &http.Client{Transport: r}, urls: urls},
		&sideRunner{name: "bare", client: &http.Client{Transport: &cannedTransport{resps: resps}}, urls: urls},
		&sideRunner{name: "clone", client: &http.Client{Transport: &cannedTransport{resps: resps, clone: true}}, urls: urls}
}

// send sends the sideRunner's next request and reads its response.
func (r *sideRunner) send(b *testing.B) {
	req, err := corpus.NewSmallRequest(r.urls[r.next])
	if err != nil {
		b.Fatal(err)
	}
	corpus.Send(b, r.client, req)
	if r.next++; r.next == len(r.urls) {
		r.next = 0
	}
}

// replayBatch is how many requests a runner sends in a row, timed
// together: enough that reading the clock costs nothing (some 50 µs), few
// enough that a neighbour's burst on a shared machine falls on all the
// runners alike.
const replayBatch = 20

// alternate runs the runners side by side: each iteration sends a batch
// through each of them in turn, starting with a different one each time,
// so that what the machine does meanwhile falls on all of them alike.
// ns/op is per iteration, all runners together; it reports each one's
// ns/req, allocs/req and B/req.
func alternate(b *testing.B, rs ...*sideRunner) {
	// A first round outside the timer: the caches and the pools of
	// net/http are warm for all alike.
	for _, r := range rs {
		for range 10 * replayBatch {
			r.send(b)
		}
	}
	b.ReportAllocs()
	round := 0
	for b.Loop() {
		for k := range rs {
			r := rs[(round+k)%len(rs)]
			start := time.Now()
			for range replayBatch {
				r.send(b)
			}
			r.spent += time.Since(start)
			r.sent += replayBatch
		}
		round++
	}
	for _, r := range rs {
		b.ReportMetric(float64(r.spent.Nanoseconds())/float64(r.sent), r.name+"-ns/req")
		allocs, bytes := allocsPerRequest(b, r)
		b.ReportMetric(allocs, r.name+"-allocs/req")
		b.ReportMetric(bytes, r.name+"-B/req")
	}
}

// allocsPerRequest returns the allocations and bytes allocated per request
// of r, over a batch, outside the timer.
func allocsPerRequest(b *testing.B, r *sideRunner) (allocs, bytes float64) {
	const n = 10 * replayBatch
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		r.send(b)
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / n, float64(after.TotalAlloc-before.TotalAlloc) / n
}

func perReq(r *sideRunner) float64 { return float64(r.spent.Nanoseconds()) / float64(r.sent) }

// BenchmarkRecorderReplay replays small GETs (corpus.SmallGETs) in random
// order, each request built just before it is sent, through an
// http.Client over a Recorder in ModeReplay, and through the same client
// over canned transports that serve the same responses: bare, the floor,
// sharing the recorded header, and clone, copying it as dvd does. They run
// side by side: each iteration sends a batch through each in turn. N=…
// reports dvd-ns/req, bare-ns/req, clone-ns/req, dvd/bare (the target: at
// most 2 at 10,000) and dvd/clone, and the allocations of each. growth
// replays cassettes of 1,000 and 10,000 side by side, dvd and bare, and
// reports dvd-10k/1k, what a request costs at 10,000 over what it costs at
// 1,000 (the target: at most 1.3), and bare-10k/1k, the same for the
// floor, whose responses too fall out of the CPU's caches as they grow.
func BenchmarkRecorderReplay(b *testing.B) {
	for _, n := range []int{100, 1000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			dvd, bare, clone := smallReplayers(b, n)
			alternate(b, dvd, bare, clone)
			b.ReportMetric(perReq(dvd)/perReq(bare), "dvd/bare")
			b.ReportMetric(perReq(dvd)/perReq(clone), "dvd/clone")
		})
	}
	b.Run("growth", func(b *testing.B) {
		dvd1, bare1, _ := smallReplayers(b, 1000)
		dvd10, bare10, _ := smallReplayers(b, 10_000)
		dvd1.name, bare1.name, dvd10.name, bare10.name = "dvd-1k", "bare-1k", "dvd-10k", "bare-10k"
		alternate(b, dvd1, dvd10, bare1, bare10)
		b.ReportMetric(perReq(dvd10)/perReq(dvd1), "dvd-10k/1k")
		b.ReportMetric(perReq(bare10)/perReq(bare1), "bare-10k/1k")
		b.ReportMetric(perReq(dvd10)/perReq(bare10), "dvd/bare-10k")
	})
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
			corpus.GetSmall(b, &http.Client{Transport: r}, 100_000)
		})
	}
}
