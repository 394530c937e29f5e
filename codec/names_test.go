package codec

import "testing"

func TestCodecNames(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		c      Compression
		ext    string
		str    string
		valid  bool
	}{
		{"none", "", None, "", "none", true},
		{"zstd", "", Zstd, ".zst", "zstd", true},
		{"gzip", "", Gzip, ".gz", "gzip", true},
		{"unknown", "an out-of-range value says what it is", Compression(7), "", "Compression(7)", false},
		{"negative", "", Compression(-1), "", "Compression(-1)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Ext(); got != tt.ext {
				t.Errorf("Ext() = %q, want %q", got, tt.ext)
			}
			if got := tt.c.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if _, err := Compress([]byte("{}"), tt.c); (err == nil) != tt.valid {
				t.Errorf("Compress with %v: err = %v, want an error only for no compression of this package", tt.c, err)
			}
			if tt.valid {
				if got := forPath("x" + ".dvd.json" + tt.c.Ext()); got != tt.c {
					t.Errorf("forPath of its own extension = %v, want %v", got, tt.c)
				}
			}
		})
	}
}

func TestForPath(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		path   string
		want   Compression
	}{
		{"plain", "", "testdata/a.dvd.json", None},
		{"zstd", "", "testdata/a.dvd.json.zst", Zstd},
		{"gzip", "", "testdata/a.dvd.json.gz", Gzip},
		{"zst elsewhere", "only the last extension counts", "testdata/a.zst.dvd.json", None},
		{"no extension", "", "cassette", None},
		{"bare zst", "", "cassette.zst", Zstd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := forPath(tt.path); got != tt.want {
				t.Errorf("forPath(%q) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}
