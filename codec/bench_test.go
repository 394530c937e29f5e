package codec_test

import (
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dvdrw/dvd/codec"
)

// benchN is the size of the benchmark cassette: the spec's "10,000 small
// interactions".
const benchN = 10_000

// benchFile returns a cassette of n small GET interactions with distinct
// paths, a couple of headers each way and a small JSON response.
func benchFile(n int) *codec.File {
	f := &codec.File{Version: codec.Version, RecordedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	f.Interactions = make([]codec.Interaction, n)
	rng := rand.New(rand.NewPCG(3, 4)) // request ids, which compress as badly as real ones
	for i := range f.Interactions {
		id := strconv.Itoa(i)
		body := []byte(`{"id":` + id + `,"name":"item ` + id + `","price":` + strconv.Itoa(i*7%1000) + `,"tags":["a","b"]}`)
		f.Interactions[i] = codec.Interaction{
			Request: codec.Request{
				Method: http.MethodGet,
				URL:    "http://api.example.com/items/" + id + "?page=1",
				Header: http.Header{"Accept": {"application/json"}, "User-Agent": {"dvd-bench/1.0"}},
			},
			Response: &codec.Response{
				Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1",
				Header: http.Header{
					"Content-Type": {"application/json"},
					"Date":         {"Thu, 02 Jan 2025 03:04:05 GMT"},
					"X-Request-Id": {strconv.FormatUint(rng.Uint64(), 16)},
				},
				Body:          body,
				ContentLength: int64(len(body)),
			},
			Duration: time.Duration(1000+i%5000) * time.Microsecond,
		}
	}
	return f
}

var codecs = []codec.Codec{codec.None, codec.Zstd, codec.Gzip}

// reportSize reports the encoded size per interaction, the figure the spec
// compares with go-vcr's ~700 bytes.
func reportSize(b *testing.B, n int) {
	b.ReportMetric(float64(n)/benchN, "B/interaction")
}

func BenchmarkMarshal(b *testing.B) {
	f := benchFile(benchN)
	raw := codec.Marshal(f)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		codec.Marshal(f)
	}
	reportSize(b, len(raw))
}

func BenchmarkUnmarshal(b *testing.B) {
	raw := codec.Marshal(benchFile(benchN))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := codec.Unmarshal(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncode measures marshalling and compressing; MB/s counts the
// uncompressed JSON, and B/interaction is the size written.
func BenchmarkEncode(b *testing.B) {
	f := benchFile(benchN)
	raw := codec.Marshal(f)
	for _, c := range codecs {
		b.Run(c.String(), func(b *testing.B) {
			out, err := codec.Encode(f, c)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := codec.Encode(f, c); err != nil {
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
	f := benchFile(benchN)
	raw := codec.Marshal(f)
	for _, c := range codecs {
		b.Run(c.String(), func(b *testing.B) {
			data, err := codec.Encode(f, c)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := codec.Decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriteFile(b *testing.B) {
	f := benchFile(benchN)
	raw := codec.Marshal(f)
	for _, c := range codecs {
		b.Run(c.String(), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench"+codec.Ext+c.Ext())
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if err := codec.WriteFile(path, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReadFile(b *testing.B) {
	f := benchFile(benchN)
	raw := codec.Marshal(f)
	for _, c := range codecs {
		b.Run(c.String(), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench"+codec.Ext+c.Ext())
			if err := codec.WriteFile(path, f); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := codec.ReadFile(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
