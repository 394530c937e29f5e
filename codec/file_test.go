package codec_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/testsupport"
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
	if got, want := testsupport.DirNames(t, filepath.Dir(path)), []string{"list" + ".dvd.json"}; !slices.Equal(got, want) {
		t.Errorf("the folder holds %q, want only %q: no temporary file may stay behind", got, want)
	}
	wantRead(t, path, want)
}

func TestWriteFileReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x"+".dvd.json")
	testsupport.WriteFile(t, path, []byte("old content"))
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}

	want := sample(3)
	if err := codec.WriteFile(path, want); err != nil {
		t.Fatalf("WriteFile over an existing file: %v", err)
	}
	wantRead(t, path, want)
	if info, err := os.Stat(path); err != nil || info.Mode() != 0o600 {
		t.Errorf("Stat(%s) = %v, %v; want mode -rw-------, the old file's: a re-record must not open up a private cassette", path, info.Mode(), err)
	}
	if got := testsupport.DirNames(t, dir); !slices.Equal(got, []string{"x" + ".dvd.json"}) {
		t.Errorf("the folder holds %q: no temporary file may stay behind", got)
	}
}

func TestWriteFileRelative(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := codec.WriteFile("x"+".dvd.json", sample(1)); err != nil {
		t.Fatalf("WriteFile of a bare name: %v", err)
	}
	if got := testsupport.DirNames(t, "."); !slices.Equal(got, []string{"x" + ".dvd.json"}) {
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
				testsupport.WriteFile(t, filepath.Join(path, "keep"), []byte("kept"))
				return path
			},
		},
		{
			"parent is a file", "the folder cannot be created",
			func(t *testing.T, dir string) string {
				testsupport.WriteFile(t, filepath.Join(dir, "parent"), []byte("kept"))
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

// TestWriteFileKeepsMode checks that a re-record keeps the permission bits
// of the file it replaces, and that a new file gets 0644.
func TestWriteFileKeepsMode(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		old    fs.FileMode // 0: no file yet
		want   fs.FileMode
	}{
		{"new file", "a cassette is a file to commit: readable by all, as before", 0, 0o644},
		{"private", "a cassette with real data may be kept from other users", 0o600, 0o600},
		{"group", "", 0o640, 0o640},
		{"read-only", "the folder decides whether a file can be replaced, not its bits", 0o444, 0o444},
		{"executable", "odd, but the user's choice", 0o755, 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x"+".dvd.json")
			if tt.old != 0 {
				testsupport.WriteFile(t, path, []byte("old content"))
				if err := os.Chmod(path, tt.old); err != nil {
					t.Fatal(err)
				}
			}
			if err := codec.WriteFile(path, sample(2)); err != nil {
				t.Fatalf("WriteFile: %v", err)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := info.Mode(); got != tt.want {
				t.Errorf("mode of %s = %v, want %v (%s)", path, got, tt.want, tt.reason)
			}
		})
	}
}

// TestWriteFileThroughSymlink checks that writing to a symbolic link
// replaces the file it points to and keeps the link, as a user who links a
// cassette from a shared folder expects.
func TestWriteFileThroughSymlink(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		// setup makes the link and returns it, the file it ends at, and
		// the mode that file must have after the write.
		setup    func(t *testing.T, dir string) (link, target string, mode fs.FileMode)
		wantComp codec.Compression
	}{
		{
			name:   "relative link to another folder",
			reason: "the common case: testdata/x.dvd.json -> ../shared/x.dvd.json",
			setup: func(t *testing.T, dir string) (string, string, fs.FileMode) {
				target := filepath.Join(dir, "shared", "x.dvd.json")
				testsupport.WriteFile(t, target, []byte("old content"))
				if err := os.Chmod(target, 0o600); err != nil {
					t.Fatal(err)
				}
				return symlink(t, filepath.Join("..", "shared", "x.dvd.json"), filepath.Join(dir, "testdata", "x.dvd.json")), target, 0o600
			},
		},
		{
			name:   "absolute link",
			reason: "",
			setup: func(t *testing.T, dir string) (string, string, fs.FileMode) {
				target := filepath.Join(dir, "elsewhere", "y.dvd.json")
				testsupport.WriteFile(t, target, []byte("old content"))
				return symlink(t, target, filepath.Join(dir, "x.dvd.json")), target, 0o644
			},
		},
		{
			name:   "chain of links",
			reason: "a link to a link is followed to the file at its end",
			setup: func(t *testing.T, dir string) (string, string, fs.FileMode) {
				target := filepath.Join(dir, "c", "file")
				testsupport.WriteFile(t, target, []byte("old content"))
				if err := os.Chmod(target, 0o640); err != nil {
					t.Fatal(err)
				}
				symlink(t, filepath.Join("..", "c", "file"), filepath.Join(dir, "b", "link"))
				return symlink(t, filepath.Join("..", "b", "link"), filepath.Join(dir, "a", "x.dvd.json")), target, 0o640
			},
		},
		{
			name:   "dangling link",
			reason: "the file the link names is created, as os.WriteFile would",
			setup: func(t *testing.T, dir string) (string, string, fs.FileMode) {
				return symlink(t, "missing.dvd.json", filepath.Join(dir, "x.dvd.json")), filepath.Join(dir, "missing.dvd.json"), 0o644
			},
		},
		{
			name:   "the link's name chooses the compression",
			reason: "the caller names the cassette; the file behind it may be named anyhow",
			setup: func(t *testing.T, dir string) (string, string, fs.FileMode) {
				target := filepath.Join(dir, "store", "blob")
				testsupport.WriteFile(t, target, []byte("old content"))
				return symlink(t, filepath.Join("store", "blob"), filepath.Join(dir, "x.dvd.json.zst")), target, 0o644
			},
			wantComp: codec.Zstd,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			link, target, mode := tt.setup(t, dir)
			linkTo, err := os.Readlink(link)
			if err != nil {
				t.Fatal(err)
			}

			want := sample(3)
			if err := codec.WriteFile(link, want); err != nil {
				t.Fatalf("WriteFile(%s): %v", link, err)
			}
			if got, err := os.Readlink(link); err != nil || got != linkTo {
				t.Errorf("after WriteFile, Readlink(%s) = %q, %v; want the link kept, pointing to %q (%s)", link, got, err, linkTo, tt.reason)
			}
			data := testsupport.ReadFile(t, target)
			if got := codec.Detect(data); got != tt.wantComp {
				t.Errorf("%s is compressed with %v, want %v", target, got, tt.wantComp)
			}
			wantRead(t, target, want)
			if info, err := os.Stat(target); err != nil || info.Mode() != mode {
				t.Errorf("Stat(%s) = %v, %v; want mode %v", target, info.Mode(), err, mode)
			}
			for _, d := range []string{filepath.Dir(link), filepath.Dir(target)} {
				for _, name := range testsupport.DirNames(t, d) {
					if strings.HasPrefix(name, ".") {
						t.Errorf("%s holds %s: no temporary file may stay behind", d, name)
					}
				}
			}
		})
	}
}

func TestWriteFileSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	a := symlink(t, "b.dvd.json", filepath.Join(dir, "a.dvd.json"))
	symlink(t, "a.dvd.json", filepath.Join(dir, "b.dvd.json"))

	err := codec.WriteFile(a, sample(1))
	if want := "codec: " + a + ": "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("WriteFile(%s) = %v, want an error that starts with %q", a, err, want)
	}
	if got := testsupport.DirNames(t, dir); !slices.Equal(got, []string{"a.dvd.json", "b.dvd.json"}) {
		t.Errorf("the folder holds %q, want the two links only", got)
	}
	for _, name := range []string{"a.dvd.json", "b.dvd.json"} {
		if info, err := os.Lstat(filepath.Join(dir, name)); err != nil || info.Mode().Type() != fs.ModeSymlink {
			t.Errorf("%s is no longer a link: %v, %v", name, info, err)
		}
	}
}

// symlink makes a link at path that points to target, making path's
// folder first, and returns path. It skips the test where links cannot be
// made (Windows without the right to).
func symlink(t *testing.T, target, path string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		if runtime.GOOS == "windows" {
			t.Skipf("cannot make symbolic links here: %v", err)
		}
		t.Fatal(err)
	}
	return path
}

// TestWriteFileRemovesStaleTemps plants files next to a cassette and saves
// it: the temporary files of its own earlier saves that were killed midway
// go, and nothing else does.
func TestWriteFileRemovesStaleTemps(t *testing.T) {
	const hour = time.Hour
	tests := []struct {
		name    string
		reason  string
		file    string
		age     time.Duration
		folder  bool
		removed bool
	}{
		{"stale temp", "a save killed midway left it; nothing else ever removes it", ".x.dvd.json.dvd-tmp-2923456789", hour, false, true},
		{"old-style stale temp", "dvd named its temporary files .<name>.<random>.tmp before", ".x.dvd.json.123456.tmp", hour, false, true},
		{"fresh temp", "another process may be writing it right now", ".x.dvd.json.dvd-tmp-1", 0, false, false},
		{"nine minutes old", "a save in progress is kept for ten minutes", ".x.dvd.json.dvd-tmp-2", 9 * time.Minute, false, false},
		{"another cassette's", "its own next save removes it", ".y.dvd.json.dvd-tmp-3", hour, false, false},
		{"the zstd variant's", "a temporary file of x.dvd.json.zst, not of x.dvd.json", ".x.dvd.json.zst.dvd-tmp-4", hour, false, false},
		{"not a number", "CreateTemp puts digits where the * is", ".x.dvd.json.dvd-tmp-12ab", hour, false, false},
		{"no number", "", ".x.dvd.json.dvd-tmp-", hour, false, false},
		{"not hidden", "dvd's temporary files start with a dot", "x.dvd.json.dvd-tmp-5", hour, false, false},
		{"old-style, not a number", "", ".x.dvd.json.backup.tmp", hour, false, false},
		{"a folder", "only regular files are removed", ".x.dvd.json.dvd-tmp-6", hour, true, false},
		{"unrelated", "", "notes.txt", hour, false, false},
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x"+".dvd.json")
	testsupport.WriteFile(t, path, []byte("old content"))
	now := time.Now()
	for _, tt := range tests {
		p := filepath.Join(dir, tt.file)
		if tt.folder {
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
		} else {
			testsupport.WriteFile(t, p, []byte(tt.name))
		}
		if err := os.Chtimes(p, now.Add(-tt.age), now.Add(-tt.age)); err != nil {
			t.Fatal(err)
		}
	}

	if err := codec.WriteFile(path, sample(1)); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	for _, tt := range tests {
		_, err := os.Lstat(filepath.Join(dir, tt.file))
		if gone := errors.Is(err, fs.ErrNotExist); gone != tt.removed {
			t.Errorf("%s: %s removed = %v, want %v (%s)", tt.name, tt.file, gone, tt.removed, tt.reason)
		}
	}
}
