package govcr

// The benchmarks of this file measure dvd and go-vcr side by side on the
// four suite shapes of internal/corpus (corpus.Shapes: A, B and C of many
// small cassettes, "large" of large ones), each suite and all four in
// total ("all"), against the targets of issue 20. Each iteration runs both
// libraries on the same files, one after the other (which goes first
// alternates), and reports each one's time and their ratio, so that a
// noisy neighbour slows both alike. Run them with
//
//	cd bench/govcr && go test -run '^$' -bench Suites -benchtime 1x -count 5 -timeout 30m
//
// and compare runs with benchstat. DVD_BENCH_SUITE=n takes only the first
// n cassettes of each suite; CI, -short and the race detector take 40 and
// 10.

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/corpus"
	vcrcassette "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// suiteFiles is a suite written by both libraries.
type suiteFiles struct {
	suite    [][]cassette.Interaction
	requests int
	govcr    []string // go-vcr's cassettes as its Load names them: without ".yaml"
	plain    []string // dvd's plain JSON files
	zstd     []string // dvd's .zst files
	// sizes of the files, summed: dvd plain and zstd, go-vcr's YAML raw
	// and each gzipped at the default level
	plainB, zstdB, yamlB, yamlGzB int64
}

// suiteCassettes returns how many cassettes of each suite to use.
func suiteCassettes(s corpus.Shape) (int, error) {
	v := os.Getenv("DVD_BENCH_SUITE")
	if v == "" {
		switch {
		case raceEnabled:
			return min(10, s.Cassettes), nil
		case inCI(), testing.Short():
			return min(40, s.Cassettes), nil
		}
		return s.Cassettes, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("DVD_BENCH_SUITE=%q: want a number of cassettes", v)
	}
	return min(n, s.Cassettes), nil
}

var suitesOnce sync.Map // shape name → func() (*suiteFiles, error)

// loadSuite writes the suite of shape name (seed 1) in both formats, once
// per process, under corpusDir.
func loadSuite(tb testing.TB, name string) *suiteFiles {
	tb.Helper()
	f, _ := suitesOnce.LoadOrStore(name, sync.OnceValues(func() (*suiteFiles, error) { return writeSuite(name) }))
	sf, err := f.(func() (*suiteFiles, error))()
	if err != nil {
		tb.Fatal(err)
	}
	return sf
}

// dirOnce makes corpusDir, which TestMain removes.
var dirOnce = sync.OnceValue(func() error {
	if corpusDir != "" {
		return nil
	}
	var err error
	corpusDir, err = os.MkdirTemp("", "dvd-govcr-corpus-")
	return err
})

func writeSuite(name string) (*suiteFiles, error) {
	shape, ok := corpus.ShapeNamed(name)
	if !ok {
		return nil, fmt.Errorf("no suite %q", name)
	}
	n, err := suiteCassettes(shape)
	if err != nil {
		return nil, err
	}
	if err := dirOnce(); err != nil {
		return nil, err
	}
	sf := &suiteFiles{suite: shape.Generate(1, n)}
	for i, ins := range sf.suite {
		sf.requests += len(ins)
		base := filepath.Join(corpusDir, "suite-"+name, fmt.Sprintf("c%04d", i))
		if err := saveGovcr(base, ins); err != nil {
			return nil, err
		}
		sf.govcr = append(sf.govcr, base)
		data, err := os.ReadFile(base + ".yaml")
		if err != nil {
			return nil, err
		}
		sf.yamlB += int64(len(data))
		sf.yamlGzB += gzipSize(data)
		c := cassette.New(ins...)
		for _, cd := range []codec.Compression{codec.None, codec.Zstd} {
			path := base + cassette.Ext + ext(cd)
			if err := c.Save(path); err != nil {
				return nil, err
			}
			size, err := fileSize(path)
			if err != nil {
				return nil, err
			}
			if cd == codec.None {
				sf.plain, sf.plainB = append(sf.plain, path), sf.plainB+size
			} else {
				sf.zstd, sf.zstdB = append(sf.zstd, path), sf.zstdB+size
			}
		}
	}
	return sf, nil
}

// allSuites returns the four suites as one.
func allSuites(tb testing.TB) *suiteFiles {
	all := &suiteFiles{}
	for _, s := range corpus.Shapes {
		sf := loadSuite(tb, s.Name)
		all.suite = append(all.suite, sf.suite...)
		all.requests += sf.requests
		all.govcr = append(all.govcr, sf.govcr...)
		all.plain = append(all.plain, sf.plain...)
		all.zstd = append(all.zstd, sf.zstd...)
		all.plainB += sf.plainB
		all.zstdB += sf.zstdB
		all.yamlB += sf.yamlB
		all.yamlGzB += sf.yamlGzB
	}
	return all
}

