//go:build !race

package httpcoding

import (
	"bytes"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// TestDecodeBombCheaply decodes a gzip body of a megabyte that holds more
// than the 1 GiB dvd decodes: it is refused, and what it allocates is far
// from a gigabyte. (Built without -race, which makes decoding a gigabyte
// slow.)
func TestDecodeBombCheaply(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes a gigabyte")
	}
	member := gzipOf(t, string(make([]byte, 1<<20)))
	bomb := bytes.Repeat(member, maxDecoded>>20+1) // members are read one after the other
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, encoded, why := Decode(http.Header{"Content-Encoding": {"gzip"}}, bomb)
	runtime.ReadMemStats(&after)
	if !bytes.Equal(got, bomb) || encoded != "" || why == nil || !strings.Contains(why.Error(), "more than the 1024 MiB") || !errors.Is(why, ErrBomb) {
		t.Errorf("Decode(a bomb) = %d bytes, %q, %q; want the body as it came, and why", len(got), encoded, why)
	}
	if n, most := after.TotalAlloc-before.TotalAlloc, uint64(3*keptDecoded); n > most {
		t.Errorf("decoding a bomb allocated %d MiB, want at most %d MiB", n>>20, most>>20)
	}
}
