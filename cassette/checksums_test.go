package cassette_test

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/google/go-cmp/cmp"
)

// The integrity headers these tests send, as a server computes them.
func md5Of(b []byte) string    { x := md5.Sum(b); return base64.StdEncoding.EncodeToString(x[:]) }
func sha256Of(b []byte) string { x := sha256.Sum256(b); return base64.StdEncoding.EncodeToString(x[:]) }
func crc32Of(b []byte) string  { return strconv.FormatUint(uint64(crc32.ChecksumIEEE(b)), 10) }

// checksummedHandler answers with body and its Content-Length,
// Content-MD5, X-Amz-Crc32 and x-amz-checksum-sha256, as DynamoDB and S3
// send them.
func checksummedHandler(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		h.Set("Content-MD5", md5Of(body))
		h.Set("X-Amz-Crc32", crc32Of(body))
		h.Set("X-Amz-Checksum-Sha256", sha256Of(body))
		w.Write(body)
	}
}

// send sends req through rt and returns the response and its body.
func send(t *testing.T, rt http.RoundTripper, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// recordThenReplay records newReq against h with red, and replays it from
// the cassette saved and loaded again; it returns the interaction stored,
// and the response and body recorded and replayed.
func recordThenReplay(t *testing.T, red cassette.Redaction, h http.Handler, newReq func(url string) *http.Request) (stored cassette.Interaction, live, replay *http.Response, liveBody, replayBody []byte) {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Redact: red})
	live, liveBody = send(t, rec, newReq(srv.URL))
	rec.Close()
	data, err := cassette.Marshal(rec.Cassette())
	if err != nil {
		t.Fatal(err)
	}
	c, err := cassette.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	stored = c.Interactions()[0]
	rep := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay, Redact: red})
	replay, replayBody = send(t, rep, newReq(srv.URL))
	return stored, live, replay, liveBody, replayBody
}

// checkAgree fails unless the integrity headers of h describe body.
func checkAgree(t *testing.T, what string, h http.Header, contentLength int64, body []byte) {
	t.Helper()
	want := map[string]string{
		"Content-Length":        strconv.Itoa(len(body)),
		"Content-Md5":           md5Of(body),
		"X-Amz-Crc32":           crc32Of(body),
		"X-Amz-Checksum-Sha256": sha256Of(body),
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %s: %q, want %q for the body %q", what, k, got, v, body)
		}
	}
	if contentLength != int64(len(body)) {
		t.Errorf("%s: ContentLength %d, want %d", what, contentLength, len(body))
	}
}

// TestChecksumsOfARedactedBody records a secret in a JSON body sent with
// its checksums: the cassette stores the body redacted with the checksums
// of what it stores, and replay serves checksums that agree with the
// bytes replayed, as an AWS SDK checks them.
func TestChecksumsOfARedactedBody(t *testing.T) {
	body := []byte(`{"Item":{"user":"ann","password":"hunter2-correct-horse"}}`)
	get := func(url string) *http.Request { r, _ := http.NewRequest("GET", url+"/item", nil); return r }
	stored, live, replay, liveBody, replayBody := recordThenReplay(t, cassette.Redaction{}, checksummedHandler(body), get)
	if !bytes.Equal(liveBody, body) {
		t.Fatalf("recording served %q, want %q", liveBody, body)
	}
	checkAgree(t, "recorded", live.Header, live.ContentLength, body)
	if bytes.Contains(stored.Response.Body, []byte("hunter2")) {
		t.Fatalf("the secret reached the cassette: %s", stored.Response.Body)
	}
	checkAgree(t, "stored", stored.Response.Header, stored.Response.ContentLength, stored.Response.Body)
	if !bytes.Equal(replayBody, stored.Response.Body) {
		t.Fatalf("replayed %q, stored %q", replayBody, stored.Response.Body)
	}
	checkAgree(t, "replayed", replay.Header, replay.ContentLength, replayBody)
	// What aws-sdk-go-v2's DynamoDB client does with X-Amz-Crc32.
	want, err := strconv.ParseUint(replay.Header.Get("X-Amz-Crc32"), 10, 32)
	if err != nil || uint32(want) != crc32.ChecksumIEEE(replayBody) {
		t.Errorf("response did not match expected checksum: X-Amz-Crc32 %q, crc32 of the body %d", replay.Header.Get("X-Amz-Crc32"), crc32.ChecksumIEEE(replayBody))
	}
}

