package codec_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"

	"github.com/klauspost/compress/gzip"
)

// zstdZeros returns one zstd frame of size zero bytes made of RLE blocks, 4
// bytes for each 128 KiB: a few dozen kilobytes hold a gigabyte. When
// declare is true its header declares the size, as EncodeAll writes it;
// otherwise it does not, as a streaming encoder writes it.
func zstdZeros(size int, declare bool) []byte {
	b := []byte{0x28, 0xb5, 0x2f, 0xfd}
	if declare {
		b = append(b, 0xc0, 0x50) // 8-byte content size; 1 MiB window
		b = binary.LittleEndian.AppendUint64(b, uint64(size))
	} else {
		b = append(b, 0x00, 0x50) // no content size; 1 MiB window
	}
	const block = 128 << 10
	if size == 0 {
		return append(b, 1, 0, 0) // last block, raw, empty
	}
	for size > 0 {
		n := min(size, block)
		size -= n
		h := uint32(n)<<3 | 1<<1 // RLE
		if size == 0 {
			h |= 1 // last
		}
		b = append(b, byte(h), byte(h>>8), byte(h>>16), 0)
	}
	return b
}

// gzipZeros returns one gzip member of size zero bytes in a single deflate
// block of fixed Huffman codes: a zero, then matches of 258 bytes at
// distance 1, 13 bits each. Its trailer declares the size modulo 4 GiB, as
// gzip does; its checksum is computed only when check is true, since for a
// gigabyte it costs more than the rest.
func gzipZeros(size int, check bool) []byte {
	var w bitWriter
	w.bits(1, 1) // last block
	w.bits(1, 2) // fixed Huffman codes
	left := size
	if left > 0 {
		w.code(0b00110000, 8) // literal 0
		left--
	}
	for left >= 258 {
		w.code(0b11000101, 8) // length 258
		w.code(0b00000, 5)    // distance 1
		left -= 258
	}
	for ; left > 0; left-- {
		w.code(0b00110000, 8)
	}
	w.code(0b0000000, 7) // end of block
	b := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}
	b = append(b, w.flush()...)
	var crc uint32
	if check {
		crc = crc32.ChecksumIEEE(make([]byte, size))
	}
	b = binary.LittleEndian.AppendUint32(b, crc)
	return binary.LittleEndian.AppendUint32(b, uint32(size))
}

// bitWriter writes a deflate bit stream: values least significant bit
// first, Huffman codes most significant bit first.
type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

func (w *bitWriter) bits(v uint64, n uint) {
	w.acc |= v << w.nacc
	w.nacc += n
	for w.nacc >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nacc -= 8
	}
}

func (w *bitWriter) code(c uint64, n uint) {
	var r uint64
	for i := range n {
		r |= (c >> i & 1) << (n - 1 - i)
	}
	w.bits(r, n)
}

func (w *bitWriter) flush() []byte {
	if w.nacc > 0 {
		w.out = append(w.out, byte(w.acc))
	}
	return w.out
}

// gzipMembers returns n gzip members of the given content, one after the
// other: a valid gzip stream whose trailer declares one member's size.
func gzipMembers(content []byte, n int) []byte {
	var one bytes.Buffer
	zw := gzip.NewWriter(&one)
	zw.Write(content)
	zw.Close()
	return bytes.Repeat(one.Bytes(), n)
}
