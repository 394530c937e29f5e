package cassette_test

import (
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/corpus"
)

// BenchmarkCorpusUnmarshal reads every cassette of the real-shaped suite
// (internal/corpus); MB/s counts its JSON.
func BenchmarkCorpusUnmarshal(b *testing.B) {
	files, total := corpus.SuiteFiles(b)
	for _, c := range codecs {
		b.Run(c.String(), func(b *testing.B) {
			in := make([][]byte, len(files))
			var size int
			for i, f := range files {
				z, err := codec.Compress(f, c)
				if err != nil {
					b.Fatal(err)
				}
				in[i] = z
				size += len(z)
			}
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range in {
					if _, err := cassette.Unmarshal(f); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(size), "file-bytes")
		})
	}
}

// BenchmarkCorpusMarshal writes every cassette of the real-shaped suite.
func BenchmarkCorpusMarshal(b *testing.B) {
	files, total := corpus.SuiteFiles(b)
	cs := make([]*cassette.Cassette, len(files))
	for i, f := range files {
		c, err := cassette.Unmarshal(f)
		if err != nil {
			b.Fatal(err)
		}
		cs[i] = c
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cs {
			if _, err := cassette.Marshal(c); err != nil {
				b.Fatal(err)
			}
		}
	}
}
