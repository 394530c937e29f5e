package dvdtest

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/codec"
)

func TestCassettePath(t *testing.T) {
	const howTo = "use letters, digits, '-', '_', '.' and '/'"
	tests := []struct {
		name   string
		reason string
		give   string
		comp   codec.Compression
		want   string // the path, when the name is good
		errHas []string
	}{
		// Good names.
		{name: "plain", give: "plain", want: "testdata/plain.dvd.json"},
		{name: "folders", reason: "/ makes subfolders", give: "github/list_repos", want: "testdata/github/list_repos.dvd.json"},
		{name: "zstd", give: "x", comp: codec.Zstd, want: "testdata/x.dvd.json.zst"},
		{name: "gzip", give: "x", comp: codec.Gzip, want: "testdata/x.dvd.json.gz"},
		{name: "spaces and punctuation", reason: "every system takes them", give: "it's a b/#1 $x %y (z) [w] {v} =+,;@!~`^&", want: "testdata/it's a b/#1 $x %y (z) [w] {v} =+,;@!~`^&.dvd.json"},
		{name: "unicode", give: "café/日本", want: "testdata/café/日本.dvd.json"},
		{name: "dots inside", give: "v1.2/a.b", want: "testdata/v1.2/a.b.dvd.json"},
		{name: "dot ending the file name", reason: "the file is x..dvd.json: Windows strips dots only at the end", give: "x.", want: "testdata/x..dvd.json"},
		{name: "space ending the file name", reason: "as the dot", give: "x ", want: "testdata/x .dvd.json"},
		{name: "almost reserved", reason: "only the device names themselves are reserved", give: "console/com10/lpt/nul_/auxiliary/COMx/con-1", want: "testdata/console/com10/lpt/nul_/auxiliary/COMx/con-1.dvd.json"},
		{name: "longest file name", reason: "222 bytes, .dvd.json.zst and the 20 of the temporary file make 255", give: strings.Repeat("a", 222), want: "testdata/" + strings.Repeat("a", 222) + ".dvd.json"},
		{name: "longest folder name", give: strings.Repeat("a", 255) + "/x", want: "testdata/" + strings.Repeat("a", 255) + "/x.dvd.json"},

		// Names that leave testdata/ or are no file name at all.
		{name: "empty", give: "", errHas: []string{`cassette name "" is empty`}},
		{name: "dotdot", reason: "must not escape testdata/", give: "../x", errHas: []string{"escapes testdata/"}},
		{name: "inner dotdot", give: "a/../../x", errHas: []string{"escapes testdata/"}},
		{name: "dotdot at the end", reason: "testdata/a/.. + .dvd.json is testdata.dvd.json", give: "a/..", errHas: []string{"escapes testdata/"}},
		{name: "absolute", give: "/etc/passwd", errHas: []string{"is absolute"}},
		{name: "empty element", give: "a//b", errHas: []string{`empty or "."`}},
		{name: "dot element", give: "a/./b", errHas: []string{`empty or "."`}},
		{name: "trailing slash", give: "a/", errHas: []string{`empty or "."`}},
		{name: "dot", give: ".", errHas: []string{`empty or "."`}},

		// Names that some system cannot store.
		{name: "colon", reason: "the issue's example, word for word", give: "a:b", errHas: []string{`cassette name "a:b" holds ':', which Windows does not allow in file names: ` + howTo}},
		{name: "star", give: "a*", errHas: []string{`holds '*', which Windows`, howTo}},
		{name: "question mark", give: "get?page=2", errHas: []string{`holds '?', which Windows`}},
		{name: "double quote", give: `say "hi"`, errHas: []string{`holds '"', which Windows`}},
		{name: "less than", give: "a<b", errHas: []string{`holds '<'`}},
		{name: "greater than", give: "a>b", errHas: []string{`holds '>'`}},
		{name: "pipe", give: "a|b", errHas: []string{`holds '|'`}},
		{name: "backslash", reason: "a folder separator on Windows", give: `a\b`, errHas: []string{"backslash", "use / to make subfolders"}},
		{name: "nul", give: "a\x00b", errHas: []string{"NUL", howTo}},
		{name: "tab", give: "a\tb", errHas: []string{"control character U+0009", howTo}},
		{name: "newline", give: "a\nb", errHas: []string{"control character U+000A"}},
		{name: "delete", give: "a\x7fb", errHas: []string{"control character U+007F"}},
		{name: "C1 control", give: "a\u0085b", errHas: []string{"control character U+0085"}},
		{name: "invalid UTF-8", reason: "macOS and Windows store names as Unicode", give: "a\xffb", errHas: []string{"not valid UTF-8", howTo}},
		{name: "CON", give: "CON", errHas: []string{`"CON", which Windows reserves`}},
		{name: "lower case", reason: "Windows ignores case", give: "con", errHas: []string{`"con", which Windows reserves`}},
		{name: "mixed case", give: "aUx", errHas: []string{"Windows reserves"}},
		{name: "with an extension", reason: "nul.txt is NUL to Windows", give: "nul.txt", errHas: []string{`"nul.txt", which Windows reserves`}},
		{name: "spaces before the extension", give: "nul .txt", errHas: []string{"Windows reserves"}},
		{name: "COM1", give: "COM1", errHas: []string{"Windows reserves"}},
		{name: "COM0", give: "com0", errHas: []string{"Windows reserves"}},
		{name: "LPT9", give: "x/LPT9", errHas: []string{`"LPT9", which Windows reserves`}},
		{name: "superscript", reason: "Windows counts ¹ ² ³ as digits here", give: "COM¹", errHas: []string{"Windows reserves"}},
		{name: "console input", give: "CONIN$", errHas: []string{"Windows reserves"}},
		{name: "reserved folder", reason: "as any path element", give: "prn/x", errHas: []string{`"prn", which Windows reserves`}},
		{name: "folder ending in a dot", give: "a./b", errHas: []string{`"a."`, "Windows drops"}},
		{name: "folder ending in a space", give: "a /b", errHas: []string{`"a "`, "Windows drops"}},
		{name: "file name too long", reason: "the temporary file's name would pass 255 bytes", give: strings.Repeat("a", 223), errHas: []string{"too long", "223 bytes", "at most 222"}},
		{name: "bytes, not characters", reason: "é takes two bytes", give: strings.Repeat("é", 112), errHas: []string{"too long", "224 bytes"}},
		{name: "same limit whatever the compression", reason: "a name must not stop working when its compression changes", give: strings.Repeat("a", 223), comp: codec.None, errHas: []string{"at most 222"}},
		{name: "folder name too long", give: "x/" + strings.Repeat("a", 256) + "/y", errHas: []string{"too long", "256 bytes", "255"}},
		{name: "path too long", reason: "macOS takes paths of up to 1023 bytes", give: strings.Repeat(strings.Repeat("a", 200)+"/", 5) + "x", errHas: []string{"too long", "1023"}},

		// The default name, t.Name(), is checked as any other.
		{name: "test name", reason: "an empty name is t.Name(): say so, and how to get out", give: "TestX/a:b", errHas: []string{`"TestX/a:b" holds ':'`, "t.Name()", "pass Use a name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cassettePath(tt.give, tt.comp)
			if tt.errHas == nil {
				if err != nil || filepath.ToSlash(got) != tt.want {
					t.Errorf("cassettePath(%q) = %q, %v; want %q (%s)", tt.give, got, err, tt.want, tt.reason)
				}
				return
			}
			if err == nil {
				t.Fatalf("cassettePath(%q) = %q, want an error (%s)", tt.give, got, tt.reason)
			}
			msg := err.Error()
			for _, s := range append([]string{"cassette name " + strconv.Quote(tt.give) + " "}, tt.errHas...) {
				if !strings.Contains(msg, s) {
					t.Errorf("cassettePath(%q) = %q; want an error that holds %q (%s)", tt.give, msg, s, tt.reason)
				}
			}
			if strings.Contains(msg, "t.Name()") != strings.HasPrefix(tt.give, "Test") {
				t.Errorf("cassettePath(%q) = %q; want the hint about t.Name() only for a name that looks like a test's", tt.give, msg)
			}
		})
	}
}

