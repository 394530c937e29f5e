package main

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// The values planted in the cassettes of these tests: made up, never real.
const (
	plantedGzip   = "gz-access-token-5e1f0a77"
	plantedPlain  = "plain-access-token-9b2c44"
	plantedBearer = "planted-bearer-31d7e2"
	plantedQuery  = "planted-query-key-8c0f19"
	plantedForm   = "planted-form-pass-4a6b02"
)

var planted = []string{plantedGzip, plantedPlain, plantedBearer, plantedQuery, plantedForm}

// gzipped returns s compressed with gzip.
func gzipped(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// gzipInteractions returns two responses of a gzip-encoded JSON body with
// an access_token: #1 stored as it came (encoded), #2 stored decoded with
// its coding in Encoded, as dvd's recorder stores it.
func gzipInteractions(token string) []cassette.Interaction {
	content := `{"access_token":"` + token + `","expires_in":3600}`
	asCame := get("http://127.0.0.1:1/token", 200, "", "Content-Encoding", "gzip", "Content-Type", "application/json")
	asCame.Response.Body = gzipped(content)
	asCame.Response.ContentLength = int64(len(asCame.Response.Body))
	decoded := get("http://127.0.0.1:1/token2", 200, content, "Content-Encoding", "gzip", "Content-Type", "application/json")
	decoded.Response.Encoded = "gzip"
	decoded.Response.ContentLength = -1
	return []cassette.Interaction{asCame, decoded}
}

// bodyContent returns the content of a response body, decoded when it is
// stored in gzip as it came.
func bodyContent(t *testing.T, r *cassette.Response) string {
	t.Helper()
	if r.Encoded == "" && r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(zr)
		return string(b)
	}
	return string(r.Body)
}

// TestScrubDecodesBeforeRedacting scrubs a gzip-encoded JSON body stored
// as it came and one stored decoded, in a plain and a gzip-compressed
// file: both are redacted (the first stored decoded from then on), and
// lint finds nothing after.
func TestScrubDecodesBeforeRedacting(t *testing.T) {
	for _, name := range []string{"tok.dvd.json", "tok.dvd.json.gz"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			save(t, path, gzipInteractions(plantedGzip)...)
			r := runDVD(t, "scrub", path)
			r.check(t, 0, []string{path + ": scrubbed 2 interactions"}, planted...)
			c, err := cassette.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			for i, in := range c.Interactions() {
				body := bodyContent(t, in.Response)
				if strings.Contains(body, plantedGzip) || !strings.Contains(body, `"access_token":"REDACTED~1"`) {
					t.Errorf("#%d: body after scrub %q", i+1, body)
				}
				if in.Response.Encoded != "gzip" {
					t.Errorf("#%d: Encoded %q, want gzip", i+1, in.Response.Encoded)
				}
			}
			runDVD(t, "lint", path).check(t, 0, nil, planted...)
			runDVD(t, "scrub", path).check(t, 0, []string{path + ": nothing to scrub"})
		})
	}
}

// TestScrubLeavesEncodedBodyWithoutSecret scrubs a gzip body stored as it
// came that holds no credential: the file is left as it is.
func TestScrubLeavesEncodedBodyWithoutSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plain.dvd.json")
	in := get("http://127.0.0.1:1/x", 200, "", "Content-Encoding", "gzip")
	in.Response.Body = gzipped(`{"n":1}`)
	save(t, path, in)
	before, _ := os.ReadFile(path)
	runDVD(t, "scrub", path).check(t, 0, []string{path + ": nothing to scrub"})
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Errorf("the file changed")
	}
}

// TestExportDecodesBeforeRedacting exports a gzip-encoded JSON body with
// an access_token, stored as it came and stored decoded: the HAR holds
// neither token, in its text nor in a base64 body.
func TestExportDecodesBeforeRedacting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tok.dvd.json")
	save(t, path, gzipInteractions(plantedGzip)...)
	r := runDVD(t, "export", path)
	r.check(t, 0, []string{`\"access_token\":\"REDACTED~1\"`}, planted...)
	if p := plantedIn(r.stdout); p != "" {
		t.Errorf("the HAR holds %q", p)
	}
}

