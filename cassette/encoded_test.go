package cassette_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/testsupport"
	"github.com/dvdrw/dvd/match"
)

// A coding is a way to encode a body, and to read it back, as a client of
// a server that sends it does.
type coding struct {
	header  string // the Content-Encoding
	encoded string // what the cassette notes
	encode  func(content []byte, level int) []byte
	decode  func(body []byte) ([]byte, error)
}

func gzipEncode(b []byte, level int) []byte {
	return compressWith(func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriterLevel(w, level) }, b)
}

func gzipDecode(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

var codings = []coding{
	{"gzip", "gzip", gzipEncode, gzipDecode},
	{"x-gzip", "gzip", gzipEncode, gzipDecode},
	{"deflate", "deflate",
		func(b []byte, level int) []byte {
			return compressWith(func(w io.Writer) (io.WriteCloser, error) { return zlib.NewWriterLevel(w, level) }, b)
		},
		func(b []byte) ([]byte, error) {
			zr, err := zlib.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, err
			}
			return io.ReadAll(zr)
		}},
	{"deflate", "deflate-raw",
		func(b []byte, level int) []byte {
			return compressWith(func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, level) }, b)
		},
		func(b []byte) ([]byte, error) { return io.ReadAll(flate.NewReader(bytes.NewReader(b))) }},
	{"zstd", "zstd",
		func(b []byte, level int) []byte {
			e, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.EncoderLevelFromZstd(level)))
			defer e.Close()
			return e.EncodeAll(b, nil)
		},
		func(b []byte) ([]byte, error) {
			// As browsers and RFC 9659 have it: a window of 8 MiB at most.
			d, err := zstd.NewReader(nil, zstd.WithDecoderMaxWindow(8<<20))
			if err != nil {
				return nil, err
			}
			defer d.Close()
			return d.DecodeAll(b, nil)
		}},
}

func compressWith(newWriter func(io.Writer) (io.WriteCloser, error), content []byte) []byte {
	var b bytes.Buffer
	w, err := newWriter(&b)
	if err != nil {
		panic(err)
	}
	w.Write(content)
	w.Close()
	return b.Bytes()
}

// warnings collects what a recorder reports through Config.Logf.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) logf(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, fmt.Sprintf(format, args...))
}

func (w *warnings) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.msgs...)
}

// noSecret fails the test if a text holds the marker of planted secrets.
func noSecret(t *testing.T, where, text string) {
	t.Helper()
	if strings.Contains(text, "SEKRIT") {
		t.Errorf("a planted secret reached the %s:\n%s", where, text)
	}
}

// The caller asks for gzip itself, so the transport hands over the gzip
// stream as it came: the cassette holds the token response decoded,
// redacted and readable, and replay gzips it again, with the value of the
// placeholder put back and a length that is the new stream's.
func TestEncodedTokenResponse(t *testing.T) {
	const (
		token   = "SEKRITtoken"
		account = "acct-SEKRITaccount"
	)
	doc := `{"access_token":"` + token + `","account":"` + account + `","token_type":"bearer","expires_in":3600}`
	gz := codings[0].encode([]byte(doc), gzip.DefaultCompression)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			io.WriteString(w, doc)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(gz)))
		w.Write(gz)
	}))
	defer srv.Close()
	red := cassette.Redaction{Placeholders: map[string]string{"ACCOUNT": account}}
	var warned warnings
	tokenRequest := func() *http.Request {
		req := newReq(t, "POST", srv.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Encoding", "gzip") // so the transport leaves the body encoded
		return req
	}

	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Redact: red, Logf: warned.logf})
	resp, err := (&http.Client{Transport: rec}).Do(tokenRequest())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, gz) || resp.Uncompressed {
		t.Fatalf("while recording the caller read %q (uncompressed %v); want the server's gzip stream", got, resp.Uncompressed)
	}
	rec.Close()
	data := mustMarshal(t, rec.Cassette())
	noSecret(t, "file", string(data))
	for _, want := range []string{`"encoded": "gzip"`, `"Content-Encoding": ["gzip"]`, `REDACTED`, `<ACCOUNT>`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the file lacks %s:\n%s", want, data)
		}
	}
	if bytes.Contains(data, []byte("body_base64")) {
		t.Errorf("the file holds a body in base64; want the JSON readable:\n%s", data)
	}
	stored := rec.Cassette().Interactions()[0].Response
	if want := strings.Replace(strings.Replace(doc, token, "REDACTED", 1), account, "<ACCOUNT>", 1); cassette.PlainMarkers(stored.Body) != want || stored.Encoded != "gzip" {
		t.Errorf("stored body %q, encoded %q; want %q, gzip", stored.Body, stored.Encoded, want)
	}
	if w := warned.all(); len(w) > 0 {
		t.Errorf("warnings %q; want none", w)
	}

	rep := replayer(t, rec.Cassette(), cassette.Config{Redact: red, AllowRepeats: true})
	var first []byte
	for i := range 2 {
		resp := mustDo(t, rep, tokenRequest())
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		content, err := codings[0].decode(body)
		if want := strings.Replace(doc, token, "REDACTED", 1); err != nil || cassette.PlainMarkers(content) != want {
			t.Fatalf("replayed body decodes to %q, %v; want %q", content, err, want)
		}
		if resp.Header.Get("Content-Encoding") != "gzip" || resp.Uncompressed || resp.ContentLength != int64(len(body)) || resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Errorf("replayed Content-Encoding %q, uncompressed %v, ContentLength %d, Content-Length %q; want gzip, false and the %d bytes replayed",
				resp.Header.Get("Content-Encoding"), resp.Uncompressed, resp.ContentLength, resp.Header.Get("Content-Length"), len(body))
		}
		if i == 0 {
			first = body
		} else if !bytes.Equal(body, first) {
			t.Error("a second replay encoded the body again, differently: it is encoded once")
		}
	}
}

