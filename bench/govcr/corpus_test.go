package govcr

// The benchmarks of this file compare dvd with go-vcr on the real-shaped
// suite of internal/corpus (869 cassettes, 37,571 interactions), the
// same traffic written by each library's own code: go-vcr's YAML through
// its Cassette.Save, dvd's JSON, plain and compressed, through
// cassette.Save. Run them with
//
//	cd bench/govcr && go test -run '^$' -bench Corpus -benchmem -count 3
//
// DVD_BENCH_CORPUS=n takes only the first n cassettes of the suite. Where
// it is not set, CI (the CI environment variable, as dvdtest reads it) and
// -short take the first 100, and the race detector the first 20: the whole
// suite (37,571 interactions) takes go-vcr about 20 s of CPU to replay and
// 5 s to load, and writing it about 10 s, more than a check that every
// benchmark and the test still run needs. The test and the benchmarks then
// cover every request of those cassettes.

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/corpus"
	"go.yaml.in/yaml/v4"
	vcrcassette "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// corpusDir is the folder the corpus's files are written to, once per
// process; TestMain removes it.
var corpusDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if corpusDir != "" {
		os.RemoveAll(corpusDir)
	}
	os.Exit(code)
}

var codecs = []codec.Compression{codec.None, codec.Zstd, codec.Gzip}

// corpusFiles is the suite written by both libraries.
type corpusFiles struct {
	suite    [][]cassette.Interaction
	requests int // interactions in the suite, each replayed once
	// govcr names the go-vcr cassettes as its Load takes them: the path
	// without ".yaml".
	govcr []string
	dvd   map[codec.Compression][]string // the dvd files, by compression
	// plain is the size of the plain dvd JSON, which MB/s counts for
	// both libraries; yaml that of go-vcr's files.
	plain, yaml int64
	size        map[codec.Compression]int64 // dvd files by compression
}

var corpusOnce = sync.OnceValues(writeCorpus)

// How many cassettes CI and the race detector use.
const ciCorpus, raceCorpus = 100, 20

// corpusSize returns how many cassettes of the suite to use: all of them
// unless DVD_BENCH_CORPUS says fewer, or CI, -short or the race detector
// is on.
func corpusSize() (int, error) {
	s := os.Getenv("DVD_BENCH_CORPUS")
	if s == "" {
		switch {
		case raceEnabled:
			return raceCorpus, nil
		case inCI(), testing.Short():
			return ciCorpus, nil
		}
		return corpus.Suite, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > corpus.Suite {
		return 0, fmt.Errorf("DVD_BENCH_CORPUS=%q: want a number of cassettes from 1 to %d", s, corpus.Suite)
	}
	return n, nil
}

// inCI reports whether the CI environment variable is set to something
// other than a false value, as dvdtest reads it.
func inCI() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	return err != nil || b
}

func writeCorpus() (*corpusFiles, error) {
	n, err := corpusSize()
	if err != nil {
		return nil, err
	}
	if err := dirOnce(); err != nil {
		return nil, err
	}
	cf := &corpusFiles{
		suite: corpus.Generate(1, n), // the suite's first n cassettes
		dvd:   map[codec.Compression][]string{},
		size:  map[codec.Compression]int64{},
	}
	for i, ins := range cf.suite {
		cf.requests += len(ins)
		name := filepath.Join(corpusDir, "govcr", fmt.Sprintf("c%03d", i))
		if err := saveGovcr(name, ins); err != nil {
			return nil, err
		}
		cf.govcr = append(cf.govcr, name)
		size, err := fileSize(name + ".yaml")
		if err != nil {
			return nil, err
		}
		cf.yaml += size
		c := cassette.New(ins...)
		for _, cd := range codecs {
			path := filepath.Join(corpusDir, "dvd-"+cd.String(), fmt.Sprintf("c%03d", i)+cassette.Ext+ext(cd))
			if err := c.Save(path); err != nil {
				return nil, err
			}
			cf.dvd[cd] = append(cf.dvd[cd], path)
			size, err := fileSize(path)
			if err != nil {
				return nil, err
			}
			cf.size[cd] += size
		}
	}
	cf.plain = cf.size[codec.None]
	return cf, nil
}

