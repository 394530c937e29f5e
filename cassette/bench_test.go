package cassette_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/corpus"
)

// BenchmarkLookup measures the index alone, in random order: the cost must
// not grow with the cassette.
func BenchmarkLookup(b *testing.B) {
	for _, n := range []int{100, 100_000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			ix, err := cassette.NewIndex(corpus.SmallGETs(n), cassette.DefaultMatchers(), true)
			if err != nil {
				b.Fatal(err)
			}
			reqs := make([]*http.Request, n)
			for i, url := range corpus.SmallURLs(n) {
				reqs[i], err = http.NewRequest(http.MethodGet, url, nil)
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if !ix.Lookup(reqs[i]) {
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
	ins := corpus.SmallGETs(10_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cassette.NewIndex(ins, cassette.DefaultMatchers(), false); err != nil {
			b.Fatal(err)
		}
	}
}