// A client that gzips its request body (a login form with a password):
// the cassette holds the form decoded and redacted, and an incoming
// request is matched by its decoded content, whatever its compression.
func TestEncodedRequestBody(t *testing.T) {
	form := "username=bob&password=SEKRITpassword"
	var gotByServer string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(zr)
		gotByServer = string(b)
		io.WriteString(w, "welcome")
	}))
	defer srv.Close()
	login := func(form string, level int) *http.Request {
		req := newReq(t, "POST", srv.URL+"/login", bytes.NewReader(codings[0].encode([]byte(form), level)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Content-Encoding", "gzip")
		return req
	}
	matchers := append(cassette.DefaultMatchers(), match.Body)

	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Matchers: matchers})
	resp := mustDo(t, rec, login(form, gzip.BestCompression))
	testsupport.Observe(resp)
	if gotByServer != form {
		t.Errorf("the server got %q; want the form the client sent", gotByServer)
	}
	data := mustMarshal(t, rec.Cassette())
	noSecret(t, "file", string(data))
	if req := rec.Cassette().Interactions()[0].Request; cassette.PlainMarkers(req.Body) != "username=bob&password=REDACTED" || req.Encoded != "gzip" {
		t.Errorf("stored request body %q, encoded %q; want the form redacted, gzip", req.Body, req.Encoded)
	}

	tests := []struct {
		name, reason string
		req          *http.Request
		hit          bool
	}{
		{"compressed otherwise", "bodies are compared by their content, not their gzip bytes", login(form, gzip.BestSpeed), true},
		{"another password", "the password is redacted on both sides", login("username=bob&password=SEKRITother", gzip.BestSpeed), true},
		{"another user", "", login("username=alice&password=SEKRITpassword", gzip.BestSpeed), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := replayer(t, rec.Cassette(), cassette.Config{Matchers: matchers})
			resp, err := rep.RoundTrip(tt.req)
			if tt.hit {
				if err != nil {
					t.Fatalf("%v; want a replay (%s)", err, tt.reason)
				}
				resp.Body.Close()
				return
			}
			if !errors.Is(err, cassette.ErrNoMatch) {
				t.Fatalf("err = %v; want a miss", err)
			}
			noSecret(t, "miss message", err.Error())
			if !strings.Contains(err.Error(), "username=alice") {
				t.Errorf("the miss message does not show the decoded body:\n%v", err)
			}
		})
	}
}

