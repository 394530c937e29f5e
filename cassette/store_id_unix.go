//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cassette

import (
	"io/fs"
	"strconv"
	"syscall"
)

// appendFileID appends the device and inode of the file, and a colon.
func appendFileID(b []byte, info fs.FileInfo) []byte {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		b = strconv.AppendUint(b, uint64(st.Dev), 10)
		b = append(b, ':')
		b = strconv.AppendUint(b, uint64(st.Ino), 10)
		b = append(b, ':')
	}
	return b
}
