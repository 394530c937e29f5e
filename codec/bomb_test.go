//go:build !race

package codec_test

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/testsupport"
)

// allocated returns the bytes f allocates, which bounds both the memory it
// takes and, for a decompressor, the content it writes: a bomb refused
// cheaply was never decoded into memory.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestBombsRefusedCheaply decompresses files of a few kilobytes that hold
// more than a cassette may: each is refused with an error that names the
// limit, having allocated a small part of it. (Built without -race, which
// makes decoding a gigabyte slow.)
func TestBombsRefusedCheaply(t *testing.T) {
	const gib = 1 << 30
	zeros := make([]byte, 1<<20)
	tests := []struct {
		name   string
		reason string
		data   func() []byte
	}{
		{"zstd declaring 1.1 GiB", "the frame header says so: nothing is decoded", func() []byte { return zstdZeros(gib+gib/10, true) }},
		{"zstd frames declaring 1 MiB each", "the declared sizes add up before anything is decoded", func() []byte {
			return bytes.Repeat(mustCompress(t, zeros, codec.Zstd), 1100)
		}},
		{"zstd RLE blocks", "37 KB that DecodeAll grew to 4 GB: the block headers say so", func() []byte { return zstdZeros(gib+gib/10, false) }},
		{"zstd frames of RLE blocks", "", func() []byte { return bytes.Repeat(zstdZeros(1<<20, false), 1100) }},
		{"zstd streams", "compressed blocks do not say how much they hold: counted without being kept", func() []byte {
			return bytes.Repeat(zstdStream(t, zeros), 1100)
		}},
		{"gzip of 1.1 GiB", "the trailer's size is past the limit: counted without being kept", func() []byte { return gzipZeros(gib+gib/10, false) }},
		{"gzip members of 1 MiB", "the trailer declares the last member only: the rest is counted without being kept", func() []byte {
			return gzipMembers(zeros, 1100)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data()
			var err error
			n := allocated(func() { _, err = codec.Decompress(data, nil) })
			if err == nil || !strings.Contains(err.Error(), "1024 MiB") {
				t.Fatalf("Decompress(%d bytes) = %v, want an error naming the 1024 MiB limit", len(data), err)
			}
			if n > 64<<20 {
				t.Errorf("Decompress(%d bytes) allocated %d MiB before refusing it, want at most 64 MiB", len(data), n>>20)
			}
		})
	}
}

// TestDecompressAllocatesTheContentOnce checks that a cassette within the
// limit costs about its own size: the buffer is sized from the headers, or
// from a first pass, never grown by doubling.
func TestDecompressAllocatesTheContentOnce(t *testing.T) {
	raw := sample(100_000) // about 10 MB
	tests := []struct {
		name   string
		reason string
		data   []byte
		copies int // of the content that decompressing allocates
	}{
		{"zstd", "the frame declares its size", mustCompress(t, raw, codec.Zstd), 1},
		{"zstd without sizes", "the blocks bound it", zstdStream(t, raw), 1},
		{"gzip", "the trailer declares its size", mustCompress(t, raw, codec.Gzip), 1},
		{"gzip members", "the trailer declares the last member's size, read before the rest is counted", gzipMembers(raw, 2), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []byte
			var err error
			n := allocated(func() { got, err = codec.Decompress(tt.data, nil) })
			if err != nil {
				t.Fatal(err)
			}
			if limit := tt.copies*len(got) + len(got)/8 + 2<<20; n > uint64(limit) {
				t.Errorf("decompressing %d MB allocated %d MB, want at most %d MB", len(got)>>20, n>>20, limit>>20)
			}
		})
	}
}

// TestReadFileNamesBombAndLimit checks what a user reads.
func TestReadFileNamesBombAndLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bomb.dvd.json.zst")
	testsupport.WriteFile(t, path, zstdZeros(2<<30, false))
	_, err := codec.ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "1024 MiB") {
		t.Errorf("ReadFile(%s) = %v, want an error naming the file and the 1024 MiB limit", path, err)
	}
}
