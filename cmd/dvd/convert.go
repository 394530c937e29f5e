package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
)

// convertCommand is "dvd convert": cassettes in another compression.
var convertCommand = &command{
	name:  "convert",
	args:  "FILE...",
	short: "change the compression of cassettes",
	long: `
Convert rewrites each cassette FILE with the compression -compress names,
under the name that compression asks for: x.dvd.json, x.dvd.json.zst
(zstd) or x.dvd.json.gz (gzip). The content stays the same.

Nothing is lost: the new file is written atomically and read back, and the
old one is removed only once the new one holds the same cassette. A
cassette already in that compression is left as it is. The new file has
the old one's permissions. A symbolic link is refused: convert the file it
points to, and point the link at the new name. If a file of the
new name exists and holds another cassette, convert leaves both and says
so; remove the one you do not want and run it again.

Convert goes on past a file that fails, and exits 1 at the end. It prints
one line per file:

	x.dvd.json → x.dvd.json.zst: 12 interactions, 48.1 KiB → 6.2 KiB

Example:

	dvd convert -compress zstd testdata/*.dvd.json

Exit status: 0 when every cassette was converted or already in that
compression, 1 when one could not be, 2 for a usage error.`,
	flags: func(fs *flag.FlagSet, e *env) func(args []string) error {
		comp := fs.String("compress", "", "the compression to write: `zstd`, gzip or none (required)")
		return func(args []string) error {
			if *comp == "" {
				return usagef("-compress is required: zstd, gzip or none")
			}
			c, err := parseCompression(*comp)
			if err != nil {
				return err
			}
			if len(args) == 0 {
				return usagef("no cassette to convert")
			}
			failed := false
			for _, path := range args {
				line, err := convertFile(path, c)
				if err != nil {
					fmt.Fprintf(e.stderr, "dvd convert: %v\n", err)
					failed = true
					continue
				}
				fmt.Fprintln(e.stdout, line)
			}
			if failed {
				return errFindings
			}
			return nil
		}
	},
}

// convertedName returns the name of the cassette at path in compression c,
// or "" when path is not named as a cassette.
func convertedName(path string, c codec.Compression) string {
	base := path
	for _, ext := range []string{codec.Zstd.Ext(), codec.Gzip.Ext()} {
		base = strings.TrimSuffix(base, ext)
	}
	if !strings.HasSuffix(base, cassette.Ext) {
		return ""
	}
	return base + c.Ext()
}

// convertFile rewrites the cassette at path in compression c, and returns
// the line that reports it.
func convertFile(path string, c codec.Compression) (line string, err error) {
	done := false // the new file holds the cassette: it stays
	to := convertedName(path, c)
	if to == "" {
		return "", fmt.Errorf("%s: not the name of a dvd cassette, which ends in %s, %s%s or %s%s; for a go-vcr cassette or a HAR file, use dvd import",
			path, cassette.Ext, cassette.Ext, codec.Zstd.Ext(), cassette.Ext, codec.Gzip.Ext())
	}
	info, err := os.Lstat(path)
	if err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return "", fmt.Errorf("%s: a symbolic link: converting it would replace the link with a file and leave the file it points to; convert that file, and point the link at its new name", path)
	}
	old, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s: no such file", path)
		}
		return "", fmt.Errorf("%s: cannot read it: %v", path, unwrapPath(err))
	}
	cas, err := cassette.Unmarshal(old)
	if err != nil {
		return "", loadError(path, err)
	}
	want, err := cassette.Marshal(cas)
	if err != nil {
		return "", fmt.Errorf("%s: %v", path, err)
	}
	summary := func(newSize int) string {
		return fmt.Sprintf("%s → %s: %d %s, %s → %s", path, to, cas.Len(), plural(cas.Len(), "interaction"), byteSize(len(old)), byteSize(newSize))
	}
	if to == path {
		if codec.Detect(old) == c {
			return fmt.Sprintf("%s: already %s, unchanged", path, c), nil
		}
		// Named for c, but compressed otherwise: rewrite it in place.
	} else if existing, err := codec.ReadFile(to); err == nil {
		other, err := cassette.Unmarshal(existing)
		if err != nil {
			return "", fmt.Errorf("%s: %s exists and is not a cassette dvd reads; it is left as it is: remove it or move it away, and run dvd convert again", path, to)
		}
		same, err := cassette.Marshal(other)
		if err != nil || !bytes.Equal(same, want) {
			return "", fmt.Errorf("%s: %s exists and holds another cassette; both are left as they are: remove the one you do not want, and run dvd convert again", path, to)
		}
		// The same cassette is there already: only the old file goes.
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s: cannot read %s, which exists: %v", path, to, unwrapPath(err))
	}
	if to != path {
		// Made first with the old file's permissions, which the save
		// keeps: a cassette of mode 0600 is never readable by others.
		if f, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
			err = f.Chmod(info.Mode().Perm())
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(to)
				return "", fmt.Errorf("%s: cannot write %s: %v; %s is left as it is", path, to, unwrapPath(err), path)
			}
			defer func() {
				if !done {
					os.Remove(to)
				}
			}()
		}
	}
	if err := cas.Save(to); err != nil {
		return "", fmt.Errorf("%s: cannot write %s: %v; %s is left as it is", path, to, unwrapPath(err), path)
	}
	// Read the new file back before the old one goes.
	written, err := os.ReadFile(to)
	if err != nil {
		return "", fmt.Errorf("%s: cannot read back %s: %v; %s is left as it is", path, to, unwrapPath(err), path)
	}
	back, err := cassette.Unmarshal(written)
	if err != nil {
		return "", fmt.Errorf("%s: %s does not read back: %v; %s is left as it is", path, to, err, path)
	}
	if got, err := cassette.Marshal(back); err != nil || !bytes.Equal(got, want) {
		return "", fmt.Errorf("%s: %s does not read back as the same cassette; %s is left as it is", path, to, path)
	}
	done = true
	if to != path {
		if err := os.Remove(path); err != nil {
			return "", fmt.Errorf("%s: %s is written, but the old file could not be removed: %v; remove it by hand", path, to, unwrapPath(err))
		}
	}
	return summary(len(written)), nil
}

// unwrapPath returns the reason of a *fs.PathError, whose path the caller
// names already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// byteSize writes a number of bytes for people: 812 B, 48.1 KiB, 3.0 MiB.
func byteSize(n int) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
}
