package cassette_test

import (
	"bytes"
	stdgzip "compress/gzip"
	stdzlib "compress/zlib"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/dvdrw/dvd/cassette"
)

// codedServer is a server in the manner of go-httpbin's /gzip: it
// compresses its answer with its own compressor and settings, and sends,
// as GCS and S3 do, a CRC32C and an MD5 of the bytes it sends, which a
// client that reads them as they came checks.
func codedServer(t *testing.T, coding string, doc func(*http.Request) string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		content := []byte(doc(r))
		switch coding {
		case "gzip":
			zw, _ := stdgzip.NewWriterLevel(&buf, stdgzip.BestSpeed)
			zw.Name, zw.ModTime = "answer.json", time.Unix(1_600_000_000, 0)
			zw.Write(content)
			zw.Close()
		case "deflate":
			zw, _ := stdzlib.NewWriterLevel(&buf, stdzlib.BestCompression)
			zw.Write(content)
			zw.Close()
		case "zstd":
			zw, _ := zstd.NewWriter(&buf, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderCRC(false), zstd.WithSingleSegment(true))
			zw.Write(content)
			zw.Close()
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", coding)
		setHashes(w.Header(), buf.Bytes())
		w.Write(buf.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv
}

func setHashes(h http.Header, body []byte) {
	sum := md5.Sum(body)
	h.Set("X-Goog-Hash", "crc32c="+crc32c(body)+",md5="+base64.StdEncoding.EncodeToString(sum[:]))
}

func crc32c(b []byte) string {
	var c [4]byte
	binary.BigEndian.PutUint32(c[:], crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
	return base64.StdEncoding.EncodeToString(c[:])
}

// A body that came in a coding and that redaction leaves as it was is
// stored as the bytes that came, and replays byte for byte, its checksums
// true; the file holds it as it came, without "encoded".
func TestAsCameReplaysByteForByte(t *testing.T) {
	for _, coding := range []string{"gzip", "deflate", "zstd"} {
		t.Run(coding, func(t *testing.T) {
			srv := codedServer(t, coding, func(*http.Request) string {
				return `{"args":{},"headers":{"Host":"httpbin"},"` + coding + `":true}`
			})
			get := func() *http.Request {
				req := newReq(t, "GET", srv.URL+"/"+coding, nil)
				req.Header.Set("Accept-Encoding", coding) // so the transport leaves it as it came
				return req
			}
			rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Upstream: srv.Client().Transport})
			resp := mustDo(t, rec, get())
			live, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			rec.Close()
			path := filepath.Join(t.TempDir(), "coded"+cassette.Ext)
			if err := rec.Cassette().Save(path); err != nil {
				t.Fatal(err)
			}
			loaded, err := cassette.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			stored := loaded.Interactions()[0].Response
			if stored.Encoded != "" || !bytes.Equal(stored.Body, live) {
				t.Errorf("stored %d bytes, encoded %q; want the %d bytes that came", len(stored.Body), stored.Encoded, len(live))
			}
			srv.Close()
			rep := mustRecorder(t, loaded, cassette.Config{Mode: cassette.ModeReplay})
			resp = mustDo(t, rep, get())
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !bytes.Equal(got, live) {
				t.Fatalf("replayed %d bytes, %x; recorded %d, %x", len(got), got, len(live), live)
			}
			want := resp.Header.Get("X-Goog-Hash")
			if !strings.HasPrefix(want, "crc32c="+crc32c(got)+",") || resp.ContentLength != int64(len(live)) {
				t.Errorf("replayed X-Goog-Hash %q, ContentLength %d; want the CRC32C of the %d bytes replayed, %s", want, resp.ContentLength, len(got), crc32c(got))
			}
		})
	}
}

// A coded body that holds a secret is stored decoded and redacted, its
// coding noted, and encoded again on replay; one without a secret next to
// it in the same recording stays as it came.
func TestAsCameOnlyWhenUnchanged(t *testing.T) {
	key := make([]byte, 16)
	rand.Read(key)
	secret := hex.EncodeToString(key)
	srv := codedServer(t, "gzip", func(r *http.Request) string {
		if r.URL.Path == "/token" {
			return `{"access_token":"` + secret + `","scope":"read"}`
		}
		return `{"scope":"read"}`
	})
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Upstream: srv.Client().Transport})
	var live [][]byte
	for _, p := range []string{"/token", "/plain"} {
		req := newReq(t, "GET", srv.URL+p, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp := mustDo(t, rec, req)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		live = append(live, b)
	}
	rec.Close()
	data := mustMarshal(t, rec.Cassette())
	if bytes.Contains(data, []byte(secret)) {
		t.Fatal("the secret reached the file")
	}
	ins := rec.Cassette().Interactions()
	tok, plain := ins[0].Response, ins[1].Response
	if tok.Encoded != "gzip" || !strings.Contains(string(tok.Body), `"access_token":"REDACTED~1"`) {
		t.Errorf("stored token response %q, encoded %q; want it decoded and redacted, gzip", tok.Body, tok.Encoded)
	}
	if plain.Encoded != "" || !bytes.Equal(plain.Body, live[1]) {
		t.Errorf("stored plain response %q, encoded %q; want the bytes that came", plain.Body, plain.Encoded)
	}
	if !bytes.Contains(data, []byte(`"encoded": "gzip"`)) || bytes.Count(data, []byte(`"encoded"`)) != 1 {
		t.Errorf("the file says \"encoded\" %d times; want once, for the redacted body:\n%s", bytes.Count(data, []byte(`"encoded"`)), data)
	}
}

