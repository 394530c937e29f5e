package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cas1 "github.com/dnaeon/go-vcr/cassette"
	vcr1 "github.com/dnaeon/go-vcr/recorder"
	cas2 "github.com/dnaeon/go-vcr/v2/cassette"
	vcr2 "github.com/dnaeon/go-vcr/v2/recorder"
	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/internal/testsupport"
	cas3 "gopkg.in/dnaeon/go-vcr.v3/cassette"
	vcr3 "gopkg.in/dnaeon/go-vcr.v3/recorder"
	cas4 "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	vcr4 "gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// The secrets the test server and client exchange: none may reach an
// imported cassette, nor what dvd import prints.
const (
	secretBearer = "fake-bearer-4f1c9a"
	secretKey    = "qk-query-key-77d2e0"
	secretCookie = "cookie-session-5b8e31"
	secretJSON   = "json-access-token-c0ffee"
	secretForm   = "form-password-9a9a9a"
)

var secrets = []string{secretBearer, secretKey, secretCookie, secretJSON, secretForm}

// binaryBody is a body that is not UTF-8, which go-vcr writes as !!binary.
var binaryBody = func() []byte {
	b := make([]byte, 300)
	for i := range b {
		b[i] = byte(255 - i*7%256)
	}
	return b
}()

// gzipJSON is the content of /gzip.
const gzipJSON = `{"compressed":true,"items":["a","b","c","d","e","f","g","h"]}`

