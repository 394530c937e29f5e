package codec_test

import (
	"testing"

	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/corpus"
)

// BenchmarkCorpusCompress compresses every cassette of the real-shaped
// suite; MB/s counts its JSON, file-bytes is what the files take.
func BenchmarkCorpusCompress(b *testing.B) {
	files, total := corpus.SuiteFiles(b)
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
	files, total := corpus.SuiteFiles(b)
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
					if _, err := codec.Decompress(z, nil); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
