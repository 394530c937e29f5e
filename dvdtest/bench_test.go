package dvdtest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/internal/corpus"
)

// benchCassettes encodes each size of cassette once per process: building
// and encoding 100,000 interactions is far slower than what is measured.
var benchCassettes sync.Map // int -> func() []byte

func benchCassette(n int) []byte {
	v, _ := benchCassettes.LoadOrStore(n, sync.OnceValue(func() []byte {
		data, err := cassette.Marshal(cassette.New(corpus.SmallGETs(n)...))
		if err != nil {
			panic(err)
		}
		return data
	}))
	return v.(func() []byte)()
}

// replayDVD writes a cassette of n interactions under a fresh temporary
// folder, makes it the working directory, and returns a DVD replaying it.
func replayDVD(b *testing.B, n int) *dvdtest.DVD {
	b.Helper()
	dir := b.TempDir()
	b.Chdir(dir)
	if err := codec.WriteFile(filepath.Join(dir, "testdata", "bench"+cassette.Ext), benchCassette(n)); err != nil {
		b.Fatal(err)
	}
	return dvdtest.Use(b, "bench", dvdtest.WithMode(cassette.ModeReplay), dvdtest.AllowRepeats())
}

// shuffledRequests returns one GET request for each of the n interactions,
// in random order.
func shuffledRequests(b *testing.B, n int) []*http.Request {
	reqs := make([]*http.Request, n)
	for i, url := range corpus.SmallURLs(n) {
		req, err := corpus.NewSmallRequest(url)
		if err != nil {
			b.Fatal(err)
		}
		reqs[i] = req
	}
	return reqs
}

// BenchmarkReplay measures one small GET replayed through d.Client(), in
// random order, for cassettes of several sizes: the cost must not grow with
// the cassette. The requests are built beforehand, so at 100,000 they are
// cold in the cache too, which a real test, building each request just
// before sending it, does not pay; BenchmarkReplayFresh builds them in the
// loop.
func BenchmarkReplay(b *testing.B) {
	for _, n := range []int{100, 10_000, 100_000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			d := replayDVD(b, n)
			reqs := shuffledRequests(b, n)
			c := d.Client()
			b.SetBytes(int64(len(corpus.SmallBody(n / 2))))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				corpus.Send(b, c, reqs[i])
				if i++; i == len(reqs) {
					i = 0
				}
			}
		})
	}
}

// BenchmarkReplayFresh is BenchmarkReplay with each request built just
// before it is sent, as tests do.
func BenchmarkReplayFresh(b *testing.B) {
	for _, n := range []int{100, 10_000, 100_000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			corpus.GetSmall(b, replayDVD(b, n).Client(), n)
		})
	}
}

// BenchmarkReplayParallel measures replay from many goroutines at once:
// lookups take only a per-bucket lock, so throughput should grow with
// GOMAXPROCS (run with -cpu 1,2,...).
func BenchmarkReplayParallel(b *testing.B) {
	const n = 10_000
	d := replayDVD(b, n)
	reqs := shuffledRequests(b, n) // only read by the client, so shared
	c := d.Client()
	var start atomic.Int64
	b.SetBytes(int64(len(corpus.SmallBody(n / 2))))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(start.Add(n/16)) % n // each goroutine starts elsewhere
		for pb.Next() {
			corpus.Send(b, c, reqs[i])
			if i++; i == n {
				i = 0
			}
		}
	})
}

// BenchmarkRecord compares a round trip to a local server through a plain
// transport with the same round trip recorded by a DVD. The cassette is
// saved at cleanup, outside the timer, into a temporary folder.
func BenchmarkRecord(b *testing.B) {
	body := corpus.SmallBody(42)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))
	defer srv.Close()
	run := func(b *testing.B, c *http.Client) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/items/42?page=1", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Accept", "application/json")
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			corpus.Send(b, c, req)
		}
	}
	b.Run("bare", func(b *testing.B) {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		defer tr.CloseIdleConnections()
		run(b, &http.Client{Transport: tr})
	})
	b.Run("dvd", func(b *testing.B) {
		b.Chdir(b.TempDir())
		d := dvdtest.Use(b, "record", dvdtest.WithMode(cassette.ModeRecord))
		run(b, d.Client())
	})
}
