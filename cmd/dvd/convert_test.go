package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/codec"
)

// TestConvertRoundTrip converts a cassette to zstd, to gzip and back to
// plain JSON: each step writes the new file, removes the old one, and the
// cassette ends as it began, byte for byte.
func TestConvertRoundTrip(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "rich.dvd.json")
	if err := richCassette(t).Save(plain); err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(plain)
	steps := []struct {
		name     string
		from, to string
		comp     codec.Compression
	}{
		{name: "to zstd", from: plain, to: plain + ".zst", comp: codec.Zstd},
		{name: "zstd to gzip", from: plain + ".zst", to: plain + ".gz", comp: codec.Gzip},
		{name: "gzip to none", from: plain + ".gz", to: plain, comp: codec.None},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, stdout, stderr := invoke("convert", "-compress", s.comp.String(), s.from)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if want := s.from + " → " + s.to + ": 12 interactions, "; !strings.HasPrefix(stdout, want) || strings.Count(stdout, "\n") != 1 {
				t.Errorf("stdout %q, want one line starting %q", stdout, want)
			}
			if _, err := os.Stat(s.from); !os.IsNotExist(err) {
				t.Errorf("%s is still there", s.from)
			}
			data, err := os.ReadFile(s.to)
			if err != nil {
				t.Fatal(err)
			}
			if codec.Detect(data) != s.comp {
				t.Errorf("%s is %v, want %v", s.to, codec.Detect(data), s.comp)
			}
			raw, err := codec.Decompress(data, nil)
			if err != nil || !bytes.Equal(raw, orig) {
				t.Errorf("%s does not hold the cassette it began with (%v)", s.to, err)
			}
		})
	}
}

// TestConvertKeeps checks that convert loses nothing: a cassette in the
// asked compression is left alone, another cassette under the new name
// stops it, and a file it cannot read is left as it is.
func TestConvertKeeps(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, dir string) (args []string, keep []string)
		code   int
		stdout string
		stderr string
	}{
		{
			name: "already in that compression",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				p := filepath.Join(dir, "a.dvd.json.zst")
				richCassette(t).Save(p)
				return []string{"-compress", "zstd", p}, []string{p}
			},
			stdout: "a.dvd.json.zst: already zstd, unchanged\n",
		},
		{
			name: "another cassette under the new name",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				p := filepath.Join(dir, "a.dvd.json")
				richCassette(t).Save(p)
				other := filepath.Join(dir, "a.dvd.json.gz")
				os.WriteFile(p+".tmp", []byte(`{"version":1,"interactions":[]}`), 0o644)
				data, _ := os.ReadFile(p + ".tmp")
				gz, _ := codec.Compress(data, codec.Gzip)
				os.WriteFile(other, gz, 0o644)
				os.Remove(p + ".tmp")
				return []string{"-compress", "gzip", p}, []string{p, other}
			},
			code:   1,
			stderr: "a.dvd.json.gz exists and holds another cassette; both are left as they are",
		},
		{
			name: "the same cassette under the new name",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				p := filepath.Join(dir, "a.dvd.json")
				richCassette(t).Save(p)
				richCassette(t).Save(p + ".gz")
				return []string{"-compress", "gzip", p}, []string{p + ".gz"}
			},
			stdout: "a.dvd.json → ",
		},
		{
			name: "corrupt",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				p := filepath.Join(dir, "a.dvd.json")
				os.WriteFile(p, []byte(`{"version": 1, "interactions": [`), 0o644)
				return []string{"-compress", "zstd", p}, []string{p}
			},
			code:   1,
			stderr: "a.dvd.json: truncated",
		},
		{
			name: "not a cassette's name",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				p := filepath.Join(dir, "a.yaml")
				os.WriteFile(p, []byte("version: 2\n"), 0o644)
				return []string{"-compress", "zstd", p}, []string{p}
			},
			code:   1,
			stderr: "a.yaml: not the name of a dvd cassette, which ends in .dvd.json, .dvd.json.zst or .dvd.json.gz; for a go-vcr cassette or a HAR file, use dvd import",
		},
		{
			name: "missing, and goes on",
			setup: func(t *testing.T, dir string) ([]string, []string) {
				p := filepath.Join(dir, "b.dvd.json")
				richCassette(t).Save(p)
				return []string{"-compress", "zstd", filepath.Join(dir, "a.dvd.json"), p}, []string{p + ".zst"}
			},
			code:   1,
			stdout: "b.dvd.json → ",
			stderr: "a.dvd.json: no such file",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args, keep := tt.setup(t, dir)
			before := map[string][]byte{}
			for _, k := range keep {
				before[k], _ = os.ReadFile(k)
			}
			code, stdout, stderr := invoke(append([]string{"convert"}, args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if !strings.Contains(stdout, tt.stdout) || tt.stdout == "" && stdout != "" {
				t.Errorf("stdout %q, want %q", stdout, tt.stdout)
			}
			if !strings.Contains(stderr, tt.stderr) || tt.stderr == "" && stderr != "" {
				t.Errorf("stderr %q, want %q", stderr, tt.stderr)
			}
			for _, k := range keep {
				if got, err := os.ReadFile(k); err != nil || (before[k] != nil && !bytes.Equal(got, before[k])) {
					t.Errorf("%s was changed or removed (%v)", k, err)
				}
			}
		})
	}
}

// TestConvertModeAndLinks converts a cassette of mode 0600: the new file
// has mode 0600. A symbolic link is refused, and left as it was with the
// file it points to.
func TestConvertModeAndLinks(t *testing.T) {
	dir := t.TempDir()
	private := filepath.Join(dir, "private.dvd.json")
	save(t, private, get("http://127.0.0.1:1/x", 200, "private"))
	if err := os.Chmod(private, 0o600); err != nil {
		t.Fatal(err)
	}
	runDVD(t, "convert", "-compress", "zstd", private).check(t, 0, []string{"→ " + private + ".zst"})
	info, err := os.Stat(private + ".zst")
	if err != nil {
		t.Fatal(err)
	}
	if m := info.Mode().Perm(); m != 0o600 {
		t.Errorf("the converted cassette has mode %v, want 0600", m)
	}

	target := filepath.Join(dir, "shared", "real.dvd.json")
	save(t, target, get("http://127.0.0.1:1/y", 200, "shared"))
	link := filepath.Join(dir, "link.dvd.json")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	runDVD(t, "convert", "-compress", "zstd", link).check(t, 1, []string{link + ": a symbolic link", "point the link"}, "→")
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is gone: %v", err)
	}
	if _, err := os.Stat(target); err != nil {
		t.Errorf("the target is gone: %v", err)
	}
	for _, p := range []string{link + ".zst", target + ".zst"} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("convert wrote %s: %v", p, err)
		}
	}
}
