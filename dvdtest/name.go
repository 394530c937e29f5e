package dvdtest

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
)

// cassettePath returns testdata/<name>.dvd.json[.zst|.gz], or an error when
// the name would leave testdata/.
func cassettePath(name string, c codec.Compression) (string, error) {
	bad := func(why string) error {
		return errors.New("cassette name " + strconv.Quote(name) + " " + why)
	}
	switch {
	case strings.ContainsRune(name, 0):
		return "", bad("holds a NUL byte")
	case strings.ContainsRune(name, '\\'):
		return "", bad("holds a backslash: use / to make subfolders")
	case strings.HasPrefix(name, "/") || filepath.IsAbs(name):
		return "", bad("is absolute: name a file below testdata/, such as \"github/list_repos\"")
	}
	for _, elem := range strings.Split(name, "/") {
		switch elem {
		case "..":
			return "", bad("escapes testdata/: use a name without \"..\"")
		case "", ".":
			return "", bad("has an empty or \".\" path element")
		}
	}
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return "", bad("is not a plain relative file name on this system")
	}
	return filepath.Join("testdata", filepath.FromSlash(name)) + cassette.Ext + c.Ext(), nil
}
