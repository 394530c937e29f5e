//lint:file-ignore SA1019 feature/s3/manager is deprecated for feature/s3/transfermanager, which is not 1.0 yet; most code in use calls manager.

package interop

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
)

// Credentials planted so that a test can look for them in the cassette.
// The secret key itself never goes on the wire; what it signs does.
const (
	awsAccessKeyID  = "AKIAINTEROPDVDTEST01"
	awsSecretKey    = "SECRETs3cr3tKEYinterop/dvd+NEVER+in+a+cassette"
	awsSessionToken = "SESSIONt0k3nINTEROPdvdNEVERinAcassette//FQoGZXIvYXdzE"
	s3Bucket        = "interop"
)

// awsSecrets are the planted credentials no S3 cassette may hold.
var awsSecrets = []secret{
	{"the AWS secret access key", awsSecretKey},
	{"the AWS session token", awsSessionToken},
}

// newS3 starts gofakes3, an S3 implementation, in memory on loopback, with
// one bucket. Tests seed objects through the backend, so that the cassette
// holds only the traffic under test. wrap, if not nil, wraps the handler.
func newS3(t *testing.T, wrap func(http.Handler) http.Handler) (*httptest.Server, *s3mem.Backend) {
	t.Helper()
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true") // belt and braces: the credentials are static
	backend := s3mem.New()
	if err := backend.CreateBucket(s3Bucket); err != nil {
		t.Fatal(err)
	}
	h := gofakes3.New(backend).Server()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, backend
}

// seed stores an object in the server's backend, without any traffic.
func seed(t *testing.T, b *s3mem.Backend, key string, data []byte) {
	t.Helper()
	if _, err := b.PutObject(s3Bucket, key, map[string]string{"Content-Type": "application/octet-stream"}, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		t.Fatal(err)
	}
}

// newS3Client returns an S3 client of the server at endpoint that sends its
// requests through hc: static credentials, so that no credential lookup
// leaves the process; path-style URLs, so that the bucket needs no DNS name.
func newS3Client(endpoint string, hc *http.Client) *s3.Client {
	return s3.New(s3.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(awsAccessKeyID, awsSecretKey, awsSessionToken),
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		HTTPClient:   hc,
	})
}

// randomBytes returns n bytes that are the same on every run.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := i; j < min(i+8, n); j++ {
			b[j], v = byte(v), v>>8
		}
	}
	return b
}

// offsetLines returns n bytes of 16-byte lines, each holding its own
// offset in hex: in a download that went wrong, the bytes at an offset say
// where they came from.
func offsetLines(n int) []byte {
	b := make([]byte, 0, n+16)
	for off := 0; off < n; off += 16 {
		b = fmt.Appendf(b, "%015x\n", off)
	}
	return b[:n]
}

// diffBytes describes how got differs from want, briefly.
func diffBytes(got, want []byte) string {
	if bytes.Equal(got, want) {
		return ""
	}
	i := 0
	for i < min(len(got), len(want)) && got[i] == want[i] {
		i++
	}
	return fmt.Sprintf("%d bytes, want %d; first difference at byte %d: got %q, want %q",
		len(got), len(want), i, got[i:min(len(got), i+16)], want[i:min(len(want), i+16)])
}

// A digest identifies bytes in a diff without printing them.
type digest struct {
	Len    int
	SHA256 string
}

func digestOf(b []byte) digest { return digest{len(b), fmt.Sprintf("%x", sha256.Sum256(b))} }

func TestS3PutObject(t *testing.T) {
	srv, _ := newS3(t, nil)
	data := randomBytes(3<<20+123, 1) // over the 2 MB from which the SDK sends Expect: 100-continue
	type result struct {
		ETag string
		Got  digest
	}
	rec := recordReplay(t, "s3/put_object", srv, func(t *testing.T, d *dvdtest.DVD) result {
		ctx := t.Context()
		c := newS3Client(srv.URL, sdkClient(t, d))
		put, err := c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(s3Bucket), Key: aws.String("upload.bin"), Body: bytes.NewReader(data),
			ContentType: aws.String("application/octet-stream"),
		})
		if err != nil {
			t.Fatalf("PutObject: %v", brief(err))
		}
		get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s3Bucket), Key: aws.String("upload.bin")})
		if err != nil {
			t.Fatalf("GetObject: %v", brief(err))
		}
		got, err := io.ReadAll(get.Body)
		get.Body.Close()
		if err != nil {
			t.Fatalf("GetObject: reading the body: %v", brief(err))
		}
		if d := diffBytes(got, data); d != "" {
			t.Errorf("GetObject after PutObject: %s", d)
		}
		return result{ETag: aws.ToString(put.ETag), Got: digestOf(got)}
	}, dvdtest.Compress(codec.Zstd))
	rec.assertNoSecrets(t, awsSecrets...)
}

