package main

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/redact"
)

// lintCommand finds what should not be in a cassette, and cassettes no
// test uses.
var lintCommand = &command{
	name:  "lint",
	args:  "PATH...",
	short: "find credentials, failures and unused cassettes",
	long: `
Lint checks cassette files: each PATH is a cassette file, or a folder that
lint searches, with its subfolders (but for those whose name starts with a
dot), for *.dvd.json, *.dvd.json.zst and *.dvd.json.gz. It prints one line
per finding, "FILE: #N: what" for interaction N of FILE, and finds:

  - credentials left in the file: lint runs dvd's secrets engine on each
    place of what the file holds (a URL, a header, a form, a JSON or text
    body, an error message), bodies decoded first, and reports every value
    it finds (see cassette.Redaction), as in a cassette written by hand, by
    another tool or by an older dvd. The line says where ("request header
    Authorization", "response body field $.token", "request URL query
    access_token"), never the value. "dvd scrub FILE" removes them.
    -header, -query and -json name more credentials to look for, as they
    name more to redact for dvd scrub and dvdtest's Redact options.
  - bodies stored in a content coding (gzip, br…) rather than decoded, as
    a hand, another tool or an import of a gzip body cut short leaves
    them. Lint decodes what it can, even a body cut short, and reports the
    credentials in it (dvd scrub decodes and redacts a body that decodes
    whole); a body that does not decode is reported as "response body stored encoded (br): not
    checked for credentials".
  - truncated response bodies: the client closed the body before its end
    while recording, so replay gives only what it read.
  - recorded failures to connect: connection refused, a name that did not
    resolve, an unreachable network, a failed dial, TLS handshake or
    certificate: the server was likely down when the cassette was
    recorded. -failures=false leaves them out, for a suite that records
    them on purpose (dvdtest.RecordFailures).
  - a file that cannot be read: corrupt, cut short, or of a newer format.
  - with -used: cassettes that no test used. Run the tests with DVD_USED
    naming a file, and every dvdtest.Use appends its cassette to it; then
    every cassette under PATH that is not in the list is reported as "FILE:
    not used by any test in LIST". A cassette is one whatever its
    compression, as for dvdtest: x.dvd.json is used when the list holds
    x.dvd.json.zst. -used may be given more than once, for the lists of
    several runs (different build tags, operating systems).

Responses with a 5xx status are warnings, marked "warning:": a server
error may be what the test is about. So is a body stored in a coding
that lint cannot decode to look into (br, as dvd records it): dvd stores
such a body as it came. Warnings alone leave the exit status 0, unless
-strict is given.

Example:

	rm -f used.txt
	DVD_USED=$PWD/used.txt go test -count=1 ./...
	dvd lint -used used.txt .

-count=1 runs every test: a test that go test takes from its cache does
not run, and writes nothing to the list.

Exit status: 0 when there is nothing to report (or only warnings, without
-strict), 1 when there is a finding or a PATH does not exist or holds no
cassette, 2 for a usage error.`,
	flags: func(fs *flag.FlagSet, e *env) func(args []string) error {
		var used repeatedFlag
		var r cassette.Redaction
		fs.Var(&used, "used", "a `LIST` of used cassettes written by DVD_USED=LIST go test; report the cassettes not in it (repeatable)")
		strict := fs.Bool("strict", false, "exit 1 on warnings (5xx responses) too")
		failures := fs.Bool("failures", true, "report recorded failures to connect")
		fs.Var((*repeatedFlag)(&r.Headers), "header", "also report the header `NAME` as a credential (repeatable)")
		fs.Var((*repeatedFlag)(&r.Query), "query", "also report the query and form parameter `NAME` (repeatable)")
		fs.Var((*jsonPathFlag)(&r.JSONFields), "json", "also report the JSON body field at `PATH`: token, user.token, items.*.secret or $.items[*].secret (repeatable)")
		return func(args []string) error {
			if len(args) == 0 {
				return usagef("lint takes at least one cassette file or folder")
			}
			if err := (cassette.Config{Redact: r}).Validate(); err != nil {
				return usagef("%s", err)
			}
			l := &linter{w: e.stdout, strict: *strict, failures: *failures, redact: r, rules: redact.New(redact.Options(r))}
			return l.run(e.stderr, args, used)
		}
	},
}

// linter holds the options and the count of what one run of lint found.
type linter struct {
	w                io.Writer
	strict, failures bool
	redact           cassette.Redaction // the names to look for beyond the defaults
	rules            *redact.Rules      // the secrets engine, with the names of redact
	errors, warnings int
	secrets          []string // the files that hold credentials
}

