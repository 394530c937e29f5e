package cassette_test

import (
	"path/filepath"
	"testing"

	"github.com/dvdrw/dvd/cassette"

	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/corpus"
)

// benchN is the size of the benchmark cassette: the spec's "10,000 small
// interactions".
const benchN = 10_000

var codecs = []codec.Compression{codec.None, codec.Zstd, codec.Gzip}

// reportSize reports the encoded size per interaction, the figure the spec
// compares with go-vcr's ~700 bytes.
func reportSize(b *testing.B, n int) {
	b.ReportMetric(float64(n)/benchN, "B/interaction")
}

func BenchmarkMarshal(b *testing.B) {
	f := cassette.New(corpus.SmallGETs(benchN)...)
	raw := mustMarshal(b, f)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cassette.Marshal(f); err != nil {
			b.Fatal(err)
		}
	}
	reportSize(b, len(raw))
}

func BenchmarkUnmarshal(b *testing.B) {
	raw := mustMarshal(b, cassette.New(corpus.SmallGETs(benchN)...))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cassette.Unmarshal(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncode measures marshalling and compressing; MB/s counts the
// uncompressed JSON, and B/interaction is the size written.
func BenchmarkEncode(b *testing.B) {
	f := cassette.New(corpus.SmallGETs(benchN)...)
	raw := mustMarshal(b, f)
	for _, c := range codecs {
		b.Run(c.String(), func(b *testing.B) {
			out, err := codec.Compress(mustMarshal(b, f), c)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				data, err := cassette.Marshal(f)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := codec.Compress(data, c); err != nil {
					b.Fatal(err)
				}
			}
			reportSize(b, len(out))
		})
	}
}

// BenchmarkDecode measures decompressing and unmarshalling; MB/s counts the
// uncompressed JSON.
func BenchmarkDecode(b *testing.B) {
	f := cassette.New(corpus.SmallGETs(benchN)...)
	raw := mustMarshal(b, f)
	for _, c := range codecs {
		b.Run(c.String(), func(b *testing.B) {
			data, err := codec.Compress(mustMarshal(b, f), c)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := cassette.Unmarshal(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriteFile(b *testing.B) {
	f := cassette.New(corpus.SmallGETs(benchN)...)
	raw := mustMarshal(b, f)
	for _, c := range codecs {
		b.Run(c.String(), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench"+cassette.Ext+c.Ext())
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if err := f.Save(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReadFile(b *testing.B) {
	f := cassette.New(corpus.SmallGETs(benchN)...)
	raw := mustMarshal(b, f)
	for _, c := range codecs {
		b.Run(c.String(), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench"+cassette.Ext+c.Ext())
			if err := f.Save(path); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := cassette.Load(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
