package corpus

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// kindOf tells the kind of a response body by its bytes.
func kindOf(b []byte) Kind {
	switch {
	case len(b) == 0:
		return Empty
	case bytes.HasPrefix(b, []byte("<?xml")):
		return XML
	case !json.Valid(b):
		return Text
	case bytes.Contains(b, []byte("\n")):
		return JSONIndented
	case bytes.Contains(b, []byte(`": `)):
		return JSONPython
	}
	return JSONCompact
}

// TestShapes checks each suite of Shapes against the statistics of the real
// one, within a margin, so that a change to the generator cannot quietly
// make the benchmarks measure other traffic.
func TestShapes(t *testing.T) {
	for _, s := range Shapes {
		t.Run(s.Name, func(t *testing.T) {
			suite := s.Generate(1, s.Cassettes)
			var counts, sizes []int
			kinds := map[Kind]int{}
			reqH, respH, n := 0, 0, 0
			for _, ins := range suite {
				counts = append(counts, len(ins))
				for _, in := range ins {
					n++
					b := in.Response.Body
					kinds[kindOf(b)]++
					if len(b) > 0 {
						sizes = append(sizes, len(b))
					}
					reqH += len(in.Request.Header)
					respH += len(in.Response.Header)
					if in.Request.Body != nil && !json.Valid(in.Request.Body) {
						t.Fatalf("request body is not JSON: %q", in.Request.Body)
					}
				}
			}
			slices.Sort(counts)
			slices.Sort(sizes)
			pct := func(s []int, p float64) int { return s[int(p*float64(len(s)-1))] }
			mean := float64(n) / float64(len(counts))
			t.Logf("%d cassettes, %d interactions; per cassette mean %.1f p50 %d p90 %d max %d; headers %.1f request, %.1f response; bodies p50 %d p90 %d p99 %d max %d; kinds %v",
				len(counts), n, mean, pct(counts, .5), pct(counts, .9), counts[len(counts)-1],
				float64(reqH)/float64(n), float64(respH)/float64(n),
				pct(sizes, .5), pct(sizes, .9), pct(sizes, .99), sizes[len(sizes)-1], kinds)
			within := func(what string, got, want, margin float64) {
				t.Helper()
				if got < want*(1-margin) || got > want*(1+margin) {
					t.Errorf("%s = %.2f, want %.2f within %.0f%%", what, got, want, margin*100)
				}
			}
			within("interactions per cassette, mean", mean, s.PerMean, .2)
			within("interactions per cassette, p50", float64(pct(counts, .5)), float64(s.PerP50), .25)
			within("interactions per cassette, p90", float64(pct(counts, .9)), float64(s.PerP90), .25)
			if m := counts[len(counts)-1]; m > s.PerMax {
				t.Errorf("a cassette of %d interactions, past the maximum %d", m, s.PerMax)
			}
			within("request headers, mean", float64(reqH)/float64(n), s.ReqHeaders, .1)
			within("response headers, mean", float64(respH)/float64(n), s.RespHeaders, .1)
			within("body p50", float64(pct(sizes, .5)), float64(s.BodyP50), .2)
			within("body p90", float64(pct(sizes, .9)), float64(s.BodyP90), .2)
			// The tail is sparse: a few dozen bodies past the 99th
			// percentile in the smaller suites.
			within("body p99", float64(pct(sizes, .99)), float64(s.BodyP99), .6)
			if m := sizes[len(sizes)-1]; m > s.BodyMax*11/10 {
				t.Errorf("a body of %d bytes, past the maximum %d", m, s.BodyMax)
			}
			for k := Empty; k <= XML; k++ {
				got, want := 100*float64(kinds[k])/float64(n), s.Kinds[k]
				// three standard deviations of a share drawn n times
				margin := 1 + 300*math.Sqrt(want/100*(1-want/100)/float64(n))
				if d := got - want; d > margin || d < -margin {
					t.Errorf("%v bodies: %.1f%%, want %.1f%%", k, got, want)
				}
			}

			again := s.Generate(1, 3)
			for i := range again {
				a, _ := cassette.Marshal(cassette.New(again[i]...))
				b, _ := cassette.Marshal(cassette.New(suite[i]...))
				if !bytes.Equal(a, b) {
					t.Fatalf("cassette %d differs between two runs with the same seed", i)
				}
			}
		})
	}
}