func ext(c codec.Compression) string {
	switch c {
	case codec.Zstd:
		return ".zst"
	case codec.Gzip:
		return ".gz"
	}
	return ""
}

func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// saveGovcr writes ins as go-vcr's recorder would have recorded them, into
// name.yaml, with go-vcr's own Save and the marshaller its recorder uses.
func saveGovcr(name string, ins []cassette.Interaction) error {
	vc := vcrcassette.New(name)
	vc.MarshalFunc = yaml.Marshal
	for _, in := range ins {
		vi, err := govcrInteraction(in)
		if err != nil {
			return err
		}
		vc.AddInteraction(vi)
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return vc.Save()
}

// govcrInteraction fills a go-vcr interaction the way its recorder does for
// a request sent through an http.Client (see requestHandler in go-vcr's
// recorder): the request as the client sent it, its form (the query, as
// the bodies are JSON), and the response as the transport returned it.
func govcrInteraction(in cassette.Interaction) (*vcrcassette.Interaction, error) {
	if in.Response == nil {
		return nil, errors.New("the corpus has an interaction without a response")
	}
	u, err := url.Parse(in.Request.URL)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, err
	}
	resp := in.Response
	major, minor, ok := http.ParseHTTPVersion(resp.Proto)
	if !ok {
		return nil, fmt.Errorf("bad protocol %q", resp.Proto)
	}
	return &vcrcassette.Interaction{
		Request: vcrcassette.Request{
			Proto:         "HTTP/1.1",
			ProtoMajor:    1,
			ProtoMinor:    1,
			ContentLength: int64(len(in.Request.Body)),
			Host:          u.Host,
			Body:          string(in.Request.Body),
			Form:          form,
			Headers:       in.Request.Header,
			URL:           in.Request.URL,
			Method:        in.Request.Method,
		},
		Response: vcrcassette.Response{
			Proto:         resp.Proto,
			ProtoMajor:    major,
			ProtoMinor:    minor,
			ContentLength: resp.ContentLength,
			Body:          string(resp.Body),
			Headers:       resp.Header,
			Status:        resp.Status,
			Code:          resp.StatusCode,
			Duration:      in.Duration,
		},
	}, nil
}

func loadCorpusFiles(tb testing.TB) *corpusFiles {
	tb.Helper()
	cf, err := corpusOnce()
	if err != nil {
		tb.Fatal(err)
	}
	return cf
}

// newRequest builds the request of in as a test would send it.
func newRequest(tb testing.TB, in cassette.Interaction) *http.Request {
	var body io.Reader
	if in.Request.Body != nil {
		body = bytes.NewReader(in.Request.Body)
	}
	req, err := http.NewRequest(in.Request.Method, in.Request.URL, body)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header = in.Request.Header.Clone()
	return req
}

// replayAll sends every request of ins, in order, through c and returns
// the status and body of each response.
func replayAll(tb testing.TB, c *http.Client, ins []cassette.Interaction, keep bool) (codes []int, bodies [][]byte) {
	for _, in := range ins {
		resp, err := c.Do(newRequest(tb, in))
		if err != nil {
			tb.Fatal(err)
		}
		if keep {
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				tb.Fatal(err)
			}
			codes, bodies = append(codes, resp.StatusCode), append(bodies, body)
		} else if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			tb.Fatal(err)
		}
		resp.Body.Close()
	}
	return codes, bodies
}

// govcrClients opens a go-vcr recorder in replay-only mode on each cassette,
// as a test does: one recorder per test, each interaction replayed once.
func govcrClients(tb testing.TB, cf *corpusFiles) []*http.Client {
	out := make([]*http.Client, len(cf.govcr))
	for i, name := range cf.govcr {
		r, err := recorder.New(name, recorder.WithMode(recorder.ModeReplayOnly), recorder.WithSkipRequestLatency(true))
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = r.GetDefaultClient()
	}
	return out
}