// run lints the cassettes under paths, against the used lists, and
// returns errFindings when the exit status must be 1.
func (l *linter) run(stderr io.Writer, paths, lists []string) error {
	used, listName, err := readUsed(lists)
	if err != nil {
		return err
	}
	files, findErr := findCassettes(paths)
	for _, f := range files {
		l.file(f)
		if used != nil && !used.has(f) {
			l.errorf("%s: not used by any test in %s", f, listName)
		}
	}
	if len(l.secrets) > 0 {
		fmt.Fprintf(stderr, "dvd lint: to redact the credentials, run:\n\tdvd scrub %s%s\n", l.redactFlags(), quoteAll(l.secrets))
	}
	if findErr != nil {
		for _, e := range strings.Split(findErr.Error(), "\n") {
			fmt.Fprintf(stderr, "dvd lint: %s\n", e)
		}
		return errFindings
	}
	if l.errors > 0 || (l.strict && l.warnings > 0) {
		return errFindings
	}
	return nil
}

// redactFlags returns the flags of scrub that redact what lint was told
// to look for, each followed by a space.
func (l *linter) redactFlags() string {
	var b strings.Builder
	for _, f := range []struct {
		flag  string
		names []string
	}{{"-header", l.redact.Headers}, {"-query", l.redact.Query}, {"-json", l.redact.JSONFields}} {
		for _, n := range f.names {
			fmt.Fprintf(&b, "%s %s ", f.flag, shellQuote(n))
		}
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// quoteAll quotes each of s for a shell and joins them with spaces.
func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = shellQuote(v)
	}
	return strings.Join(q, " ")
}

// errorf prints a finding that sets the exit status to 1.
func (l *linter) errorf(format string, args ...any) {
	l.errors++
	fmt.Fprintf(l.w, format+"\n", args...)
}

// warnf prints a warning, which sets the exit status to 1 only with
// -strict.
func (l *linter) warnf(format string, args ...any) {
	l.warnings++
	fmt.Fprintf(l.w, format+"\n", args...)
}

// file lints one cassette file.
func (l *linter) file(path string) {
	c, err := cassette.Load(path)
	if err != nil {
		l.errorf("%s: cannot be read: %s", path, oneLine(loadReason(err)))
		return
	}
	hasSecret := false
	for i, in := range c.Interactions() {
		n := i + 1
		red := engineRedacted(l.rules, in)
		for _, place := range secretPlaces(plainMarkers(in), red) {
			hasSecret = true
			l.errorf("%s: #%d: credential left in %s", path, n, place)
		}
		if l.encodedBodies(path, n, in) {
			hasSecret = true
		}
		// Describe the request by the redacted copy, never the original.
		req := oneLine(red.Request.Method) + " " + oneLine(red.Request.URL)
		if e := red.Error; e != nil && l.failures && neterr.RecordOf(e).CouldNotConnect() {
			l.errorf("%s: #%d: %s could not connect (%s): the server was likely unreachable while recording; record it again where it is reachable", path, n, req, oneLine(string(neterr.RecordOf(e).Kind)))
		}
		if r := red.Response; r != nil {
			if r.Truncated {
				l.errorf("%s: #%d: %s: the response body is truncated: the client closed it after %s while recording, and replay gives no more", path, n, req, countNoun(len(r.Body), "byte"))
			}
			if r.StatusCode >= 500 && r.StatusCode <= 599 {
				l.warnf("%s: #%d: warning: %s answered %d: a server error, recorded as it was", path, n, req, r.StatusCode)
			}
		}
	}
	if hasSecret {
		l.secrets = append(l.secrets, path)
	}
}

// usedSet is the cassettes of the used lists, by cassetteKey of their
// real path.
type usedSet map[string]bool

// has reports whether the cassette file at path is in the set.
func (u usedSet) has(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	return u[cassetteKey(realPath(abs))]
}