// A request body sent in a coding and left as it was is stored as it
// came, and still matched by its content, in whatever compression the
// replaying client sends it.
func TestAsCameRequestBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	defer srv.Close()
	post := func(level int, doc string) (*http.Request, []byte) {
		var buf bytes.Buffer
		zw, _ := stdgzip.NewWriterLevel(&buf, level)
		zw.Write([]byte(doc))
		zw.Close()
		req := newReq(t, "POST", srv.URL+"/upload", bytes.NewReader(buf.Bytes()))
		req.Header.Set("Content-Encoding", "gzip")
		return req, buf.Bytes()
	}
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Upstream: srv.Client().Transport})
	req, sent := post(stdgzip.BestSpeed, `{"name":"a"}`)
	mustDo(t, rec, req).Body.Close()
	rec.Close()
	stored := rec.Cassette().Interactions()[0].Request
	if stored.Encoded != "" || !bytes.Equal(stored.Body, sent) {
		t.Errorf("stored request body %q, encoded %q; want the bytes sent", stored.Body, stored.Encoded)
	}
	rep := replayer(t, rec.Cassette(), cassette.Config{})
	req, _ = post(stdgzip.BestCompression, `{"name":"a"}`)
	mustDo(t, rep, req).Body.Close()
}

// Redaction.Apply decodes a body held as it came: it redacts a secret
// inside, leaving the body decoded, and leaves a body without one as it
// was.
func TestAsCameApply(t *testing.T) {
	key := make([]byte, 16)
	rand.Read(key)
	secret := hex.EncodeToString(key)
	gz := func(doc string) []byte {
		var buf bytes.Buffer
		zw := stdgzip.NewWriter(&buf)
		zw.Write([]byte(doc))
		zw.Close()
		return buf.Bytes()
	}
	in := func(body []byte) *cassette.Interaction {
		return &cassette.Interaction{
			Request: cassette.Request{Method: "GET", URL: "https://api.example/x"},
			Response: &cassette.Response{StatusCode: 200, ContentLength: int64(len(body)), Body: body,
				Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"application/json"}}},
		}
	}
	plainBody, tokenBody := gz(`{"scope":"read"}`), gz(`{"token":"`+secret+`"}`)
	plain, token := in(plainBody), in(tokenBody)
	cassette.Redaction{}.Apply(plain, token)
	if plain.Response.Encoded != "" || !bytes.Equal(plain.Response.Body, plainBody) {
		t.Errorf("Apply made the plain body %q, encoded %q; want it as it was", plain.Response.Body, plain.Response.Encoded)
	}
	if token.Response.Encoded != "gzip" || string(token.Response.Body) != `{"token":"REDACTED~1"}` {
		t.Errorf("Apply made the token body %q, encoded %q; want it decoded and redacted", token.Response.Body, token.Response.Encoded)
	}
}
