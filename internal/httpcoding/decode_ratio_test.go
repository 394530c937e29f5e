package httpcoding

import (
	"bytes"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// zerosGzipped returns n bytes of zeros in gzip, made a megabyte at a
// time: gzip writes zeros at about 1,000 to 1.
func zerosGzipped(t testing.TB, n int) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for ; n > 0; n -= len(zero) {
		if _, err := w.Write(zero[:min(n, len(zero))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestDecodeRatio decodes bodies on either side of 1,000 times their own
// size: past it, a body is a bomb, not decoded, and decoding it stops at
// the bound rather than reading it to its end.
func TestDecodeRatio(t *testing.T) {
	h := http.Header{"Content-Encoding": {"gzip"}}

	under := zerosGzipped(t, 1<<20) // about 994 to 1
	if got, encoded, why := Decode(h, under); why != nil || encoded != Gzip || len(got) != 1<<20 {
		t.Errorf("Decode(1 MiB of zeros, %d to 1) = %d bytes, %q, %v; want it decoded", (1<<20)/len(under), len(got), encoded, why)
	}

	bomb := zerosGzipped(t, 64<<20) // about 1,028 to 1
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, encoded, why := Decode(h, bomb)
	runtime.ReadMemStats(&after)
	if !bytes.Equal(got, bomb) || encoded != "" || !errors.Is(why, ErrBomb) {
		t.Fatalf("Decode(64 MiB of zeros, %d to 1) = %d bytes, %q, %v; want the body as it came, and a bomb", (64<<20)/len(bomb), len(got), encoded, why)
	}
	if want := "encoded with gzip, which decodes to more than 1000 times its "; !strings.HasPrefix(why.Error(), want) {
		t.Errorf("why = %q, want %q…", why, want)
	}
}

// TestDecodeRatioStops decodes a zstd body of a few kilobytes that holds
// 512 MiB of zeros: decoding stops at 1,000 times the body, so what it
// allocates is a few times that, far from the bomb's content.
func TestDecodeRatioStops(t *testing.T) {
	var b bytes.Buffer
	w, err := zstd.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	zero := make([]byte, 1<<20)
	for range 512 {
		w.Write(zero)
	}
	w.Close()
	bomb := b.Bytes()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, encoded, why := Decode(http.Header{"Content-Encoding": {"zstd"}}, bomb)
	runtime.ReadMemStats(&after)
	if !bytes.Equal(got, bomb) || encoded != "" || !errors.Is(why, ErrBomb) {
		t.Fatalf("Decode(512 MiB of zeros in %d bytes) = %d bytes, %q, %v; want the body as it came, and a bomb", len(bomb), len(got), encoded, why)
	}
	if n, most := after.TotalAlloc-before.TotalAlloc, uint64(3*1000*len(bomb)+8<<20); n > most {
		t.Errorf("decoding a bomb of %d bytes allocated %d KiB, want at most %d KiB", len(bomb), n>>10, most>>10)
	}
}
