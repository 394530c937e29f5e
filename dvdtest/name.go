package dvdtest

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
)

// A cassette is committed, and the repository checked out on Linux, macOS
// and Windows. cassettePath takes only names that all three can store, so a
// bad name fails at Use, before the test runs, rather than when its
// recording is saved or when someone clones the repository.
const (
	// maxName is the most bytes a file name may take: 255 on ext4 and
	// APFS; NTFS counts 255 UTF-16 units, never more than UTF-8 bytes.
	maxName = 255
	// maxPath is the most bytes a path may take on macOS (PATH_MAX, 1024
	// with the terminating NUL). Linux takes 4095, and Go lifts Windows'
	// 260 for its own calls.
	maxPath = 1023
	// tempExtra is what codec.WriteFile adds to a file's name to name its
	// temporary file: ".", ".dvd-tmp-" and up to ten digits.
	tempExtra = 20
	// portable says what to use instead of a character that is refused.
	portable = "use letters, digits, '-', '_', '.' and '/'"
)

// longestExt returns the longest end a cassette's file name can have. Names
// are measured with it whatever the compression asked for, so that changing
// the compression of a cassette never makes its name too long.
func longestExt() string {
	ext := cassette.Ext
	for _, c := range []codec.Compression{codec.Zstd, codec.Gzip} {
		if len(cassette.Ext+c.Ext()) > len(ext) {
			ext = cassette.Ext + c.Ext()
		}
	}
	return ext
}

// cassettePath returns testdata/<name>.dvd.json[.zst|.gz], or an error when
// the name would leave testdata/ or is not a portable file name.
func cassettePath(name string, c codec.Compression) (string, error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	return filepath.Join("testdata", filepath.FromSlash(name)) + cassette.Ext + c.Ext(), nil
}

// checkName returns an error that names the name, what is wrong with it and
// what to do, or nil when it is a good cassette name.
func checkName(name string) error {
	bad := func(format string, args ...any) error {
		msg := "cassette name " + strconv.Quote(name) + " " + fmt.Sprintf(format, args...)
		if looksLikeTestName(name) {
			msg += ". If it comes from t.Name(), as an empty name does, pass Use a name of your own"
		}
		return errors.New(msg)
	}
	if name == "" {
		return bad(`is empty: name a file below testdata/, such as "github/list_repos"`)
	}
	if !utf8.ValidString(name) {
		return bad("is not valid UTF-8, which macOS and Windows need in file names: " + portable)
	}
	for _, r := range name {
		switch {
		case r == 0:
			return bad("holds a NUL byte, which no file name can hold: " + portable)
		case unicode.IsControl(r):
			return bad("holds the control character %U, which has no place in a file name: "+portable, r)
		case r == '\\':
			return bad("holds a backslash: use / to make subfolders")
		case strings.ContainsRune(`:*?"<>|`, r):
			return bad("holds %s, which Windows does not allow in file names: "+portable, strconv.QuoteRune(r))
		}
	}
	if strings.HasPrefix(name, "/") || filepath.IsAbs(name) {
		return bad(`is absolute: name a file below testdata/, such as "github/list_repos"`)
	}
	elems := strings.Split(name, "/")
	maxLast := maxName - len(longestExt()) - tempExtra
	for i, elem := range elems {
		last := i == len(elems)-1
		switch {
		case elem == "..":
			return bad(`escapes testdata/: use a name without ".."`)
		case elem == "" || elem == ".":
			return bad(`has an empty or "." path element: put one / between folders, and none at either end`)
		case isReserved(elem):
			return bad("has the path element %q, which Windows reserves for a device (CON, PRN, AUX, NUL, COM0 to COM9, LPT0 to LPT9, in any case, with or without an extension): choose another name", elem)
		case !last && strings.TrimRight(elem, ". ") != elem:
			// The last element is followed by .dvd.json, so a dot or
			// space at its end is inside the file name, where Windows
			// keeps it.
			return bad("has the folder name %q, and Windows drops the dots and spaces that end a file name: end it with another character", elem)
		case !last && len(elem) > maxName:
			return bad("is too long: a folder name in it takes %d bytes, more than the %d a file name may hold: shorten it", len(elem), maxName)
		case last && len(elem) > maxLast:
			return bad("is too long: its last part takes %d bytes; a file name holds %d, and dvd adds up to %d (%q, and %d for the temporary file of a save): use at most %d",
				len(elem), maxName, len(longestExt())+tempExtra, longestExt(), tempExtra, maxLast)
		}
	}
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return bad("is not a plain relative file name on this system: " + portable)
	}
	if abs, err := filepath.Abs(filepath.Join("testdata", filepath.FromSlash(name))); err == nil {
		if n := len(abs) + len(longestExt()) + tempExtra; n > maxPath {
			return bad("is too long: saving it writes a file whose path, from the root, takes up to %d bytes, more than the %d that macOS takes: use a shorter name", n, maxPath)
		}
	}
	return nil
}

// isReserved reports whether Windows takes a file named elem for a device:
// CON, PRN, AUX, NUL, COM0-9, LPT0-9 (¹, ² and ³ count as digits), CONIN$
// and CONOUT$, in any case, also with an extension (nul.txt) and with
// spaces before it.
func isReserved(elem string) bool {
	stem, _, _ := strings.Cut(elem, ".")
	stem = strings.TrimRight(stem, " ")
	for _, dev := range []string{"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} {
		if strings.EqualFold(stem, dev) {
			return true
		}
	}
	if len(stem) < 4 || !strings.EqualFold(stem[:3], "COM") && !strings.EqualFold(stem[:3], "LPT") {
		return false
	}
	switch n := stem[3:]; n {
	case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
		return true
	}
	return false
}

// looksLikeTestName reports whether name starts as t.Name() does: with the
// name of a test, benchmark, fuzz test or example function.
func looksLikeTestName(name string) bool {
	first, _, _ := strings.Cut(name, "/")
	for _, kind := range []string{"Test", "Benchmark", "Fuzz", "Example"} {
		if rest, ok := strings.CutPrefix(first, kind); ok {
			r, _ := utf8.DecodeRuneInString(rest)
			return rest == "" || !unicode.IsLower(r)
		}
	}
	return false
}
