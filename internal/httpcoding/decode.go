// Package httpcoding decodes the content codings of HTTP bodies (gzip,
// deflate in its zlib and bare forms, zstd) for storage, and encodes the
// content again for replay.
//
// A body sent with a content coding (Content-Encoding: gzip) reaches the
// recorder encoded when the client asked for the coding itself, and a
// request body the client encoded is sent as it is: in either form no
// redaction could see a token inside it. So dvd decodes the content to
// redact it. When redaction leaves the content as it was, the cassette
// keeps the bytes that came, which replay serves byte for byte (a
// compressed stream cannot be rebuilt from its content: another
// compressor, level or header gives other bytes, and a checksum of them
// fails). When redaction changes the content, the cassette stores the
// content, notes the coding, and encodes the content again to replay it:
// those bytes are not the recorded ones (the content is exact, the
// compression is dvd's), and their length is announced in their place.
package httpcoding

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// The content codings dvd decodes, as [Decode] names them and [Encode]
// takes them; a cassette stores these names.
const (
	Gzip       = "gzip"
	Deflate    = "deflate"     // zlib's wrapping (RFC 1950), as RFC 9110 defines deflate
	DeflateRaw = "deflate-raw" // bare deflate (RFC 1951), which servers send as deflate too
	Zstd       = "zstd"
)

// Check returns an error unless encoded is "" or a coding that [Encode]
// encodes: the rule of a cassette's "encoded" key.
func Check(encoded string) error {
	switch encoded {
	case "", Gzip, Deflate, DeflateRaw, Zstd:
		return nil
	}
	return fmt.Errorf("%q is not a content coding dvd encodes: it knows gzip, deflate, deflate-raw and zstd", encoded)
}

// maxDecoded and maxRatio bound the content dvd decodes from one body: a
// body that decodes to more than maxDecoded bytes, or to more than
// maxRatio times its own size, is a decompression bomb, whose decoding
// stops at the bound ([ErrBomb]). keptDecoded is how much
// decoded content is kept as it comes: past it, the rest is counted without
// being kept, and the body decoded again into a buffer of the size counted,
// so that a bomb costs no more memory than keptDecoded. Tests lower them.
var (
	maxDecoded  = 1 << 30
	maxRatio    = 1000
	keptDecoded = 32 << 20
)

// ErrBomb is what the reason [Decode] gives for a body it does not decode
// is, for errors.Is, when the body decodes past the bounds dvd decodes: 1
// GiB, or 1,000 times its own size. Decoding stops there, so a bomb costs
// no more than that count, in time, and keptDecoded in memory.
var ErrBomb = errors.New("a decompression bomb")

// A why is a reason a body is not decoded.
type why struct {
	msg  string
	bomb bool
}

func (w *why) Error() string        { return w.msg }
func (w *why) Is(target error) bool { return w.bomb && target == ErrBomb }

func whyf(format string, args ...any) error { return &why{msg: fmt.Sprintf(format, args...)} }

// Decode returns the content of body, which was sent with the
// Content-Encoding of h, and the name of the coding it decoded (one of the
// constants above). When there is nothing to decode, it returns body and
// "". When body has a coding dvd cannot decode, or does not decode whole,
// it returns body and "" too, and why says why, for a warning; a bomb's
// why is [ErrBomb] for errors.Is.
func Decode(h http.Header, body []byte) (content []byte, encoded string, why error) {
	if len(body) == 0 {
		return body, "", nil
	}
	coding, stacked := contentCoding(h)
	switch {
	case coding == "":
		return body, "", nil
	case stacked:
		return body, "", whyf("encoded with %s, a stack of codings, which dvd does not decode", coding)
	}
	most := min(maxDecoded, maxRatio*len(body))
	var err error
	switch coding {
	case "gzip", "x-gzip":
		content, err = decodeWith(body, gunzip, most)
		encoded = Gzip
	case "deflate":
		content, encoded, err = inflate(body, most)
	case "zstd":
		content, err = decodeWith(body, unzstd, most)
		encoded = Zstd
	default:
		return body, "", whyf("encoded with %s, which dvd does not decode", coding)
	}
	switch {
	case errors.Is(err, errTooLarge) && most < maxDecoded:
		return body, "", bombf("encoded with %s, which decodes to more than %d times its %s (a decompression bomb)", coding, maxRatio, sizeOf(len(body)))
	case errors.Is(err, errTooLarge):
		return body, "", bombf("encoded with %s, which decodes to more than the %s dvd decodes", coding, sizeOf(maxDecoded))
	case err != nil:
		return body, "", whyf("encoded with %s, which does not decode: %v", coding, err)
	}
	return content, encoded, nil
}

