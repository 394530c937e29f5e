package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dvdrw/dvd/cassette"
)

// cassetteExts are the endings of the cassette files that a folder is
// searched for, as dvdtest names them.
var cassetteExts = []string{cassette.Ext, cassette.Ext + ".zst", cassette.Ext + ".gz"}

// cassetteGlobs says which files a folder is searched for, for messages.
const cassetteGlobs = "*.dvd.json, *.dvd.json.zst, *.dvd.json.gz"

// isCassetteName reports whether name ends as a cassette file does.
func isCassetteName(name string) bool {
	for _, ext := range cassetteExts {
		if strings.HasSuffix(name, ext) && len(name) > len(ext) {
			return true
		}
	}
	return false
}

// cassetteKey returns path without its cassette ending: the name of the
// cassette, which is one whatever its compression, as for dvdtest.
func cassetteKey(path string) string {
	for _, ext := range slices.Backward(cassetteExts) { // the longest first
		if s, ok := strings.CutSuffix(path, ext); ok {
			return s
		}
	}
	return path
}

// findCassettes returns the cassette files that paths name: a file as it
// is, whatever its name, and a folder searched recursively for
// cassetteGlobs, skipping folders whose name starts with a dot (.git).
// Files come in the order of paths, each folder's in lexical order. A path
// that does not exist, or a folder that holds no cassette, is an error
// that names it; the files of the other paths are returned all the same.
func findCassettes(paths []string) ([]string, error) {
	var files []string
	var errs []error
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", root, pathErr(err)))
			continue
		}
		if !info.IsDir() {
			add(root)
			continue
		}
		n := len(files)
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", p, pathErr(err)))
				return nil
			}
			if d.IsDir() {
				if p != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if isCassetteName(d.Name()) {
				add(p)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
		if len(files) == n {
			errs = append(errs, fmt.Errorf("%s: no cassettes in this folder or below it (%s); check the path", root, cassetteGlobs))
		}
	}
	return files, errors.Join(errs...)
}

// pathErr returns the reason of a *fs.PathError, whose path the caller
// names already.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// loadReason returns why cassette.Load failed, without the file's name,
// which the caller puts first.
func loadReason(err error) string {
	var fe *cassette.FormatError
	if errors.As(err, &fe) {
		return errors.Unwrap(fe).Error()
	}
	return pathErr(err).Error()
}

// cloneInteraction returns a copy of in that shares nothing that
// Redaction.Apply changes: headers, bodies and the response. It shares
// the errors, which Apply replaces rather than changes.
func cloneInteraction(in cassette.Interaction) cassette.Interaction {
	out := in
	out.Request.Header = in.Request.Header.Clone()
	out.Request.Body = slices.Clone(in.Request.Body)
	if in.Response != nil {
		r := *in.Response
		r.Header = in.Response.Header.Clone()
		r.Trailer = in.Response.Trailer.Clone()
		r.Body = slices.Clone(in.Response.Body)
		r.TransferEncoding = slices.Clone(in.Response.TransferEncoding)
		out.Response = &r
	}
	return out
}

// redacted returns copies of ins with the default redaction and r
// applied, as one recording (see cassette.Redaction.Apply).
func redacted(ins []cassette.Interaction, r cassette.Redaction) []cassette.Interaction {
	out := make([]cassette.Interaction, len(ins))
	ptrs := make([]*cassette.Interaction, len(ins))
	for i := range ins {
		out[i] = cloneInteraction(ins[i])
		ptrs[i] = &out[i]
	}
	r.Apply(ptrs...)
	return out
}

// redactedSynced returns redacted(ins, r) with, for each response whose
// body redaction changed, the length the response announces
// (ContentLength and Content-Length) made its new body's, as import does:
// a length left as it was would tell a secret's.
func redactedSynced(ins []cassette.Interaction, r cassette.Redaction) []cassette.Interaction {
	out := redacted(ins, r)
	for i := range out {
		if o, n := ins[i].Response, out[i].Response; o != nil && n != nil && !bytes.Equal(o.Body, n.Body) {
			syncImportedLength(out[i].Request.Method, n)
		}
	}
	return out
}

// sameInteraction reports whether a and b make the same cassette file.
// Both come from a cassette that loaded, so both marshal.
func sameInteraction(a, b cassette.Interaction) bool {
	x, errA := cassette.Marshal(cassette.New(a))
	y, errB := cassette.Marshal(cassette.New(b))
	return errA == nil && errB == nil && string(x) == string(y)
}

// repeatedFlag is a flag that may be given more than once.
type repeatedFlag []string

// String returns the values given, joined by commas.
func (l *repeatedFlag) String() string { return strings.Join(*l, ",") }

// Set adds a value; an empty one is an error.
func (l *repeatedFlag) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("an empty name")
	}
	*l = append(*l, s)
	return nil
}

// countNoun returns n and noun, with an s when n is not 1.
func countNoun(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// jsonPathFlag is a -json flag: a JSON field path, as Redaction.JSONFields
// takes it (user.token, items.*.pin), or as lint prints it
// ($.items[*].pin), which it converts. Anything else is an error.
type jsonPathFlag []string

// String returns the paths given, joined by commas.
func (l *jsonPathFlag) String() string { return strings.Join(*l, ",") }

// Set converts and adds a path.
func (l *jsonPathFlag) Set(s string) error {
	p, err := jsonFieldPath(s)
	if err != nil {
		return err
	}
	*l = append(*l, p)
	return nil
}

// jsonFieldPath converts a path that lint prints, $.items[*].pin, to the
// one Redaction.JSONFields takes, items.*.pin, and checks it: steps of
// a name or *, separated by dots.
func jsonFieldPath(s string) (string, error) {
	p := strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(p, "$"); ok {
		p = strings.TrimPrefix(rest, ".")
	}
	p = strings.ReplaceAll(p, "[*]", ".*")
	p = strings.TrimPrefix(p, ".")
	bad := errors.New("not a JSON field path: want names and * separated by dots, as user.token or items.*.pin, or as lint prints them, $.items[*].pin")
	if p == "" {
		return "", bad
	}
	for step := range strings.SplitSeq(p, ".") {
		if step == "" || strings.ContainsAny(step, "[]$\"' \t*") && step != "*" {
			return "", bad
		}
	}
	return p, nil
}
