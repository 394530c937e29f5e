package codec

import (
	"bytes"
	stdgzip "compress/gzip"
	"encoding/binary"
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

// maxSize bounds a compressed cassette's decompressed size, so that a few
// kilobytes of corrupt or hostile data cannot make a test allocate
// gigabytes: a cassette that would be larger is refused, before it is
// allocated.
const maxSize = 1 << 30

// One zstd encoder and decoder serve every call: EncodeAll and DecodeAll are
// safe for concurrent use, and building them costs far more than using them.
// The decoder decodes no more than the capacity it is given, which
// decompress computes first.
//
// At SpeedDefault and below, klauspost's encoder stores a block in which it
// finds no matches as it is, without entropy coding its literals: a
// cassette of binary bodies, which the file holds as base64 (6 bits of
// information a byte), stayed at 99.8% of its size. Entropy coding every
// block brings it to 75%, at the same speed on text; the stronger levels,
// which do so by default, save 8% more on JSON but write it 5 to 30 times
// slower.
//
// gzip is written by compress/gzip at level 5: klauspost's writer stores a
// block in which its levels 1 to 5 find no match as it is, and its level 6
// nearly so, which left base64 bodies uncompressed as well. On the corpus
// of internal/corpus, level 5 writes 13.9 MB where klauspost's default
// wrote 14.4 and compress/gzip's default (6) 13.4, at two thirds the speed
// of the first and half again that of the second (BenchmarkCorpusCompress).
// klauspost's reader, faster, reads what either wrote.
const gzipLevel = 5

var (
	zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithAllLitEntropyCompression(true), zstd.WithEncoderConcurrency(1))
		if err != nil {
			panic("codec: zstd encoder: " + err.Error()) // the options are constant
		}
		return e
	})
	zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxSize), zstd.WithDecodeAllCapLimit(true))
		if err != nil {
			panic("codec: zstd decoder: " + err.Error())
		}
		return d
	})
	gzipWriters = sync.Pool{New: func() any {
		zw, err := stdgzip.NewWriterLevel(nil, gzipLevel)
		if err != nil {
			panic("codec: gzip writer: " + err.Error()) // the level is constant
		}
		return zw
	}}
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
		zw := gzipWriters.Get().(*stdgzip.Writer)
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
// errors say what is wrong ("truncated: …", "corrupt zstd data: …", "too
// large: …") without naming a file, for the caller to name.
//
// Content larger than 1 GiB is refused, whatever the data claims, and
// decompressing never allocates much more than the content it returns.
//
// The content is written into buf when buf has room for it, so that a
// caller that reads many files can reuse one buffer and spare the
// allocation and zeroing of a new one each time; with a nil buf, or one too
// small, it gets a new slice. Plain data is returned as it is, not copied.
// The result shares buf's storage only when it is not data itself.
func Decompress(data, buf []byte) ([]byte, error) {
	switch Detect(data) {
	case Zstd:
		return unzstd(buf, data)
	case Gzip:
		return gunzip(buf, data)
	}
	return data, nil
}

// room returns an empty slice of exactly n bytes' capacity: buf's storage
// when it is large enough, else new. Its capacity bounds what a decoder
// writes, so it must not be more than asked.
func room(buf []byte, n int) []byte {
	if cap(buf) >= n {
		return buf[:0:n]
	}
	return make([]byte, 0, n)
}

var errTooLarge = fmt.Errorf("too large: it decompresses to more than the %d MiB a cassette may hold; record fewer or smaller interactions in it", maxSize>>20)

// unzstd decompresses a zstd stream into a buffer of the size its headers
// declare, or, when they only bound it, of that bound; a stream whose
// headers do not tell is first counted by a pass that keeps nothing.
func unzstd(buf, data []byte) ([]byte, error) {
	least, most, ok := zstdContent(data)
	if least > maxSize {
		return nil, fmt.Errorf("corrupt zstd data: it claims to hold more than the %d MiB a cassette may hold", maxSize>>20)
	}
	if !ok || most > maxSize {
		n, err := zstdCount(data)
		if err != nil {
			return nil, err
		}
		most = n
	}
	// The block decoder wants a little room past the end, which spares it
	// a copy of the whole.
	raw, err := zstdDecoder().DecodeAll(data, room(buf, int(most)+64))
	switch {
	case errors.Is(err, zstd.ErrDecoderSizeExceeded):
		return nil, errors.New("corrupt zstd data: it holds more than its headers declare")
	case err != nil:
		return nil, zstdError(err)
	}
	return raw, nil
}

// zstdBlockMax is the most content a compressed zstd block may hold.
const zstdBlockMax = 128 << 10

