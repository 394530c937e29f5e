package dvdtest_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/internal/corpus"
)

// corpusCassette returns the first n interactions of the real-shaped suite
// of internal/corpus, its cassettes end to end (and more of them than the
// suite's 869 when n asks for it), and the cassette file holding them,
// compressed with c. Each is built once per process: generating and
// encoding 100,000 interactions (575 MB of JSON) takes seconds.
func corpusCassette(n int, c codec.Compression) ([]cassette.Interaction, []byte) {
	ins := corpusInteractions(n)
	v, _ := corpusFiles.LoadOrStore(corpusKey{n, c}, sync.OnceValue(func() []byte {
		var raw []byte
		if c == codec.None {
			data, err := cassette.Marshal(cassette.New(ins...))
			if err != nil {
				panic(err)
			}
			raw = data
		} else {
			_, plain := corpusCassette(n, codec.None)
			data, err := codec.Compress(plain, c)
			if err != nil {
				panic(err)
			}
			raw = data
		}
		return raw
	}))
	return ins, v.(func() []byte)()
}

type corpusKey struct {
	n int
	c codec.Compression
}

var (
	corpusFiles sync.Map // corpusKey -> func() []byte
	corpusIns   sync.Map // int -> func() []cassette.Interaction
)

func corpusInteractions(n int) []cassette.Interaction {
	v, _ := corpusIns.LoadOrStore(n, sync.OnceValue(func() []cassette.Interaction {
		// The suite averages 40 interactions a cassette; generate more
		// until there are enough. The same seed gives the same first
		// cassettes whatever their number.
		for k := n/30 + 1; ; k *= 2 {
			var out []cassette.Interaction
			for _, ins := range corpus.Generate(1, k) {
				out = append(out, ins...)
				if len(out) >= n {
					return out[:n:n]
				}
			}
		}
	}))
	return v.(func() []cassette.Interaction)()
}

// rewindBody is a request body sent again and again without allocating.
type rewindBody struct {
	bytes.Reader
	data []byte
}

func (r *rewindBody) Close() error { return nil }

// corpusRequest is one request of the corpus, built beforehand as
// BenchmarkReplay's are; rewind gives it its body again before each send.
type corpusRequest struct {
	req  *http.Request
	body *rewindBody // nil when there is none
}

func (r corpusRequest) rewind() {
	if r.body != nil {
		r.body.Reset(r.body.data)
		r.req.Body = r.body
	}
}

// corpusRequests returns the requests of ins in random order, and that
// order.
func corpusRequests(b *testing.B, ins []cassette.Interaction) ([]corpusRequest, []int) {
	order := rand.New(rand.NewPCG(1, 2)).Perm(len(ins))
	reqs := make([]corpusRequest, len(ins))
	for i, p := range order {
		in := ins[p].Request
		req, err := http.NewRequest(in.Method, in.URL, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header = in.Header.Clone()
		reqs[i].req = req
		if in.Body != nil {
			reqs[i].body = &rewindBody{data: in.Body}
			req.ContentLength = int64(len(in.Body))
		}
	}
	return reqs, order
}

// cannedTransport answers the requests of a benchmark with prebuilt
// responses, in the order they are sent, each with a fresh body: what an
// http.Client costs without replay, for BenchmarkReplayCorpus to compare
// with.
type cannedTransport struct {
	resps []*cassette.Response
	next  int
}

func (t *cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	r := t.resps[t.next]
	if t.next++; t.next == len(t.resps) {
		t.next = 0
	}
	return &http.Response{
		Status: r.Status, StatusCode: r.StatusCode, Proto: r.Proto, ProtoMajor: 2,
		Header: r.Header, ContentLength: r.ContentLength, Request: req,
		Body: io.NopCloser(bytes.NewReader(r.Body)),
	}, nil
}

// BenchmarkReplayCorpus replays the requests of the real-shaped corpus, in
// random order, through d.Client(), from cassettes of 100 and 100,000
// interactions (575 MB of JSON) loaded from a plain, a zstd and a gzip
// file: replay should cost the same from all three, and at 100,000 about
// what it costs at 100. bare sends the same requests through an
// http.Client over a transport that hands out prebuilt responses, the cost
// of the client alone. MB/s counts response bodies.
//
// In CI (the CI environment variable, as dvdtest reads it) the large
// cassette has 10,000 interactions: building, compressing and loading
// 100,000 takes some 20 s of CPU, which a check that the benchmark still
// runs does not need.
func BenchmarkReplayCorpus(b *testing.B) {
	large := 100_000
	if v := strings.TrimSpace(os.Getenv("CI")); v != "" {
		if ci, err := strconv.ParseBool(v); err != nil || ci {
			large = 10_000
		}
	}
	for _, n := range []int{100, large} {
		ins := corpusInteractions(n)
		var bodies int64
		for _, in := range ins {
			bodies += int64(len(in.Response.Body))
		}
		run := func(b *testing.B, c *http.Client, reqs []corpusRequest) {
			b.SetBytes(bodies / int64(n))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				r := reqs[i]
				r.rewind()
				resp, err := c.Do(r.req)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, resp.Body); err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if i++; i == len(reqs) {
					i = 0
				}
			}
		}
		for _, cd := range []codec.Compression{codec.None, codec.Zstd, codec.Gzip} {
			b.Run(fmt.Sprintf("N=%d/codec=%v", n, cd), func(b *testing.B) {
				_, file := corpusCassette(n, cd)
				dir := b.TempDir()
				b.Chdir(dir)
				name := filepath.Join(dir, "testdata", "corpus"+cassette.Ext)
				opts := []dvdtest.Option{dvdtest.WithMode(cassette.ModeReplay), dvdtest.AllowRepeats()}
				switch cd {
				case codec.Zstd:
					name += ".zst"
					opts = append(opts, dvdtest.Compress(cd))
				case codec.Gzip:
					name += ".gz"
					opts = append(opts, dvdtest.Compress(cd))
				}
				// The file is compressed already: codec.WriteFile would
				// compress it again.
				if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(name, file, 0o644); err != nil {
					b.Fatal(err)
				}
				d := dvdtest.Use(b, "corpus", opts...)
				reqs, _ := corpusRequests(b, ins)
				run(b, d.Client(), reqs)
			})
		}
		b.Run(fmt.Sprintf("N=%d/bare", n), func(b *testing.B) {
			reqs, order := corpusRequests(b, ins)
			t := &cannedTransport{}
			for _, p := range order {
				t.resps = append(t.resps, ins[p].Response)
			}
			run(b, &http.Client{Transport: t}, reqs)
		})
	}
}
