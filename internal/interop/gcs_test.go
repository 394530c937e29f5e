package interop

import (
	"bytes"
	"compress/gzip"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"testing"

	"cloud.google.com/go/storage"
	"github.com/fsouza/fake-gcs-server/fakestorage"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"
)

// fakeGCS starts fake-gcs-server in process, in memory, on addr. It
// serves the JSON API under /storage/v1 and the XML API, which the client
// reads objects through, on the same host.
func fakeGCS(t *testing.T, addr string) (string, func()) {
	t.Helper()
	// The client must find no credentials and no metadata server: nothing
	// may resolve an outside name.
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "")
	t.Setenv("GCE_METADATA_HOST", "127.0.0.1:1")
	t.Setenv("NO_GCE_CHECK", "true")
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		NoListener: true, Scheme: "http", PublicHost: "127.0.0.1", Writer: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, stop := listenOn(t, addr, srv.HTTPHandler())
	return endpoint, func() { stop(); srv.Stop() }
}

func newGCSClient(t *testing.T, endpoint string, hc *http.Client) *storage.Client {
	t.Helper()
	c, err := storage.NewClient(t.Context(), option.WithHTTPClient(hc), option.WithEndpoint(endpoint+"/storage/v1/"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// gzipped returns data compressed, the same bytes on every run.
func gzipped(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// TestGCS writes a plain object and a gzipped one (Content-Encoding: gzip)
// and reads them back, the gzipped one decompressed by the client.
func TestGCS(t *testing.T) { testGCS(t, "gcs/objects", lifecycle{}, false) }

// TestGCSReadCompressed reads the gzipped object as stored
// (ReadCompressed(true)), whose CRC32C in x-goog-hash the client checks: a
// body that dvd did not redact replays as the bytes that came, not as its
// text compressed again.
func TestGCSReadCompressed(t *testing.T) { testGCS(t, "gcs/read_compressed", lifecycle{}, true) }

func testGCS(t *testing.T, name string, how lifecycle, readCompressed bool) {
	plain := offsetLines(200<<10 + 3)
	text := bytes.Repeat([]byte("a line that compresses well, stored gzipped as it came\n"), 2000)
	stored := gzipped(t, text)
	type object struct {
		Name, ContentType, ContentEncoding string
		Size                               int64
		CRC32C                             uint32
		MD5                                []byte
	}
	type result struct {
		Objects    []object
		Plain      digest
		Compressed digest // the gzip stream as stored, read with ReadCompressed
		Decoded    digest // the same object, decompressed by the client
	}
	recordRerecord(t, name, fakeGCS, how, func(t *testing.T, hc *http.Client, endpoint string) result {
		ctx := t.Context()
		c := newGCSClient(t, endpoint, hc)
		b := c.Bucket("interop")
		if err := b.Create(ctx, "interop-project", nil); err != nil {
			t.Fatalf("Bucket.Create: %v", brief(err))
		}
		put := func(name string, data []byte, setup func(w *storage.Writer)) {
			w := b.Object(name).NewWriter(ctx)
			w.ChunkSize = 0 // one request, whatever the size
			setup(w)
			if _, err := w.Write(data); err != nil {
				t.Fatalf("writing %s: %v", name, brief(err))
			}
			if err := w.Close(); err != nil {
				t.Fatalf("writing %s: %v", name, brief(err))
			}
		}
		put("plain/lines.txt", plain, func(w *storage.Writer) { w.ContentType = "text/plain" })
		put("gz/text.txt", stored, func(w *storage.Writer) {
			w.ContentType, w.ContentEncoding = "text/plain", "gzip"
			w.CRC32C, w.SendCRC32C = crc32.Checksum(stored, castagnoli), true
		})

		var r result
		it := b.Objects(ctx, nil)
		for {
			a, err := it.Next()
			if errors.Is(err, iterator.Done) {
				break
			}
			if err != nil {
				t.Fatalf("Objects: %v", brief(err))
			}
			r.Objects = append(r.Objects, object{a.Name, a.ContentType, a.ContentEncoding, a.Size, a.CRC32C, a.MD5})
		}
		read := func(name string, compressed bool, want []byte) digest {
			rd, err := b.Object(name).ReadCompressed(compressed).NewReader(ctx)
			if err != nil {
				t.Fatalf("reading %s: %v", name, brief(err))
			}
			got, err := io.ReadAll(rd)
			rd.Close()
			if err != nil {
				t.Fatalf("reading %s (compressed %t), whose CRC32C the client checks: %v", name, compressed, brief(err))
			}
			if d := diffBytes(got, want); d != "" {
				t.Errorf("reading %s (compressed %t): %s", name, compressed, d)
			}
			return digestOf(got)
		}
		r.Plain = read("plain/lines.txt", false, plain)
		if readCompressed {
			r.Compressed = read("gz/text.txt", true, stored)
		} else {
			r.Decoded = read("gz/text.txt", false, text)
		}
		return r
	})
}
