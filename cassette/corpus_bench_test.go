package cassette_test

import (
	"sync"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/corpus"
)

// corpusFiles is the real-shaped suite of internal/corpus, as the bytes of
// its cassette files, uncompressed.
var corpusFiles = sync.OnceValues(func() ([][]byte, error) {
	suite := corpus.Generate(1, corpus.Suite)
	files := make([][]byte, len(suite))
	for i, ins := range suite {
		data, err := cassette.Marshal(cassette.New(ins...))
		if err != nil {
			return nil, err
		}
		files[i] = data
	}
	return files, nil
})

func loadCorpus(b *testing.B) (files [][]byte, total int64) {
	b.Helper()
	files, err := corpusFiles()
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range files {
		total += int64(len(f))
	}
	return files, total
}

// BenchmarkCorpusUnmarshal reads every cassette of the real-shaped suite
// (internal/corpus); MB/s counts its JSON.
func BenchmarkCorpusUnmarshal(b *testing.B) {
	files, total := loadCorpus(b)
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
	files, total := loadCorpus(b)
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