// readUsed reads the lists that DVD_USED wrote, one absolute path a line,
// duplicates and blank lines ignored; a relative path is taken relative to
// the list's folder. It returns a nil set when there is no list, and the
// lists' names for messages.
func readUsed(lists []string) (usedSet, string, error) {
	if len(lists) == 0 {
		return nil, "", nil
	}
	set := usedSet{}
	for _, list := range lists {
		f, err := os.Open(list)
		if err != nil {
			return nil, "", fmt.Errorf("%s: cannot read the list of used cassettes: %v; write it by running the tests with DVD_USED set, as in DVD_USED=$PWD/%s go test -count=1 ./... in the module, and run lint again", list, pathErr(err), filepath.Base(list))
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			if !filepath.IsAbs(line) {
				line = filepath.Join(filepath.Dir(list), line)
			}
			if abs, err := filepath.Abs(line); err == nil {
				line = abs
			}
			set[cassetteKey(realPath(line))] = true
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, "", fmt.Errorf("%s: cannot read the list of used cassettes: %w", list, err)
		}
	}
	return set, strings.Join(lists, ", "), nil
}

// realPath returns abs with the symbolic links of its folder resolved (the
// file itself may not exist), so that a path seen through a link compares
// equal to the same path seen without it; abs as it is when its folder
// does not exist either.
func realPath(abs string) string {
	dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
	if err != nil {
		return abs
	}
	return filepath.Join(dir, filepath.Base(abs))
}

// encodedBodies reports the bodies of in stored in a content coding, not
// decoded (no Encoded marker, not Uncompressed): as a hand, another tool
// or an import of a body that does not decode whole leaves them. Redaction
// cannot see into them; lint decodes what it can, even a body cut short,
// and reports the credentials in it, or that it was not checked. It
// reports whether a body that decodes whole holds one, which dvd scrub
// redacts.
func (l *linter) encodedBodies(path string, n int, in cassette.Interaction) (scrubbable bool) {
	check := func(side string, h http.Header, body []byte, set func(*cassette.Interaction, []byte)) {
		codings := contentCodings(h)
		if len(codings) == 0 || len(body) == 0 {
			return
		}
		name := strings.Join(codings, ", ")
		content, ok := decodeLeniently(codings, body)
		if !ok {
			l.warnf("%s: #%d: warning: %s body stored encoded (%s): not checked for credentials", path, n, side, name)
			return
		}
		plain := cloneInteraction(in)
		set(&plain, content)
		red := engineRedacted(l.rules, plain)
		var redBody []byte
		var hdr http.Header
		if side == "request" {
			redBody, hdr = red.Request.Body, plain.Request.Header
		} else {
			redBody, hdr = red.Response.Body, plain.Response.Header
		}
		whole := false
		if _, enc, _ := importDecode(h, body); enc != "" {
			whole = true
		}
		for _, place := range bodyPlaces(side+" body", redact.UnnumberedBytes(content), redBody, hdr) {
			if whole {
				scrubbable = true
				l.errorf("%s: #%d: credential left in %s, in the body stored encoded (%s)", path, n, place, name)
			} else {
				l.errorf("%s: #%d: credential left in %s, in the body stored encoded (%s), which does not decode whole and dvd scrub cannot redact: record it again, or fix it by hand", path, n, place, name)
			}
		}
	}
	if in.Request.Encoded == "" {
		check("request", in.Request.Header, in.Request.Body, func(x *cassette.Interaction, b []byte) {
			x.Request.Body = b
			x.Request.Header.Del("Content-Encoding")
		})
	}
	if r := in.Response; r != nil && r.Encoded == "" && !r.Uncompressed {
		check("response", r.Header, r.Body, func(x *cassette.Interaction, b []byte) {
			x.Response.Body = b
			x.Response.Header.Del("Content-Encoding")
		})
	}
	return scrubbable
}

// contentCodings returns the content codings h names, in lower case, but
// identity.
func contentCodings(h http.Header) []string {
	var codings []string
	for _, v := range h.Values("Content-Encoding") {
		for c := range strings.SplitSeq(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	return codings
}

// decodeLeniently decodes a body in one content coding, as far as it
// decodes: a gzip or deflate body cut short gives the content before the
// cut. It reports false when nothing decodes, or the coding is one dvd
// does not decode.
func decodeLeniently(codings []string, body []byte) ([]byte, bool) {
	if len(codings) != 1 {
		return nil, false
	}
	h := http.Header{"Content-Encoding": codings}
	if content, encoded, _ := importDecode(h, body); encoded != "" {
		return content, true
	}
	var r io.Reader
	switch codings[0] {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, false
		}
		r = zr
	case "deflate":
		if zr, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
			r = zr
		} else {
			r = flate.NewReader(bytes.NewReader(body))
		}
	default:
		return nil, false
	}
	content, _ := io.ReadAll(io.LimitReader(r, maxImportDecoded))
	return content, len(content) > 0
}
