package dvdtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// envUsed is the environment variable that names the file to which every
// [Use] appends the path of its cassette: DVD_USED=$PWD/used.txt go test
// ./... lists the cassettes that the run used, for "dvd lint -used
// used.txt" to report the ones no test uses.
//
// Each line is the absolute, cleaned path of a cassette as Use would save
// it (testdata/<name>.dvd.json, with the extension that [Compress] asks
// for), whatever the mode and whether or not the file exists. A path is
// written once per Use, so a cassette that several tests or several runs
// use appears several times. A relative DVD_USED is relative to the
// directory the test runs in, which go test makes the package's own, so
// give an absolute path.
const envUsed = "DVD_USED"

// noteUsed appends the cassette path abs, and a newline, to the file that
// DVD_USED names, when it names one. It returns an error that names the
// variable and the file when the line cannot be written.
//
// go test ./... runs the test binaries of several packages at once, and
// each may call Use from parallel tests, so many writers append to the same
// file. The file is opened with O_APPEND and each line is written whole in
// a single write: POSIX makes each such write land at the end of the file
// in one piece on a local file system, for the short lines written here
// (a cassette path is at most a few hundred bytes, under PIPE_BUF), so
// lines never interleave. Network file systems (NFS) may not keep that
// promise; point DVD_USED at a local file. Readers should ignore duplicate
// lines, as dvd lint does.
func noteUsed(abs string) error {
	name := os.Getenv(envUsed)
	if name == "" {
		return nil
	}
	if strings.ContainsAny(abs, "\n\r") {
		// Use refuses control characters in a name; this is a last guard
		// against a line that would read as two.
		return fmt.Errorf("%s=%s: the cassette path %q holds a line break and cannot be listed", envUsed, name, abs)
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("%s=%s: cannot open the list of used cassettes: %v; point %s at a file in a folder that exists and that you can write, or unset it", envUsed, name, err, envUsed)
	}
	_, err = f.Write([]byte(filepath.Clean(abs) + "\n"))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s=%s: cannot append %s to the list of used cassettes: %v", envUsed, name, abs, err)
	}
	return nil
}
