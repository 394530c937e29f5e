package main

import (
	"strings"
	"testing"
)

// TestUsageErrors checks that a wrong command line of import, export and
// convert exits 2 with the command's usage.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "import without files", args: []string{"import"}, want: "dvd import: no file to import"},
		{name: "import with a wrong compression", args: []string{"import", "-compress", "lz4", "x.yaml"}, want: `dvd import: -compress "lz4": want zstd, gzip or none`},
		{name: "import with an unknown flag", args: []string{"import", "-f", "x.yaml"}, want: "dvd import: flag provided but not defined: -f"},
		{name: "export without a file", args: []string{"export"}, want: "dvd export: want one cassette to export, got 0 arguments"},
		{name: "export with two files", args: []string{"export", "a.dvd.json", "b.dvd.json"}, want: "dvd export: want one cassette to export, got 2 arguments"},
		{name: "convert without -compress", args: []string{"convert", "a.dvd.json"}, want: "dvd convert: -compress is required: zstd, gzip or none"},
		{name: "convert with a wrong compression", args: []string{"convert", "-compress", "zip", "a.dvd.json"}, want: `dvd convert: -compress "zip": want zstd, gzip or none`},
		{name: "convert without files", args: []string{"convert", "-compress", "zstd"}, want: "dvd convert: no cassette to convert"},
		{name: "inspect -n 0", args: []string{"inspect", "-n", "0", "a.dvd.json"}, want: "dvd inspect: -n 0: interactions are numbered from 1; without -n, inspect shows the table"},
		{name: "inspect -n -1", args: []string{"inspect", "-n", "-1", "a.dvd.json"}, want: "dvd inspect: -n -1: interactions are numbered from 1; without -n, inspect shows the table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := invoke(tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if !strings.HasPrefix(stderr, tt.want+"\n") || !strings.Contains(stderr, "usage: dvd "+tt.args[0]) {
				t.Errorf("stderr:\n%s\nwant %q and the usage", stderr, tt.want)
			}
			// The error, the usage line and where to read more: not the
			// whole help.
			if lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n"); len(lines) != 3 || lines[2] != "Run 'dvd help "+tt.args[0]+"' for details." {
				t.Errorf("stderr has %d lines, want the error, the usage line and \"Run 'dvd help %s' for details.\":\n%s", len(lines), tt.args[0], stderr)
			}
		})
	}
}

// TestHelp checks that each command's help says what it does, its flags
// and an example.
func TestHelp(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{name: "import", want: []string{"usage: dvd import [flags] FILE...", "go-vcr", "HAR", "-o DIR", "-compress zstd", "Example:", "dvd import -o", "Exit status:"}},
		{name: "export", want: []string{"usage: dvd export FILE", "HAR 1.2", "Example:", "dvd export ", "Exit status:"}},
		{name: "convert", want: []string{"usage: dvd convert [flags] FILE...", "-compress zstd", "Example:", "dvd convert -compress zstd", "Exit status:"}},
		{name: "lint", want: []string{"usage: dvd lint [flags] PATH...", "DVD_USED=$PWD/used.txt go test -count=1 ./...", "Exit status:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := invoke("help", tt.name)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("help lacks %q:\n%s", w, stdout)
				}
			}
			if strings.Contains(stdout, "TODO") {
				t.Errorf("help says TODO")
			}
		})
	}
}

// TestHelpFlag checks that -h prints the whole help, on the standard
// output, and exits 0.
func TestHelpFlag(t *testing.T) {
	for _, c := range commands {
		code, stdout, stderr := invoke(c.name, "-h")
		if code != 0 || stderr != "" || !strings.Contains(stdout, "usage: dvd "+c.name) || !strings.Contains(stdout, strings.TrimSpace(c.long)) {
			t.Errorf("dvd %s -h: exit %d, stderr %q, stdout:\n%s", c.name, code, stderr, stdout)
		}
	}
}