// zstdContent reads the frame and block headers of a zstd stream, without
// decoding anything, and returns the least and the most content it can
// hold: the size a frame header declares, the size of a raw or RLE block,
// up to 128 KiB for a compressed one. It stops as soon as the least passes
// maxSize. ok is false when the headers do not add up: a truncated or
// corrupt stream, a frame that declares a size its blocks cannot hold; then
// only decoding can tell.
func zstdContent(data []byte) (least, most uint64, ok bool) {
	for len(data) > 0 {
		var h zstd.Header
		if err := h.Decode(data); err != nil || h.HeaderSize > len(data) {
			return least, most, false
		}
		data = data[h.HeaderSize:]
		if h.Skippable {
			if uint64(h.SkippableSize) > uint64(len(data)) {
				return least, most, false
			}
			data = data[h.SkippableSize:]
			continue
		}
		if h.HasFCS {
			fcs := min(h.FrameContentSize, maxSize+1) // no overflow
			if least+fcs > maxSize {
				return least + fcs, most + fcs, true
			}
		}
		var lo, hi uint64 // what the blocks of the frame hold
		for last := false; !last; {
			if len(data) < 3 {
				return least, most, false
			}
			bh := uint32(data[0]) | uint32(data[1])<<8 | uint32(data[2])<<16
			last = bh&1 == 1
			n := int(bh >> 3)
			switch bh >> 1 & 3 {
			case 0: // raw: n bytes as they are
				lo, hi = lo+uint64(n), hi+uint64(n)
			case 1: // RLE: one byte, n times
				lo, hi, n = lo+uint64(n), hi+uint64(n), 1
			case 2: // compressed: n bytes of compressed data
				hi += zstdBlockMax
			default:
				return least, most, false
			}
			if len(data) < 3+n {
				return least, most, false
			}
			data = data[3+n:]
			if least+lo > maxSize {
				return least + lo, most + hi, true
			}
		}
		if h.HasCheckSum {
			if len(data) < 4 {
				return least, most, false
			}
			data = data[4:]
		}
		if h.HasFCS {
			if h.FrameContentSize < lo || h.FrameContentSize > hi {
				return least, most, false
			}
			lo, hi = h.FrameContentSize, h.FrameContentSize
		}
		least, most = least+lo, most+hi
	}
	return least, most, true
}

// zstdCount decodes a zstd stream without keeping its content, and returns
// its size, or an error once it passes maxSize: the stream's headers do not
// say.
func zstdCount(data []byte) (uint64, error) {
	zr, err := zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxSize), zstd.WithDecoderLowmem(true))
	if err != nil {
		return 0, zstdError(err)
	}
	defer zr.Close()
	n, err := io.CopyN(io.Discard, zr, maxSize+1)
	switch {
	case err == nil, errors.Is(err, zstd.ErrDecoderSizeExceeded):
		return 0, errTooLarge
	case err != io.EOF:
		return 0, zstdError(err)
	}
	return uint64(n), nil
}

func zstdError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated: the zstd stream ends early")
	}
	return fmt.Errorf("corrupt zstd data: %w", err)
}

// deflateMaxRatio is the most that deflate can expand: 258 bytes from a
// match that takes a little under two bits.
const deflateMaxRatio = 1032

// gunzip decompresses a gzip stream into a buffer of the size its trailer
// declares, when that size is plausible. A stream that holds more than it
// declares (several members, a size past 4 GiB) is counted by a pass that
// keeps nothing, refused past maxSize, and otherwise decoded again into a
// buffer of the size counted.
func gunzip(into, data []byte) ([]byte, error) {
	zr, err := gzipReader(data)
	if err != nil {
		return nil, err
	}
	defer gzipReaders.Put(zr)
	var hint int
	if len(data) >= 18 { // the smallest gzip member
		// The size of the last member, modulo 4 GiB.
		isize := uint64(binary.LittleEndian.Uint32(data[len(data)-4:]))
		if isize <= maxSize && isize <= deflateMaxRatio*uint64(len(data)) {
			hint = int(isize)
		}
	}
	buf := room(into, hint+1)
	for len(buf) < cap(buf) {
		n, err := zr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, gzipError(err)
		}
	}
	// More than the trailer says: count the rest.
	more, err := io.CopyN(io.Discard, zr, int64(maxSize-len(buf)+1))
	switch {
	case err == nil:
		return nil, errTooLarge
	case err != io.EOF:
		return nil, gzipError(err)
	}
	size := len(buf) + int(more)
	if err := zr.Reset(bytes.NewReader(data)); err != nil {
		return nil, gzipError(err)
	}
	buf = make([]byte, size)
	if _, err := io.ReadFull(zr, buf); err != nil {
		return nil, gzipError(err)
	}
	return buf, nil
}

// gzipReader returns a pooled gzip reader over data, which the caller puts
// back.
func gzipReader(data []byte) (*gzip.Reader, error) {
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(data))
	} else {
		err = zr.Reset(bytes.NewReader(data))
	}
	if err != nil {
		return nil, gzipError(err)
	}
	return zr, nil
}

func gzipError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return errors.New("truncated: the gzip stream ends early")
	}
	return fmt.Errorf("corrupt gzip data: %w", err)
}
