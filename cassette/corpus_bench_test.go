package cassette_test

import (
	"io"
	"net/http"
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

// BenchmarkCorpusReplayByCodec replays every interaction of the first
// cassettes of the real-shaped suite, loaded from plain, zstd and gzip
// files: a cassette read from a compressed file must replay as fast as one
// read from plain JSON. ns/op is per request.
func BenchmarkCorpusReplayByCodec(b *testing.B) {
	files, _ := corpus.SuiteFiles(b)
	files = files[:50]
	for _, c := range codecs {
		b.Run(c.String(), func(b *testing.B) {
			type tape struct {
				client *http.Client
				reqs   []*http.Request
			}
			var tapes []tape
			for _, f := range files {
				z, err := codec.Compress(f, c)
				if err != nil {
					b.Fatal(err)
				}
				cs, err := cassette.Unmarshal(z)
				if err != nil {
					b.Fatal(err)
				}
				r, err := cassette.NewRecorder(cs, cassette.Config{Mode: cassette.ModeReplay, AllowRepeats: true})
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { r.Close() })
				t := tape{client: &http.Client{Transport: r}}
				for _, in := range cs.Interactions() {
					if in.Request.Body != nil {
						continue
					}
					req, err := http.NewRequest(in.Request.Method, in.Request.URL, nil)
					if err != nil {
						b.Fatal(err)
					}
					req.Header = in.Request.Header.Clone()
					t.reqs = append(t.reqs, req)
				}
				tapes = append(tapes, t)
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				t := tapes[n%len(tapes)]
				req := t.reqs[(n/len(tapes))%len(t.reqs)]
				n++
				resp, err := t.client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
