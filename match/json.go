package match

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// JSONBodyIgnoring returns [JSONBody] without the fields at the given
// paths, for values that change on every run, such as a timestamp or a
// request id:
//
//	dvdtest.MatchOn(match.Method, match.Path, match.JSONBodyIgnoring("sent_at", "items.*.request_id"))
//
// A path names a field from the top of the document, with dots between the
// names, and * for any array element or object member, as dvdtest.RedactJSON
// does: "sent_at", "meta.trace.id", "items.*.request_id". A path that ends
// in * leaves every member of that object, or every element of that array,
// out. A missing field is like any other value of it, and a body that is
// not JSON is compared byte for byte.
//
// JSONBodyIgnoring panics if a path is empty or has an empty name
// ("a..b", ".a").
func JSONBodyIgnoring(paths ...string) Matcher {
	split := make([][]string, len(paths))
	for i, p := range paths {
		if !validJSONPath(p) {
			panic(fmt.Sprintf("match: JSONBodyIgnoring(%s): %q is not a dotted path: name the field from the top, such as \"sent_at\", \"meta.id\" or \"items.*.request_id\"", quoteList(paths), p))
		}
		split[i] = strings.Split(p, ".")
	}
	name := "JSONBodyIgnoring(" + quoteList(paths) + ")"
	return builtin("JSONBodyIgnoring", slices.Clone(paths), func(_ *http.Request, body []byte) Feature {
		v, ok := decodeJSON(body)
		if !ok {
			return Feature{Name: name, Value: string(body)}
		}
		for _, p := range split {
			v = without(v, p)
		}
		if s, ok := encodeJSON(v); ok {
			return Feature{Name: name, Value: s}
		}
		return Feature{Name: name, Value: string(body)}
	})
}

// validJSONPath reports whether p is a dotted path: names separated by
// dots, none of them empty. It accepts what the cassette package accepts
// for dvdtest.RedactJSON.
func validJSONPath(p string) bool {
	return p != "" && !slices.Contains(strings.Split(p, "."), "")
}

// without returns v without the values at path, below it: the members of
// an object named by path[0], or every member or element for *.
func without(v any, path []string) any {
	if len(path) == 0 {
		return v
	}
	name, rest := path[0], path[1:]
	switch t := v.(type) {
	case map[string]any:
		if name != "*" {
			if c, ok := t[name]; ok {
				if len(rest) == 0 {
					delete(t, name)
				} else {
					t[name] = without(c, rest)
				}
			}
			return t
		}
		for k, c := range t {
			if len(rest) == 0 {
				delete(t, k)
			} else {
				t[k] = without(c, rest)
			}
		}
	case []any:
		if name != "*" {
			return t
		}
		if len(rest) == 0 {
			return t[:0]
		}
		for i, c := range t {
			t[i] = without(c, rest)
		}
	}
	return v
}

// quoteList writes names as the arguments of a Go call: "a", "b".
func quoteList(names []string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(n))
	}
	return b.String()
}

// canonicalJSON re-encodes a JSON document with sorted object keys and no
// spacing. Numbers keep their text, so 1.0 and 1 stay different.
func canonicalJSON(body []byte) (string, bool) {
	v, ok := decodeJSON(body)
	if !ok {
		return "", false
	}
	return encodeJSON(v)
}

// decodeJSON reads one JSON document, its numbers as json.Number.
func decodeJSON(body []byte) (any, bool) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || !json.Valid(body) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// encodeJSON writes what decodeJSON read without spacing: encoding/json
// writes map keys sorted and json.Number verbatim.
func encodeJSON(v any) (string, bool) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", false
	}
	return strings.TrimSuffix(buf.String(), "\n"), true
}
