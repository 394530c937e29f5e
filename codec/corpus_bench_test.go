package codec_test

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

// BenchmarkCorpusCompress compresses every cassette of the real-shaped
// suite; MB/s counts its JSON, file-bytes is what the files take.
func BenchmarkCorpusCompress(b *testing.B) {
	files, total := loadCorpus(b)
	for _, c := range []codec.Compression{codec.Zstd, codec.Gzip} {
		b.Run(c.String(), func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			var size int
			for b.Loop() {
				size = 0
				for _, f := range files {
					z, err := codec.Compress(f, c)
					if err != nil {
						b.Fatal(err)
					}
					size += len(z)
				}
			}
			b.ReportMetric(float64(size), "file-bytes")
		})
	}
}

// BenchmarkCorpusDecompress decompresses every cassette of the real-shaped
// suite; MB/s counts its JSON.
func BenchmarkCorpusDecompress(b *testing.B) {
	files, total := loadCorpus(b)
	for _, c := range []codec.Compression{codec.Zstd, codec.Gzip} {
		b.Run(c.String(), func(b *testing.B) {
			in := make([][]byte, len(files))
			for i, f := range files {
				z, err := codec.Compress(f, c)
				if err != nil {
					b.Fatal(err)
				}
				in[i] = z
			}
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				for _, z := range in {
					if _, err := codec.Decompress(z); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