// plantedIn returns the planted value that out holds, as it is or in a
// base64 string (a body), gzip-compressed or not; "" for none.
func plantedIn(out string) string {
	texts := []string{out}
	for _, f := range strings.Split(out, `"`) {
		if b, err := base64.StdEncoding.DecodeString(f); err == nil && len(b) > 10 {
			if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
				content, _ := io.ReadAll(zr)
				b = content
			}
			texts = append(texts, string(b))
		}
	}
	for _, s := range texts {
		for _, p := range planted {
			if strings.Contains(s, p) {
				return p
			}
		}
	}
	return ""
}

// TestLintRunsTheEngine lints a JSON body with an access_token whose
// Content-MD5 is true: lint names the body field, not the checksum header
// that redaction would recompute, and exits 1. A file whose only
// credential is in a gzip body stored as it came gets the dvd scrub hint,
// for scrub now decodes it.
func TestLintRunsTheEngine(t *testing.T) {
	dir := t.TempDir()
	body := `{"access_token":"` + plantedPlain + `"}`
	sum := md5.Sum([]byte(body))
	md5File := filepath.Join(dir, "md5.dvd.json")
	save(t, md5File, get("http://127.0.0.1:1/t", 200, body, "Content-Type", "application/json", "Content-MD5", base64.StdEncoding.EncodeToString(sum[:])))
	r := runDVD(t, "lint", md5File)
	r.check(t, 1, []string{md5File + ": #1: credential left in response body field $.access_token"}, append(planted, "Content-Md5")...)

	gzFile := filepath.Join(dir, "gz.dvd.json")
	save(t, gzFile, gzipInteractions(plantedGzip)[0])
	r = runDVD(t, "lint", gzFile)
	r.check(t, 1, []string{
		gzFile + ": #1: credential left in response body field $.access_token, in the body stored encoded (gzip)",
		"dvd scrub " + gzFile,
	}, append(planted, "cannot redact")...)

	// The same, in a file compressed whole.
	zstFile := filepath.Join(dir, "gz.dvd.json.zst")
	save(t, zstFile, gzipInteractions(plantedGzip)...)
	r = runDVD(t, "lint", zstFile)
	r.check(t, 1, []string{
		zstFile + ": #1: credential left in response body field $.access_token, in the body stored encoded (gzip)",
		zstFile + ": #2: credential left in response body field $.access_token\n",
	}, planted...)
}

