package integrity

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var body = []byte(`{"Item":{"password":{"S":"REDACTED"}}}`)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// Values computed here by the standard library, apart from the code under
// test.
var (
	md5Sum    = func() string { x := md5.Sum(body); return b64(x[:]) }()
	sha1Sum   = func() string { x := sha1.Sum(body); return b64(x[:]) }()
	sha256Sum = func() string { x := sha256.Sum256(body); return b64(x[:]) }()
	sha512Sum = func() string { x := sha512.Sum512(body); return b64(x[:]) }()
	crc32Sum  = b64(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(body)))
	crc32cSum = b64(binary.BigEndian.AppendUint32(nil, crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli))))
	crc64Sum  = b64(binary.BigEndian.AppendUint64(nil, crc64.Checksum(body, crc64.MakeTable(0x9a6c9329ac4bc9b5))))
)

// TestCRC64NVMe checks the table against the check value of CRC-64/NVME,
// its digest of "123456789".
func TestCRC64NVMe(t *testing.T) {
	if got := crc64.Checksum([]byte("123456789"), crc64NVMe); got != 0xae8b14860a799888 {
		t.Fatalf("CRC-64/NVME of 123456789 = %#x, want 0xae8b14860a799888", got)
	}
}

func TestSyncRecomputesEachKind(t *testing.T) {
	stale := b64([]byte("stale digest of other bytes"))
	for _, tc := range []struct {
		name, in, want string
	}{
		{"Content-MD5", stale, md5Sum},
		{"X-Amz-Crc32", "12345", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10)},
		{"x-amz-checksum-crc32", stale, crc32Sum},
		{"x-amz-checksum-crc32c", stale, crc32cSum},
		{"x-amz-checksum-crc64nvme", stale, crc64Sum},
		{"x-amz-checksum-sha1", stale, sha1Sum},
		{"x-amz-checksum-sha256", stale, sha256Sum},
		{"x-goog-hash", "crc32c=AAAAAA==,md5=" + stale, "crc32c=" + crc32cSum + ",md5=" + md5Sum},
		{"x-goog-hash", "md5=" + stale, "md5=" + md5Sum},
		{"Digest", "SHA-256=" + stale + ", MD5=" + stale, "SHA-256=" + sha256Sum + ", MD5=" + md5Sum},
		{"Digest", "SHA=" + stale + ",sha-512=" + stale, "SHA=" + sha1Sum + ",sha-512=" + sha512Sum},
		{"Digest", "UNIXsum=123, SHA-256=" + stale, "UNIXsum=123, SHA-256=" + sha256Sum},
		{"Content-Digest", "sha-256=:" + stale + ":", "sha-256=:" + sha256Sum + ":"},
		{"Content-Digest", "sha-512=:" + stale + ":, sha-256=:" + stale + ":;x=1", "sha-512=:" + sha512Sum + ":, sha-256=:" + sha256Sum + ":;x=1"},
		{"Content-Digest", "crc32c=:AAAAAA==:", "crc32c=:AAAAAA==:"},
		{"Repr-Digest", "sha-256=:" + stale + ":", "sha-256=:" + sha256Sum + ":"},
		// S3's composite checksum of a multipart object is of its parts.
		{"x-amz-checksum-crc32", "AAAAAA==-3", "AAAAAA==-3"},
		{"x-amz-checksum-sha256", stale + "-12", stale + "-12"},
		// Not integrity headers.
		{"Etag", `"` + stale + `"`, `"` + stale + `"`},
		{"X-Amz-Checksum-Type", "FULL_OBJECT", "FULL_OBJECT"},
	} {
		t.Run(tc.name+" "+tc.in, func(t *testing.T) {
			h := http.Header{}
			h.Set(tc.name, tc.in)
			Sync(h, http.MethodGet, http.StatusOK, body)
			if got := h.Get(tc.name); got != tc.want {
				t.Errorf("%s: %q\nrecomputed: %q\n      want: %q", tc.name, tc.in, got, tc.want)
			}
			if len(h) != 1 {
				t.Errorf("headers now %v, want only %s", h, tc.name)
			}
		})
	}
}