func bombf(format string, args ...any) error {
	return &why{msg: fmt.Sprintf(format, args...), bomb: true}
}

// contentCoding returns the content coding of h, in lower case, or ""
// when it names none but identity. When it names several, it returns them
// as they were given, and stacked.
func contentCoding(h http.Header) (coding string, stacked bool) {
	vs := h["Content-Encoding"]
	if len(vs) == 0 {
		vs = h.Values("Content-Encoding") // a header not in canonical form
	}
	var codings []string
	for _, v := range vs {
		for c := range strings.SplitSeq(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	switch len(codings) {
	case 0:
		return "", false
	case 1:
		return codings[0], false
	}
	return strings.Join(codings, ", "), true
}

// Decodes reports whether h names one content coding that [Decode]
// decodes.
func Decodes(h http.Header) bool {
	switch coding, _ := contentCoding(h); coding {
	case "gzip", "x-gzip", "deflate", "zstd":
		return true
	}
	return false
}

var errTooLarge = errors.New("too large")

// sizeOf writes a size in the largest binary unit that holds it whole.
func sizeOf(n int) string {
	switch {
	case n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// A decoder reads the content of what src holds; close releases it.
type decoder func(src *bytes.Reader) (r io.Reader, close func(), err error)

// Readers are reused: each holds tens of kilobytes of state.
var gzipReaders, zlibReaders, flateReaders sync.Pool

func gunzip(src *bytes.Reader) (io.Reader, func(), error) {
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(src)
	} else {
		err = zr.Reset(src)
	}
	if err != nil {
		return nil, nil, err
	}
	return zr, func() { gzipReaders.Put(zr) }, nil
}

func unzstd(src *bytes.Reader) (io.Reader, func(), error) {
	// The window bounds the memory a stream may ask for: HTTP's zstd
	// coding allows 8 MiB (RFC 9659); dvd takes up to 64 MiB.
	zr, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxMemory(uint64(maxDecoded)), zstd.WithDecoderMaxWindow(64<<20))
	if err != nil {
		return nil, nil, err
	}
	return zstdReader{zr}, zr.Close, nil
}

// zstdReader reports a frame that declares more content, or a larger
// window, than dvd decodes, as too large.
type zstdReader struct{ *zstd.Decoder }

func (z zstdReader) Read(p []byte) (int, error) {
	n, err := z.Decoder.Read(p)
	if errors.Is(err, zstd.ErrDecoderSizeExceeded) {
		err = errTooLarge
	}
	return n, err
}

func unzlib(src *bytes.Reader) (io.Reader, func(), error) {
	zr, _ := zlibReaders.Get().(io.ReadCloser)
	var err error
	if zr == nil {
		zr, err = zlib.NewReader(src)
	} else {
		err = zr.(zlib.Resetter).Reset(src, nil)
	}
	if err != nil {
		return nil, nil, err
	}
	return zr, func() { zlibReaders.Put(zr) }, nil
}

func unflate(src *bytes.Reader) (io.Reader, func(), error) {
	zr, _ := flateReaders.Get().(io.ReadCloser)
	if zr == nil {
		zr = flate.NewReader(src)
	} else if err := zr.(flate.Resetter).Reset(src, nil); err != nil {
		return nil, nil, err
	}
	return zr, func() { flateReaders.Put(zr) }, nil
}

// inflate decodes deflate in either form servers send it: wrapped in zlib,
// as the standard has it, or bare. Bare deflate has no checksum, so it must
// at least end where the body ends.
func inflate(body []byte, most int) ([]byte, string, error) {
	if zlibHeader(body) {
		content, err := decodeWith(body, whole(unzlib), most)
		if err == nil || errors.Is(err, errTooLarge) {
			return content, Deflate, err
		}
	}
	content, err := decodeWith(body, whole(unflate), most)
	return content, DeflateRaw, err
}

// zlibHeader reports whether b starts with a zlib header: deflate, and a
// check value that makes the two bytes a multiple of 31.
func zlibHeader(b []byte) bool {
	return len(b) >= 2 && b[0]&0x0f == 8 && b[0]>>4 <= 7 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0
}

// whole makes a decoder whose content ends where src ends: bytes left over
// are an error.
func whole(d decoder) decoder {
	return func(src *bytes.Reader) (io.Reader, func(), error) {
		r, closeFn, err := d(src)
		if err != nil {
			return nil, nil, err
		}
		return &wholeReader{r: r, src: src}, closeFn, nil
	}
}

type wholeReader struct {
	r   io.Reader
	src *bytes.Reader
}

var errTrailing = errors.New("bytes follow the end of the stream")

func (w *wholeReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if err == io.EOF && w.src.Len() > 0 {
		err = errTrailing
	}
	return n, err
}

// decodeWith decodes body, up to most bytes of content: more is
// errTooLarge, and decoding stops there. It keeps up to keptDecoded bytes
// as they come; a body that holds more is counted to its end without
// being kept, then decoded again into a buffer of its size.
func decodeWith(body []byte, d decoder, most int) ([]byte, error) {
	r, closeFn, err := d(bytes.NewReader(body))
	if err != nil {
		return nil, decodeError(err)
	}
	kept := min(most, keptDecoded)
	content, err := readUpTo(r, min(max(4*len(body), 512), kept+1), kept)
	if err != nil || len(content) <= kept {
		closeFn()
		return content, err
	}
	n := int64(len(content))
	content = nil // not held while counting
	more, err := io.Copy(io.Discard, io.LimitReader(r, int64(most)-n+1))
	closeFn()
	switch {
	case err != nil:
		return nil, decodeError(err)
	case n+more > int64(most):
		return nil, errTooLarge
	}
	r, closeFn, err = d(bytes.NewReader(body))
	if err != nil {
		return nil, decodeError(err)
	}
	defer closeFn()
	content = make([]byte, n+more)
	if _, err := io.ReadFull(r, content); err != nil {
		return nil, decodeError(err)
	}
	return content, nil
}

// readUpTo reads r to its end, into a buffer that starts at size bytes
// and doubles, but never past kept+1 bytes: it returns kept+1 bytes when r
// holds more than kept.
func readUpTo(r io.Reader, size, kept int) ([]byte, error) {
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			if len(buf) > kept {
				return buf, nil
			}
			buf = slices.Grow(buf, min(len(buf), kept+1-len(buf)))
			buf = buf[:len(buf):min(cap(buf), kept+1)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return nil, decodeError(err)
		}
	}
}

// decodeError says that a stream ends early in plain words.
func decodeError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return errors.New("the stream ends early")
	}
	return err
}

// Names reports whether h names encoded, a coding as [Decode] names it,
// as its one content coding: whether a body sent with h in that coding is
// what h says it is.
func Names(h http.Header, encoded string) bool {
	coding, stacked := contentCoding(h)
	if stacked {
		return false
	}
	switch coding {
	case "gzip", "x-gzip":
		return encoded == Gzip
	case "deflate":
		return encoded == Deflate || encoded == DeflateRaw
	case "zstd":
		return encoded == Zstd
	}
	return false
}
