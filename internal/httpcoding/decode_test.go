package httpcoding

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

func gzipOf(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zlibOf(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func flateOf(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zstdOf(t testing.TB, s string) []byte {
	t.Helper()
	e, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	return e.EncodeAll([]byte(s), nil)
}

// storedLikeZlib is bare deflate whose first two bytes make a valid zlib
// header: a stored block of 29 bytes (08 1d), not the last, then an empty
// last one. zlib refuses it (its "deflate data" starts with a bad stored
// block), bare deflate reads it.
func storedLikeZlib(content string) []byte {
	if len(content) != 29 {
		panic("29 bytes, for the header to check")
	}
	b := []byte{0x08, 29, 0, ^byte(29), 0xff}
	b = append(b, content...)
	return append(b, 0x01, 0, 0, 0xff, 0xff)
}

func TestDecodeBody(t *testing.T) {
	const doc = `{"access_token":"SEKRITtoken","n":1}`
	corrupt := gzipOf(t, doc)
	corrupt[len(corrupt)-6] ^= 0xff // the CRC
	tests := []struct {
		name, reason string
		coding       []string // the Content-Encoding header's lines
		body         []byte
		want         string // the content; the body itself when not decoded
		encoded      string
		why          string // in the reason it was not decoded
	}{
		{"no coding", "", nil, []byte(doc), doc, "", ""},
		{"identity", "identity is no coding", []string{"identity"}, []byte(doc), doc, "", ""},
		{"empty body", "a HEAD or 304 response carries the coding and no body: nothing to note", []string{"gzip"}, nil, "", "", ""},
		{"gzip", "", []string{"gzip"}, gzipOf(t, doc), doc, "gzip", ""},
		{"x-gzip", "RFC 9110: a recipient treats x-gzip as gzip", []string{"x-gzip"}, gzipOf(t, doc), doc, "gzip", ""},
		{"gzip in capitals and spaces", "codings are case-insensitive tokens", []string{" GZip "}, gzipOf(t, doc), doc, "gzip", ""},
		{"gzip and identity", "", []string{"identity, gzip"}, gzipOf(t, doc), doc, "gzip", ""},
		{"gzip of nothing", "the coding is noted, so replay sends a valid gzip stream again", []string{"gzip"}, gzipOf(t, ""), "", "gzip", ""},
		{"gzip members", "a gzip stream may hold several members, read one after the other", []string{"gzip"}, append(gzipOf(t, "a,"), gzipOf(t, "b")...), "a,b", "gzip", ""},
		{"deflate in zlib", "RFC 9110's deflate", []string{"deflate"}, zlibOf(t, doc), doc, "deflate", ""},
		{"bare deflate", "what some servers send as deflate", []string{"deflate"}, flateOf(t, doc), doc, "deflate-raw", ""},
		{"bare deflate with a zlib header", "zlib fails, bare deflate reads it", []string{"deflate"}, storedLikeZlib(doc[:29]), doc[:29], "deflate-raw", ""},
		{"zstd", "", []string{"zstd"}, zstdOf(t, doc), doc, "zstd", ""},
		{"br", "no brotli among dvd's dependencies", []string{"br"}, []byte("\x1b\x24\x00\xf8"), "\x1b\x24\x00\xf8", "", "encoded with br, which dvd does not decode"},
		{"compress", "", []string{"compress"}, []byte("\x1f\x9d\x90"), "\x1f\x9d\x90", "", "encoded with compress, which dvd does not decode"},
		{"unknown", "", []string{"snappy"}, []byte("x"), "x", "", "encoded with snappy, which dvd does not decode"},
		{"stack", "gzip then br: dvd decodes one coding", []string{"gzip, br"}, []byte("x"), "x", "", "encoded with gzip, br, a stack of codings"},
		{"stack over two lines", "", []string{"gzip", "gzip"}, gzipOf(t, string(gzipOf(t, doc))), string(gzipOf(t, string(gzipOf(t, doc)))), "", "encoded with gzip, gzip, a stack of codings"},
		{"corrupt gzip", "the CRC catches it", []string{"gzip"}, corrupt, string(corrupt), "", "encoded with gzip, which does not decode: gzip: invalid checksum"},
		{"truncated gzip", "", []string{"gzip"}, gzipOf(t, doc)[:20], string(gzipOf(t, doc)[:20]), "", "encoded with gzip, which does not decode: the stream ends early"},
		{"gzip with bytes after it", "", []string{"gzip"}, append(gzipOf(t, doc), "junk"...), string(append(gzipOf(t, doc), "junk"...)), "", "encoded with gzip, which does not decode"},
		{"not gzip at all", "a server that says gzip and sends text", []string{"gzip"}, []byte(doc), doc, "", "encoded with gzip, which does not decode: gzip: invalid header"},
		{"bare deflate with bytes after it", "without a checksum, the end of the body is what tells", []string{"deflate"}, append(flateOf(t, doc), "junk"...), string(append(flateOf(t, doc), "junk"...)), "", "encoded with deflate, which does not decode"},
		{"zlib with a bad checksum", "", []string{"deflate"}, flipLast(zlibOf(t, doc)), string(flipLast(zlibOf(t, doc))), "", "encoded with deflate, which does not decode"},
		{"corrupt zstd", "", []string{"zstd"}, zstdOf(t, doc)[:10], string(zstdOf(t, doc)[:10]), "", "encoded with zstd, which does not decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Content-Encoding": tt.coding}
			if tt.coding == nil {
				h = http.Header{}
			}
			got, encoded, err := Decode(h, tt.body)
			why := reason(err)
			if string(got) != tt.want || encoded != tt.encoded || (tt.why == "") != (why == "") || !strings.HasPrefix(why, tt.why) || errors.Is(err, ErrBomb) {
				t.Errorf("Decode = %q, %q, %q; want %q, %q, %q…", got, encoded, why, tt.want, tt.encoded, tt.why)
			}
			if encoded == "" {
				return
			}
			again, _, _ := Decode(http.Header{"Content-Encoding": {tt.coding[0]}}, Encode(encoded, got))
			if string(again) != tt.want {
				t.Errorf("decoding what Encode(%q) gave = %q, want %q", encoded, again, tt.want)
			}
		})
	}
}

func flipLast(b []byte) []byte {
	b = bytes.Clone(b)
	b[len(b)-1] ^= 0xff
	return b
}

// reason returns the message of why, "" for nil.
func reason(why error) string {
	if why == nil {
		return ""
	}
	return why.Error()
}

// setDecodeLimits lowers the limits of decoding for a test, and lifts the
// bound on the ratio.
func setDecodeLimits(t *testing.T, most, kept int) {
	oldMost, oldKept, oldRatio := maxDecoded, keptDecoded, maxRatio
	maxDecoded, keptDecoded, maxRatio = most, kept, 1<<20
	t.Cleanup(func() { maxDecoded, keptDecoded, maxRatio = oldMost, oldKept, oldRatio })
}

// TestDecodeLimits decodes bodies around the limits, lowered: content up
// to the kept size is read once; more is counted, then read again into a
// buffer of its size; more than the most dvd decodes is refused.
func TestDecodeLimits(t *testing.T) {
	setDecodeLimits(t, 64<<10, 8<<10)
	tests := []struct {
		name, reason string
		size         int
		refused      bool
	}{
		{"kept", "", 8 << 10, false},
		{"one more than kept", "counted, then read again", 8<<10 + 1, false},
		{"the most", "", 64 << 10, false},
		{"one more than the most", "", 64<<10 + 1, true},
		{"a bomb", "", 1 << 20, true},
	}
	for _, tt := range tests {
		for _, coding := range []string{"gzip", "deflate", "zstd"} {
			t.Run(tt.name+"/"+coding, func(t *testing.T) {
				content := strings.Repeat("a", tt.size)
				var body []byte
				switch coding {
				case "gzip":
					body = gzipOf(t, content)
				case "deflate":
					body = zlibOf(t, content)
				default:
					body = zstdOf(t, content)
				}
				got, encoded, err := Decode(http.Header{"Content-Encoding": {coding}}, body)
				why := reason(err)
				if tt.refused {
					if encoded != "" || !bytes.Equal(got, body) || why != "encoded with "+coding+", which decodes to more than the 64 KiB dvd decodes" || !errors.Is(err, ErrBomb) {
						t.Errorf("Decode = %d bytes, %q, %q; want the body as it came, and why", len(got), encoded, why)
					}
					return
				}
				if string(got) != content || encoded == "" || why != "" {
					t.Errorf("Decode = %d bytes, %q, %q; want %d bytes of content", len(got), encoded, why, tt.size)
				}
			})
		}
	}
}

// BenchmarkDecodeBody measures decoding a 2 KB JSON body, which recording
// pays once per encoded body, and matching once per encoded request body.
func BenchmarkDecodeBody(b *testing.B) {
	content := []byte(strings.Repeat(`{"id":12345,"name":"widget","tags":["a","b"]},`, 45))
	for _, coding := range []string{"gzip", "deflate", "zstd"} {
		b.Run(coding, func(b *testing.B) {
			h := http.Header{"Content-Encoding": {coding}}
			encoded := map[string]string{"gzip": Gzip, "deflate": Deflate, "zstd": Zstd}[coding]
			body := Encode(encoded, content)
			b.ReportAllocs()
			b.SetBytes(int64(len(content)))
			for b.Loop() {
				if _, e, _ := Decode(h, body); e != encoded {
					b.Fatal(e)
				}
			}
		})
	}
}
