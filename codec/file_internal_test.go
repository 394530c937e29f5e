package codec

import (
	"os"
	"strings"
	"testing"
)

// TestTempName checks the name of the temporary file WriteFile writes: a
// save killed midway leaves it behind, so it must never pass for a
// cassette, and removeStaleTemps must know it as its file's.
func TestTempName(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		base   string
	}{
		{"plain", "", "x.dvd.json"},
		{"zstd", "a temporary file must not end in .zst, or it would look compressed", "x.dvd.json.zst"},
		{"gzip", "", "x.dvd.json.gz"},
		{"any name", "WriteFile takes any path", "notes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			f, err := createTemp(dir, tt.base)
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			entries, err := os.ReadDir(dir)
			if err != nil || len(entries) != 1 {
				t.Fatalf("ReadDir = %v, %v; want one file", entries, err)
			}
			name := entries[0].Name()
			for _, ext := range []string{".dvd.json", ".zst", ".gz"} {
				if strings.HasSuffix(name, ext) {
					t.Errorf("the temporary file of %s is %s, which ends in %s and so passes for a cassette (%s)", tt.base, name, ext, tt.reason)
				}
			}
			if !strings.HasPrefix(name, "."+tt.base+".dvd-tmp-") {
				t.Errorf("the temporary file of %s is %s, want .%[1]s.dvd-tmp-<random>: hidden, and named after its file and dvd", tt.base, name)
			}
			if !isTempOf(name, tt.base) {
				t.Errorf("isTempOf(%q, %q) = false: a stale one would never be removed", name, tt.base)
			}
		})
	}
}
