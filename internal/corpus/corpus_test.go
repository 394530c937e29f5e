package corpus

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// TestShape checks that the generated suite has the shape of the real one
// within a margin, so that a change to the generator cannot quietly make
// the benchmarks measure other traffic.
func TestShape(t *testing.T) {
	suite := Generate(1, Suite)
	var counts, sizes []int
	total, jsonBodies, textOrEmpty, binary, gets, reqJSON := 0, 0, 0, 0, 0, 0
	respHeaders, reqHeaders := 0, 0
	for _, ins := range suite {
		counts = append(counts, len(ins))
		for _, in := range ins {
			b := in.Response.Body
			sizes = append(sizes, len(b))
			total += len(b)
			switch {
			case json.Valid(b) && len(b) > 0:
				jsonBodies++
			case len(b) == 0 || bytes.HasPrefix(b, []byte("<?xml")) || bytes.HasPrefix(b, []byte("The ")):
				textOrEmpty++
			default:
				binary++
			}
			if in.Request.Method == "GET" {
				gets++
			}
			if in.Request.Body != nil {
				reqJSON++
				if !json.Valid(in.Request.Body) {
					t.Errorf("request body is not JSON: %q", in.Request.Body)
				}
			}
			respHeaders += len(in.Response.Header)
			reqHeaders += len(in.Request.Header)
		}
	}
	n := len(sizes)
	slices.Sort(counts)
	slices.Sort(sizes)
	pct := func(s []int, p float64) int { return s[int(p*float64(len(s)-1))] }
	t.Logf("%d interactions; per cassette p50 %d p90 %d max %d; bodies p50 %d p90 %d p99 %d max %d mean %d; JSON %d%%, text or empty %d%%, binary %d%%; GET %d%%, JSON request bodies %d%%; headers %.1f response, %.1f request",
		n, pct(counts, .5), pct(counts, .9), counts[len(counts)-1],
		pct(sizes, .5), pct(sizes, .9), pct(sizes, .99), sizes[n-1], total/n,
		100*jsonBodies/n, 100*textOrEmpty/n, 100*binary/n, 100*gets/n, 100*reqJSON/n,
		float64(respHeaders)/float64(n), float64(reqHeaders)/float64(n))
	within := func(what string, got, want int, margin float64) {
		t.Helper()
		if float64(got) < float64(want)*(1-margin) || float64(got) > float64(want)*(1+margin) {
			t.Errorf("%s = %d, want %d within %.0f%%", what, got, want, margin*100)
		}
	}
	within("interactions", n, 34643, .25)
	within("interactions per cassette, p50", pct(counts, .5), 27, .25)
	within("interactions per cassette, p90", pct(counts, .9), 92, .25)
	within("response body p50", pct(sizes, .5), 521, .35)
	within("response body p90", pct(sizes, .9), 2400, .35)
	within("response body p99", pct(sizes, .99), 58000, .5)
	within("response body mean", total/n, 2900, .35)
	within("JSON response bodies, %", 100*jsonBodies/n, 64, .1)
	within("text or empty response bodies, %", 100*textOrEmpty/n, 31, .15)
	if counts[len(counts)-1] > 675 || sizes[n-1] > 200000 {
		t.Errorf("maxima past the real suite's: %d interactions, %d bytes", counts[len(counts)-1], sizes[n-1])
	}

	again := Generate(1, 3)
	for i := range again {
		a, _ := cassette.Marshal(cassette.New(again[i]...))
		b, _ := cassette.Marshal(cassette.New(suite[i]...))
		if !bytes.Equal(a, b) {
			t.Fatalf("cassette %d differs between two runs with the same seed", i)
		}
	}
}
