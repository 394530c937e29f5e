package codec_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/codec"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "github", "repos", "list"+".dvd.json")
	want := sample(1)
	if err := codec.WriteFile(path, want); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode(); got != 0o644 {
		t.Errorf("mode of %s = %v, want -rw-r--r--", path, got)
	}
	if got, want := dirNames(t, filepath.Dir(path)), []string{"list" + ".dvd.json"}; !slices.Equal(got, want) {
		t.Errorf("the folder holds %q, want only %q: no temporary file may stay behind", got, want)
	}
	got, err := codec.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadFile(WriteFile(f)) mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteFileReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x"+".dvd.json")
	writeBytes(t, path, []byte("old content"))
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}

	want := sample(3)
	if err := codec.WriteFile(path, want); err != nil {
		t.Fatalf("WriteFile over an existing file: %v", err)
	}
	got, err := codec.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadFile mismatch (-want +got):\n%s", diff)
	}
	if info, err := os.Stat(path); err != nil || info.Mode() != 0o644 {
		t.Errorf("Stat(%s) = %v, %v; want mode -rw-r--r--, whatever the old file's", path, info.Mode(), err)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"x" + ".dvd.json"}) {
		t.Errorf("the folder holds %q: no temporary file may stay behind", got)
	}
}

func TestWriteFileRelative(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := codec.WriteFile("x"+".dvd.json", sample(1)); err != nil {
		t.Fatalf("WriteFile of a bare name: %v", err)
	}
	if got := dirNames(t, "."); !slices.Equal(got, []string{"x" + ".dvd.json"}) {
		t.Errorf("the folder holds %q", got)
	}
}

// TestWriteFileFailure checks failures that can be provoked whatever the
// user's rights (root ignores permission bits): the error names the file,
// nothing that was there changes, and no temporary file stays behind.
func TestWriteFileFailure(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		setup  func(t *testing.T, dir string) (path string)
	}{
		{
			"target is a folder", "the rename fails after the temporary file was written",
			func(t *testing.T, dir string) string {
				path := filepath.Join(dir, "x"+".dvd.json")
				writeBytes(t, filepath.Join(path, "keep"), []byte("kept"))
				return path
			},
		},
		{
			"parent is a file", "the folder cannot be created",
			func(t *testing.T, dir string) string {
				writeBytes(t, filepath.Join(dir, "parent"), []byte("kept"))
				return filepath.Join(dir, "parent", "x"+".dvd.json")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			before := snapshot(t, dir)

			err := codec.WriteFile(path, sample(1))
			if want := "codec: " + path + ": "; err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("WriteFile(%s) = %v, want an error that starts with %q", path, err, want)
			}
			if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
				t.Errorf("a failed WriteFile changed the folder (-before +after):\n%s", diff)
			}
		})
	}
}

// snapshot returns every file below dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestReadFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing"+".dvd.json")
	_, err := codec.ReadFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(%s) = %v, want an error that is fs.ErrNotExist", path, err)
	}
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadFile(%s) = %v, want an error naming the file", path, err)
	}
}
