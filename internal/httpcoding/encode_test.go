package httpcoding

import (
	"strings"
	"testing"
)

// BenchmarkEncodeBody measures encoding a 2 KB JSON body again, which
// replay pays once per interaction stored decoded, at index build.
func BenchmarkEncodeBody(b *testing.B) {
	content := []byte(strings.Repeat(`{"id":12345,"name":"widget","tags":["a","b"]},`, 45))
	for _, encoded := range []string{Gzip, Deflate, DeflateRaw, Zstd} {
		b.Run(encoded, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(content)))
			for b.Loop() {
				Encode(encoded, content)
			}
		})
	}
}