// dvdClients opens a dvd recorder in replay mode on each cassette.
func dvdClients(tb testing.TB, cs []*cassette.Cassette) []*http.Client {
	out := make([]*http.Client, len(cs))
	for i, c := range cs {
		r, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeReplay})
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = &http.Client{Transport: r}
	}
	return out
}

func loadDVD(tb testing.TB, paths []string) []*cassette.Cassette {
	out := make([]*cassette.Cassette, len(paths))
	for i, p := range paths {
		c, err := cassette.Load(p)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = c
	}
	return out
}

// TestCorpusSameTraffic checks that the go-vcr and the dvd cassettes of the
// benchmarks hold the same traffic: every request of the corpus, replayed
// through both, gets the recorded status and body.
func TestCorpusSameTraffic(t *testing.T) {
	cf := loadCorpusFiles(t)
	vcs := govcrClients(t, cf)
	for _, cd := range codecs {
		dcs := dvdClients(t, loadDVD(t, cf.dvd[cd]))
		for i, ins := range cf.suite {
			var vCodes, dCodes []int
			var vBodies, dBodies [][]byte
			if cd == codec.None { // a go-vcr interaction replays once
				vCodes, vBodies = replayAll(t, vcs[i], ins, true)
			}
			dCodes, dBodies = replayAll(t, dcs[i], ins, true)
			for j, in := range ins {
				want, wantBody := in.Response.StatusCode, in.Response.Body
				if dCodes[j] != want || !bytes.Equal(dBodies[j], wantBody) {
					t.Fatalf("dvd %v, cassette %d, request %d (%s %s): got %d and %d bytes, want %d and %d bytes",
						cd, i, j, in.Request.Method, in.Request.URL, dCodes[j], len(dBodies[j]), want, len(wantBody))
				}
				if vCodes != nil && (vCodes[j] != want || !bytes.Equal(vBodies[j], wantBody)) {
					t.Fatalf("go-vcr, cassette %d, request %d (%s %s): got %d and %d bytes, want %d and %d bytes",
						i, j, in.Request.Method, in.Request.URL, vCodes[j], len(vBodies[j]), want, len(wantBody))
				}
			}
		}
	}
}

// BenchmarkCorpusLoad loads every cassette of the suite. MB/s counts the
// plain dvd JSON for every variant, so that the figures compare time for
// the same traffic; yaml-MB/s is go-vcr's rate over its own YAML.
func BenchmarkCorpusLoad(b *testing.B) {
	cf := loadCorpusFiles(b)
	b.Run("lib=govcr", func(b *testing.B) {
		b.SetBytes(cf.plain)
		b.ReportAllocs()
		for b.Loop() {
			for _, name := range cf.govcr {
				if _, err := vcrcassette.Load(name); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(cf.yaml)*float64(b.N)/b.Elapsed().Seconds()/1e6, "yaml-MB/s")
		b.ReportMetric(float64(cf.yaml), "file-bytes")
	})
	for _, cd := range codecs {
		b.Run("lib=dvd/codec="+cd.String(), func(b *testing.B) {
			b.SetBytes(cf.plain)
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range cf.dvd[cd] {
					if _, err := cassette.Load(p); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(cf.size[cd]), "file-bytes")
		})
	}
}

// BenchmarkCorpusReplay replays every request of every cassette, in order,
// once, as the suite's tests do, through an http.Client over a recorder
// opened on the cassette: go-vcr's in replay-only mode without its
// simulated latency, dvd's in ModeReplay. Opening the recorders (for
// go-vcr that loads the cassette) is outside the timer; building each
// request and reading each response body are inside, for both. ns/req is
// the time of one request.
func BenchmarkCorpusReplay(b *testing.B) {
	cf := loadCorpusFiles(b)
	run := func(b *testing.B, clients func() []*http.Client) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			cs := clients()
			b.StartTimer()
			for i, ins := range cf.suite {
				replayAll(b, cs[i], ins, false)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(cf.requests), "ns/req")
		b.ReportMetric(float64(cf.requests), "req/op")
	}
	b.Run("lib=govcr", func(b *testing.B) {
		run(b, func() []*http.Client { return govcrClients(b, cf) })
	})
	for _, cd := range codecs {
		b.Run("lib=dvd/codec="+cd.String(), func(b *testing.B) {
			cs := loadDVD(b, cf.dvd[cd])
			run(b, func() []*http.Client { return dvdClients(b, cs) })
		})
	}
}

