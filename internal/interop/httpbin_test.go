package interop

// Record a real third-party server, go-httpbin, across methods, statuses,
// encodings, streams, ranges, cookies, binary bodies and redirects, through
// dvdtest as a user's test does; shut it down; replay the same requests
// from the saved cassette, plain and zstd-compressed, and compare what the
// client sees, byte for byte; a body in a content coding dvd decodes, by
// its content (dvd stores it decoded and encodes it again).

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mccutchen/go-httpbin/v2/httpbin"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/internal/testsupport"
)

// binHop is what the client saw of one round trip, redirects included.
type binHop struct {
	Method, URL string
	Status      string
	Header      http.Header
}

// binSpy notes every round trip that goes through it.
type binSpy struct {
	rt   http.RoundTripper
	hops []binHop
}

func (s *binSpy) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := s.rt.RoundTrip(req)
	if err == nil {
		s.hops = append(s.hops, binHop{req.Method, req.URL.String(), resp.Status, resp.Header.Clone()})
	}
	return resp, err
}

// binCase is one request to httpbin and what it must answer.
type binCase struct {
	method, path string
	body         string
	header       http.Header
	status       int    // the final status
	hops         int    // round trips, redirects included; 0 means 1
	has          string // a piece of the body
	check        func(s testsupport.Seen) bool
}

var binCases = []binCase{
	// methods
	{method: "GET", path: "/get?a=1&a=2&b=x", status: 200, has: `"a": [`},
	{method: "POST", path: "/post", body: `{"hello":"world","n":[1,2,3]}`, header: http.Header{"Content-Type": {"application/json"}}, status: 200, has: `"hello": "world"`},
	{method: "PUT", path: "/put", body: "a=1&b=two+words", header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, status: 200, has: `"two words"`},
	{method: "PATCH", path: "/patch", body: "plain text body", header: http.Header{"Content-Type": {"text/plain"}}, status: 200, has: "plain text body"},
	{method: "DELETE", path: "/delete", status: 200},
	{method: "HEAD", path: "/head", status: 200, check: func(s testsupport.Seen) bool { return len(s.Body) == 0 && s.Header.Get("Content-Type") != "" }},
	{method: "GET", path: "/anything/deep/path?q=1", header: http.Header{"X-Multi": {"one", "two"}}, status: 200, has: `"one"`},
	{method: "OPTIONS", path: "/anything", status: 200},
	// statuses
	{method: "GET", path: "/status/201", status: 201},
	{method: "GET", path: "/status/204", status: 204},
	{method: "GET", path: "/status/418", status: 418},
	{method: "GET", path: "/status/500", status: 500},
	{method: "GET", path: "/etag/abc", header: http.Header{"If-None-Match": {`"abc"`}}, status: 304},
	{method: "GET", path: "/basic-auth/user/passwd", header: http.Header{"Authorization": {"Basic dXNlcjpwYXNzd2Q="}}, status: 200, has: `"authorized": true`},
	// encodings
	{method: "GET", path: "/gzip", header: http.Header{"Accept-Encoding": {"gzip"}}, status: 200, has: "\x1f\x8b", check: func(s testsupport.Seen) bool {
		return !s.Uncompressed && s.Header.Get("Content-Encoding") == "gzip" && s.ContentLength == int64(len(s.Body))
	}},
	{method: "GET", path: "/gzip", status: 200, has: `"gzipped": true`, check: func(s testsupport.Seen) bool {
		return s.Uncompressed && s.Header.Get("Content-Encoding") == "" && s.ContentLength == -1
	}},
	{method: "GET", path: "/deflate", header: http.Header{"Accept-Encoding": {"deflate"}}, status: 200},
	{method: "GET", path: "/brotli", status: 501},
	{method: "GET", path: "/encoding/utf8", status: 200, has: "∮"},
	{method: "GET", path: "/json", status: 200},
	{method: "GET", path: "/xml", status: 200},
	{method: "GET", path: "/html", status: 200},
	{method: "GET", path: "/base64/SGVsbG8sIGR2ZCE=", status: 200, has: "Hello, dvd!"},
	// streams
	{method: "GET", path: "/stream/5", status: 200, has: `"id":4`, check: func(s testsupport.Seen) bool { return s.ContentLength == -1 }},
	{method: "GET", path: "/stream-bytes/3000?seed=7&chunk_size=100", status: 200},
	{method: "GET", path: "/drip?duration=0&delay=0&numbytes=20", status: 200, has: "**********"},
	{method: "GET", path: "/sse?count=3&duration=3ms&delay=0", status: 200, has: "event: ping"},
	{method: "GET", path: "/trailers?X-Checksum=abc&X-Count=3", status: 200, check: func(s testsupport.Seen) bool {
		return len(s.TrailerKeys) == 2 && s.Trailer.Get("X-Checksum") == "abc" && s.Trailer.Get("X-Count") == "3"
	}},
	// ranges
	{method: "GET", path: "/range/1024", header: http.Header{"Range": {"bytes=100-299"}}, status: 206, check: func(s testsupport.Seen) bool {
		return len(s.Body) == 200 && s.Header.Get("Content-Range") == "bytes 100-299/1024"
	}},
	{method: "GET", path: "/range/1024", status: 200},
	// headers chosen by the request
	{method: "GET", path: "/response-headers?X-Multi=a&X-Multi=b&X-Multi=c", status: 200, check: func(s testsupport.Seen) bool {
		return strings.Join(s.Header["X-Multi"], ",") == "a,b,c"
	}},
	// cookies, through the jar
	{method: "GET", path: "/cookies/set?flavour=oatmeal&size=big", status: 200, hops: 2, has: "oatmeal"},
	{method: "GET", path: "/cookies", status: 200, has: "oatmeal"},
	// binary bodies
	{method: "GET", path: "/bytes/1024?seed=1", status: 200, check: func(s testsupport.Seen) bool { return len(s.Body) == 1024 }},
	{method: "GET", path: "/image/png", status: 200, has: "PNG"},
	{method: "GET", path: "/image/jpeg", status: 200},
	// redirects, hop by hop
	{method: "GET", path: "/redirect/3", status: 200, hops: 4},
	{method: "GET", path: "/relative-redirect/2", status: 200, hops: 3},
	{method: "GET", path: "/absolute-redirect/2", status: 200, hops: 3},
	{method: "GET", path: "/redirect-to?url=/get&status_code=307", status: 200, hops: 2},
	// random on every request: replay must still give what was recorded
	{method: "GET", path: "/uuid", status: 200},
}

