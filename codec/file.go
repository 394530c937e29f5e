package codec

import (
	"fmt"
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
func WriteFile(path string, raw []byte) error {
	data, err := Compress(raw, ForPath(path))
	if err != nil {
		return fmt.Errorf("codec: %s: %w", path, err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("codec: %s: %w", path, err)
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
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("codec: %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("codec: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("codec: %s: %w", path, err)
	}
	return nil
}
