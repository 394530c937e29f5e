package codec_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/testsupport"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		data   []byte
		want   codec.Compression
	}{
		{"empty", "", nil, codec.None},
		{"json", "", []byte(`{"version":1}`), codec.None},
		{"zstd magic", "", []byte{0x28, 0xb5, 0x2f, 0xfd, 0}, codec.Zstd},
		{"part of zstd magic", "three bytes are not the magic", []byte{0x28, 0xb5, 0x2f}, codec.None},
		{"gzip magic", "", []byte{0x1f, 0x8b, 8}, codec.Gzip},
		{"half gzip magic", "", []byte{0x1f}, codec.None},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codec.Detect(tt.data); got != tt.want {
				t.Errorf("Detect(% x) = %v, want %v", tt.data, got, tt.want)
			}
		})
	}
}

func TestEncodeDecode(t *testing.T) {
	want := sample(1)
	for _, c := range []codec.Compression{codec.None, codec.Zstd, codec.Gzip} {
		t.Run(c.String(), func(t *testing.T) {
			data := mustCompress(t, want, c)
			if got := codec.Detect(data); got != c {
				t.Errorf("Detect(Encode(f, %v)) = %v", c, got)
			}
			if c == codec.None && !bytes.Equal(data, want) {
				t.Errorf("Encode(f, None) is not Marshal(f)")
			}
			got, err := codec.Decompress(data, nil)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Decode(Encode(f, %v)) mismatch (-want +got):\n%s", c, diff)
			}
		})
	}
}

func TestEncodeUnknownCodec(t *testing.T) {
	data, err := codec.Compress(sample(1), codec.Compression(7))
	if err == nil || !strings.Contains(err.Error(), "unknown compression Compression(7)") {
		t.Errorf("Compress(data, Compression(7)) = %d bytes, %v; want an error naming the unknown codec", len(data), err)
	}
}

func TestWriteFileCompressesByExtension(t *testing.T) {
	want := sample(1)
	for _, c := range []codec.Compression{codec.None, codec.Zstd, codec.Gzip} {
		t.Run(c.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x"+".dvd.json"+c.Ext())
			if err := codec.WriteFile(path, want); err != nil {
				t.Fatal(err)
			}
			if got := codec.Detect(testsupport.ReadFile(t, path)); got != c {
				t.Errorf("%s is compressed with %v, want %v", path, got, c)
			}
			wantRead(t, path, want)
		})
	}
}

func TestRenamedFileLoads(t *testing.T) {
	want := sample(1)
	for _, c := range []codec.Compression{codec.Zstd, codec.Gzip} {
		t.Run(c.String(), func(t *testing.T) {
			dir := t.TempDir()
			written := filepath.Join(dir, "x"+".dvd.json"+c.Ext())
			if err := codec.WriteFile(written, want); err != nil {
				t.Fatal(err)
			}
			renamed := filepath.Join(dir, "x"+".dvd.json")
			if err := os.Rename(written, renamed); err != nil {
				t.Fatal(err)
			}
			wantRead(t, renamed, want)
		})
	}
}

func TestCompressionShrinks(t *testing.T) {
	f := sample(500)
	raw := mustCompress(t, f, codec.None)
	for _, c := range []codec.Compression{codec.Zstd, codec.Gzip} {
		if n := len(mustCompress(t, f, c)); n*5 > len(raw) {
			t.Errorf("%v: %d bytes from %d: want at least 5 times smaller for a repetitive cassette", c, n, len(raw))
		}
	}
}

// TestConcurrentCodecs runs under -race: the shared zstd encoder and decoder
// and the gzip pools serve many goroutines at once.
func TestConcurrentCodecs(t *testing.T) {
	want := sample(1)
	var wg sync.WaitGroup
	errs := make(chan error, 3*8)
	for _, c := range []codec.Compression{codec.None, codec.Zstd, codec.Gzip} {
		for range 8 {
			wg.Go(func() {
				for range 20 {
					data, err := codec.Compress(want, c)
					if err != nil {
						errs <- err
						return
					}
					got, err := codec.Decompress(data, nil)
					if err != nil {
						errs <- err
						return
					}
					if diff := cmp.Diff(want, got); diff != "" {
						errs <- fmt.Errorf("%v: Decode(Encode(f)) mismatch (-want +got):\n%s", c, diff)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
