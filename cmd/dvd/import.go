package main

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/redact"
)

// importCommand is "dvd import": go-vcr cassettes and HAR files become
// dvd cassettes.
var importCommand = &command{
	name:  "import",
	args:  "FILE...",
	short: "turn go-vcr cassettes and HAR files into dvd cassettes",
	long: `
Import reads go-vcr cassettes (YAML, format version 1 as go-vcr v1 and v2
write it, and version 2 as go-vcr v3 and v4 write it) and HAR 1.2 files,
and writes each as a dvd cassette named after it, its extension replaced:
x.cassette.yaml becomes x.cassette.dvd.json, x.yml and x.har become
x.dvd.json. A file whose name ends neither in .yaml, .yml nor .har is read
as a HAR file when it is a JSON object with a "log", as a go-vcr cassette
otherwise. A dvd cassette (named *.dvd.json, *.dvd.json.zst or
*.dvd.json.gz, compressed, or a JSON object with "version" and
"interactions") is refused: it needs no import, and dvd convert changes
its compression.

Every interaction replays from the new cassette with the default matchers,
in the recorded order, with its status, headers, body, duration and
protocol. The default redaction applies before anything is written:
Authorization, cookies, tokens in URLs and JSON bodies and the rest (see
docs/secrets.md in dvd's repository). A body in gzip, deflate or zstd is stored
decoded, as dvd's recorder stores it, and encoded again on replay.

A cassette is written only when its whole input was read: a file that
cannot be read gets an error that names it and says why, and no output.
An output that exists is replaced, atomically, by a successful import only;
two inputs of one run that would make the same output (x.yaml and x.har)
make the first, and an error for the second. A cassette of the same name in
another compression (x.dvd.json when -compress zstd would write
x.dvd.json.zst) is an error too, for dvdtest would find two: remove it, or
import in its compression and change that with dvd convert. Import goes on past a file
that fails, and exits 1 at the end.

It prints one line per file imported:

	x.yaml → x.dvd.json: 12 interactions

and, on the standard error, one summary of what the run changed: a line
per kind of change (a value redacted in a place, a key go-vcr does not
write ignored), with its count and the first file and interaction (or
line) where it happened, never a value. -v lists every change too. -keep
keeps the values of named fields that are not secrets (a password field
that holds a rule expression), as cassette.Redaction.Keep does.

Example:

	dvd import -o testdata testdata/fixtures/*.yaml
	dvd import -keep password,session testdata/fixtures/cloudflare.yaml

Exit status: 0 when every file was imported, 1 when a file could not be
read, imported or written, 2 for a usage error.`,
	flags: func(fs *flag.FlagSet, e *env) func(args []string) error {
		dir := fs.String("o", "", "write the cassettes in `DIR` (created if missing) instead of beside their inputs")
		comp := fs.String("compress", "none", "compress the cassettes: `zstd`, gzip or none")
		keep := fs.String("keep", "", "keep the values of the fields `NAME,NAME…` that are not secrets, in every place (see cassette.Redaction.Keep)")
		verbose := fs.Bool("v", false, "list every change import made, not only one example of each kind")
		return func(args []string) error {
			c, err := parseCompression(*comp)
			if err != nil {
				return err
			}
			if len(args) == 0 {
				return usagef("no file to import")
			}
			opts := &importOptions{report: &importReport{}}
			for name := range strings.SplitSeq(*keep, ",") {
				if name = strings.TrimSpace(name); name != "" {
					opts.redaction.Keep = append(opts.redaction.Keep, name)
				}
			}
			if *verbose {
				opts.report.each = e.stderr
			}
			opts.rules = redact.New(redact.Options(opts.redaction))
			defer opts.report.write(e.stderr)
			failed := false
			written := map[string]string{} // output → the input it came from
			for _, in := range args {
				out := importOutput(in, *dir, c)
				if from, ok := written[filepath.Clean(out)]; ok {
					fmt.Fprintf(e.stderr, "dvd import: %s: its cassette would be %s, which was just imported from %s; import it on its own, with -o into another folder\n", in, out, from)
					failed = true
					continue
				}
				if other := otherCompression(out); other != "" {
					fmt.Fprintf(e.stderr, "dvd import: %s: %s exists, a cassette of the same name in another compression, and %s beside it would make two that dvdtest chooses between; remove %s and import again, or import with -compress %s and change the compression with dvd convert\n", in, other, filepath.Base(out), other, compressionOf(other))
					failed = true
					continue
				}
				n, err := importFile(in, out, e.stderr, opts)
				if err != nil {
					fmt.Fprintf(e.stderr, "dvd import: %s: %v\n", in, err)
					failed = true
					continue
				}
				written[filepath.Clean(out)] = in
				fmt.Fprintf(e.stdout, "%s → %s: %d %s\n", in, out, n, plural(n, "interaction"))
			}
			if failed {
				return errFindings
			}
			return nil
		}
	},
}

