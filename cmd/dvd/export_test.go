package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/testsupport"
)

// richCassette returns a cassette with one interaction of each kind that
// HAR holds, or that only the "_dvd" field holds: text, JSON and binary
// bodies, a request body in base64, a body stored decoded, a transport
// error, trailers, a TLS state, a poll run, a HEAD, a status text of its
// own, HTTP/2 and a body the transport decoded.
func richCassette(t *testing.T) *cassette.Cassette {
	t.Helper()
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	cert := srv.Certificate().Raw
	srv.Close()
	bin := []byte{0x00, 0xff, 0xfe, 0x80, 'a', 0x01}
	return cassette.New(
		cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "https://api.example.com/items?page=2&q=a+b&token=REDACTED", Header: http.Header{"Authorization": {"Bearer REDACTED"}, "Accept": {"application/json"}}},
			Response: &cassette.Response{StatusCode: 200, Proto: "HTTP/2.0", Header: http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"a=REDACTED; Path=/", "b=REDACTED; HttpOnly"}}, Body: []byte(`{"items":[1,2,3]}`), ContentLength: -1, TLS: &cassette.TLSState{Version: tls.VersionTLS13, CipherSuite: tls.TLS_AES_128_GCM_SHA256, ServerName: "api.example.com", NegotiatedProtocol: "h2", PeerCertificates: [][]byte{cert}}},
			Duration: 1234567 * time.Nanosecond,
		},
		cassette.Interaction{
			Request:  cassette.Request{Method: "POST", URL: "https://api.example.com/upload", Header: http.Header{"Content-Type": {"application/octet-stream"}}, Body: bin},
			Response: &cassette.Response{StatusCode: 201, Status: "201 Made It", Header: http.Header{"Content-Type": {"image/x-thing"}, "Content-Length": {"6"}}, Body: bin, ContentLength: 6},
			Duration: 42 * time.Millisecond,
		},
		cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "http://127.0.0.1:8080/gz", Header: http.Header{"Accept-Encoding": {"gzip"}}},
			Response: &cassette.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Length": {"35"}, "Content-Type": {"text/plain"}}, Body: []byte("hello hello hello hello"), Encoded: "gzip", ContentLength: 35},
			Duration: time.Millisecond,
		},
		cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "http://127.0.0.1:8080/deflate"},
			Response: &cassette.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"deflate"}}, Body: []byte("raw deflate content"), Encoded: "deflate-raw", ContentLength: -1},
		},
		cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "http://127.0.0.1:8080/transparent"},
			Response: &cassette.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("was gzip"), Uncompressed: true, ContentLength: -1},
		},
		cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "http://127.0.0.1:8080/stream"},
			Response: &cassette.Response{StatusCode: 200, Header: http.Header{"Trailer": {"X-Checksum"}}, Trailer: http.Header{"X-Checksum": {"abc"}}, TransferEncoding: []string{"chunked"}, Body: []byte("part"), ContentLength: -1, Truncated: true},
		},
		cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "http://127.0.0.1:8080/reset"},
			Response: &cassette.Response{StatusCode: 200, Body: []byte("half"), ContentLength: 100, BodyError: neterr.Recorded(neterr.Record{Kind: neterr.Reset, Message: "read: connection reset by peer", Op: "read", Net: "tcp", Addr: "127.0.0.1:8080"})},
		},
		cassette.Interaction{
			Request: cassette.Request{Method: "GET", URL: "https://down.example.com/"},
			Error:   neterr.Recorded(neterr.Record{Kind: neterr.DNS, Message: "dial tcp: lookup down.example.com: no such host", Op: "dial", Net: "tcp", Detail: "no such host", Name: "down.example.com", NotFound: true}),
		},
		cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "http://127.0.0.1:8080/poll"},
			Response: &cassette.Response{StatusCode: 202, Body: []byte("pending"), ContentLength: 7},
			Times:    3,
		},
		cassette.Interaction{
			Request:  cassette.Request{Method: "HEAD", URL: "http://127.0.0.1:8080/big.zip"},
			Response: &cassette.Response{StatusCode: 200, Header: http.Header{"Content-Length": {"99999"}}, ContentLength: 99999},
		},
		cassette.Interaction{
			Request:  cassette.Request{Method: "POST", URL: "http://127.0.0.1:8080/form", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte("a=1&b=%C3%A9")},
			Response: &cassette.Response{StatusCode: 204, Header: http.Header{}, ContentLength: 0},
		},
		cassette.Interaction{
			Request:  cassette.Request{Method: "POST", URL: "http://127.0.0.1:8080/gzipped-request", Header: http.Header{"Content-Encoding": {"gzip"}}, Body: []byte("the request content"), Encoded: "gzip"},
			Response: &cassette.Response{StatusCode: 304, ContentLength: 0},
		},
	)
}