// TestChecksumsOfAPlaceholder: the cassette holds the placeholder and the
// checksums of the body that holds it; replay puts the value back and
// serves the server's own checksums again.
func TestChecksumsOfAPlaceholder(t *testing.T) {
	body := []byte(`{"Item":{"tenant":"acme-tenant-7","n":1}}`)
	red := cassette.Redaction{Placeholders: map[string]string{"TENANT": "acme-tenant-7"}}
	get := func(url string) *http.Request { r, _ := http.NewRequest("GET", url+"/item", nil); return r }
	stored, live, replay, _, replayBody := recordThenReplay(t, red, checksummedHandler(body), get)
	if !bytes.Contains(stored.Response.Body, []byte("<TENANT>")) {
		t.Fatalf("stored %s, want the placeholder", stored.Response.Body)
	}
	checkAgree(t, "stored", stored.Response.Header, stored.Response.ContentLength, stored.Response.Body)
	if !bytes.Equal(replayBody, body) {
		t.Fatalf("replayed %q, want %q", replayBody, body)
	}
	checkAgree(t, "replayed", replay.Header, replay.ContentLength, replayBody)
	for _, k := range []string{"Content-Length", "Content-Md5", "X-Amz-Crc32", "X-Amz-Checksum-Sha256"} {
		if replay.Header.Get(k) != live.Header.Get(k) {
			t.Errorf("%s: replayed %q, the server sent %q", k, replay.Header.Get(k), live.Header.Get(k))
		}
	}
}

// TestChecksumsOfAnUnchangedBody: a body dvd does not change keeps its
// headers byte for byte, a wrong checksum included.
func TestChecksumsOfAnUnchangedBody(t *testing.T) {
	body := []byte(`{"Item":{"user":"ann"}}`)
	sent := http.Header{
		"Content-Md5":           {"d3JvbmcgYnV0IHNlbnQ="},
		"X-Amz-Crc32":           {"12"},
		"X-Amz-Checksum-Sha256": {sha256Of(body)},
		"Digest":                {"sha-256=" + sha256Of(body)},
		"X-Goog-Hash":           {"crc32c=AAAAAA==,md5=" + md5Of(body)},
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range sent {
			w.Header()[k] = v
		}
		w.Write(body)
	})
	get := func(url string) *http.Request { r, _ := http.NewRequest("GET", url+"/item", nil); return r }
	stored, _, replay, _, replayBody := recordThenReplay(t, cassette.Redaction{}, h, get)
	if !bytes.Equal(replayBody, body) {
		t.Fatalf("replayed %q, want %q", replayBody, body)
	}
	for k, v := range sent {
		if d := cmp.Diff(v, stored.Response.Header[k]); d != "" {
			t.Errorf("stored %s (-sent +stored):\n%s", k, d)
		}
		if d := cmp.Diff(v, replay.Header[k]); d != "" {
			t.Errorf("replayed %s (-sent +replayed):\n%s", k, d)
		}
	}
}

// TestChecksumsOfHEADAnd206: a HEAD's headers describe the body a GET
// would get, and a 206's x-goog-hash and Repr-Digest the whole object:
// they stay as sent though a placeholder changes what is stored, while the
// 206's own Content-MD5 and Content-Digest follow the part.
func TestChecksumsOfHEADAnd206(t *testing.T) {
	object := []byte("the whole object names acme-tenant-7 twice: acme-tenant-7.")
	part := object[4:40]
	red := cassette.Redaction{Placeholders: map[string]string{"TENANT": "acme-tenant-7"}}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wh := w.Header()
		wh.Set("Content-Type", "text/plain")
		wh.Set("X-Goog-Hash", "md5="+md5Of(object))
		wh.Set("Repr-Digest", "sha-256=:"+sha256Of(object)+":")
		if r.Method == http.MethodHead {
			wh.Set("Content-MD5", md5Of(object))
			wh.Set("Content-Length", strconv.Itoa(len(object)))
			return
		}
		wh.Set("Content-MD5", md5Of(part))
		wh.Set("Content-Digest", "sha-256=:"+sha256Of(part)+":")
		wh.Set("Content-Range", "bytes 4-39/"+strconv.Itoa(len(object)))
		wh.Set("Content-Length", strconv.Itoa(len(part)))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(part)
	})

	head := func(url string) *http.Request { r, _ := http.NewRequest("HEAD", url+"/o", nil); return r }
	stored, live, replay, _, _ := recordThenReplay(t, red, h, head)
	for _, k := range []string{"Content-Length", "Content-Md5", "X-Goog-Hash", "Repr-Digest"} {
		if stored.Response.Header.Get(k) != live.Header.Get(k) || replay.Header.Get(k) != live.Header.Get(k) {
			t.Errorf("HEAD %s: sent %q, stored %q, replayed %q", k, live.Header.Get(k), stored.Response.Header.Get(k), replay.Header.Get(k))
		}
	}

	ranged := func(url string) *http.Request {
		r, _ := http.NewRequest("GET", url+"/o", nil)
		r.Header.Set("Range", "bytes=4-39")
		return r
	}
	stored, live, replay, _, replayBody := recordThenReplay(t, red, h, ranged)
	if !bytes.Contains(stored.Response.Body, []byte("<TENANT>")) || !bytes.Equal(replayBody, part) {
		t.Fatalf("stored %q, replayed %q, want the placeholder stored and %q replayed", stored.Response.Body, replayBody, part)
	}
	for _, k := range []string{"X-Goog-Hash", "Repr-Digest"} {
		if stored.Response.Header.Get(k) != live.Header.Get(k) || replay.Header.Get(k) != live.Header.Get(k) {
			t.Errorf("206 %s: sent %q, stored %q, replayed %q", k, live.Header.Get(k), stored.Response.Header.Get(k), replay.Header.Get(k))
		}
	}
	sb := stored.Response.Body
	if got, want := stored.Response.Header.Get("Content-MD5"), md5Of(sb); got != want {
		t.Errorf("206 stored Content-MD5 %q, want %q", got, want)
	}
	if got, want := stored.Response.Header.Get("Content-Digest"), "sha-256=:"+sha256Of(sb)+":"; got != want {
		t.Errorf("206 stored Content-Digest %q, want %q", got, want)
	}
	for _, k := range []string{"Content-Length", "Content-Md5", "Content-Digest"} {
		if replay.Header.Get(k) != live.Header.Get(k) {
			t.Errorf("206 replayed %s %q, sent %q", k, replay.Header.Get(k), live.Header.Get(k))
		}
	}
}