// BenchmarkCorpusSave writes every cassette of the suite, loaded
// beforehand, into a folder of its own. MB/s counts the plain dvd JSON.
func BenchmarkCorpusSave(b *testing.B) {
	cf := loadCorpusFiles(b)
	b.Run("lib=govcr", func(b *testing.B) {
		dir := b.TempDir()
		vcs := make([]*vcrcassette.Cassette, len(cf.govcr))
		for i, name := range cf.govcr {
			c, err := vcrcassette.Load(name)
			if err != nil {
				b.Fatal(err)
			}
			c.File = filepath.Join(dir, filepath.Base(name)+".yaml")
			c.MarshalFunc = yaml.Marshal
			vcs[i] = c
		}
		b.SetBytes(cf.plain)
		b.ReportAllocs()
		for b.Loop() {
			for _, c := range vcs {
				if err := c.Save(); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	for _, cd := range codecs {
		b.Run("lib=dvd/codec="+cd.String(), func(b *testing.B) {
			dir := b.TempDir()
			cs := loadDVD(b, cf.dvd[cd])
			paths := make([]string, len(cs))
			for i, p := range cf.dvd[cd] {
				paths[i] = filepath.Join(dir, filepath.Base(p))
			}
			b.SetBytes(cf.plain)
			b.ReportAllocs()
			for b.Loop() {
				for i, c := range cs {
					if err := c.Save(paths[i]); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// corpusGzipped is the size of the suite's plain files, go-vcr's then dvd's,
// each gzipped on its own with compress/gzip at its default level (6, that
// of the gzip command).
var corpusGzipped = sync.OnceValues(func() (gzipped [2]int64, err error) {
	cf, err := corpusOnce()
	if err != nil {
		return gzipped, err
	}
	gz := func(path string) (int64, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return 0, err
		}
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(data)
		if err := w.Close(); err != nil {
			return 0, err
		}
		return int64(buf.Len()), nil
	}
	for i, name := range cf.govcr {
		n, err := gz(name + ".yaml")
		if err != nil {
			return gzipped, err
		}
		gzipped[0] += n
		if n, err = gz(cf.dvd[codec.None][i]); err != nil {
			return gzipped, err
		}
		gzipped[1] += n
	}
	return gzipped, nil
})

// BenchmarkCorpusSize reports the size of the suite's files, summed over
// its cassettes: go-vcr's YAML raw and gzipped (-6, compress/gzip), dvd's
// plain JSON raw and gzipped alike, and dvd's .zst and .gz files as dvd
// writes them; yaml/x is the YAML's size over another's. There is nothing
// to time.
func BenchmarkCorpusSize(b *testing.B) {
	cf := loadCorpusFiles(b)
	gzipped, err := corpusGzipped()
	if err != nil {
		b.Fatal(err)
	}
	yamlGz, plainGz := gzipped[0], gzipped[1]
	for b.Loop() {
	}
	y := float64(cf.yaml)
	b.ReportMetric(y, "yaml-B")
	b.ReportMetric(float64(yamlGz), "yaml-gzip6-B")
	b.ReportMetric(float64(cf.plain), "dvd-B")
	b.ReportMetric(float64(plainGz), "dvd-gzip6-B")
	b.ReportMetric(float64(cf.size[codec.Zstd]), "dvd.zst-B")
	b.ReportMetric(float64(cf.size[codec.Gzip]), "dvd.gz-B")
	b.ReportMetric(y/float64(cf.plain), "yaml/dvd")
	b.ReportMetric(float64(yamlGz)/float64(plainGz), "yaml-gzip6/dvd-gzip6")
	b.ReportMetric(y/float64(cf.size[codec.Zstd]), "yaml/dvd.zst")
	b.ReportMetric(y/float64(cf.size[codec.Gzip]), "yaml/dvd.gz")
}