// parseCompression reads the value of a -compress flag.
func parseCompression(s string) (codec.Compression, error) {
	for _, c := range []codec.Compression{codec.None, codec.Zstd, codec.Gzip} {
		if s == c.String() {
			return c, nil
		}
	}
	return 0, usagef("-compress %q: want zstd, gzip or none", s)
}

// plural returns n's noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// importOutput returns the name of the cassette imported from in: in's
// name with its extension replaced by the cassette's, in dir if it is
// not empty.
func importOutput(in, dir string, c codec.Compression) string {
	base := filepath.Base(in)
	if ext := filepath.Ext(base); ext != "" && ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	base += cassette.Ext + c.Ext()
	if dir == "" {
		dir = filepath.Dir(in)
	}
	return filepath.Join(dir, base)
}

// importFile imports the file in to the cassette out and returns how many
// interactions it holds. Nothing is written unless all of in was read.
func importFile(in, out string, stderr io.Writer, opts *importOptions) (int, error) {
	data, err := os.ReadFile(in)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, errors.New("no such file")
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return 0, fmt.Errorf("cannot read it: %v", err)
	}
	warn := func(format string, args ...any) {
		fmt.Fprintf(stderr, "dvd import: %s: warning: %s\n", in, fmt.Sprintf(format, args...))
	}
	if why := dvdCassette(in, data); why != "" {
		return 0, fmt.Errorf("already a dvd cassette (%s): dvd import reads go-vcr cassettes and HAR files; use it as it is, or dvd convert to change its compression", why)
	}
	ins, err := parseImport(in, data, warn, opts)
	if err != nil {
		return 0, err
	}
	c := cassette.New(ins...)
	if t, ok, err := freezeTime(in); err != nil {
		return 0, err
	} else if ok {
		c.SetReadings(t)
		opts.report.add("read the frozen time of the test from its .freeze file, as the clock's first reading", in, filepath.Base(freezeName(in)))
	}
	if isHARInput(in, data) {
		if t := harStart(data); !t.IsZero() {
			c.SetRecordedAt(t) // so that export gives the entries their dates back
		}
	}
	if err := c.Save(out); err != nil {
		var fe *cassette.FormatError
		if errors.As(err, &fe) {
			return 0, fmt.Errorf("it holds what a dvd cassette cannot: %v", errors.Unwrap(fe))
		}
		return 0, fmt.Errorf("cannot write %s: %v", out, err)
	}
	return len(ins), nil
}

// parseImport reads a go-vcr cassette or a HAR file, as its name and its
// first bytes say, and returns its interactions ready to store: decoded
// and redacted. opts may be nil, for the defaults and no report.
func parseImport(name string, data []byte, warn func(format string, args ...any), opts *importOptions) ([]cassette.Interaction, error) {
	if opts == nil {
		opts = &importOptions{rules: redact.Default()}
	}
	var ins []cassette.Interaction
	var err error
	switch {
	case isHARInput(name, data):
		ins, err = parseHAR(data)
	default:
		ins, err = parseGoVCR(data, warn, func(kind, where string) { opts.report.add(kind, name, where) })
	}
	if err != nil {
		return nil, err
	}
	ptrs := make([]*cassette.Interaction, len(ins))
	came, decoded := make([]cassette.Interaction, len(ins)), make([]cassette.Interaction, len(ins))
	for i := range ins {
		came[i] = shallow(ins[i])
		importClean(&ins[i], i+1, warn, opts, name)
		decoded[i] = shallow(ins[i])
		ptrs[i] = &ins[i]
		// A body edited by hand, or by a tool that did not fix the
		// length: the length a replay announces must be the body's.
		if r := ins[i].Response; r != nil && lengthDisagrees(ins[i].Request.Method, r) {
			opts.report.add("set a response's Content-Length to the length of its body, which it did not have", name, "interaction "+strconv.Itoa(i+1))
		}
	}
	// The file is one recording: its secrets are numbered and tainted
	// across its interactions.
	opts.redaction.Apply(ptrs...)
	for i := range ins {
		asCame(&ins[i], &decoded[i], &came[i])
	}
	for _, in := range ins {
		if r := in.Response; r != nil {
			syncImportedLength(in.Request.Method, r)
		}
	}
	return ins, nil
}

