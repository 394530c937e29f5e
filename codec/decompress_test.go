package codec_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/dvdrw/dvd/codec"
)

// zstdStream compresses raw as a streaming encoder does, without declaring
// the size in the frame header.
func zstdStream(t testing.TB, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf, zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDecompressShapes decompresses streams that other tools write, and
// ones whose headers lie.
func TestDecompressShapes(t *testing.T) {
	a, b := sample(3), sample(50)
	skippable := []byte{0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'a', 'b', 'c'}
	tests := []struct {
		name    string
		reason  string
		data    []byte
		want    []byte
		wantErr string
	}{
		{"zstd frames", "zstd -c a b > ab.zst writes one frame each", append(mustCompress(t, a, codec.Zstd), mustCompress(t, b, codec.Zstd)...), append(a, b...), ""},
		{"zstd stream", "a streaming encoder declares no size", zstdStream(t, b), b, ""},
		{"zstd skippable frame", "a skippable frame holds no content", append(append(mustCompress(t, a, codec.Zstd), skippable...), mustCompress(t, b, codec.Zstd)...), append(a, b...), ""},
		{"zstd RLE blocks", "", zstdZeros(300<<10, false), make([]byte, 300<<10), ""},
		{"zstd empty", "", zstdZeros(0, true), nil, ""},
		{"zstd holding more than it declares", "", declaring(zstdZeros(300<<10, true), 10), nil, "corrupt zstd data"},
		{"zstd declaring more than its blocks hold", "", declaring(zstdZeros(10, true), 1<<20), nil, "corrupt zstd data"},
		{"zstd trailing garbage", "", append(mustCompress(t, a, codec.Zstd), "garbage"...), nil, "corrupt zstd data"},
		{"zstd truncated block", "", zstdZeros(300<<10, false)[:20], nil, "truncated"},
		{"gzip members", "cat a.gz b.gz is a gzip stream", gzipMembers(a, 3), bytes.Repeat(a, 3), ""},
		{"gzip trailer lying", "the trailer's size is checked", lyingSize(mustCompress(t, a, codec.Gzip)), nil, "corrupt gzip data"},
		{"gzip fixed codes", "", gzipZeros(5000, true), make([]byte, 5000), ""},
		{"gzip empty", "", mustCompress(t, nil, codec.Gzip), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := codec.Decompress(tt.data, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Decompress = %d bytes, %v; want an error containing %q", len(got), err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("Decompress = %d bytes, want %d", len(got), len(tt.want))
			}
		})
	}
}

// declaring returns a copy of a zstdZeros frame that declares size.
func declaring(frame []byte, size uint64) []byte {
	b := bytes.Clone(frame)
	for i := range 8 {
		b[6+i] = byte(size >> (8 * i))
	}
	return b
}

// lyingSize returns a copy of a gzip stream whose trailer adds one to the
// size.
func lyingSize(gz []byte) []byte {
	b := bytes.Clone(gz)
	b[len(b)-4]++
	return b
}
