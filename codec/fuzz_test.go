package codec_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/dvdrw/dvd/codec"
)

// FuzzDecompress checks Decompress, which reads a stream's headers to size
// its buffer, against plain streaming decoders: whatever the bytes, it
// never panics, and it returns what they return for the streams they read.
func FuzzDecompress(f *testing.F) {
	a := sample(2)
	for _, s := range [][]byte{
		mustCompress(f, a, codec.Zstd), mustCompress(f, a, codec.Gzip), zstdStream(f, a),
		zstdZeros(1000, true), zstdZeros(300<<10, false), gzipZeros(1000, true), gzipMembers(a, 2),
		append(mustCompress(f, a, codec.Zstd), 0x50, 0x2a, 0x4d, 0x18, 1, 0, 0, 0, 'x'),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := codec.Decompress(data, nil)
		var want []byte
		var werr error
		switch codec.Detect(data) {
		case codec.Zstd:
			zr, zerr := zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1))
			if zerr != nil {
				t.Fatal(zerr)
			}
			want, werr = io.ReadAll(io.LimitReader(zr, 64<<20))
			zr.Close()
		case codec.Gzip:
			zr, zerr := gzip.NewReader(bytes.NewReader(data))
			if zerr != nil {
				werr = zerr
				break
			}
			want, werr = io.ReadAll(io.LimitReader(zr, 64<<20))
		default:
			want = data
		}
		if werr == nil && len(want) < 64<<20 {
			if err != nil {
				t.Fatalf("Decompress: %v, but a streaming decoder reads %d bytes", err, len(want))
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("Decompress = %d bytes, a streaming decoder reads %d", len(got), len(want))
			}
		}
	})
}
