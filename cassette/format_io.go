package cassette

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/dvdrw/dvd/internal/jsonwire"
)

// A FormatError reports a cassette that cannot be read, or that cannot be
// written in a form that reads back: the file, when there is one, and what
// is wrong, with a line and column where there is one.
type FormatError struct {
	path string // empty for Marshal and Unmarshal, which name no file
	err  error
}

func (e *FormatError) Error() string {
	if e.path == "" {
		return "cassette: " + e.err.Error()
	}
	return "cassette: " + e.path + ": " + e.err.Error()
}

// Unwrap returns what is wrong, without the file's name.
func (e *FormatError) Unwrap() error { return e.err }

// unmarshalJSON reads the uncompressed JSON of a cassette file.
func unmarshalJSON(data []byte) (*file, error) {
	f := &file{}
	if err := jsonwire.Read(data, fileFormat, f); err != nil {
		return nil, jsonwire.Locate(data, diagnose(data, err))
	}
	return f, nil
}

// diagnose picks what to report about a file that did not read: that it
// is of a newer version, whatever else is wrong, since a newer format may
// change anything; then its first syntax error, as it may be why the rest
// looked wrong; then that it is no cassette at all; then err.
func diagnose(data []byte, err error) error {
	v, found, known := jsonwire.TopInt(data, "version")
	if found && v > version {
		return versionError(v)
	}
	if err := jsonwire.Validate(data); err != nil {
		return err
	}
	if known && !found {
		return errors.New(`not a dvd cassette: it has no "version"`)
	}
	return err
}

// marshal returns the uncompressed JSON of f, or an error naming what
// Unmarshal would refuse in it. The output depends only on f: header names
// are sorted, and the same file always gives the same bytes.
//
// The file says the oldest version that holds it, so that a cassette that
// needs nothing newer still reads with an older dvd. That version is known
// once the file is written: the writer starts at 1 and puts the version it
// reached in place of the 1 at the end.
func marshal(f *file) ([]byte, error) {
	oldest := *f
	oldest.Version = 1
	w := jsonwire.Writer{Buf: make([]byte, 0, 256+estimate(f)), Version: 1}
	if err := fileFormat.Write(&w, &oldest); err != nil {
		return nil, err
	}
	w.Buf = append(w.Buf, '\n')
	if w.Version > 1 {
		at := len("{\n  \"version\": ")
		w.Buf = slices.Replace(w.Buf, at, at+1, strconv.AppendInt(nil, int64(w.Version), 10)...)
	}
	return w.Buf, nil
}

// estimate guesses the encoded size, so the buffer grows at most once or
// twice.
func estimate(f *file) int {
	n := 0
	for i := range f.Interactions {
		in := &f.Interactions[i]
		n += 300 + len(in.Request.URL) + headerSize(in.Request.Header) + len(in.Request.Body)*2
		if in.Response != nil {
			n += headerSize(in.Response.Header) + headerSize(in.Response.Trailer) + len(in.Response.Body)*2
		}
	}
	return n
}

// headerSize guesses the encoded size of h, indentation included.
func headerSize(h http.Header) int {
	n := 0
	for k, vs := range h {
		n += len(k) + 20
		for _, v := range vs {
			n += len(v) + 4
		}
	}
	return n
}
