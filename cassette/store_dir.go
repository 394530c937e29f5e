package cassette

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/dvdrw/dvd/codec"
)

// DirStore returns the store of the cassette files in the folder dir,
// where a name is a file's path relative to dir: what dvd has always done
// (dvdtest's default is the test package's testdata/). [LoadFrom] and
// [Cassette.SaveTo] with it are [Load] and [Cassette.Save] of the file,
// lock file and messages included. Its own Load and Save, for code that
// copies bytes between stores, take the same lock, and tell a file's
// versions by its identity, size and modification time.
func DirStore(dir string) Store { return &dirStore{dir: dir} }

type dirStore struct{ dir string }

func (d *dirStore) path(name string) string { return filepath.Join(d.dir, filepath.FromSlash(name)) }

// Where returns the file's path: dir joined with name.
func (d *dirStore) Where(name string) string { return d.path(name) }

// Load reads the file, as [Load] does: regular files only, bounded.
func (d *dirStore) Load(_ context.Context, name string) ([]byte, string, error) {
	data, info, err := readFile(d.path(name), nil)
	if err != nil {
		return nil, "", err
	}
	return data, fileVersion(info), nil
}

// Save writes the file under its lock if it is still at ifVersion, as
// [Cassette.Save] does.
func (d *dirStore) Save(_ context.Context, name string, data []byte, ifVersion string) (string, error) {
	path := d.path(name)
	unlock, err := lockPath(path)
	if err != nil {
		return "", err
	}
	defer unlock()
	cur := ""
	switch info, err := os.Stat(path); {
	case err == nil:
		cur = fileVersion(info)
	case !errors.Is(err, fs.ErrNotExist):
		return "", err
	}
	if cur != ifVersion {
		return "", fmt.Errorf("%w: %s: the file is at version %q, not %q", ErrChangedOnDisk, path, cur, ifVersion)
	}
	if err := codec.WriteCompressed(path, data); err != nil {
		return "", err
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	return fileVersion(info), nil
}

// fileVersion tells one state of a file from another: its identity where
// the system gives one, its size and its modification time.
func fileVersion(info fs.FileInfo) string {
	b := make([]byte, 0, 64)
	b = appendFileID(b, info)
	b = strconv.AppendInt(b, info.Size(), 10)
	b = append(b, '@')
	b = strconv.AppendInt(b, info.ModTime().UnixNano(), 10)
	return string(b)
}
