package codec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ReadFile returns the content of the file at path, decompressed. Its errors
// name the file.
func ReadFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err // *fs.PathError names the file already
	}
	raw, err := decompress(data)
	if err != nil {
		return nil, fmt.Errorf("codec: %s: %w", path, err)
	}
	return raw, nil
}

// WriteFile writes raw to path, compressed as the name asks ([ForPath]). It
// writes a temporary file in the same folder and renames it over path, so
// path holds either the old cassette or the new one, never a part of either.
// Missing folders are created.
//
// When path is a symbolic link, the file at the end of the link is replaced
// the same way and the link stays; the compression is still the one path's
// name asks for. A file that exists keeps its permission bits; a new one
// gets 0644.
func WriteFile(path string, raw []byte) error {
	data, err := Compress(raw, ForPath(path))
	if err != nil {
		return fmt.Errorf("codec: %s: %w", path, err)
	}
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
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
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
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("codec: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("codec: %s: %w", path, err)
	}
	return nil
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
