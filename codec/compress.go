package codec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

var (
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
	gzipMagic = []byte{0x1f, 0x8b}
)

// Detect returns the compression of data, from its magic bytes.
func Detect(data []byte) Compression {
	switch {
	case bytes.HasPrefix(data, zstdMagic):
		return Zstd
	case bytes.HasPrefix(data, gzipMagic):
		return Gzip
	}
	return None
}

// maxZstdSize bounds a compressed cassette's decompressed size. DecodeAll
// allocates the size a frame header claims before it decodes anything, so
// without a bound a few corrupt bytes claiming 64 GiB crash the process.
const maxZstdSize = 1 << 30

// One zstd encoder and decoder serve every call: EncodeAll and DecodeAll are
// safe for concurrent use, and building them costs far more than using them.
var (
	zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
		if err != nil {
			panic("codec: zstd encoder: " + err.Error()) // the options are constant
		}
		return e
	})
	zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxZstdSize))
		if err != nil {
			panic("codec: zstd decoder: " + err.Error())
		}
		return d
	})
	gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}
	gzipReaders sync.Pool
)

// Compress returns raw compressed with c.
func Compress(raw []byte, c Compression) ([]byte, error) {
	switch c {
	case None:
		return raw, nil
	case Zstd:
		return zstdEncoder().EncodeAll(raw, make([]byte, 0, len(raw)/4)), nil
	case Gzip:
		var buf bytes.Buffer
		buf.Grow(len(raw) / 4)
		zw := gzipWriters.Get().(*gzip.Writer)
		defer gzipWriters.Put(zw)
		zw.Reset(&buf)
		if _, err := zw.Write(raw); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	return nil, fmt.Errorf("codec: unknown compression %v", c)
}

// Decompress returns the content of data, which is compressed with zstd or
// gzip, recognised by its magic bytes, or plain and returned as it is. Its
// errors say what is wrong ("truncated: …", "corrupt zstd data: …") without
// naming a file, for the caller to name.
func Decompress(data []byte) ([]byte, error) {
	return decompress(data)
}

func decompress(data []byte) ([]byte, error) {
	switch Detect(data) {
	case Zstd:
		raw, err := zstdDecoder().DecodeAll(data, nil)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("truncated: the zstd stream ends early")
		}
		if errors.Is(err, zstd.ErrDecoderSizeExceeded) {
			return nil, fmt.Errorf("corrupt zstd data: it claims to hold more than the %d MiB a cassette may hold", maxZstdSize>>20)
		}
		if err != nil {
			return nil, fmt.Errorf("corrupt zstd data: %w", err)
		}
		return raw, nil
	case Gzip:
		zr, _ := gzipReaders.Get().(*gzip.Reader)
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(bytes.NewReader(data))
		} else {
			err = zr.Reset(bytes.NewReader(data))
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("truncated: the gzip stream ends early")
		}
		if err != nil {
			return nil, fmt.Errorf("corrupt gzip data: %w", err)
		}
		defer gzipReaders.Put(zr)
		raw, err := io.ReadAll(io.LimitReader(zr, maxZstdSize+1))
		if err == nil && len(raw) > maxZstdSize {
			return nil, fmt.Errorf("corrupt gzip data: it holds more than the %d MiB a cassette may hold", maxZstdSize>>20)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("truncated: the gzip stream ends early")
		}
		if err != nil {
			return nil, fmt.Errorf("corrupt gzip data: %w", err)
		}
		return raw, nil
	}
	return data, nil
}