// runBin sends every case through rt with a fresh cookie jar, in order, and
// returns what the client saw: the hops, then the final response.
func runBin(t *testing.T, base string, rt http.RoundTripper) (hops [][]binHop, final []testsupport.Seen) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range binCases {
		sp := &binSpy{rt: rt}
		client := &http.Client{Transport: sp, Jar: jar}
		var body io.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		}
		req, err := http.NewRequest(c.method, base+c.path, body)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range c.header {
			req.Header[k] = v
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", c.method, c.path, err)
		}
		s := testsupport.Observe(resp)
		if s.StatusCode != c.status {
			t.Errorf("%s %s: status %s, want %d", c.method, c.path, s.Status, c.status)
		}
		if want := max(c.hops, 1); len(sp.hops) != want {
			t.Errorf("%s %s: %d round trips, want %d", c.method, c.path, len(sp.hops), want)
		}
		if !strings.Contains(string(s.Body), c.has) {
			t.Errorf("%s %s: body does not contain %q:\n%.300s", c.method, c.path, c.has, s.Body)
		}
		if c.check != nil && !c.check(s) {
			t.Errorf("%s %s: unexpected response: %+v", c.method, c.path, s)
		}
		if s.BodyErr != "" {
			t.Errorf("%s %s: reading the body: %s", c.method, c.path, s.BodyErr)
		}
		hops = append(hops, sp.hops)
		final = append(final, s)
	}
	return hops, final
}

// binAsStored returns the recorded header rec as a cassette stores it, for
// comparison with a replayed header: the values of Set-Cookie redacted,
// their names and attributes kept.
func binAsStored(rec http.Header) http.Header {
	rec = rec.Clone()
	for i, v := range rec["Set-Cookie"] {
		first, rest, hasRest := strings.Cut(v, ";")
		name, _, _ := strings.Cut(first, "=")
		rec["Set-Cookie"][i] = name + "=" + redact.Redacted
		if hasRest {
			rec["Set-Cookie"][i] += ";" + rest
		}
	}
	return rec
}