// importClean makes an imported interaction ready for redaction, as dvd's
// recorder would have: bodies in a coding dvd decodes stored decoded; it
// reports the credentials redaction will remove.
func importClean(in *cassette.Interaction, n int, warn func(format string, args ...any), opts *importOptions, name string) {
	reqWhy, respWhy := decodeStored(in)
	for _, b := range []struct{ side, why string }{{"request", reqWhy}, {"response", respWhy}} {
		switch {
		case b.why == "":
		case opts.report != nil:
			opts.report.add("stored a "+b.side+" body as it came, not redacted, as it is "+b.why+": check it for secrets", name, "interaction "+strconv.Itoa(n))
		default:
			warn("interaction %d: the %s body is %s; it is stored as it came, and not redacted: check it for secrets", n, b.side, b.why)
		}
	}
	if opts.report != nil {
		for _, place := range credentialPlaces(opts.rules, *in) {
			opts.report.add("redacted "+place, name, "interaction "+strconv.Itoa(n))
		}
	}
}

// importOptions are the options of one run of import.
type importOptions struct {
	redaction cassette.Redaction // Keep, from -keep
	rules     *redact.Rules      // the secrets engine with redaction's options
	report    *importReport      // nil for none
}

// importReport gathers what one run of import changed, by kind of
// change ("redacted request header Authorization"), to print one summary
// at the end: a line per kind, with its count and the first place it
// happened (a file and an interaction or a line), never a value.
type importReport struct {
	each    io.Writer // with -v, where every change is printed as it happens
	kinds   []string  // in the order first seen
	count   map[string]int
	example map[string]string
}

// add counts one change of kind, in file, at where ("interaction 3",
// "line 11"). It does nothing on a nil report.
func (r *importReport) add(kind, file, where string) {
	if r == nil {
		return
	}
	if r.count == nil {
		r.count, r.example = map[string]int{}, map[string]string{}
	}
	if r.count[kind] == 0 {
		r.kinds = append(r.kinds, kind)
		r.example[kind] = file + ", " + where
	}
	r.count[kind]++
	if r.each != nil {
		fmt.Fprintf(r.each, "dvd import: %s: %s: %s\n", file, where, kind)
	}
}

// write prints the summary, nothing when nothing changed.
func (r *importReport) write(w io.Writer) {
	if r == nil || len(r.kinds) == 0 {
		return
	}
	more := " (-v lists every one)"
	if r.each != nil {
		more = ""
	}
	fmt.Fprintf(w, "dvd import: what import changed, by kind%s:\n", more)
	for _, k := range r.kinds {
		fmt.Fprintf(w, "\t%s: %s, as in %s\n", k, countNoun(r.count[k], "time"), r.example[k])
	}
}

// maxImportDecoded bounds the content decoded from one body, as dvd's
// recorder bounds it.
var maxImportDecoded int64 = 1 << 30

// importDecode returns the content of body, sent with the Content-Encoding
// of h, and the coding it was in, named as cassette.Response.Encoded names
// it. A body with no coding, or one dvd does not decode, is returned as it
// is, with "" and, for the latter, why.
func importDecode(h http.Header, body []byte) (content []byte, encoded, why string) {
	coding := contentCodingOf(h)
	if len(body) == 0 || coding == "" {
		return body, "", ""
	}
	var r io.Reader
	switch coding {
	case "gzip", "x-gzip":
		if codec.Detect(body) != codec.Gzip {
			return body, "", "in gzip, but does not start as gzip does"
		}
		encoded = "gzip"
	case "zstd":
		if codec.Detect(body) != codec.Zstd {
			return body, "", "in zstd, but does not start as zstd does"
		}
		encoded = "zstd"
	case "deflate":
		if len(body) >= 2 && body[0]&0x0f == 8 && (uint16(body[0])<<8|uint16(body[1]))%31 == 0 {
			zr, err := zlib.NewReader(bytes.NewReader(body))
			if err != nil {
				return body, "", "in deflate, which does not decode"
			}
			r, encoded = zr, "deflate"
		} else {
			r, encoded = flate.NewReader(bytes.NewReader(body)), "deflate-raw"
		}
	default:
		return body, "", "encoded with " + coding + ", which dvd does not decode"
	}
	if r == nil {
		out, err := codec.Decompress(body, nil)
		if err != nil {
			return body, "", "in " + coding + ", which does not decode"
		}
		return out, encoded, ""
	}
	out, err := io.ReadAll(io.LimitReader(r, maxImportDecoded+1))
	if err != nil || int64(len(out)) > maxImportDecoded {
		return body, "", "in " + coding + ", which does not decode"
	}
	return out, encoded, ""
}

