//go:build !purego

// Package unsafeconv makes strings over bytes without copying them: the
// one place in dvd that imports unsafe.
//
// Reading a cassette makes a string of every URL, header value and text it
// holds; copying each would double the memory a large cassette takes and
// the time it takes to load. The parser (internal/jsonwire) instead makes
// them over the chunks of memory it decoded the file into, which nothing
// writes to once they are handed out. Keeping unsafe here, behind one
// function, lets a build without unsafe (the purego build tag, as
// klauspost/compress uses it) swap in a twin that copies, and lets a
// reviewer check every use of unsafe in one file.
package unsafeconv

import "unsafe"

// String returns a string that holds the bytes of b, without copying
// them: b must not change while the string is in use.
func String(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
