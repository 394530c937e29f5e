package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"

	"github.com/dvdrw/dvd/cassette"
)

// exportCommand is "dvd export": a cassette as a HAR file.
var exportCommand = &command{
	name:  "export",
	args:  "FILE",
	short: "write a cassette as a HAR file, for devtools and HAR viewers",
	long: `
Export writes the cassette FILE as HAR 1.2 (JSON) on the standard output, so
that browser devtools, Charles, Fiddler and HAR viewers open it. The
default redaction of dvd applies to every interaction first, as dvd inspect
shows it: a credential left in a cassette written by hand, by another tool
or by an older dvd is written as REDACTED, never as it is in the file; a
body stored in gzip, deflate or zstd is decoded before it is redacted.

Each interaction is an entry, with its request (method, URL, headers, query,
body), its response (status, headers, content: text, or base64 when it is
not UTF-8) and its duration, as the time spent waiting for the response.
The entries start one after the other from the time the cassette was
recorded. What HAR has no place for, such as a transport error, the coding
a body was stored without, trailers or a TLS state, goes in a field "_dvd"
of the entry, which other tools ignore; a transport error is also an entry
with status 0 and the error in "_error", as browsers write a request that
failed. dvd import of the HAR file gives back the same cassette.

Example:

	dvd export testdata/github/list_repos.dvd.json > list_repos.har

Exit status: 0 when the HAR was written, 1 when the cassette cannot be read
or the HAR written, 2 for a usage error.`,
	flags: func(fs *flag.FlagSet, e *env) func(args []string) error {
		return func(args []string) error {
			if len(args) != 1 {
				return usagef("want one cassette to export, got %d arguments", len(args))
			}
			c, err := cassette.Load(args[0])
			if err != nil {
				return loadError(args[0], err)
			}
			var out bytes.Buffer
			enc := json.NewEncoder(&out)
			enc.SetEscapeHTML(false) // bodies and URLs stay readable: <, > and & as they are
			enc.SetIndent("", "  ")
			if err := enc.Encode(buildHAR(redactedCassette(c))); err != nil {
				return fmt.Errorf("%s: %v", args[0], err)
			}
			if _, err := e.stdout.Write(out.Bytes()); err != nil {
				return fmt.Errorf("%s: writing the HAR: %v", args[0], err)
			}
			return nil
		}
	},
}

// loadError says why the cassette at path did not load, naming it once.
func loadError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: no such file", path)
	}
	var fe *cassette.FormatError
	if errors.As(err, &fe) {
		return fmt.Errorf("%s: %v", path, errors.Unwrap(fe))
	}
	return err
}

// redactedCassette returns c with the default redaction applied to each
// interaction, and each response's announced length its new body's, as
// dvd's recorder would have saved it; its recording time and clock kept.
func redactedCassette(c *cassette.Cassette) *cassette.Cassette {
	return c.With(redactedDecoded(c.Interactions(), cassette.Redaction{})...)
}
