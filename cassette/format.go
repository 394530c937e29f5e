package cassette

import "time"

// Version is the cassette format version this package writes. It reads files
// of this version and refuses newer ones with an error that says to upgrade.
const Version = 1

// Ext is the extension of an uncompressed cassette file; a compressed one
// adds the compression's own (see codec.Compression.Ext).
const Ext = ".dvd.json"

// file is the content of one cassette file.
type file struct {
	Version      int
	RecordedAt   time.Time // when the cassette was recorded, UTC, to the second
	Interactions []Interaction
}
