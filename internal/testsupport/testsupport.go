// Package testsupport holds what the tests of several of dvd's packages
// share: file helpers, a fake upstream transport, a client's view of a
// response, and the JSON inputs the fuzz targets of the file format start
// from. Only _test.go files import it.
//
// It imports no package of dvd, so that the tests inside cassette and
// inside every internal package can use it too. The traffic the benchmarks
// measure, which is made of cassette's types, is internal/corpus's.
package testsupport

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ReadFile returns the content of the file at path, or fails the test.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// WriteFile writes data to the file at path, making its folder, or fails
// the test.
func WriteFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// DirNames returns the names of the entries of dir, sorted, or fails the
// test.
func DirNames(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// RoundTripFunc is an http.RoundTripper made of a func: an upstream that
// answers what the test wants, or a mock as httpmock installs.
type RoundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip returns f(req).
func (f RoundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// Seen is what a client can observe of a response.
type Seen struct {
	Status        string
	StatusCode    int
	Proto         string
	ProtoMajor    int
	ProtoMinor    int
	Header        http.Header
	ContentLength int64
	Uncompressed  bool
	TrailerKeys   []string    // the trailers announced before the body is read
	Trailer       http.Header // the trailers after the body's end
	Body          []byte
	BodyErr       string // the error that ended the body instead of io.EOF
}

// Observe reads resp to its end, closes it, and returns what a client saw.
func Observe(resp *http.Response) Seen {
	s := Seen{
		Status: resp.Status, StatusCode: resp.StatusCode,
		Proto: resp.Proto, ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor,
		Header: resp.Header.Clone(), ContentLength: resp.ContentLength, Uncompressed: resp.Uncompressed,
	}
	for k := range resp.Trailer {
		s.TrailerKeys = append(s.TrailerKeys, k)
	}
	slices.Sort(s.TrailerKeys)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	s.Body = body
	if err != nil {
		s.BodyErr = err.Error()
	}
	s.Trailer = resp.Trailer.Clone()
	return s
}

// JSONSeeds returns the inputs the fuzz targets of the file format start
// from: cassettes and JSON values, valid and broken, with escapes, invalid
// UTF-8, and arrays nested depth and depth+1 deep.
func JSONSeeds(depth int) []string {
	return []string{
		`{"version":1,"interactions":[{"request":{"method":"GET","url":"x","headers":{"A\u00e9":["\u00e9\n",""],"B":[]}},"response":{"code":200,"body_json":[1, {"a" : "b\"]"}],"trailers":{}},"duration":"1s"}]}`,
		`{"version":1,"interactions":[{"request":{"method":"GET","url":"x","body_base64":"AAE="},"error":{"kind":"dns","not_found":true}},{"request":{"method":"GET","url":"x","body":""},"response":{"code":-0,"content_length":-12,"body_json":"s\"}"}}]}`,
		`{"version":1,"interactions":[{"request":{"method":"GET","url":"x","headers":{"X":[{"latin1":"caf\u00e9"}]}},"response":{"code":1,"body_json":12}}]}  `,
		`{"version":1,"interactions":[{"request":{"method":"GET","url":"x"},"response":{"code":1,"body_json":[1,}}}]}`,
		"{\"version\":1,\"interactions\":[],\"recorded_at\":null}\t\r\n",
		`{"\u0076ersion":1,"interactions":[{"request":{"method":"\ud83d\ude00\ud800\udc00x\ud800","url":"\uDFFF\"\\\/\b\f\n\r\t"},"error":{}}]}`,
		"{\"version\":1,\"interactions\":[{\"request\":{\"method\":\"G\xffT\",\"url\":\"\xed\xa0\x80\"},\"error\":{}}]}",
		`[1.5e+3, -0.0E-1, 0, true, false, null, {}, [], ""]`,
		`{"version": 2, "interactions": [`,
		`{"version": 18446744073709551616}`,
		`01`, `-`, `1.`, `1e`, `"\u12`, `"\x"`, `tru`, `nul`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{1:1}`,
		strings.Repeat("[", depth) + strings.Repeat("]", depth),
		strings.Repeat("[", depth+1) + strings.Repeat("]", depth+1),
	}
}