// forEachSuite runs f on each suite and on all four together.
func forEachSuite(b *testing.B, f func(b *testing.B, sf *suiteFiles, large bool)) {
	for _, s := range corpus.Shapes {
		b.Run("suite="+s.Name, func(b *testing.B) { f(b, loadSuite(b, s.Name), s.Name == "large") })
	}
	b.Run("suite=all", func(b *testing.B) { f(b, allSuites(b), false) })
}

// sideBySide runs each of fs once an iteration, the first one first on
// even iterations and last on odd ones, and returns the time each took,
// per iteration.
func sideBySide(b *testing.B, fs ...func()) []time.Duration {
	total := make([]time.Duration, len(fs))
	iters := 0
	for b.Loop() {
		for k := range fs {
			i := k
			if iters%2 == 1 {
				i = len(fs) - 1 - k
			}
			start := time.Now()
			fs[i]()
			total[i] += time.Since(start)
		}
		iters++
	}
	for i := range total {
		total[i] /= time.Duration(iters)
	}
	return total
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// BenchmarkSuitesLoad loads every cassette of each suite: dvd's
// cassette.Load of the plain JSON and of the .zst files, go-vcr's
// cassette.Load of its YAML, and os.ReadFile of the plain files, the floor
// of any loader of them. ns/op is the sum; the metrics say each one's time
// and the ratios: govcr/dvd, dvd/read (load over reading the bytes), and
// govcr/read, the most that any loader of these files could gain over
// go-vcr on this machine, since it must at least open and read them.
func BenchmarkSuitesLoad(b *testing.B) {
	forEachSuite(b, func(b *testing.B, sf *suiteFiles, large bool) {
		dvdLoad := func(paths []string) func() {
			return func() {
				for _, p := range paths {
					if _, err := cassette.Load(p); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		fs := []func(){
			dvdLoad(sf.plain),
			func() {
				for _, name := range sf.govcr {
					if _, err := vcrcassette.Load(name); err != nil {
						b.Fatal(err)
					}
				}
			},
			dvdLoad(sf.zstd),
			func() {
				for _, p := range sf.plain {
					if _, err := os.ReadFile(p); err != nil {
						b.Fatal(err)
					}
				}
			},
		}
		b.ReportAllocs()
		t := sideBySide(b, fs...)
		b.ReportMetric(ms(t[0]), "dvd-ms")
		b.ReportMetric(ms(t[1]), "govcr-ms")
		b.ReportMetric(ms(t[2]), "dvd.zst-ms")
		b.ReportMetric(ms(t[3]), "read-ms")
		b.ReportMetric(float64(t[1])/float64(t[0]), "govcr/dvd")
		b.ReportMetric(float64(t[1])/float64(t[2]), "govcr/dvd.zst")
		b.ReportMetric(float64(t[0])/float64(t[3]), "dvd/read")
		b.ReportMetric(float64(t[1])/float64(t[3]), "govcr/read")
		b.ReportMetric(float64(len(sf.plain)), "cassettes")
	})
}

// cannedTransport serves the recorded responses of one cassette in
// recorded order, doing the least a RoundTripper must: a fresh
// *http.Response with the recorded header (the recorded map itself) and a
// reader over the recorded body. Through the same client, with the same
// requests built and bodies read, it is the floor that replay is measured
// against.
type cannedTransport struct {
	ins  []cassette.Interaction
	next int
}

func (t *cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	r := t.ins[t.next].Response
	if t.next++; t.next == len(t.ins) {
		t.next = 0
	}
	return &http.Response{
		Status: r.Status, StatusCode: r.StatusCode, Proto: r.Proto, ProtoMajor: 1, ProtoMinor: 1,
		Header: r.Header, Body: corpus.CannedBody(r.Body),
		ContentLength: r.ContentLength, Uncompressed: r.Uncompressed, Request: req,
	}, nil
}

// methodURL is go-vcr's matcher on the method and the URL, which is what
// dvd's default matchers read.
func methodURL(r *http.Request, i vcrcassette.Request) bool {
	return r.Method == i.Method && r.URL.String() == i.URL
}

// BenchmarkSuitesReplay replays every recorded request of each cassette, in
// order, once, through an http.Client over a recorder: dvd's in
// ModeReplay on the loaded cassette, go-vcr's in replay-only mode with the
// method+URL matcher and no simulated latency; and, the floor, through the
// same client over a canned transport that serves the recorded responses
// in order (cannedTransport). Opening the recorders (go-vcr's loads its
// cassette; dvd's builds its index) is outside the time; building each
// request and reading each body are inside. The three run side by side,
// which goes first turning each iteration. dvd-ns/req, govcr-ns/req and
// bare-ns/req are per request; govcr/dvd is the gain, dvd/bare how far dvd
// is from the floor, and govcr/bare the most that any replay could gain
// over go-vcr through this client.
func BenchmarkSuitesReplay(b *testing.B) {
	forEachSuite(b, func(b *testing.B, sf *suiteFiles, large bool) {
		cs := loadDVD(b, sf.plain)
		var dcs, vcs, bcs []*http.Client
		open := func() {
			dcs = dvdClients(b, cs)
			vcs = make([]*http.Client, len(sf.govcr))
			for i, name := range sf.govcr {
				r, err := recorder.New(name, recorder.WithMode(recorder.ModeReplayOnly),
					recorder.WithSkipRequestLatency(true), recorder.WithMatcher(methodURL))
				if err != nil {
					b.Fatal(err)
				}
				vcs[i] = r.GetDefaultClient()
			}
			bcs = make([]*http.Client, len(sf.suite))
			for i, ins := range sf.suite {
				bcs[i] = &http.Client{Transport: &cannedTransport{ins: ins}}
			}
		}
		replay := func(cl *[]*http.Client) func() {
			return func() {
				for i, ins := range sf.suite {
					replayAll(b, (*cl)[i], ins, false)
				}
			}
		}
		b.ReportAllocs()
		fs := [...]func(){replay(&dcs), replay(&vcs), replay(&bcs)}
		var t [len(fs)]time.Duration
		iters := 0
		for b.Loop() {
			b.StopTimer()
			open()
			b.StartTimer()
			for k := range fs {
				i := (k + iters) % len(fs)
				start := time.Now()
				fs[i]()
				t[i] += time.Since(start)
			}
			iters++
		}
		req := float64(sf.requests * iters)
		b.ReportMetric(float64(t[0])/req, "dvd-ns/req")
		b.ReportMetric(float64(t[1])/req, "govcr-ns/req")
		b.ReportMetric(float64(t[2])/req, "bare-ns/req")
		b.ReportMetric(float64(t[1])/float64(t[0]), "govcr/dvd")
		b.ReportMetric(float64(t[0])/float64(t[2]), "dvd/bare")
		b.ReportMetric(float64(t[1])/float64(t[2]), "govcr/bare")
		b.ReportMetric(float64(sf.requests), "req/op")
	})
}

// liveHeap returns the heap that what load returns keeps live. It
// collects twice before each reading: the first collection only moves what
// sync.Pools hold (buffers a loader keeps for its next file) to a victim
// cache, which the second frees, so that the heap counted is what the
// loaded cassettes hold, not what the loader cached.
func liveHeap(load func() any) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept := load()
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	return after.HeapAlloc - before.HeapAlloc
}

// BenchmarkSuitesHeap reports the live heap of every cassette of each suite
// loaded at once, dvd's (cassette.Load of the plain JSON) and go-vcr's
// (cassette.Load), and its ratio dvd/govcr; and the heap a recorder in
// ModeReplay adds to dvd's (its index). There is nothing to time.
func BenchmarkSuitesHeap(b *testing.B) {
	forEachSuite(b, func(b *testing.B, sf *suiteFiles, large bool) {
		var dvd, withIndex, vcr uint64
		for b.Loop() {
			dvd = liveHeap(func() any { return loadDVD(b, sf.plain) })
			withIndex = liveHeap(func() any { return dvdClients(b, loadDVD(b, sf.plain)) })
			vcr = liveHeap(func() any {
				out := make([]*vcrcassette.Cassette, len(sf.govcr))
				for i, name := range sf.govcr {
					c, err := vcrcassette.Load(name)
					if err != nil {
						b.Fatal(err)
					}
					out[i] = c
				}
				return out
			})
		}
		b.ReportMetric(float64(dvd), "dvd-B")
		b.ReportMetric(float64(withIndex), "dvd+index-B")
		b.ReportMetric(float64(vcr), "govcr-B")
		b.ReportMetric(float64(dvd)/float64(vcr), "dvd/govcr")
		b.ReportMetric(float64(withIndex)/float64(vcr), "dvd+index/govcr")
		b.ReportMetric(float64(dvd)/float64(sf.plainB), "dvd/file")
	})
}

// BenchmarkSuitesSize reports the size of each suite's files: dvd's plain
// JSON against go-vcr's YAML (yaml/dvd: at least 1 is the target), and
// dvd's .zst against the YAML gzipped at the default level (yaml.gz/dvd.zst:
// at least 1.2). There is nothing to time.
func BenchmarkSuitesSize(b *testing.B) {
	forEachSuite(b, func(b *testing.B, sf *suiteFiles, large bool) {
		for b.Loop() {
		}
		b.ReportMetric(float64(sf.plainB), "dvd-B")
		b.ReportMetric(float64(sf.yamlB), "yaml-B")
		b.ReportMetric(float64(sf.zstdB), "dvd.zst-B")
		b.ReportMetric(float64(sf.yamlGzB), "yaml.gz-B")
		b.ReportMetric(float64(sf.yamlB)/float64(sf.plainB), "yaml/dvd")
		b.ReportMetric(float64(sf.yamlGzB)/float64(sf.zstdB), "yaml.gz/dvd.zst")
	})
}

// gzipSize returns the size of data gzipped at the default level.
func gzipSize(data []byte) int64 {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(data)
	w.Close()
	return int64(buf.Len())
}