// contentCodingOf returns the content coding h names, in lower case, ""
// for none or identity, and the list as given for a stack of codings.
func contentCodingOf(h http.Header) string {
	var codings []string
	for _, v := range h.Values("Content-Encoding") {
		for c := range strings.SplitSeq(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	if len(codings) > 1 {
		return "a stack of codings (" + strings.Join(codings, ", ") + ")"
	}
	if len(codings) == 1 {
		return codings[0]
	}
	return ""
}

// syncImportedLength makes the length a response announces, in
// ContentLength and Content-Length, the length of its body, after
// redaction changed the body, as dvd's recorder does; but not when the
// length is unknown or not the body's (HEAD, a status without a body, a
// body decoded by the transport or stored decoded, a body that ended
// early).
func syncImportedLength(method string, r *cassette.Response) {
	if r.ContentLength < 0 || r.Uncompressed || r.Encoded != "" || r.Truncated || r.BodyError != nil || method == http.MethodHead || !bodyAllowedFor(r.StatusCode) {
		return
	}
	n := int64(len(r.Body))
	r.ContentLength = n
	if _, ok := r.Header["Content-Length"]; ok {
		r.Header["Content-Length"] = []string{strconv.FormatInt(n, 10)}
	}
}

// lengthDisagrees reports whether syncImportedLength would change the
// length r announces.
func lengthDisagrees(method string, r *cassette.Response) bool {
	cp := *r
	cp.Header = r.Header.Clone()
	syncImportedLength(method, &cp)
	return cp.ContentLength != r.ContentLength || !slices.Equal(cp.Header["Content-Length"], r.Header["Content-Length"])
}

// freezeName returns the name of the file in which DataDog's go-vcr
// suites keep the time a cassette's test was frozen at: NAME.freeze for
// NAME.yaml.
func freezeName(in string) string {
	return strings.TrimSuffix(in, filepath.Ext(in)) + ".freeze"
}

// freezeTime reads the .freeze file of the cassette in, if there is one:
// an RFC 3339 time, its offset kept (2022-11-15T19:13:59.275948+02:00).
func freezeTime(in string) (time.Time, bool, error) {
	name := freezeName(in)
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("cannot read %s: %v", filepath.Base(name), err)
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(data)))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%s holds no RFC 3339 time such as 2022-11-15T19:13:59.275948+02:00: %q", filepath.Base(name), oneLine(string(data)))
	}
	// The offset as written, whatever this machine's zone: time.Parse
	// would name it after the local zone when their offsets agree.
	_, offset := t.Zone()
	return t.In(time.FixedZone("", offset)), true, nil
}

// dvdCassette says why the file name, holding data, is a dvd cassette
// already, or returns "" when it is not one: it is named as one, it is
// compressed as a cassette file is (zstd, gzip), or it is a JSON object
// with "version" and "interactions", as dvd writes a cassette. Imported
// as a go-vcr cassette, which it would parse as, it would lose its bodies.
func dvdCassette(name string, data []byte) string {
	if isCassetteName(strings.ToLower(filepath.Base(name))) {
		return "its name ends in " + cassette.Ext + ", " + cassette.Ext + ".zst or " + cassette.Ext + ".gz"
	}
	if c := codec.Detect(data); c != codec.None {
		return "it is compressed with " + c.String()
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(bytes.TrimPrefix(data, []byte("\ufeff")), &probe) == nil {
		_, v := probe["version"]
		_, i := probe["interactions"]
		if v && i {
			return `a JSON object with "version" and "interactions"`
		}
	}
	return ""
}

// otherCompression returns the name of a file that exists beside the
// cassette out, of the same cassette name in another compression
// (x.dvd.json for x.dvd.json.zst), or "" when there is none.
func otherCompression(out string) string {
	key := cassetteKey(out)
	for _, ext := range cassetteExts {
		if p := key + ext; p != out {
			if _, err := os.Lstat(p); err == nil {
				return p
			}
		}
	}
	return ""
}

// compressionOf returns the -compress value of a cassette's name.
func compressionOf(name string) string {
	for _, c := range []codec.Compression{codec.Zstd, codec.Gzip} {
		if strings.HasSuffix(name, c.Ext()) {
			return c.String()
		}
	}
	return codec.None.String()
}

// isHARInput reports whether import reads the file name, holding data, as
// a HAR file: by its name, or, when it is named neither .yaml nor .yml, by
// its content.
func isHARInput(name string, data []byte) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".har" || ext != ".yaml" && ext != ".yml" && looksLikeHAR(data)
}

// harStart returns the startedDateTime of the first entry of a HAR file,
// or the zero time when it has none that parses.
func harStart(data []byte) time.Time {
	var f struct {
		Log struct {
			Entries []struct {
				StartedDateTime string `json:"startedDateTime"`
			} `json:"entries"`
		} `json:"log"`
	}
	if json.Unmarshal(bytes.TrimPrefix(data, []byte("\ufeff")), &f) != nil || len(f.Log.Entries) == 0 {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, f.Log.Entries[0].StartedDateTime)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
