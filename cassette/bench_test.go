package cassette

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"testing"

	"github.com/dvdrw/dvd/match"
)

// benchInteractions returns n small GET interactions with distinct paths.
func benchInteractions(n int) []Interaction {
	ins := make([]Interaction, n)
	for i := range ins {
		body := []byte(`{"id":` + strconv.Itoa(i) + `}`)
		ins[i] = Interaction{
			Request: Request{
				Method: http.MethodGet,
				URL:    "http://api.example.com/items/" + strconv.Itoa(i) + "?page=1",
				Header: http.Header{"Accept": {"application/json"}},
			},
			Response: &Response{Status: "200 OK", StatusCode: 200, Body: body, ContentLength: int64(len(body))},
		}
	}
	return ins
}

// BenchmarkLookup measures the index alone, in random order: the cost must
// not grow with the cassette.
func BenchmarkLookup(b *testing.B) {
	for _, n := range []int{100, 100_000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			ix, err := newIndex(benchInteractions(n), match.Default(), nil, true)
			if err != nil {
				b.Fatal(err)
			}
			reqs := make([]*http.Request, n)
			for i, p := range rand.New(rand.NewPCG(1, 2)).Perm(n) {
				reqs[i], err = http.NewRequest(http.MethodGet, "http://api.example.com/items/"+strconv.Itoa(p)+"?page=1", nil)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if ix.lookup(reqs[i], nil) == nil {
					b.Fatal("no match")
				}
				if i++; i == n {
					i = 0
				}
			}
		})
	}
}

// BenchmarkNewIndex measures building the index of 10,000 interactions, which
// every replaying Use pays once.
func BenchmarkNewIndex(b *testing.B) {
	ins := benchInteractions(10_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newIndex(ins, match.Default(), nil, false); err != nil {
			b.Fatal(err)
		}
	}
}