func TestSyncKeepsWhatDescribesOtherBytes(t *testing.T) {
	stale := b64([]byte("whole object"))
	all := http.Header{
		"Content-Md5":           {stale},
		"X-Amz-Crc32":           {"1"},
		"X-Amz-Checksum-Sha256": {stale},
		"X-Goog-Hash":           {"crc32c=AAAAAA==", "md5=" + stale},
		"Digest":                {"SHA-256=" + stale},
		"Content-Digest":        {"sha-256=:" + stale + ":"},
		"Repr-Digest":           {"sha-256=:" + stale + ":"},
	}
	for _, tc := range []struct {
		name   string
		method string
		code   int
		want   http.Header
	}{
		{"HEAD", http.MethodHead, http.StatusOK, all},
		{"304", http.MethodGet, http.StatusNotModified, all},
		{"204", http.MethodDelete, http.StatusNoContent, all},
		{"100", http.MethodPut, http.StatusContinue, all},
		{"206", http.MethodGet, http.StatusPartialContent, http.Header{
			// The part's own.
			"Content-Md5":    {md5Sum},
			"X-Amz-Crc32":    {strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10)},
			"Content-Digest": {"sha-256=:" + sha256Sum + ":"},
			// The whole object's.
			"X-Amz-Checksum-Sha256": {stale},
			"X-Goog-Hash":           {"crc32c=AAAAAA==", "md5=" + stale},
			"Digest":                {"SHA-256=" + stale},
			"Repr-Digest":           {"sha-256=:" + stale + ":"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := all.Clone()
			Sync(h, tc.method, tc.code, body)
			if d := cmp.Diff(tc.want, h); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestSyncAddsNothing(t *testing.T) {
	h := http.Header{"Content-Type": {"application/json"}}
	Sync(h, http.MethodGet, http.StatusOK, body)
	if d := cmp.Diff(http.Header{"Content-Type": {"application/json"}}, h); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if Present(h) {
		t.Error("Present(Content-Type only) = true")
	}
}

func TestSyncEachValueAndAnyCase(t *testing.T) {
	// A header read from a file edited by hand may keep its case.
	h := http.Header{"x-goog-hash": {"crc32c=x", "md5=y"}}
	if !Present(h) {
		t.Fatal("Present = false")
	}
	Sync(h, http.MethodGet, http.StatusOK, body)
	want := http.Header{"x-goog-hash": {"crc32c=" + crc32cSum, "md5=" + md5Sum}}
	if d := cmp.Diff(want, h); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestSyncAgreesStaysByteForByte(t *testing.T) {
	h := http.Header{
		"Content-Md5":    {md5Sum},
		"Digest":         {"SHA-256=" + sha256Sum + ", UNIXsum=1"},
		"Content-Digest": {"sha-256=:" + sha256Sum + ":, sha-512=:" + sha512Sum + ":"},
	}
	want := h.Clone()
	Sync(h, http.MethodGet, http.StatusOK, body)
	if d := cmp.Diff(want, h); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// FuzzSync: any header value, any body: no panic, no header added or
// removed, and a second Sync changes nothing more.
func FuzzSync(f *testing.F) {
	f.Add("Content-Digest", "sha-256=:abc:;a=1, md5=:x", []byte("body"))
	f.Add("Digest", "SHA-256=,=,MD5 = x ;", []byte{})
	f.Add("X-Goog-Hash", "crc32c=,md5", []byte("x"))
	f.Add("X-Amz-Checksum-Crc32", "AAAA-", []byte("x"))
	f.Fuzz(func(t *testing.T, name, v string, body []byte) {
		h := http.Header{name: {v}}
		Sync(h, http.MethodGet, http.StatusOK, body)
		if len(h) != 1 || len(h[name]) != 1 {
			t.Fatalf("headers now %v", h)
		}
		once := h[name][0]
		Sync(h, http.MethodGet, http.StatusOK, body)
		if h[name][0] != once {
			t.Fatalf("%q: once %q, twice %q", v, once, h[name][0])
		}
	})
}