// TestImportSummary imports two go-vcr cassettes whose interactions carry
// an Authorization header, a request key "id" and a JSON password that is
// no secret: one summary line per kind with its count and an example, -v
// lists every one, and -keep password keeps the field.
func TestImportSummary(t *testing.T) {
	dir := t.TempDir()
	one := `- id: %d
  request:
    id: %d
    headers:
      Authorization:
      - Bearer ` + plantedBearer + `
      Content-Type:
      - application/json
    body: '{"password":"rule-expression-1"}'
    url: http://127.0.0.1:9/ok
    method: POST
  response:
    body: ok
    headers:
      Content-Length:
      - "7"
    status: 200 OK
    code: 200
    duration: 1ms
`
	doc := "---\nversion: 2\ninteractions:\n"
	for i := range 2 {
		doc += strings.ReplaceAll(one, "%d", string(rune('0'+i)))
	}
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	os.WriteFile(a, []byte(doc), 0o644)
	os.WriteFile(b, []byte(doc), 0o644)

	r := runDVD(t, "import", a, b)
	r.check(t, 0, []string{
		"dvd import: what import changed, by kind (-v lists every one):\n",
		"\tredacted request header Authorization: 4 times, as in " + a + ", interaction 1\n",
		"\tredacted request body field $.password: 4 times, as in " + a + ", interaction 1\n",
		"\tignored the request key \"id\", which go-vcr does not write: 4 times, as in " + a + ", line 6\n",
		"\tset a response's Content-Length to the length of its body, which it did not have: 4 times, as in " + a + ", interaction 1\n",
	}, append(planted, "rule-expression-1")...)
	if n := strings.Count(r.stderr, "\n"); n != 5 {
		t.Errorf("%d lines on stderr, want the summary's 5", n)
	}

	r = runDVD(t, "import", "-v", "-keep", "password", a, b)
	r.check(t, 0, []string{
		"dvd import: " + a + ": interaction 1: redacted request header Authorization\n",
		"dvd import: " + b + ": interaction 2: redacted request header Authorization\n",
		"dvd import: " + b + ": line 25: ignored the request key \"id\", which go-vcr does not write\n",
		"\tredacted request header Authorization: 4 times, as in " + a + ", interaction 1\n",
	}, append(planted, "$.password", "(-v lists")...)
	c, err := cassette.Load(filepath.Join(dir, "b.dvd.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(c.Interactions()[1].Request.Body); got != `{"password":"rule-expression-1"}` {
		t.Errorf("-keep password: body %q", got)
	}
}

// TestNoPlantedValueInOutput runs lint, scrub, export and import (with
// -v) over cassettes with planted credentials in every place, a gzip body
// among them: no planted value appears in what dvd prints, as it is nor
// in a base64 body.
func TestNoPlantedValueInOutput(t *testing.T) {
	dir := t.TempDir()
	ins := gzipInteractions(plantedGzip)
	form := get("http://127.0.0.1:1/login?api_key="+plantedQuery, 200, `{"access_token":"`+plantedPlain+`"}`, "Content-Type", "application/json")
	form.Request.Method = "POST"
	form.Request.Header = http.Header{"Authorization": {"Bearer " + plantedBearer}, "Content-Type": {"application/x-www-form-urlencoded"}}
	form.Request.Body = []byte("password=" + plantedForm)
	ins = append(ins, form)
	path := filepath.Join(dir, "planted.dvd.json")
	save(t, path, ins...)

	noPlanted := func(what string, r dvdRun) {
		t.Helper()
		for _, out := range []string{r.stdout, r.stderr} {
			if p := plantedIn(out); p != "" {
				t.Errorf("%s printed the planted value %q", what, p)
			}
		}
	}
	r := runDVD(t, "lint", path)
	if r.code != 1 {
		t.Errorf("lint: exit status %d, want 1", r.code)
	}
	noPlanted("lint", r)
	noPlanted("export", runDVD(t, "export", path))

	har := filepath.Join(dir, "planted.har")
	os.WriteFile(har, []byte(runDVD(t, "export", path).stdout), 0o644)
	noPlanted("import", runDVD(t, "import", "-v", "-o", filepath.Join(dir, "imported"), har))

	noPlanted("scrub", runDVD(t, "scrub", path))
	noPlanted("lint after scrub", runDVD(t, "lint", path))
	noPlanted("export after scrub", runDVD(t, "export", path))
	data, _ := os.ReadFile(path)
	for _, p := range planted {
		if bytes.Contains(data, []byte(p)) {
			t.Errorf("the scrubbed file holds %q", p)
		}
	}
}

// TestImportSummaryUndecoded imports two files whose bodies are in a
// coding dvd does not decode: one line of the summary says so for both,
// and no line is printed per file.
func TestImportSummaryUndecoded(t *testing.T) {
	dir := t.TempDir()
	doc := `---
version: 2
interactions:
- request:
    body: ""
    headers: {}
    url: http://127.0.0.1:9/a
    method: GET
  response:
    body: "\x1b\x02\x00"
    headers:
      Content-Encoding:
      - br
    status: 200 OK
    code: 200
    duration: 1ms
`
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	os.WriteFile(a, []byte(doc), 0o644)
	os.WriteFile(b, []byte(doc), 0o644)
	r := runDVD(t, "import", a, b)
	r.check(t, 0, []string{"\tstored a response body as it came, not redacted, as it is encoded with br, which dvd does not decode", ": 2 times, as in " + a + ", interaction 1\n"})
	if n := strings.Count(r.stderr, "\n"); n != 2 {
		t.Errorf("%d lines on stderr, want the summary's 2:\n%s", n, r.stderr)
	}
}
