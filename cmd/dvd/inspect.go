package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"
)

// inspectCommand shows what a cassette holds.
var inspectCommand = &command{
	name:  "inspect",
	args:  "FILE",
	short: "show the interactions of a cassette, or one of them whole",
	long: `
Inspect prints a table of the interactions that the cassette FILE holds, one
a line, numbered from 1: the method, the URL, the status code (or the kind
of the recorded transport error, such as refused or timeout), the size in
bytes of the response body as stored, the duration, and how many times in a
row the request got this answer (a poll stored once). The columns are
separated by spaces and the first line names them, so the output can be
piped to grep, awk or sort.

With -n N, inspect prints interaction N whole instead: the request line, its
headers and body, then the response's status line, headers, body and
trailers, or the recorded error, then the duration and the count. A JSON
body is shown indented, a text body as text, and any other body as a note
of its size.

Whatever the file holds, inspect shows it as dvd would store it: anything
that the default redaction removes (see cassette.Redaction: Authorization,
cookies, tokens in the query, password fields in JSON, ...) is shown as
REDACTED. Run "dvd lint FILE" to find such values left in a file and "dvd
scrub FILE" to remove them.

Example:

	dvd inspect testdata/github/list_repos.dvd.json
	dvd inspect -n 2 testdata/github/list_repos.dvd.json

Exit status: 0 when the cassette was shown, 1 when it cannot be read or has
no interaction N, 2 for a usage error.`,
	flags: func(fs *flag.FlagSet, e *env) func(args []string) error {
		n := fs.Int("n", 0, "show interaction `N` (from 1) whole instead of the table")
		return func(args []string) error {
			if len(args) != 1 {
				return usagef("inspect takes one cassette file, got %d arguments", len(args))
			}
			given := false
			fs.Visit(func(f *flag.Flag) { given = given || f.Name == "n" })
			if given && *n < 1 {
				return usagef("-n %d: interactions are numbered from 1; without -n, inspect shows the table", *n)
			}
			return inspect(e.stdout, args[0], *n)
		}
	},
}

// inspect prints the table of the cassette at path, or its interaction n
// when n > 0.
func inspect(w io.Writer, path string, n int) error {
	c, err := cassette.Load(path)
	if err != nil {
		return fmt.Errorf("%s: cannot read the cassette: %s", path, loadReason(err))
	}
	ins := c.Interactions()
	if n > len(ins) {
		return fmt.Errorf("%s holds %s: -n takes a number from 1 to %d", path, countNoun(len(ins), "interaction"), len(ins))
	}
	if n > 0 {
		return inspectOne(w, redacted(ins, cassette.Redaction{})[n-1], n, len(ins))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tMETHOD\tURL\tSTATUS\tBODY\tDURATION\tTIMES")
	for i, in := range redacted(ins, cassette.Redaction{}) {
		status, size := "-", "-"
		switch {
		case in.Response != nil:
			status = strconv.Itoa(in.Response.StatusCode)
			size = strconv.Itoa(len(in.Response.Body))
		case in.Error != nil:
			status = string(neterr.RecordOf(in.Error).Kind)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\n", i+1, oneLine(in.Request.Method), oneLine(in.Request.URL), oneLine(status), size, in.Duration, max(in.Times, 1))
	}
	return tw.Flush()
}

// inspectOne prints interaction n of total whole. in is redacted already.
func inspectOne(w io.Writer, in cassette.Interaction, n, total int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Interaction %d of %d\n\n", n, total)
	fmt.Fprintf(&b, "Request\n  %s %s\n", oneLine(in.Request.Method), oneLine(in.Request.URL))
	writeHeader(&b, in.Request.Header)
	writeBody(&b, in.Request.Body, in.Request.Header, in.Request.Encoded)
	if r := in.Response; r != nil {
		proto := r.Proto
		if proto == "" {
			proto = "HTTP/1.1"
		}
		status := r.Status
		if status == "" {
			status = fmt.Sprintf("%d %s", r.StatusCode, http.StatusText(r.StatusCode))
		}
		fmt.Fprintf(&b, "\nResponse\n  %s %s\n", oneLine(proto), oneLine(strings.TrimSpace(status)))
		writeHeader(&b, r.Header)
		writeBody(&b, r.Body, r.Header, r.Encoded)
		if r.Truncated {
			fmt.Fprintf(&b, "  (truncated: the client closed the body after %d bytes while recording)\n", len(r.Body))
		}
		if r.BodyError != nil {
			e := neterr.RecordOf(r.BodyError)
			fmt.Fprintf(&b, "  (reading the body failed after it: %s: %s)\n", oneLine(string(e.Kind)), oneLine(e.Message))
		}
		if len(r.Trailer) > 0 {
			b.WriteString("  Trailers:\n")
			writeHeader(&b, r.Trailer)
		}
	}
	if in.Error != nil {
		e := neterr.RecordOf(in.Error)
		fmt.Fprintf(&b, "\nError\n  %s: %s\n", oneLine(string(e.Kind)), oneLine(e.Message))
	}
	fmt.Fprintf(&b, "\nDuration: %s\nTimes: %d\n", in.Duration, max(in.Times, 1))
	_, err := io.WriteString(w, b.String())
	return err
}

// writeHeader writes h, names sorted, one value a line.
func writeHeader(b *strings.Builder, h http.Header) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(b, "  %s: %s\n", oneLine(k), oneLine(v))
		}
	}
}

// writeBody writes a body after a blank line: JSON indented, text as it
// is, anything else as a note of its size.
func writeBody(b *strings.Builder, body []byte, h http.Header, encoded string) {
	if len(body) == 0 {
		return
	}
	b.WriteString("\n")
	if encoded != "" {
		fmt.Fprintf(b, "  (sent with Content-Encoding %s; shown decoded, as stored)\n", encoded)
	} else if content, coding, _ := importDecode(h, body); coding != "" {
		fmt.Fprintf(b, "  (stored as it came, %s in Content-Encoding %s; shown decoded)\n", countNoun(len(body), "byte"), coding)
		body = content
	}
	var pretty bytes.Buffer
	switch {
	case json.Valid(body) && json.Indent(&pretty, body, "  ", "  ") == nil:
		b.WriteString("  " + pretty.String() + "\n")
	case printable(body):
		text := strings.TrimSuffix(string(body), "\n")
		b.WriteString("  " + strings.ReplaceAll(text, "\n", "\n  ") + "\n")
	default:
		kind := "binary"
		if ct := h.Get("Content-Type"); ct != "" {
			kind = oneLine(ct)
		}
		fmt.Fprintf(b, "  (%s body, %s, not shown)\n", kind, countNoun(len(body), "byte"))
	}
}

// printable reports whether body is UTF-8 text without control characters
// other than tabs and line breaks, safe to print to a terminal.
func printable(body []byte) bool {
	if !utf8.Valid(body) {
		return false
	}
	for _, r := range string(body) {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}

// oneLine returns s with control characters escaped, so that a field of
// the file cannot break a line of the output or drive the terminal.
func oneLine(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}