// Every coding dvd decodes, both ways: a JSON request body with a
// password and a JSON token response are stored decoded and redacted,
// requests match on their decoded JSON, and replay sends the token
// response in the coding it came in, which the client decodes as it did.
func TestEncodedCodings(t *testing.T) {
	reqDoc := `{"user":"bob","password":"SEKRITpassword"}`
	respDoc := `{"token":"SEKRITtoken","scope":"read"}`
	for _, c := range codings {
		t.Run(c.header+" as "+c.encoded, func(t *testing.T) {
			body := c.encode([]byte(respDoc), 9)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				if content, err := c.decode(b); err != nil || string(content) != reqDoc {
					http.Error(w, fmt.Sprintf("request body %q, %v", content, err), http.StatusBadRequest)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", c.header)
				w.Write(body)
			}))
			defer srv.Close()
			send := func(level int, doc string) *http.Request {
				req := newReq(t, "POST", srv.URL+"/session", bytes.NewReader(c.encode([]byte(doc), level)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Content-Encoding", c.header)
				req.Header.Set("Accept-Encoding", c.header)
				return req
			}
			matchers := append(cassette.DefaultMatchers(), match.JSONBody)
			var warned warnings
			rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Matchers: matchers, Logf: warned.logf})
			if s := testsupport.Observe(mustDo(t, rec, send(9, reqDoc))); s.StatusCode != 200 || !bytes.Equal(s.Body, body) {
				t.Fatalf("while recording: %d %q; want 200 and the server's bytes", s.StatusCode, s.Body)
			}
			rec.Close()
			noSecret(t, "file", string(mustMarshal(t, rec.Cassette())))
			in := rec.Cassette().Interactions()[0]
			if in.Request.Encoded != c.encoded || in.Response.Encoded != c.encoded || !isJSON(in.Request.Body) || !isJSON(in.Response.Body) {
				t.Errorf("stored request %q (%s), response %q (%s); want JSON, %s", in.Request.Body, in.Request.Encoded, in.Response.Body, in.Response.Encoded, c.encoded)
			}
			if w := warned.all(); len(w) > 0 {
				t.Errorf("warnings %q; want none", w)
			}

			rep := replayer(t, rec.Cassette(), cassette.Config{Matchers: matchers})
			s := testsupport.Observe(mustDo(t, rep, send(1, `{"password": "SEKRITother", "user": "bob"}`)))
			content, err := c.decode(s.Body)
			if want := `{"token":"REDACTED","scope":"read"}`; err != nil || cassette.PlainMarkers(content) != want {
				t.Errorf("replayed body decodes to %q, %v; want %q", content, err, want)
			}
			if s.ContentLength != int64(len(s.Body)) || s.Header.Get("Content-Encoding") != c.header {
				t.Errorf("replayed ContentLength %d for %d bytes, Content-Encoding %q", s.ContentLength, len(s.Body), s.Header.Get("Content-Encoding"))
			}
		})
	}
}

func isJSON(b []byte) bool { return bytes.HasPrefix(b, []byte("{")) }

// A body dvd cannot decode is stored as it came, and the recorder says,
// naming the request redacted, that it was not redacted.
func TestEncodedStoredAsItCame(t *testing.T) {
	good := codings[0].encode([]byte(`{"token":"SEKRITtoken"}`), 6)
	corrupt := bytes.Clone(good)
	corrupt[len(corrupt)-6] ^= 0xff // in the CRC
	tests := []struct {
		name, reason string
		coding       string
		body         []byte
		why          string
	}{
		{"br", "no brotli among dvd's dependencies", "br", []byte("\x8b\x05\x80SEKRIT-but-not-really\x03"), "encoded with br, which dvd does not decode"},
		{"a stack", "", "gzip, br", []byte("\x8b\x05\x80\x03"), "encoded with gzip, br, a stack of codings, which dvd does not decode"},
		{"compress", "", "compress", []byte("\x1f\x9d\x90\x00"), "encoded with compress, which dvd does not decode"},
		{"unknown", "", "snappy", []byte("\xff\x06\x00\x00sNaPpY"), "encoded with snappy, which dvd does not decode"},
		{"corrupt gzip", "", "gzip", corrupt, "encoded with gzip, which does not decode: gzip: invalid checksum"},
		{"truncated gzip", "", "gzip", good[:len(good)-10], "encoded with gzip, which does not decode: the stream ends early"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", tt.coding)
				w.Write(tt.body)
			}))
			defer srv.Close()
			send := func() *http.Request {
				req := newReq(t, "PUT", srv.URL+"/upload?access_token=SEKRITquery", bytes.NewReader(tt.body))
				req.Header.Set("Authorization", "Bearer SEKRITheader")
				req.Header.Set("Content-Encoding", tt.coding)
				req.Header.Set("Accept-Encoding", tt.coding)
				return req
			}
			var warned warnings
			rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Logf: warned.logf})
			testsupport.Observe(mustDo(t, rec, send()))
			rec.Close()
			in := rec.Cassette().Interactions()[0]
			if !bytes.Equal(in.Request.Body, tt.body) || !bytes.Equal(in.Response.Body, tt.body) || in.Request.Encoded != "" || in.Response.Encoded != "" {
				t.Errorf("stored %q (%q) and %q (%q); want the bodies as they came", in.Request.Body, in.Request.Encoded, in.Response.Body, in.Response.Encoded)
			}
			w := warned.all()
			if len(w) != 2 {
				t.Fatalf("warnings %q; want one for each body", w)
			}
			for i, which := range []string{"request", "response"} {
				noSecret(t, "warning", w[i])
				want := "cassette: PUT " + srv.URL + "/upload?access_token=REDACTED: the " + which + " body is " + tt.why
				if !strings.HasPrefix(w[i], want) || !strings.Contains(w[i], "not redacted") {
					t.Errorf("warning:\n%s\nwant it to start with:\n%s\nand to say that it was not redacted", w[i], want)
				}
			}
			rep := replayer(t, rec.Cassette(), cassette.Config{})
			if s := testsupport.Observe(mustDo(t, rep, send())); !bytes.Equal(s.Body, tt.body) || s.ContentLength != int64(len(tt.body)) {
				t.Errorf("replayed %q, length %d; want the body as it came", s.Body, s.ContentLength)
			}
		})
	}
}

