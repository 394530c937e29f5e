package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/dvdrw/dvd/cassette"
)

// scrubCommand redacts cassettes already written.
var scrubCommand = &command{
	name:  "scrub",
	args:  "PATH...",
	short: "redact credentials from cassettes already written, in place",
	long: `
Scrub applies the default redaction of dvd (see cassette.Redaction), and the
headers, query parameters and JSON fields named with the flags, to every
interaction of each cassette, and writes the file again in place: through a
temporary file renamed over it, so that the file holds either the old
cassette or the new one, with its compression (by its name: .zst, .gz), its
permissions and its symbolic link kept. A response body that redaction
shortened is announced with its new length (Content-Length and
content_length), which would tell the secret's length otherwise. A body
stored in a content coding as it came (gzip, deflate, zstd) is decoded
first: when it held a credential, it is stored decoded and redacted, its
coding noted, as dvd's recorder stores it. A PATH is a cassette file, or a
folder searched for cassettes as dvd lint does.

Use it on a cassette written by hand, by another tool or before a secret
was known to need redaction; then record nothing again: a test replays a
scrubbed cassette as before, for dvd redacts the incoming request the same
way before it matches it. Pass the same names to the test's options
(dvdtest.RedactHeaders, RedactQuery, RedactJSON), so that the next
recording keeps them out too.

Scrub prints a line for each file, "FILE: scrubbed N interactions" or "FILE:
nothing to scrub". A file that cannot be read or written is left as it was,
with an error that names it, and scrub goes on with the others.

Example:

	dvd scrub -header X-Session-Id -json user.ssn testdata/billing.dvd.json
	dvd lint testdata

Exit status: 0 when every file was scrubbed or had nothing to scrub, 1 when
a file could not be read or written, 2 for a usage error.`,
	flags: func(fs *flag.FlagSet, e *env) func(args []string) error {
		var r cassette.Redaction
		fs.Var((*repeatedFlag)(&r.Headers), "header", "also redact the header `NAME`, in requests and responses (repeatable)")
		fs.Var((*repeatedFlag)(&r.Query), "query", "also redact the query and form parameter `NAME` (repeatable)")
		fs.Var((*jsonPathFlag)(&r.JSONFields), "json", "also redact the JSON body field at `PATH`: token, user.token, items.*.secret or $.items[*].secret (repeatable)")
		return func(args []string) error {
			if len(args) == 0 {
				return usagef("scrub takes at least one cassette file or folder")
			}
			if err := (cassette.Config{Redact: r}).Validate(); err != nil {
				return usagef("%s", strings.ReplaceAll(err.Error(), "cassette: Config.Redact.", "flag "))
			}
			return scrub(e.stdout, e.stderr, args, r)
		}
	},
}

// scrub redacts the cassettes under paths with r, in place.
func scrub(stdout, stderr io.Writer, paths []string, r cassette.Redaction) error {
	files, err := findCassettes(paths)
	failed := false
	if err != nil {
		for _, e := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "dvd scrub: %s\n", e)
		}
		failed = true
	}
	for _, f := range files {
		n, err := scrubFile(f, r)
		switch {
		case err != nil:
			fmt.Fprintf(stderr, "dvd scrub: %s\n", err)
			failed = true
		case n == 0:
			fmt.Fprintf(stdout, "%s: nothing to scrub\n", f)
		default:
			fmt.Fprintf(stdout, "%s: scrubbed %s\n", f, countNoun(n, "interaction"))
		}
	}
	if failed {
		return errFindings
	}
	return nil
}

// scrubFile redacts the cassette at path with r and saves it over itself
// when anything changed. It returns how many interactions changed.
func scrubFile(path string, r cassette.Redaction) (int, error) {
	c, err := cassette.Load(path)
	if err != nil {
		return 0, fmt.Errorf("%s: cannot read the cassette, left as it is: %s; restore it from version control", path, oneLine(loadReason(err)))
	}
	ins := c.Interactions()
	out := redactedDecoded(ins, r)
	changed := 0
	for i, in := range ins {
		if !sameInteraction(in, out[i]) {
			changed++
		}
	}
	if changed == 0 {
		return 0, nil
	}
	nc := c.With(out...)
	if err := nc.Save(path); err != nil {
		return 0, fmt.Errorf("%s: cannot write the scrubbed cassette, the file is left as it was: %s", path, oneLine(loadReason(err)))
	}
	return changed, nil
}
