//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cassette_test

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// A named pipe in the cassette's place is refused at once: opening it to
// read used to wait for a writer forever.
func TestLoadRefusesNamedPipe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe"+cassette.Ext)
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skip(err)
	}
	err := loadWithin(t, path)
	if err == nil || !strings.Contains(err.Error(), "not a regular file") || !strings.Contains(err.Error(), path) {
		t.Errorf("Load of a named pipe: %v; want an error naming it, not a regular file", err)
	}
}
