package httpcoding

import (
	"bytes"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// Encode returns content encoded with the coding named encoded, one of the
// constants above, as replay serves it. Any other name panics: [Check]
// keeps them out of a cassette.
func Encode(encoded string, content []byte) []byte {
	var pool *sync.Pool
	switch encoded {
	case Zstd:
		return zstdEncoder().EncodeAll(content, make([]byte, 0, len(content)/2+64))
	case Gzip:
		pool = &gzipWriters
	case Deflate:
		pool = &zlibWriters
	case DeflateRaw:
		pool = &flateWriters
	default:
		panic("httpcoding: Encode: unknown coding " + encoded)
	}
	var buf bytes.Buffer
	buf.Grow(len(content)/2 + 64)
	w := pool.Get().(resetWriter)
	defer pool.Put(w)
	w.Reset(&buf)
	w.Write(content) // writing to a bytes.Buffer does not fail
	w.Close()
	return buf.Bytes()
}

// A resetWriter is a compressing writer that can be reused.
type resetWriter interface {
	io.WriteCloser
	Reset(io.Writer)
}

// The writers and the encoder that encode bodies again, reused: building
// them costs more than encoding a small body.
var (
	gzipWriters  = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}
	zlibWriters  = sync.Pool{New: func() any { return zlib.NewWriter(nil) }}
	flateWriters = sync.Pool{New: func() any {
		w, _ := flate.NewWriter(nil, flate.DefaultCompression) // a valid level
		return w
	}}
	// HTTP's zstd coding allows a window of 8 MiB at most (RFC 9659), and
	// clients refuse larger ones.
	zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(8<<20))
		if err != nil {
			panic("httpcoding: zstd encoder: " + err.Error()) // the options are constant
		}
		return e
	})
)
