//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package cassette

import "os"

// openFlags: elsewhere there are no named pipes in the file system to
// block an open (Windows keeps them in a namespace of their own).
const openFlags = 0

// holdLock does nothing where the system has no flock: a lock file is
// taken to be left by a killed save once it is staleLock old.
func holdLock(*os.File) {}

// removeUnheld cannot tell whether a process holds a lock file here.
func removeUnheld(string, os.FileInfo) bool { return false }

// lockUnknown reports that a lock file's age alone tells it stale.
func lockUnknown() bool { return true }