// TestCassettePathOfSubtests checks what the default name, t.Name(), gives
// for real subtests: the testing package writes spaces as _ and control
// characters as Go escapes, and keeps the rest, so a subtest can have a name
// that is no portable file name.
func TestCassettePathOfSubtests(t *testing.T) {
	tests := []struct {
		name   string // the subtest's
		reason string
		want   string // the path, or a fragment of the error
	}{
		{"plain", "", "testdata/TestCassettePathOfSubtests/plain.dvd.json"},
		{"a b", "the testing package writes spaces as _", "testdata/TestCassettePathOfSubtests/a_b.dvd.json"},
		{"it's", "", "testdata/TestCassettePathOfSubtests/it's.dvd.json"},
		{"GET /users", "a / in a subtest's name makes a folder", "testdata/TestCassettePathOfSubtests/GET_/users.dvd.json"},
		{"a:b", "kept by the testing package, refused by Windows", "holds ':'"},
		{"/users", "TestX//users has an empty element", `empty or "."`},
		{"con", "", "Windows reserves"},
		{"a\x01b", "written as a\\x01b: a backslash", "backslash"},
		{"..", "", "escapes testdata/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cassettePath(t.Name(), codec.None)
			if strings.HasPrefix(tt.want, "testdata/") {
				if err != nil || filepath.ToSlash(got) != tt.want {
					t.Errorf("cassettePath(%q) = %q, %v; want %q (%s)", t.Name(), got, err, tt.want, tt.reason)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "pass Use a name") {
				t.Errorf("cassettePath(%q) = %q, %v; want an error that holds %q and the way out (%s)", t.Name(), got, err, tt.want, tt.reason)
			}
		})
	}
}