// newTestServer starts a loopback server with the routes the exchanges
// use.
func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	counter := 0
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-"+r.URL.Query().Get("page"))
		w.Header().Add("Link", `</items?page=3>; rel="next"`)
		fmt.Fprintf(w, `{"page":%q,"q":%q,"items":[1,2,3]}`, r.URL.Query().Get("page"), r.URL.Query().Get("q"))
	})
	mux.HandleFunc("POST /items", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "/items/42")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":42,"got":%s}`, body)
	})
	mux.HandleFunc("GET /blob", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(binaryBody)
	})
	mux.HandleFunc("GET /gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			io.WriteString(w, gzipJSON)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, gzipJSON)
		zw.Close()
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("password") != secretForm {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "session", Value: secretCookie, Path: "/", HttpOnly: true})
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"user":"ada"}`, secretJSON)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+secretBearer || r.URL.Query().Get("api_key") != secretKey {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "hello, ada\n")
	})
	mux.HandleFunc("GET /counter", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		counter++
		n := counter
		mu.Unlock()
		fmt.Fprintf(w, "call %d", n)
	})
	mux.HandleFunc("HEAD /head", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1234")
		w.Header().Set("Content-Type", "application/zip")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// An exchange is one request of the scenario.
type exchange struct {
	name string
	// gzip: the client asks for gzip itself, and gets the bytes the
	// server compressed.
	gzip bool
	req  func(base string) *http.Request
}

// mustRequest returns a new request, or panics.
func mustRequest(method, u string, body io.Reader) *http.Request {
	r, err := http.NewRequest(method, u, body)
	if err != nil {
		panic(err)
	}
	return r
}

// exchanges is the scenario every go-vcr version records: in this order.
var exchanges = []exchange{
	{name: "GET with a query", req: func(base string) *http.Request {
		return mustRequest("GET", base+"/items?page=2&q=a+b%26c", nil)
	}},
	{name: "POST JSON", req: func(base string) *http.Request {
		r := mustRequest("POST", base+"/items", strings.NewReader(`{"name":"widget","tags":["x","y"]}`))
		r.Header.Set("Content-Type", "application/json")
		return r
	}},
	{name: "binary body", req: func(base string) *http.Request { return mustRequest("GET", base+"/blob", nil) }},
	{name: "404", req: func(base string) *http.Request { return mustRequest("GET", base+"/nowhere", nil) }},
	{name: "gzip asked by the client", gzip: true, req: func(base string) *http.Request {
		r := mustRequest("GET", base+"/gzip", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		return r
	}},
	{name: "gzip decoded by the transport", req: func(base string) *http.Request {
		return mustRequest("GET", base+"/gzip?transparent=1", nil)
	}},
	{name: "POST form with a password", req: func(base string) *http.Request {
		r := mustRequest("POST", base+"/login", strings.NewReader(url.Values{"user": {"ada"}, "password": {secretForm}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}},
	{name: "Authorization and a key in the query", req: func(base string) *http.Request {
		r := mustRequest("GET", base+"/me?api_key="+secretKey, nil)
		r.Header.Set("Authorization", "Bearer "+secretBearer)
		return r
	}},
	{name: "same request, first", req: func(base string) *http.Request { return mustRequest("GET", base+"/counter", nil) }},
	{name: "same request, second", req: func(base string) *http.Request { return mustRequest("GET", base+"/counter", nil) }},
	{name: "HEAD", req: func(base string) *http.Request { return mustRequest("HEAD", base+"/head", nil) }},
}

// seen is a response as the client saw it.
type seen struct {
	status int
	text   string
	proto  string
	header http.Header
	body   []byte
}

// do sends the exchange's request through client and returns what the
// client saw.
func do(t *testing.T, client *http.Client, x exchange, base string) seen {
	t.Helper()
	resp, err := client.Do(x.req(base))
	if err != nil {
		t.Fatalf("%s: %v", x.name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading the body: %v", x.name, err)
	}
	return seen{status: resp.StatusCode, text: resp.Status, proto: resp.Proto, header: resp.Header.Clone(), body: body}
}

// A govcrVersion records with one major version of go-vcr.
type govcrVersion struct {
	name   string
	format int // the cassette format version it writes
	// record returns the transport that records the cassette name (go-vcr
	// adds ".yaml"), through rt, and the func that saves it.
	record func(t *testing.T, name string, rt http.RoundTripper) (http.RoundTripper, func() error)
	// durations returns the durations go-vcr reads back from its cassette,
	// or nil when its format has none.
	durations func(t *testing.T, name string) []time.Duration
}

var govcrVersions = []govcrVersion{
	{
		name: "go-vcr v1", format: 1,
		record: func(t *testing.T, name string, rt http.RoundTripper) (http.RoundTripper, func() error) {
			r, err := vcr1.NewAsMode(name, vcr1.ModeRecording, rt)
			if err != nil {
				t.Fatal(err)
			}
			return r, r.Stop
		},
		durations: func(t *testing.T, name string) []time.Duration {
			c, err := cas1.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			var ds []time.Duration
			for _, in := range c.Interactions {
				if in.Response.Duration != "" {
					t.Errorf("go-vcr v1 recorded a duration, %q: the test expects none", in.Response.Duration)
				}
				ds = append(ds, 0)
			}
			return ds
		},
	},
	{
		name: "go-vcr v2", format: 1,
		record: func(t *testing.T, name string, rt http.RoundTripper) (http.RoundTripper, func() error) {
			r, err := vcr2.NewAsMode(name, vcr2.ModeRecording, rt)
			if err != nil {
				t.Fatal(err)
			}
			r.SkipRequestLatency = true
			return r, r.Stop
		},
		durations: func(t *testing.T, name string) []time.Duration {
			c, err := cas2.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			var ds []time.Duration
			for _, in := range c.Interactions {
				ds = append(ds, in.Response.Duration)
			}
			return ds
		},
	},
	{
		name: "go-vcr v3", format: 2,
		record: func(t *testing.T, name string, rt http.RoundTripper) (http.RoundTripper, func() error) {
			r, err := vcr3.NewWithOptions(&vcr3.Options{CassetteName: name, Mode: vcr3.ModeRecordOnly, RealTransport: rt, SkipRequestLatency: true})
			if err != nil {
				t.Fatal(err)
			}
			return r, r.Stop
		},
		durations: func(t *testing.T, name string) []time.Duration {
			c, err := cas3.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			var ds []time.Duration
			for _, in := range c.Interactions {
				ds = append(ds, in.Response.Duration)
			}
			return ds
		},
	},
	{
		name: "go-vcr v4", format: 2,
		record: func(t *testing.T, name string, rt http.RoundTripper) (http.RoundTripper, func() error) {
			r, err := vcr4.New(name, vcr4.WithMode(vcr4.ModeRecordOnly), vcr4.WithRealTransport(rt), vcr4.WithSkipRequestLatency(true))
			if err != nil {
				t.Fatal(err)
			}
			return r, r.Stop
		},
		durations: func(t *testing.T, name string) []time.Duration {
			c, err := cas4.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			var ds []time.Duration
			for _, in := range c.Interactions {
				ds = append(ds, in.Response.Duration)
			}
			return ds
		},
	},
}

// recordGoVCR records the scenario with v against a new loopback server,
// stops the server, and returns the cassette's path and what the client
// saw.
func recordGoVCR(t *testing.T, v govcrVersion, dir string) (string, []seen) {
	t.Helper()
	srv := newTestServer(t)
	name := filepath.Join(dir, "fixture")
	rt, stop := v.record(t, name, srv.Client().Transport.(*http.Transport).Clone())
	client := &http.Client{Transport: rt}
	var got []seen
	for _, x := range exchanges {
		got = append(got, do(t, client, x, srv.URL))
	}
	if err := stop(); err != nil {
		t.Fatalf("saving the go-vcr cassette: %v", err)
	}
	srv.Close()
	path := name + ".yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("version: %d\n", v.format); !bytes.Contains(data, []byte(want)) {
		t.Fatalf("%s wrote no %q", v.name, want)
	}
	return path, got
}

// invoke runs dvd with args and returns its exit status and output.
func invoke(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// replay sends every exchange through a ModeReplay recorder over the
// cassette at path, and returns what the client saw.
func replay(t *testing.T, path string, base string) []seen {
	t.Helper()
	c, err := cassette.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeReplay, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	client := &http.Client{Transport: rec}
	var got []seen
	for _, x := range exchanges {
		got = append(got, do(t, client, x, base))
	}
	if unused, _ := rec.Unused(); len(unused) > 0 {
		t.Errorf("%d interactions of the cassette did not replay", len(unused))
	}
	return got
}

// gunzip returns the content of gzip data.
func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return out
}

// compareSeen compares what the client saw on replay with what it saw
// while go-vcr recorded: the same status, headers and body, but for the
// headers that hold secrets, and the length of a body that dvd compressed
// again.
func compareSeen(t *testing.T, x exchange, rec, rep seen, format int) {
	t.Helper()
	if rep.status != rec.status || rep.text != rec.text {
		t.Errorf("%s: status %q on replay, %q while recording", x.name, rep.text, rec.text)
	}
	if format == 2 && rep.proto != rec.proto {
		t.Errorf("%s: protocol %q on replay, %q while recording", x.name, rep.proto, rec.proto)
	}
	skip := map[string]bool{"Set-Cookie": true}
	redacted := bytes.Contains(rec.body, []byte(secretJSON))
	if x.gzip || redacted {
		// Compressed again, or shortened by redaction: the length is the
		// new body's, checked below.
		skip["Content-Length"] = true
	}
	for _, h := range []http.Header{rec.header, rep.header} {
		for k := range h {
			if skip[k] {
				continue
			}
			if !slices.Equal(rec.header[k], rep.header[k]) {
				t.Errorf("%s: header %s is %q on replay, %q while recording", x.name, k, rep.header[k], rec.header[k])
			}
		}
	}
	if v := rec.header.Get("Set-Cookie"); v != "" {
		if got := rep.header.Get("Set-Cookie"); redact.Unnumbered(got) != "session=REDACTED; Path=/; HttpOnly" {
			t.Errorf("%s: Set-Cookie on replay is %q, want the cookie redacted, its attributes kept", x.name, got)
		}
	}
	recBody, repBody := rec.body, rep.body
	if x.gzip {
		if rec.header.Get("Content-Encoding") != "gzip" || rep.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: Content-Encoding %q while recording, %q on replay; want gzip", x.name, rec.header.Get("Content-Encoding"), rep.header.Get("Content-Encoding"))
		}
		recBody, repBody = gunzip(t, recBody), gunzip(t, repBody)
	}
	if n := rep.header.Get("Content-Length"); skip["Content-Length"] && n != "" && n != fmt.Sprint(len(rep.body)) {
		t.Errorf("%s: Content-Length %s on replay for a body of %d bytes", x.name, n, len(rep.body))
	}
	if redacted {
		// The one body with a secret: redacted on import.
		recBody = bytes.ReplaceAll(recBody, []byte(secretJSON), []byte(redact.Redacted))
	}
	if !bytes.Equal(redact.UnnumberedBytes(repBody), recBody) {
		t.Errorf("%s: body on replay:\n%q\nwhile recording:\n%q", x.name, repBody, recBody)
	}
}

// assertNoSecrets fails if any secret is in what.
func assertNoSecrets(t *testing.T, where string, what []byte) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(what, []byte(s)) {
			t.Errorf("%s holds the secret %q", where, s)
		}
	}
}

// TestImportGoVCR records the scenario with each major version of go-vcr,
// imports the cassette, and replays it through dvd with the server
// stopped: every request gets what it got while recording, in order.
func TestImportGoVCR(t *testing.T) {
	for _, v := range govcrVersions {
		t.Run(v.name, func(t *testing.T) {
			dir := t.TempDir()
			yamlPath, recorded := recordGoVCR(t, v, dir)
			yamlData, _ := os.ReadFile(yamlPath)
			if !bytes.Contains(yamlData, []byte(secretBearer)) {
				t.Fatalf("the go-vcr cassette holds no Authorization secret: the test would prove nothing")
			}

			code, stdout, stderr := invoke("import", yamlPath)
			if code != 0 {
				t.Fatalf("dvd import exited %d: %s", code, stderr)
			}
			out := filepath.Join(dir, "fixture.dvd.json")
			if want := fmt.Sprintf("%s → %s: %d interactions\n", yamlPath, out, len(exchanges)); stdout != want {
				t.Errorf("stdout:\n%q\nwant\n%q", stdout, want)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			assertNoSecrets(t, "the imported cassette", data)
			assertNoSecrets(t, "the output of dvd import", []byte(stdout+stderr))

			// The base URL must be the one recorded; nothing listens there.
			base := "http://" + hostOf(t, data)
			replayed := replay(t, out, base)
			for i, x := range exchanges {
				compareSeen(t, x, recorded[i], replayed[i], v.format)
			}

			c, err := cassette.Load(out)
			if err != nil {
				t.Fatal(err)
			}
			want := v.durations(t, strings.TrimSuffix(yamlPath, ".yaml"))
			var got []time.Duration
			for _, in := range c.Interactions() {
				got = append(got, in.Duration)
			}
			if !slices.Equal(got, want) {
				t.Errorf("durations %v, go-vcr's %v", got, want)
			}
			if v.format == 2 {
				for _, in := range c.Interactions() {
					if p := in.Response.Proto; p != "HTTP/1.1" {
						t.Errorf("%s %s: protocol %q, want the recorded HTTP/1.1", in.Request.Method, in.Request.URL, p)
					}
				}
				if !slices.ContainsFunc(got, func(d time.Duration) bool { return d > 0 }) {
					t.Errorf("no duration carried over: %v", got)
				}
			}
		})
	}
}

// hostOf returns the host of the first URL in a cassette.
func hostOf(t *testing.T, data []byte) string {
	t.Helper()
	var f struct {
		Interactions []struct {
			Request struct {
				URL string `json:"url"`
			} `json:"request"`
		} `json:"interactions"`
	}
	if err := json.Unmarshal(data, &f); err != nil || len(f.Interactions) == 0 {
		t.Fatalf("cassette: %v", err)
	}
	u, err := url.Parse(f.Interactions[0].Request.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// validGoVCR is a small go-vcr cassette of format version 2.
const validGoVCR = `---
version: 2
interactions:
- id: 0
  request:
    headers:
      Authorization:
      - Bearer ` + secretBearer + `
    url: http://127.0.0.1:9/ok
    method: GET
  response:
    proto: HTTP/1.1
    content_length: 2
    body: ok
    headers:
      Content-Length:
      - "2"
    status: 200 OK
    code: 200
    duration: 1ms