// binContent turns a response body in a content coding into its content,
// and leaves out the lengths, which are those of the encoded bytes: dvd
// stores such a body decoded and encodes it again on replay, so its bytes
// differ and its content does not. The length the response announces must
// be that of the bytes it carries.
func binContent(t *testing.T, c binCase, s *testsupport.Seen, hops []binHop) {
	t.Helper()
	coding := s.Header.Get("Content-Encoding")
	if coding == "" || s.Uncompressed {
		return
	}
	if s.ContentLength != int64(len(s.Body)) || s.Header.Get("Content-Length") != strconv.Itoa(len(s.Body)) {
		t.Errorf("%s %s: ContentLength %d, Content-Length %q for %d bytes", c.method, c.path, s.ContentLength, s.Header.Get("Content-Length"), len(s.Body))
	}
	var r io.Reader
	var err error
	switch coding {
	case "gzip":
		r, err = gzip.NewReader(bytes.NewReader(s.Body))
	case "deflate":
		if r, err = zlib.NewReader(bytes.NewReader(s.Body)); err != nil {
			r, err = flate.NewReader(bytes.NewReader(s.Body)), nil
		}
	default:
		t.Fatalf("%s %s: Content-Encoding %s: decode it here", c.method, c.path, coding)
	}
	if err == nil {
		s.Body, err = io.ReadAll(r)
	}
	if err != nil {
		t.Errorf("%s %s: decoding %s: %v", c.method, c.path, coding, err)
	}
	s.ContentLength = 0
	s.Header.Del("Content-Length")
	for i := range hops {
		hops[i].Header.Del("Content-Length")
	}
}

func TestHTTPBinRecordReplay(t *testing.T) {
	t.Chdir(t.TempDir()) // testdata/ of this test only
	srv := httptest.NewServer(httpbin.New().Handler())
	defer srv.Close()

	var recHops [][]binHop
	var recFinal []testsupport.Seen
	t.Run("record", func(t *testing.T) {
		d := dvdtest.Use(t, "httpbin", dvdtest.WithMode(cassette.ModeRecord))
		recHops, recFinal = runBin(t, srv.URL, d)
	})
	if t.Failed() {
		return
	}
	srv.Close() // replay must not need it

	const plain = "testdata/httpbin.dvd.json"
	cas, err := cassette.Load(plain)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, h := range recHops {
		total += len(h)
	}
	if cas.Len() != total {
		t.Fatalf("recorded %d interactions for %d round trips", cas.Len(), total)
	}
	for i, in := range cas.Interactions() {
		if in.Response == nil || in.Response.Truncated || in.Response.BodyError != nil {
			t.Errorf("interaction %d (%s %s) stored incomplete: %+v", i, in.Request.Method, in.Request.URL, in.Response)
		}
	}
	for i := range binCases {
		for j := range recHops[i] {
			recHops[i][j].Header = binAsStored(recHops[i][j].Header)
		}
		recFinal[i].Header = binAsStored(recFinal[i].Header)
		binContent(t, binCases[i], &recFinal[i], recHops[i])
	}

	replay := func(t *testing.T, opts ...dvdtest.Option) {
		opts = append(opts, dvdtest.WithMode(cassette.ModeReplay), dvdtest.FailOnUnused())
		d := dvdtest.Use(t, "httpbin", opts...)
		repHops, repFinal := runBin(t, srv.URL, d)
		// Each cookie value replays as its own numbered marker; which one
		// is not the point here.
		for _, hops := range repHops {
			for _, h := range hops {
				for k, v := range h.Header["Set-Cookie"] {
					h.Header["Set-Cookie"][k] = redact.Unnumbered(v)
				}
			}
		}
		for i, c := range binCases {
			binContent(t, c, &repFinal[i], repHops[i])
			if diff := cmp.Diff(recHops[i], repHops[i]); diff != "" {
				t.Errorf("%s %s: round trips differ (-recorded +replayed):\n%s", c.method, c.path, diff)
			}
			if diff := cmp.Diff(recFinal[i], repFinal[i]); diff != "" {
				t.Errorf("%s %s: response differs (-recorded +replayed):\n%s", c.method, c.path, diff)
			}
		}
	}
	t.Run("replay", func(t *testing.T) { replay(t) })
	t.Run("replay zstd", func(t *testing.T) {
		data, err := os.ReadFile(plain)
		if err != nil {
			t.Fatal(err)
		}
		z, err := codec.Compress(data, codec.Zstd)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(plain+codec.Zstd.Ext(), z, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(plain); err != nil {
			t.Fatal(err)
		}
		replay(t, dvdtest.Compress(codec.Zstd))
	})
}
