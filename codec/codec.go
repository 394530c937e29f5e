// Package codec stores the bytes of cassette files: compressed with zstd or
// gzip, or plain, and written atomically.
//
// The compression is chosen by the file name when writing (.zst, .gz) and
// recognised by its magic bytes when reading, so a renamed file still loads.
// What the bytes mean, the JSON of a cassette, is the cassette package's.
package codec

import (
	"strconv"
	"strings"
)

// A Compression is how a cassette file is compressed.
type Compression int

// The compressions.
const (
	None Compression = iota // plain JSON, <name>.dvd.json
	Zstd                    // zstd, <name>.dvd.json.zst
	Gzip                    // gzip, <name>.dvd.json.gz
)

// Ext returns the extension the compression adds after ".dvd.json": "",
// ".zst" or ".gz".
func (c Compression) Ext() string {
	switch c {
	case Zstd:
		return ".zst"
	case Gzip:
		return ".gz"
	}
	return ""
}

// String returns the compression's name: "none", "zstd" or "gzip".
func (c Compression) String() string {
	switch c {
	case None:
		return "none"
	case Zstd:
		return "zstd"
	case Gzip:
		return "gzip"
	}
	return "Compression(" + strconv.Itoa(int(c)) + ")"
}

// forPath returns the compression a file name asks for: Zstd for a name that
// ends in .zst, Gzip for .gz, None otherwise.
func forPath(path string) Compression {
	switch {
	case strings.HasSuffix(path, ".zst"):
		return Zstd
	case strings.HasSuffix(path, ".gz"):
		return Gzip
	}
	return None
}