`

// TestImportErrors checks that a file dvd cannot import gets an error that
// names it and says why, and that no cassette is written for it, nor an
// existing one replaced.
func TestImportErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string // the input's name; "" for none
		content string
		want    string // in the error
	}{
		{name: "bad YAML", file: "bad.yaml", content: "version: 2\ninteractions:\n- request: {\n  url: [\n", want: "bad.yaml: not YAML: line"},
		{name: "unknown version", file: "v3.yaml", content: "version: 3\ninteractions: []\n", want: "v3.yaml: line 1: version 3: dvd reads the go-vcr cassette format versions 1 (go-vcr v1 and v2) and 2 (go-vcr v3 and v4)"},
		{name: "no version", file: "nover.yaml", content: "interactions: []\n", want: `nover.yaml: line 1: no "version"`},
		{name: "not a mapping", file: "list.yml", content: "- a\n- b\n", want: "list.yml: line 1: the file is not a mapping"},
		{name: "empty", file: "empty.yaml", content: "", want: "empty.yaml: the file is empty"},
		{name: "no url", file: "nourl.yaml", content: "version: 1\ninteractions:\n- request:\n    method: GET\n  response:\n    code: 200\n", want: "nourl.yaml: line 4: interaction 1: request has no url"},
		{name: "no response", file: "noresp.yaml", content: "version: 1\ninteractions:\n- request:\n    method: GET\n    url: http://x/\n", want: "noresp.yaml: line 3: interaction 1 has no response"},
		{name: "a secret where a number belongs is not quoted", file: "secret.yaml",
			content: "version: 2\ninteractions:\n- request:\n    method: GET\n    url: http://x/\n  response:\n    code: Bearer " + secretBearer + "\n",
			want:    "secret.yaml: line 7: interaction 1: response code is not an integer"},
		{name: "bad status code", file: "code.yaml", content: "version: 2\ninteractions:\n- request:\n    method: GET\n    url: http://x/\n  response:\n    code: 42\n", want: "line 7: interaction 1: response code 42 is not an HTTP status code"},
		{name: "bad duration", file: "dur.yaml", content: "version: 1\ninteractions:\n- request:\n    method: GET\n    url: http://x/\n  response:\n    code: 200\n    duration: soon\n", want: "line 8: interaction 1: response duration is not a duration such as 1.5ms"},
		{name: "bad binary", file: "bin.yaml", content: "version: 1\ninteractions:\n- request:\n    method: GET\n    url: http://x/\n  response:\n    code: 200\n    body: !!binary '%%%'\n", want: "line 8: interaction 1: response body is !!binary, but not base64"},
		{name: "HAR that is not HAR", file: "nothar.har", content: `{"logs": {"entries": []}}`, want: `nothar.har: not a HAR file: a HAR file is a JSON object with "log", which has "entries"`},
		{name: "HAR that is not JSON", file: "broken.har", content: "{\n  \"log\": {\n    \"entries\": [}\n", want: "broken.har: line 3, column 17: not JSON: invalid character '}'"},
		{name: "HAR cut short", file: "short.har", content: `{"log": {"entries": [`, want: "short.har: the JSON ends early"},
		{name: "HAR with a wrong type", file: "type.har", content: "{\"log\": {\"entries\": [{\"request\": {\"method\": 7}}]}}", want: "type.har: line 1, column 45: log.entries.request.method is a JSON number, not what HAR has there"},
		{name: "HAR entry without url", file: "nourl.har", content: `{"log": {"entries": [{"request": {"method": "GET"}, "response": {"status": 200}}]}}`, want: "nourl.har: entry 1: the request has no url"},
		{name: "HAR bad base64", file: "b64.har", content: `{"log": {"entries": [{"request": {"method": "GET", "url": "http://x/"}, "response": {"status": 200, "content": {"text": "%%", "encoding": "base64"}}}]}}`, want: `b64.har: entry 1: the response content: its encoding is "base64", but the text is not base64`},
		{name: "missing file", file: "", want: "missing.yaml: no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "missing.yaml")
			if tt.file != "" {
				in = filepath.Join(dir, tt.file)
				if err := os.WriteFile(in, []byte(tt.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// An output from before must survive a failed import.
			out := importOutput(in, "", 0)
			before := []byte("an earlier cassette")
			if err := os.WriteFile(out, before, 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := invoke("import", in)
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if want := "dvd import: " + filepath.Join(dir, tt.want); !strings.Contains(stderr, want) && !strings.Contains(stderr, "dvd import: "+in+": ") {
				t.Errorf("stderr:\n%s\nwant it to hold\n%s", stderr, want)
			}
			if !strings.Contains(stderr, strings.TrimPrefix(tt.want, tt.file+": ")) {
				t.Errorf("stderr:\n%s\nwant it to say\n%s", stderr, tt.want)
			}
			assertNoSecrets(t, "the error", []byte(stderr))
			if got, _ := os.ReadFile(out); !bytes.Equal(got, before) {
				t.Errorf("%s was replaced by a failed import", out)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1+btoi(tt.file != "") {
				t.Errorf("%d files in the folder, want only the input and the earlier output", len(entries))
			}
		})
	}
}

// btoi returns 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestImportGoesOn checks that import goes on past a file that fails,
// writes the others, and exits 1.
func TestImportGoesOn(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.cassette.yaml")
	bad := filepath.Join(dir, "bad.yml")
	har := filepath.Join(dir, "session.har")
	os.WriteFile(good, []byte(validGoVCR), 0o644)
	os.WriteFile(bad, []byte("version: [\n"), 0o644)
	os.WriteFile(har, []byte(`{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[]}}`), 0o644)
	outDir := filepath.Join(dir, "out", "new")
	code, stdout, stderr := invoke("import", "-o", outDir, "-compress", "zstd", good, bad, har)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	wantOut := good + " → " + filepath.Join(outDir, "good.cassette.dvd.json.zst") + ": 1 interaction\n" +
		har + " → " + filepath.Join(outDir, "session.dvd.json.zst") + ": 0 interactions\n"
	if stdout != wantOut {
		t.Errorf("stdout:\n%s\nwant\n%s", stdout, wantOut)
	}
	wantSummary := "dvd import: what import changed, by kind (-v lists every one):\n" +
		"\tredacted request header Authorization: 1 time, as in " + good + ", interaction 1\n"
	if !strings.HasPrefix(stderr, "dvd import: "+bad+": not YAML: line") || !strings.HasSuffix(stderr, "\n"+wantSummary) || strings.Count(stderr, "\n") != 3 {
		t.Errorf("stderr:\n%s\nwant one line about %s, then the summary", stderr, bad)
	}
	c, err := cassette.Load(filepath.Join(outDir, "good.cassette.dvd.json.zst"))
	if err != nil {
		t.Fatal(err)
	}
	in := c.Interactions()[0]
	if in.Duration != time.Millisecond || string(in.Response.Body) != "ok" || redact.Unnumbered(in.Request.Header.Get("Authorization")) != "Bearer REDACTED" {
		t.Errorf("imported %+v", in)
	}
	if _, err := os.Stat(filepath.Join(outDir, "bad.dvd.json.zst")); err == nil {
		t.Errorf("a cassette was written for the file that failed")
	}
}

// TestImportReplacesOutput checks that a successful import replaces a
// cassette that exists.
func TestImportReplacesOutput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "x.yaml")
	os.WriteFile(in, []byte(validGoVCR), 0o644)
	out := filepath.Join(dir, "x.dvd.json")
	os.WriteFile(out, []byte("old"), 0o644)
	if code, _, stderr := invoke("import", in); code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	if c, err := cassette.Load(out); err != nil || c.Len() != 1 {
		t.Errorf("the cassette was not replaced: %v", err)
	}
}

// TestImportWarnings checks that what go-vcr does not write is reported,
// without its value, and the rest imported.
func TestImportWarnings(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "x.yaml")
	src := strings.Replace(validGoVCR, "    method: GET\n", "    method: GET\n    note: "+secretKey+"\n", 1)
	src = strings.Replace(src, "    body: ok\n", "    body: ok\n    extra: 1\n", 1)
	os.WriteFile(in, []byte(src), 0o644)
	code, _, stderr := invoke("import", in)
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	for _, want := range []string{
		"\tignored the request key \"note\", which go-vcr does not write: 1 time, as in " + in + ", line 11\n",
		"\tignored the response key \"extra\", which go-vcr does not write: 1 time, as in " + in + ", line 16\n",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr:\n%s\nwant\n%s", stderr, want)
		}
	}
	assertNoSecrets(t, "the warnings", []byte(stderr))
}

// TestImportHARFromABrowser imports a HAR file as browsers write it:
// lower-case HTTP/2 header names and pseudo-headers, "h2", a body decoded
// although its Content-Encoding says gzip, a body in base64, a failed
// request, and cookies.
func TestImportHARFromABrowser(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "browser.har")
	har := `{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "pages": [], "entries": [
	{"startedDateTime": "2024-05-01T10:00:00.000Z", "time": 120.5, "_initiator": {"type": "script"},
	 "request": {"method": "POST", "url": "https://api.example.com/v1/login?client=web", "httpVersion": "h2",
	   "headers": [{"name": ":authority", "value": "api.example.com"}, {"name": "content-type", "value": "application/json"}, {"name": "authorization", "value": "Bearer ` + secretBearer + `"}],
	   "queryString": [{"name": "client", "value": "web"}], "cookies": [{"name": "sid", "value": "` + secretCookie + `", "expires": null}],
	   "postData": {"mimeType": "application/json", "text": "{\"user\":\"ada\",\"password\":\"` + secretForm + `\"}"}, "headersSize": -1, "bodySize": 40},
	 "response": {"status": 200, "statusText": "", "httpVersion": "h2",
	   "headers": [{"name": "content-type", "value": "application/json"}, {"name": "content-encoding", "value": "gzip"}, {"name": "set-cookie", "value": "sid=` + secretCookie + `; Path=/"}],
	   "cookies": [], "content": {"size": 30, "mimeType": "application/json", "text": "{\"access_token\":\"` + secretJSON + `\"}"},
	   "redirectURL": "", "headersSize": -1, "bodySize": 20, "_transferSize": 200},
	 "cache": {}, "timings": {"blocked": 1, "dns": -1, "ssl": -1, "connect": -1, "send": 0.5, "wait": 100, "receive": 20}},
	{"startedDateTime": "2024-05-01T10:00:01.000Z", "time": 3,
	 "request": {"method": "GET", "url": "https://cdn.example.com/logo.png", "httpVersion": "http/1.1", "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
	 "response": {"status": 200, "statusText": "OK", "httpVersion": "http/1.1", "headers": [{"name": "Content-Type", "value": "image/png"}, {"name": "Content-Encoding", "value": "br"}],
	   "cookies": [], "content": {"size": 4, "mimeType": "image/png", "text": "iVBORw==", "encoding": "base64"}, "redirectURL": "", "headersSize": -1, "bodySize": -1},
	 "cache": {}, "timings": {"send": 0, "wait": 3, "receive": 0}},
	{"startedDateTime": "2024-05-01T10:00:02.000Z", "time": 0,
	 "request": {"method": "GET", "url": "https://down.example.com/", "httpVersion": "", "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
	 "response": {"status": 0, "statusText": "", "httpVersion": "", "headers": [], "cookies": [], "content": {"size": 0, "mimeType": "x-unknown"}, "redirectURL": "", "headersSize": -1, "bodySize": -1, "_error": "net::ERR_CONNECTION_REFUSED"},
	 "cache": {}, "timings": {"send": -1, "wait": -1, "receive": -1}}
	]}}`
	os.WriteFile(in, []byte(har), 0o644)
	code, stdout, stderr := invoke("import", in)
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "browser.dvd.json")
	data, _ := os.ReadFile(out)
	assertNoSecrets(t, "the cassette", data)
	assertNoSecrets(t, "the output", []byte(stdout+stderr))
	c, err := cassette.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	ins := c.Interactions()
	if len(ins) != 3 {
		t.Fatalf("%d interactions, want 3", len(ins))
	}
	login := ins[0]
	if login.Duration != 100500*time.Microsecond {
		t.Errorf("duration %v, want send+wait, 100.5ms", login.Duration)
	}
	if _, ok := login.Request.Header[":authority"]; ok || login.Request.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request header %v: want names canonical, without pseudo-headers", login.Request.Header)
	}
	if r := login.Response; r.Proto != "HTTP/2.0" || r.Encoded != "gzip" || string(redact.UnnumberedBytes(r.Body)) != `{"access_token":"REDACTED"}` {
		t.Errorf("response: proto %q, encoded %q, body %s", r.Proto, r.Encoded, r.Body)
	}
	if r := ins[1].Response; !bytes.Equal(r.Body, []byte{0x89, 'P', 'N', 'G'}) || r.Header.Get("Content-Encoding") != "" || !r.Uncompressed {
		t.Errorf("a br body HAR holds decoded: body %q, Content-Encoding %q, uncompressed %v; want it as the transport decoded it", r.Body, r.Header.Get("Content-Encoding"), r.Uncompressed)
	}
	if e := ins[2].Error; e == nil || e.Error() != "net::ERR_CONNECTION_REFUSED" {
		t.Errorf("the failed request: %+v, want its error", ins[2].Error)
	}

	// Replay: the client that asked for gzip gets gzip of the content.
	rec, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeReplay})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	req := mustRequest("POST", "https://api.example.com/v1/login?client=web", strings.NewReader(`{"user":"ada","password":"`+secretForm+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Transport: rec}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := gunzip(t, body); string(redact.UnnumberedBytes(got)) != `{"access_token":"REDACTED"}` || resp.Proto != "HTTP/2.0" {
		t.Errorf("replayed %s %q", resp.Proto, got)
	}
}

// TestImportSameOutput checks that two inputs that would make the same
// cassette do not overwrite each other.
func TestImportSameOutput(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "x.yaml")
	b := filepath.Join(dir, "x.har")
	os.WriteFile(a, []byte(validGoVCR), 0o644)
	os.WriteFile(b, []byte(`{"log":{"entries":[]}}`), 0o644)
	code, stdout, stderr := invoke("import", a, b)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	out := filepath.Join(dir, "x.dvd.json")
	if want := a + " → " + out + ": 1 interaction\n"; stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	if want := "dvd import: " + b + ": its cassette would be " + out + ", which was just imported from " + a; !strings.HasPrefix(stderr, want) {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	if c, err := cassette.Load(out); err != nil || c.Len() != 1 {
		t.Errorf("the first import was overwritten (%v)", err)
	}
}

// TestImportWarningQuotesNoValue checks that a key that is not a name,
// perhaps a secret written where a key belongs, is not quoted.
func TestImportWarningQuotesNoValue(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "x.yaml")
	src := strings.Replace(validGoVCR, "    method: GET\n", "    method: GET\n    Bearer "+secretBearer+": 1\n", 1)
	os.WriteFile(in, []byte(src), 0o644)
	code, _, stderr := invoke("import", in)
	if code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	if want := "\tignored the request key (a key that is not a name), which go-vcr does not write: 1 time, as in " + in + ", line 11\n"; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	assertNoSecrets(t, "the warning", []byte(stderr))
}

// TestImportRefusesDVDCassettes imports dvd cassettes, by their name and
// by their content: each is an error that says it is a dvd cassette
// already, and nothing is written. A YAML file that is no go-vcr cassette
// is an error too.
func TestImportRefusesDVDCassettes(t *testing.T) {
	dir := t.TempDir()
	c := cassette.New(get("https://api.example.com/x", 200, "the body"))
	named := filepath.Join(dir, "x.dvd.json")
	zst := filepath.Join(dir, "y.dvd.json.zst")
	for _, p := range []string{named, zst} {
		if err := c.Save(p); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(named)
	if err != nil {
		t.Fatal(err)
	}
	renamed := filepath.Join(dir, "renamed.json")
	testsupport.WriteFile(t, renamed, data)
	zdata, err := os.ReadFile(zst)
	if err != nil {
		t.Fatal(err)
	}
	compressed := filepath.Join(dir, "compressed.yaml")
	testsupport.WriteFile(t, compressed, zdata)
	upper := filepath.Join(dir, "U.DVD.JSON")
	testsupport.WriteFile(t, upper, data)
	out := filepath.Join(dir, "out")
	for _, in := range []string{named, zst, renamed, compressed, upper} {
		runDVD(t, "import", "-o", out, in).check(t, 1, []string{in + ": already a dvd cassette", "dvd convert"}, "→")
	}
	for s, want := range map[string]string{
		"foo: bar\n":                     "is this a go-vcr cassette",
		"version: 1\nfoo: bar\n":         `no "interactions"`,
		"version: 3\ninteractions: []\n": "version 3: dvd reads the go-vcr cassette format versions 1",
	} {
		p := filepath.Join(dir, "notvcr.yaml")
		testsupport.WriteFile(t, p, []byte(s))
		runDVD(t, "import", "-o", out, p).check(t, 1, []string{want, "notvcr.yaml: "}, "→")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("import wrote into %s: %v", out, err)
	}
	if got, err := os.ReadFile(named); err != nil || !bytes.Equal(got, data) {
		t.Errorf("the cassette changed: %v", err)
	}
}

// TestImportOtherCompression imports next to a cassette of the same name
// in another compression: an error that says what to do, and no second
// cassette.
func TestImportOtherCompression(t *testing.T) {
	dir := t.TempDir()
	yaml := filepath.Join(dir, "a.yaml")
	testsupport.WriteFile(t, yaml, []byte("version: 2\ninteractions:\n    - request:\n        url: http://127.0.0.1:1/x\n        method: GET\n      response:\n        code: 200\n        body: new\n"))
	existing := filepath.Join(dir, "a.dvd.json")
	save(t, existing, get("http://127.0.0.1:1/x", 200, "old"))
	before, err := os.ReadFile(existing)
	if err != nil {
		t.Fatal(err)
	}
	runDVD(t, "import", "-compress", "zstd", yaml).check(t, 1, []string{existing + " exists", "dvd convert", "remove"}, "→")
	if _, err := os.Stat(existing + ".zst"); !os.IsNotExist(err) {
		t.Errorf("import wrote %s.zst beside %s: %v", existing, existing, err)
	}
	if after, _ := os.ReadFile(existing); !bytes.Equal(after, before) {
		t.Errorf("%s changed", existing)
	}
	// In its own compression the cassette is replaced, as before.
	runDVD(t, "import", yaml).check(t, 0, []string{"→ " + existing})
}

// TestImportHARBrowserErrors imports a browser's HAR of requests that got
// no response: a refused connection is of kind refused, so lint reports
// it.
func TestImportHARBrowserErrors(t *testing.T) {
	dir := t.TempDir()
	entry := func(url, e string) string {
		return `{"startedDateTime":"2026-11-20T10:00:00.000Z","time":1,"request":{"method":"GET","url":"` + url + `","httpVersion":"","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},` +
			`"response":{"status":0,"statusText":"","httpVersion":"","headers":[],"cookies":[],"content":{"size":0,"mimeType":"x-unknown"},"redirectURL":"","headersSize":-1,"bodySize":-1,"_error":"` + e + `"},"cache":{},"timings":{"send":0,"wait":0,"receive":0}}`
	}
	har := filepath.Join(dir, "browser.har")
	testsupport.WriteFile(t, har, []byte(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[`+
		entry("http://127.0.0.1:1/a", "net::ERR_CONNECTION_REFUSED")+","+entry("http://127.0.0.1:1/b", "net::ERR_NAME_NOT_RESOLVED")+","+entry("http://127.0.0.1:1/c", "net::ERR_ABORTED")+`]}}`))
	runDVD(t, "import", har).check(t, 0, []string{"3 interactions"})
	out := filepath.Join(dir, "browser.dvd.json")
	c, err := cassette.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []neterr.Kind
	for _, in := range c.Interactions() {
		if in.Error == nil {
			t.Fatalf("no error recorded: %+v", in)
		}
		kinds = append(kinds, neterr.RecordOf(in.Error).Kind)
	}
	if want := []neterr.Kind{neterr.Refused, neterr.DNS, neterr.Other}; !slices.Equal(kinds, want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
	runDVD(t, "lint", out).check(t, 1, []string{"#1: GET http://127.0.0.1:1/a could not connect (refused)", "#2: GET http://127.0.0.1:1/b could not connect (dns)"})
}

// TestImportFreeze imports a go-vcr cassette with a sibling .freeze file,
// as DataDog's suites keep them: the frozen time, offset included, is the
// clock's first reading on replay; the summary says so; a .freeze that
// holds no time fails the import of that file, naming it.
func TestImportFreeze(t *testing.T) {
	dir := t.TempDir()
	doc := "---\nversion: 2\ninteractions: []\n"
	a := filepath.Join(dir, "TestMonitor.yaml")
	os.WriteFile(a, []byte(doc), 0o644)
	os.WriteFile(filepath.Join(dir, "TestMonitor.freeze"), []byte("2022-11-15T19:13:59.275948+02:00"), 0o644)
	r := runDVD(t, "import", a)
	r.check(t, 0, []string{"\tread the frozen time of the test from its .freeze file, as the clock's first reading: 1 time, as in " + a + ", TestMonitor.freeze\n"})
	c, err := cassette.Load(filepath.Join(dir, "TestMonitor.dvd.json"))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeReplay})
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Now().Format(time.RFC3339Nano); got != "2022-11-15T19:13:59.275948+02:00" {
		t.Errorf("the first reading is %s, want the frozen time with its offset", got)
	}

	b := filepath.Join(dir, "TestBad.yaml")
	os.WriteFile(b, []byte(doc), 0o644)
	os.WriteFile(filepath.Join(dir, "TestBad.freeze"), []byte("yesterday"), 0o644)
	r = runDVD(t, "import", b)
	r.check(t, 1, []string{"TestBad.freeze holds no RFC 3339 time"})
}