// rangeGate holds the first ranged GETs after the first one until n of them
// have arrived, so that the recording surely has n ranged GETs of one URL
// in flight at once, and it counts the most it saw in flight.
type rangeGate struct {
	next http.Handler
	n    int
	all  chan struct{}

	mu             sync.Mutex
	seen, inFlight int
	peak           int
}

func (g *rangeGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Range") == "" {
		g.next.ServeHTTP(w, r)
		return
	}
	g.mu.Lock()
	g.seen++
	held := g.seen > 1 && g.seen <= g.n+1
	if g.seen == g.n+1 {
		close(g.all)
	}
	g.inFlight++
	g.peak = max(g.peak, g.inFlight)
	g.mu.Unlock()
	if held {
		select {
		case <-g.all:
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	}
	g.next.ServeHTTP(w, r)
	g.mu.Lock()
	g.inFlight--
	g.mu.Unlock()
}

func TestS3DownloadConcurrentRanges(t *testing.T) {
	const (
		size        = 2 << 20
		partSize    = 128 << 10 // 16 ranged GETs of one URL
		concurrency = 6
	)
	gate := &rangeGate{n: concurrency, all: make(chan struct{})}
	srv, backend := newS3(t, func(h http.Handler) http.Handler { gate.next = h; return gate })
	data := offsetLines(size)
	seed(t, backend, "lines.txt", data)

	type result struct {
		N   int64
		Got digest
	}
	rec := recordReplay(t, "s3/download_ranges", srv, func(t *testing.T, d *dvdtest.DVD) result {
		c := newS3Client(srv.URL, sdkClient(t, d))
		dl := manager.NewDownloader(c, func(d *manager.Downloader) {
			d.PartSize = partSize
			d.Concurrency = concurrency
		})
		buf := manager.NewWriteAtBuffer(make([]byte, 0, size))
		n, err := dl.Download(t.Context(), buf, &s3.GetObjectInput{Bucket: aws.String(s3Bucket), Key: aws.String("lines.txt")})
		if err != nil {
			t.Errorf("Download: %v", brief(err))
		}
		if d := diffBytes(buf.Bytes(), data); d != "" {
			t.Errorf("Download: %s", d)
		}
		return result{N: n, Got: digestOf(buf.Bytes())}
	})
	if gate.peak < 2 {
		t.Errorf("the recording had at most %d ranged GET in flight at once: the test needs concurrent ones", gate.peak)
	}
	if want := size / partSize; gate.seen != want {
		t.Errorf("the recording sent %d ranged GETs, want %d", gate.seen, want)
	}
	rec.assertNoSecrets(t, awsSecrets...)
}

// laterPresigner presigns as if the clock said later: a replay runs later
// than the recording it replays, a day or a year later.
type laterPresigner struct {
	s3.HTTPPresignerV4
	later time.Duration
}

func (p laterPresigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, signingTime time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return p.HTTPPresignerV4.PresignHTTP(ctx, creds, r, payloadHash, service, region, signingTime.Add(p.later), optFns...)
}

func TestS3PresignedGet(t *testing.T) {
	srv, backend := newS3(t, nil)
	data := []byte("a presigned GET of this object, fetched by a plain http.Client\n")
	seed(t, backend, "shared/report.txt", data)

	type result struct {
		Status int
		Body   string
	}
	rec := recordReplay(t, "s3/presigned_get", srv, func(t *testing.T, d *dvdtest.DVD) result {
		later := time.Duration(0)
		if !d.Recording() {
			later = 26 * time.Hour // replayed the next day
		}
		presigner := laterPresigner{
			// As the SDK's own default presigner for S3.
			HTTPPresignerV4: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }),
			later:           later,
		}
		pc := s3.NewPresignClient(newS3Client(srv.URL, nil), func(o *s3.PresignOptions) {
			o.Presigner = presigner
			o.Expires = 15 * time.Minute
		})
		p, err := pc.PresignGetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(s3Bucket), Key: aws.String("shared/report.txt")})
		if err != nil {
			t.Fatalf("PresignGetObject: %v", brief(err))
		}
		req, err := http.NewRequestWithContext(t.Context(), p.Method, p.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, vs := range p.SignedHeader {
			if k != "Host" {
				req.Header[k] = vs
			}
		}
		resp, err := d.Client().Do(req)
		if err != nil {
			t.Fatalf("GET of the presigned URL: %v", brief(err))
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("GET of the presigned URL: reading the body: %v", brief(err))
		}
		checkLength(t, resp, len(body))
		if d := diffBytes(body, data); d != "" {
			t.Errorf("GET of the presigned URL: %s %s", resp.Status, d)
		}
		return result{Status: resp.StatusCode, Body: string(body)}
	})
	rec.assertNoSecrets(t, awsSecrets...)
	if !bytes.Contains(rec.file, []byte("X-Amz-Signature=")) {
		t.Errorf("%s has no presigned GET: the test did not exercise what it means to", rec.path)
	}
}