// TestChecksumsOfAnEncodedBody: a gzip body is stored decoded, with the
// headers of the bytes the server sent; replay encodes it again, bytes of
// dvd's own, and the checksums follow them.
func TestChecksumsOfAnEncodedBody(t *testing.T) {
	content := []byte(`{"Item":{"user":"ann","password":"hunter2-correct-horse"}}`)
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(content)
	zw.Close()
	gz := zb.Bytes()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		checksummedHandler(gz)(w, r)
	})
	// The client asks for gzip itself, so the transport leaves it encoded.
	get := func(url string) *http.Request {
		r, _ := http.NewRequest("GET", url+"/item", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		return r
	}
	stored, live, replay, _, replayBody := recordThenReplay(t, cassette.Redaction{}, h, get)
	if stored.Response.Encoded != "gzip" {
		t.Fatalf("stored Encoded %q, want gzip", stored.Response.Encoded)
	}
	for _, k := range []string{"Content-Md5", "X-Amz-Crc32", "X-Amz-Checksum-Sha256"} {
		if stored.Response.Header.Get(k) != live.Header.Get(k) {
			t.Errorf("stored %s %q, sent %q", k, stored.Response.Header.Get(k), live.Header.Get(k))
		}
	}
	checkAgree(t, "replayed", replay.Header, replay.ContentLength, replayBody)
	zr, err := gzip.NewReader(bytes.NewReader(replayBody))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if bytes.Contains(got, []byte("hunter2")) || !strings.Contains(string(got), `"user":"ann"`) {
		t.Errorf("replayed content %q", got)
	}
}

// TestChecksumsOfApply: Redaction.Apply, which dvd import and scrub use,
// recomputes the checksums of a body it changes, and leaves those of a
// body it does not.
func TestChecksumsOfApply(t *testing.T) {
	body := []byte(`{"Item":{"user":"ann","password":"hunter2-correct-horse"}}`)
	in := cassette.Interaction{
		Request: cassette.Request{Method: "POST", URL: "https://dynamodb.us-east-1.amazonaws.com/"},
		Response: &cassette.Response{StatusCode: 200, ContentLength: -1, Body: bytes.Clone(body), Header: http.Header{
			"Content-Type": {"application/x-amz-json-1.0"}, "X-Amz-Crc32": {crc32Of(body)},
		}},
	}
	cassette.Redaction{}.Apply(&in)
	if bytes.Contains(in.Response.Body, []byte("hunter2")) {
		t.Fatalf("not redacted: %s", in.Response.Body)
	}
	if got, want := in.Response.Header.Get("X-Amz-Crc32"), crc32Of(in.Response.Body); got != want {
		t.Errorf("X-Amz-Crc32 %q, want %q", got, want)
	}
	clean := cassette.Interaction{
		Request:  in.Request,
		Response: &cassette.Response{StatusCode: 200, ContentLength: -1, Body: []byte(`{}`), Header: http.Header{"X-Amz-Crc32": {"7"}}},
	}
	cassette.Redaction{}.Apply(&clean)
	if got := clean.Response.Header.Get("X-Amz-Crc32"); got != "7" {
		t.Errorf("an unchanged body's X-Amz-Crc32 became %q", got)
	}
}
