// Package govcr compares dvd with go-vcr, the VCR most Go projects use, on
// the same recorded traffic. It is a module of its own so that go-vcr never
// becomes a dependency of dvd. Run it with
//
//	cd bench/govcr && go test -bench . -benchmem
package govcr

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
	vcrcassette "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// api answers each path with a small JSON body and the headers of a
// typical API.
func api() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", strconv.FormatUint(rand.Uint64(), 16))
		fmt.Fprintf(w, `{"path":%q,"name":"item","price":42,"tags":["a","b"]}`, r.URL.Path)
	}))
}

// getInTurn measures c getting the urls, one an iteration, in turn.
func getInTurn(b *testing.B, c *http.Client, urls []string) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		get(b, c, urls[i%len(urls)])
	}
}

func get(tb testing.TB, c *http.Client, url string) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func urls(base string, n int) []string {
	out := make([]string, n)
	for i, p := range rand.New(rand.NewPCG(1, 2)).Perm(n) {
		out[i] = base + "/items/" + strconv.Itoa(p) + "?page=1"
	}
	return out
}

// recordBoth records the same n requests with go-vcr and with dvd, into
// dir/govcr.yaml and dir/testdata/dvd.dvd.json.
func recordBoth(tb testing.TB, dir, base string, n int) {
	vr, err := recorder.New(filepath.Join(dir, "govcr"), recorder.WithMode(recorder.ModeRecordOnly), recorder.WithSkipRequestLatency(true))
	if err != nil {
		tb.Fatal(err)
	}
	dr, err := cassette.NewRecorder(nil, cassette.Config{Mode: cassette.ModeRecord})
	if err != nil {
		tb.Fatal(err)
	}
	vc, dc := vr.GetDefaultClient(), &http.Client{Transport: dr}
	for _, u := range urls(base, n) {
		get(tb, vc, u)
		get(tb, dc, u)
	}
	if err := vr.Stop(); err != nil {
		tb.Fatal(err)
	}
	if err := dr.Cassette().Save(filepath.Join(dir, "testdata", "dvd.dvd.json")); err != nil {
		tb.Fatal(err)
	}
	dr.Close()
}

// BenchmarkReplay replays one small GET, in random order, from cassettes
// of several sizes: go-vcr compares the request with every interaction in
// turn, dvd looks it up in its index.
func BenchmarkReplay(b *testing.B) {
	srv := api()
	defer srv.Close()
	for _, n := range []int{100, 1000, 10_000} {
		dir := b.TempDir()
		recordBoth(b, dir, srv.URL, n)
		reqs := urls(srv.URL, n)
		b.Run(fmt.Sprintf("lib=govcr/N=%d", n), func(b *testing.B) {
			r, err := recorder.New(filepath.Join(dir, "govcr"), recorder.WithMode(recorder.ModeReplayOnly),
				recorder.WithSkipRequestLatency(true), recorder.WithReplayableInteractions(true))
			if err != nil {
				b.Fatal(err)
			}
			c := r.GetDefaultClient()
			getInTurn(b, c, reqs)
		})
		b.Run(fmt.Sprintf("lib=dvd/N=%d", n), func(b *testing.B) {
			b.Chdir(dir)
			d := dvdtest.Use(b, "dvd", dvdtest.WithMode(cassette.ModeReplay), dvdtest.AllowRepeats())
			c := d.Client()
			getInTurn(b, c, reqs)
		})
	}
}

// BenchmarkLoad reads a cassette of 10,000 interactions, and reports its
// size on disk per interaction.
func BenchmarkLoad(b *testing.B) {
	srv := api()
	defer srv.Close()
	const n = 10_000
	dir := b.TempDir()
	recordBoth(b, dir, srv.URL, n)
	size := func(path string) float64 {
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		return float64(fi.Size()) / n
	}
	b.Run("lib=govcr", func(b *testing.B) {
		for b.Loop() {
			if _, err := vcrcassette.Load(filepath.Join(dir, "govcr")); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(size(filepath.Join(dir, "govcr.yaml")), "B/interaction")
	})
	b.Run("lib=dvd", func(b *testing.B) {
		for b.Loop() {
			if _, err := cassette.Load(filepath.Join(dir, "testdata", "dvd.dvd.json")); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(size(filepath.Join(dir, "testdata", "dvd.dvd.json")), "B/interaction")
	})
}
