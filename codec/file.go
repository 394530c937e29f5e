package codec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ReadFile returns the content of the file at path, decompressed. Its errors
// name the file.
func ReadFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err // *fs.PathError names the file already
	}
	raw, err := Decompress(data, nil)
	if err != nil {
		return nil, fmt.Errorf("codec: %s: %w", path, err)
	}
	return raw, nil
}

// WriteFile writes raw to path, compressed as the name asks: zstd for a
// name that ends in .zst, gzip for .gz, plain otherwise. It writes a
// temporary file in the same folder and renames it over path, so
// path holds either the old cassette or the new one, never a part of either.
// The temporary file is synced before the rename, and the folder after it.
// Missing folders are created.
//
// When path is a symbolic link, the file at the end of the link is replaced
// the same way and the link stays; the compression is still the one path's
// name asks for. A file that exists keeps its permission bits; a new one
// gets 0644.
//
// The temporary file is named .<name>.dvd-tmp-<random>, where <name> is the
// base name of the file it replaces: hidden, recognisably dvd's, and never
// ending in .dvd.json, .zst or .gz, so that it cannot pass for a cassette.
// Its name is at most 20 bytes longer than the file's (a dot, ".dvd-tmp-"
// and up to ten digits), which a caller that bounds name lengths must allow
// for. A process killed while saving leaves it behind; a later WriteFile of
// the same file removes it once it is ten minutes old, long after any save
// still in progress, in this process or another, would have renamed it.
func WriteFile(path string, raw []byte) error {
	data, err := Compress(raw, forPath(path))
	if err != nil {
		return fmt.Errorf("codec: %s: %w", path, err)
	}
	return WriteCompressed(path, data)
}

// WriteCompressed writes data, the bytes of a cassette file already
// compressed as the name of path asks, to path, as [WriteFile] does: it
// is for bytes that come from a file or a store as they are, which a copy
// keeps byte for byte.
func WriteCompressed(path string, data []byte) error {
	if dir, _ := filepath.Split(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("codec: %s: %w", path, err)
		}
	}
	file, old, err := resolve(path)
	if err != nil {
		return fmt.Errorf("codec: %s: %w", path, err)
	}
	mode := fs.FileMode(0o644)
	if old != nil {
		mode = old.Mode().Perm()
	}
	dir, base := filepath.Split(file)
	if dir == "" {
		dir = "."
	}
	removeStaleTemps(dir, base, time.Now())
	tmp, err := createTemp(dir, base)
	if err != nil {
		return fmt.Errorf("codec: %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("codec: writing %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("codec: %s: %w", path, err)
	}
	// On the disk before the rename, so that a power loss cannot bring
	// back the name with an empty file; the folder after it, so that the
	// rename itself is kept.
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("codec: writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("codec: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("codec: %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// syncDir syncs the folder dir, where the system allows it: Windows does
// not open folders for syncing, and keeps a rename by itself (NTFS
// journals it).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// maxLinks bounds the chain of symbolic links resolve follows, as the
// kernel's own bound (40 on Linux) turns a loop into an error.
const maxLinks = 40

// resolve returns the file that writing to path replaces: path itself, or
// the end of the chain of symbolic links that starts at path. Renaming over
// a link would replace the link with a regular file, and cut the cassette
// off from the file the user shares through it. It also returns the file's
// FileInfo, or nil when it does not exist yet, and an error when it exists
// but is not a regular file.
func resolve(path string) (string, fs.FileInfo, error) {
	for range maxLinks {
		info, err := os.Lstat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return path, nil, nil
		case err != nil:
			return "", nil, err
		case info.Mode().IsRegular():
			return path, info, nil
		case info.IsDir():
			return "", nil, errors.New("is a folder: remove it, or save the cassette under another name")
		case info.Mode().Type() != fs.ModeSymlink:
			return "", nil, fmt.Errorf("is not a regular file (%v): remove it, or save the cassette under another name", info.Mode().Type())
		}
		target, err := os.Readlink(path)
		if err != nil {
			return "", nil, err
		}
		if !filepath.IsAbs(target) {
			// Split, not Dir: Dir cleans "a/../b", which is wrong when a
			// is itself a link. The system resolves the joined path.
			dir, _ := filepath.Split(path)
			target = dir + target
		}
		path = target
	}
	return "", nil, fmt.Errorf("more than %d symbolic links in a row, probably a loop: point the link at a file", maxLinks)
}

// tempInfix sits between a file's name and the random part of the name of
// its temporary file.
const tempInfix = ".dvd-tmp-"

// staleAfter is the age at which a temporary file is taken to be left over
// from a save that was killed. A save writes its temporary file in one
// call and renames it at once, in well under a second, whatever the size;
// ten minutes leaves room for a slow disk or a stopped process, so a save
// in progress in another process is never disturbed.
const staleAfter = 10 * time.Minute

// createTemp creates the temporary file of the file named base in dir:
// .<base>.dvd-tmp-<random>.
func createTemp(dir, base string) (*os.File, error) {
	return os.CreateTemp(dir, "."+base+tempInfix+"*")
}

// isTempOf reports whether name is the name of a temporary file of the file
// named base: .<base>.dvd-tmp-<digits> as createTemp makes it, or
// .<base>.<digits>.tmp as dvd made it before. os.CreateTemp puts only
// digits in place of the *, so a name with anything else there is not one,
// nor is the temporary file of another file whose name starts with base.
func isTempOf(name, base string) bool {
	rest, ok := strings.CutPrefix(name, "."+base)
	if !ok {
		return false
	}
	if random, ok := strings.CutPrefix(rest, tempInfix); ok {
		return isDigits(random)
	}
	if random, ok := strings.CutSuffix(rest, ".tmp"); ok {
		random, ok = strings.CutPrefix(random, ".")
		return ok && isDigits(random)
	}
	return false
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// removeStaleTemps removes the temporary files of the file named base in
// dir that saves killed midway left behind: regular files named as
// isTempOf says, last modified at least staleAfter before now. It is best
// effort: a file it cannot list or remove stays, and the save goes on.
// It runs before the new temporary file is written, so that a disk filled
// by leftovers has room for it.
func removeStaleTemps(dir, base string, now time.Time) {
	f, err := os.Open(dir)
	if err != nil {
		return
	}
	names, _ := f.Readdirnames(-1) // unsorted: cheaper than os.ReadDir in a big testdata/
	f.Close()
	for _, name := range names {
		if !isTempOf(name, base) {
			continue
		}
		p := filepath.Join(dir, name)
		info, err := os.Lstat(p)
		if err != nil || !info.Mode().IsRegular() || now.Sub(info.ModTime()) < staleAfter {
			continue
		}
		os.Remove(p)
	}
}
