//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cassette

import (
	"os"
	"syscall"
	"time"
)

// openFlags open a cassette without waiting: a named pipe in its place
// would otherwise block the open until a writer came. A regular file
// reads as ever.
const openFlags = syscall.O_NONBLOCK

// holdLock marks f, a lock file this process created, as held for as
// long as the process lives: the system releases the mark when it ends,
// however it ends.
func holdLock(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) }

// removeUnheld removes the lock file at path, info, when no process holds
// it: its creator is gone, or never took it, a few seconds ago. It holds
// the file's flock while it removes it, so that of two saves that find
// one stale lock, one removes it and the other leaves the new one alone.
func removeUnheld(path string, info os.FileInfo) bool {
	if time.Since(info.ModTime()) < time.Second {
		return false // its creator may not have taken it yet
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return false
	}
	if now, err := os.Stat(path); err != nil || !os.SameFile(now, info) {
		return false
	}
	if own, err := f.Stat(); err != nil || !os.SameFile(own, info) {
		return false
	}
	return os.Remove(path) == nil
}

// lockUnknown reports that a lock file's age alone tells it stale: never
// here, where flock tells.
func lockUnknown() bool { return false }
