package govcr

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/corpus"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// svgOut is where BenchmarkReplayCost draws its chart, when set:
//
//	cd bench/govcr && go test -run '^$' -bench ReplayCost -svg ../../docs/replay-cost.svg
var svgOut = flag.String("svg", "", "write the chart of BenchmarkReplayCost to this SVG file")

// costSizes are the cassette sizes of BenchmarkReplayCost.
var costSizes = []int{100, 300, 1000, 3000, 10_000, 30_000, 100_000}

var (
	costMu sync.Mutex
	costs  = map[string]map[int]float64{} // lib → interactions → ns per request, the last run's
)

// BenchmarkReplayCost measures the cost of one replayed request against
// the size of the cassette: small GETs (corpus.SmallGETs) in random order,
// from a cassette of N, dvd's recorder allowing repeats, go-vcr's with
// replayable interactions and its method+URL matcher. With -svg it draws
// ns/req against N for both, on logarithmic scales, into that file.
func BenchmarkReplayCost(b *testing.B) {
	for _, n := range costSizes {
		urls := corpus.SmallURLs(n)
		// Each recorder is opened once, when its benchmark first runs: the
		// benchmark function runs several times, and go-vcr takes seconds
		// to load 100,000 interactions.
		dvd := sync.OnceValue(func() *http.Client {
			r, err := cassette.NewRecorder(cassette.New(corpus.SmallGETs(n)...), cassette.Config{Mode: cassette.ModeReplay, AllowRepeats: true})
			if err != nil {
				b.Fatal(err)
			}
			return &http.Client{Transport: r}
		})
		vcr := sync.OnceValue(func() *http.Client {
			if err := dirOnce(); err != nil {
				b.Fatal(err)
			}
			name := filepath.Join(corpusDir, fmt.Sprintf("cost-%d", n))
			if err := saveGovcr(name, corpus.SmallGETs(n)); err != nil {
				b.Fatal(err)
			}
			r, err := recorder.New(name, recorder.WithMode(recorder.ModeReplayOnly), recorder.WithSkipRequestLatency(true),
				recorder.WithReplayableInteractions(true), recorder.WithMatcher(methodURL))
			if err != nil {
				b.Fatal(err)
			}
			return r.GetDefaultClient()
		})
		b.Run(fmt.Sprintf("lib=dvd/N=%d", n), func(b *testing.B) { cost(b, "dvd", n, dvd(), urls) })
		b.Run(fmt.Sprintf("lib=govcr/N=%d", n), func(b *testing.B) { cost(b, "govcr", n, vcr(), urls) })
	}
	if *svgOut != "" {
		if err := os.WriteFile(*svgOut, chart(), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

func cost(b *testing.B, lib string, n int, c *http.Client, urls []string) {
	b.ReportAllocs()
	i := rand.IntN(len(urls))
	for b.Loop() {
		req, err := corpus.NewSmallRequest(urls[i])
		if err != nil {
			b.Fatal(err)
		}
		corpus.Send(b, c, req)
		if i++; i == len(urls) {
			i = 0
		}
	}
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(ns, "ns/req")
	costMu.Lock()
	defer costMu.Unlock()
	if costs[lib] == nil {
		costs[lib] = map[int]float64{}
	}
	costs[lib][n] = ns
}

// chart draws costs as an SVG line chart, both axes logarithmic.
func chart() []byte {
	costMu.Lock()
	defer costMu.Unlock()
	const w, h, left, right, top, bottom = 640, 400, 70, 110, 30, 50
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, m := range costs {
		for _, v := range m {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 1, 10
	}
	lo, hi = math.Pow(10, math.Floor(math.Log10(lo))), math.Pow(10, math.Ceil(math.Log10(hi)))
	xlo, xhi := float64(costSizes[0]), float64(costSizes[len(costSizes)-1])
	x := func(n float64) float64 {
		return left + (w-left-right)*math.Log10(n/xlo)/math.Log10(xhi/xlo)
	}
	y := func(v float64) float64 { return h - bottom - (h-top-bottom)*math.Log10(v/lo)/math.Log10(hi/lo) }
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&s, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	fmt.Fprintf(&s, `<text x="%d" y="18" font-size="14">Time per replayed request against interactions in the cassette</text>`+"\n", left)
	for v := lo; v <= hi*1.001; v *= 10 {
		fmt.Fprintf(&s, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n",
			left, w-right, y(v), y(v), left-6, y(v)+4, duration(v))
	}
	for _, n := range costSizes {
		fmt.Fprintf(&s, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#eee"/><text x="%.1f" y="%d" text-anchor="middle">%d</text>`+"\n",
			x(float64(n)), x(float64(n)), top, h-bottom, x(float64(n)), h-bottom+16, n)
	}
	fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="middle">interactions in the cassette</text>`+"\n", (left+w-right)/2, h-12)
	colors := map[string]string{"dvd": "#1f6feb", "govcr": "#d1242f"}
	labels := map[string]string{"dvd": "dvd", "govcr": "go-vcr v4"}
	for _, lib := range []string{"dvd", "govcr"} {
		m := costs[lib]
		ns := slices.Sorted(func(yield func(int) bool) {
			for n := range m {
				if !yield(n) {
					return
				}
			}
		})
		if len(ns) == 0 {
			continue
		}
		var pts []string
		for _, n := range ns {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(float64(n)), y(m[n])))
			fmt.Fprintf(&s, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s, %d interactions: %s</title></circle>`+"\n",
				x(float64(n)), y(m[n]), colors[lib], labels[lib], n, duration(m[n]))
		}
		fmt.Fprintf(&s, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", colors[lib], strings.Join(pts, " "))
		last := ns[len(ns)-1]
		fmt.Fprintf(&s, `<text x="%.1f" y="%.1f" fill="%s">%s</text>`+"\n", x(float64(last))+8, y(m[last])+4, colors[lib], labels[lib])
	}
	s.WriteString("</svg>\n")
	return []byte(s.String())
}

// duration writes ns nanoseconds for an axis.
func duration(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%g ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%g µs", ns/1e3)
	}
	return fmt.Sprintf("%g ns", ns)
}