// normalized returns the cassette file of interactions, as dvd writes it:
// two cassettes with the same interactions give the same bytes.
func normalized(t *testing.T, ins []cassette.Interaction) []byte {
	t.Helper()
	b, err := cassette.Marshal(cassette.New(ins...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExportImportRoundTrip exports a cassette as HAR and imports the HAR:
// the interactions are the same, bodies byte for byte.
func TestExportImportRoundTrip(t *testing.T) {
	for _, comp := range []string{"none", "zstd"} {
		t.Run(comp, func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, "rich.dvd.json")
			if comp == "zstd" {
				src += ".zst"
			}
			orig := richCassette(t)
			if err := orig.Save(src); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := invoke("export", src)
			if code != 0 || stderr != "" {
				t.Fatalf("export exited %d: %s", code, stderr)
			}
			checkHAR(t, []byte(stdout), orig.Len())

			harPath := filepath.Join(dir, "rich.har")
			os.WriteFile(harPath, []byte(stdout), 0o644)
			outDir := filepath.Join(dir, "back")
			if code, _, stderr := invoke("import", "-o", outDir, harPath); code != 0 || stderr != "" {
				t.Fatalf("import exited %d: %s", code, stderr)
			}
			back, err := cassette.Load(filepath.Join(outDir, "rich.dvd.json"))
			if err != nil {
				t.Fatal(err)
			}
			loaded, err := cassette.Load(src)
			if err != nil {
				t.Fatal(err)
			}
			a, b := loaded.Interactions(), back.Interactions()
			if len(a) != len(b) {
				t.Fatalf("%d interactions back, want %d", len(b), len(a))
			}
			for i := range a {
				if x, y := normalized(t, a[i:i+1]), normalized(t, b[i:i+1]); !bytes.Equal(x, y) {
					t.Errorf("interaction %d:\n%s\nback from HAR:\n%s", i+1, x, y)
				}
				if a[i].Response != nil && !bytes.Equal(a[i].Response.Body, b[i].Response.Body) {
					t.Errorf("interaction %d: body %q back, want %q", i+1, b[i].Response.Body, a[i].Response.Body)
				}
				if !bytes.Equal(a[i].Request.Body, b[i].Request.Body) {
					t.Errorf("interaction %d: request body %q back, want %q", i+1, b[i].Request.Body, a[i].Request.Body)
				}
				if a[i].Duration != b[i].Duration {
					t.Errorf("interaction %d: duration %v back, want %v", i+1, b[i].Duration, a[i].Duration)
				}
			}
		})
	}
}

// checkHAR checks that data is HAR 1.2 with n entries, each with the
// members the specification requires.
func checkHAR(t *testing.T, data []byte, n int) {
	t.Helper()
	var f struct {
		Log struct {
			Version string                       `json:"version"`
			Creator map[string]string            `json:"creator"`
			Entries []map[string]json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("export wrote no JSON: %v", err)
	}
	if f.Log.Version != "1.2" || f.Log.Creator["name"] != "dvd" || f.Log.Creator["version"] == "" {
		t.Errorf("log version %q, creator %v", f.Log.Version, f.Log.Creator)
	}
	if len(f.Log.Entries) != n {
		t.Fatalf("%d entries, want %d", len(f.Log.Entries), n)
	}
	required := map[string][]string{
		"":         {"startedDateTime", "time", "request", "response", "cache", "timings"},
		"request":  {"method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"},
		"response": {"status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"},
		"timings":  {"send", "wait", "receive"},
	}
	for i, e := range f.Log.Entries {
		for part, keys := range required {
			m := e
			if part != "" {
				if err := json.Unmarshal(e[part], &m); err != nil {
					t.Fatalf("entry %d: %s: %v", i+1, part, err)
				}
			}
			for _, k := range keys {
				if _, ok := m[k]; !ok {
					t.Errorf("entry %d: %s has no %q", i+1, part, k)
				}
			}
		}
		var started string
		json.Unmarshal(e["startedDateTime"], &started)
		if _, err := time.Parse(time.RFC3339Nano, started); err != nil {
			t.Errorf("entry %d: startedDateTime %q is not ISO 8601", i+1, started)
		}
	}
	// The binary body is base64, with its encoding.
	var resp struct {
		Content struct {
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
			Size     int    `json:"size"`
		} `json:"content"`
	}
	json.Unmarshal(f.Log.Entries[1]["response"], &resp)
	if resp.Content.Encoding != "base64" || resp.Content.Text != "AP/+gGEB" || resp.Content.Size != 6 {
		t.Errorf("binary content %+v, want base64", resp.Content)
	}
}

// TestExportErrors checks export's errors: they name the file.
func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.dvd.json")
	os.WriteFile(bad, []byte(`{"version": 1, "interactions": [}`), 0o644)
	tests := []struct {
		name string
		path string
		want string
	}{
		{name: "missing", path: filepath.Join(dir, "none.dvd.json"), want: "dvd export: " + filepath.Join(dir, "none.dvd.json") + ": no such file\n"},
		{name: "corrupt", path: bad, want: "dvd export: " + bad + ": line 1, column 33: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := invoke("export", tt.path)
			if code != 1 || stdout != "" || !bytes.HasPrefix([]byte(stderr), []byte(tt.want)) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing, %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

// TestExportRedacts exports a cassette written by hand with credentials in
// it: the HAR holds none of them, a shortened body's length is its new
// length, and the import of the HAR gives back the redacted cassette.
func TestExportRedacts(t *testing.T) {
	planted := []string{"PLANTEDAUTH1", "PLANTEDQUERY2", "PLANTEDJSON3", "PLANTEDCOOKIE4", "PLANTEDBODYTOKEN5"}
	dir := t.TempDir()
	src := filepath.Join(dir, "planted.dvd.json")
	body := `{"token":"PLANTEDBODYTOKEN5","ok":true}`
	save(t, src,
		cassette.Interaction{
			Request: cassette.Request{Method: "POST", URL: "https://api.example.com/login?access_token=PLANTEDQUERY2",
				Header: http.Header{"Authorization": {"Bearer PLANTEDAUTH1"}, "Content-Type": {"application/json"}},
				Body:   []byte(`{"password":"PLANTEDJSON3"}`)},
			Response: &cassette.Response{StatusCode: 200,
				Header: http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"session=PLANTEDCOOKIE4; Path=/"}, "Content-Length": {strconv.Itoa(len(body))}},
				Body:   []byte(body), ContentLength: int64(len(body))},
		})
	r := runDVD(t, "export", src)
	r.check(t, 0, []string{`"REDACTED`}, planted...)
	harPath := filepath.Join(dir, "planted.har")
	testsupport.WriteFile(t, harPath, []byte(r.stdout))
	var h struct {
		Log struct {
			Entries []struct {
				Response struct {
					Headers []struct{ Name, Value string }
					Content struct{ Size int }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &h); err != nil || len(h.Log.Entries) != 1 {
		t.Fatalf("not a HAR of one entry: %v", err)
	}
	loaded, err := cassette.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	want := redactedSynced(loaded.Interactions()[:1], cassette.Redaction{})[0]
	n := len(want.Response.Body)
	if n == len(body) {
		t.Fatalf("redaction left the body's length: %d", n)
	}
	for _, hd := range h.Log.Entries[0].Response.Headers {
		if hd.Name == "Content-Length" && hd.Value != strconv.Itoa(n) {
			t.Errorf("Content-Length %s in the HAR, want %d, the redacted body's", hd.Value, n)
		}
	}
	out := filepath.Join(dir, "back")
	runDVD(t, "import", "-o", out, harPath).check(t, 0, nil, planted...)
	back, err := cassette.Load(filepath.Join(out, "planted.dvd.json"))
	if err != nil {
		t.Fatal(err)
	}
	if x, y := normalized(t, []cassette.Interaction{want}), normalized(t, back.Interactions()); !bytes.Equal(x, y) {
		t.Errorf("back from HAR:\n%s\nwant:\n%s", y, x)
	}
	for _, f := range []string{harPath, filepath.Join(out, "planted.dvd.json")} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range planted {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds %s", f, s)
			}
		}
	}
}

// TestImportHARKeepsDates imports a HAR file: the cassette's recording
// time is the first entry's start, so that its export starts there too.
func TestImportHARKeepsDates(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "dated.dvd.json")
	c := cassette.New(get("http://127.0.0.1:1/a", 200, "a"), get("http://127.0.0.1:1/b", 200, "b"))
	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	c.SetRecordedAt(when)
	if err := c.Save(src); err != nil {
		t.Fatal(err)
	}
	r := runDVD(t, "export", src)
	r.check(t, 0, []string{`"startedDateTime": "2024-05-06T07:08:09Z"`})
	har := filepath.Join(dir, "dated.har")
	testsupport.WriteFile(t, har, []byte(r.stdout))
	out := filepath.Join(dir, "back")
	runDVD(t, "import", "-o", out, har).check(t, 0, nil)
	back, err := cassette.Load(filepath.Join(out, "dated.dvd.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := back.RecordedAt(); !got.Equal(when) {
		t.Errorf("recorded at %v, want %v", got, when)
	}
	runDVD(t, "export", filepath.Join(out, "dated.dvd.json")).check(t, 0, []string{`"startedDateTime": "2024-05-06T07:08:09Z"`})
}