// A gzip response the client stops reading: the part read is no whole
// gzip stream, and is stored as it came, with a warning; a gzip stream
// read to its end whose HTTP body the client closed before its end was
// seen is whole, and stored decoded: replay serves it encoded again, then
// says where the recording ended.
func TestEncodedTruncated(t *testing.T) {
	content := strings.Repeat(`{"n":1,"token":"SEKRITtoken"}`+"\n", 2000)
	gz := codings[0].encode([]byte(content), 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Write(gz)
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the body's end (chunked) waits until the client has gone
	}))
	defer srv.Close()
	tests := []struct {
		name, reason string
		read         int // bytes the client reads before it closes
		decoded      bool
	}{
		{"half read", "", len(gz) / 2, false},
		{"stream read whole", "the gzip stream ended: only the HTTP body's end was not seen", len(gz), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var warned warnings
			rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Logf: warned.logf})
			req := newReq(t, "GET", srv.URL+"/events", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			resp := mustDo(t, rec, req)
			if _, err := io.ReadFull(resp.Body, make([]byte, tt.read)); err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			stored := rec.Cassette().Interactions()[0].Response
			if !stored.Truncated {
				t.Fatal("the body is not stored as truncated")
			}
			w := warned.all()
			if !tt.decoded {
				if stored.Encoded != "" || !bytes.Equal(stored.Body, gz[:tt.read]) {
					t.Errorf("stored %d bytes, encoded %q; want the %d bytes read as they came", len(stored.Body), stored.Encoded, tt.read)
				}
				if len(w) != 1 || !strings.Contains(w[0], "the response body is encoded with gzip, which does not decode: the stream ends early (the client closed it before its end)") {
					t.Errorf("warnings %q; want one that says the client closed the body early", w)
				}
				return
			}
			if stored.Encoded != "gzip" || strings.Contains(string(stored.Body), "SEKRIT") || len(w) > 0 {
				t.Errorf("stored %d bytes, encoded %q, warnings %q; want the content redacted, gzip", len(stored.Body), stored.Encoded, w)
			}
			rep := replayer(t, rec.Cassette(), cassette.Config{})
			resp = mustDo(t, rep, req)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil || !strings.Contains(err.Error(), "the client closed it early while recording") {
				t.Errorf("the replayed body ended with %v; want the truncation said", err)
			}
			if got, derr := codings[0].decode(body); derr != nil || cassette.PlainMarkers(got) != strings.ReplaceAll(content, "SEKRITtoken", "REDACTED") {
				t.Errorf("the replayed body decodes to %d bytes, %v; want the content redacted", len(got), derr)
			}
		})
	}
}

// A cassette that an older dvd wrote holds a gzip request body as it came:
// an incoming request still matches it by content, and its gzip response
// replays byte for byte, as it was stored.
func TestEncodedOlderCassette(t *testing.T) {
	gzBody := codings[0].encode([]byte(`{"q":"widgets"}`), 9)
	gzResp := codings[0].encode([]byte(`{"hits":3}`), 9)
	c := cassette.New(cassette.Interaction{
		Request: cassette.Request{Method: "POST", URL: "https://api.example.com/search",
			Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"application/json"}}, Body: gzBody},
		Response: &cassette.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1",
			Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Length": {strconv.Itoa(len(gzResp))}}, Body: gzResp, ContentLength: int64(len(gzResp))},
	})
	rep := replayer(t, c, cassette.Config{Matchers: append(cassette.DefaultMatchers(), match.Body)})
	req := newReq(t, "POST", "https://api.example.com/search", bytes.NewReader(codings[0].encode([]byte(`{"q":"widgets"}`), 1)))
	req.Header.Set("Content-Encoding", "gzip")
	s := testsupport.Observe(mustDo(t, rep, req))
	if !bytes.Equal(s.Body, gzResp) || s.ContentLength != int64(len(gzResp)) {
		t.Errorf("replayed %q, length %d; want the stored gzip bytes", s.Body, s.ContentLength)
	}
}
