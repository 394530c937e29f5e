package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dvdrw/dvd/cassette"
	"go.yaml.in/yaml/v4"
)

// go-vcr writes its cassettes as YAML in two format versions:
//
//   - version 1, by go-vcr v1 (github.com/dnaeon/go-vcr) and v2
//     (github.com/dnaeon/go-vcr/v2): a request has body, form, headers, url
//     and method; a response body, headers, status, code and duration, a
//     string such as "1.5ms" ("" in v1, which did not measure it).
//   - version 2, by go-vcr v3 (gopkg.in/dnaeon/go-vcr.v3) and v4
//     (gopkg.in/dnaeon/go-vcr.v4): each interaction has an id, the request
//     adds proto, proto_major, proto_minor, content_length,
//     transfer_encoding, trailer, host, remote_addr and request_uri, and the
//     response proto, proto_major, proto_minor, transfer_encoding, trailer,
//     content_length and uncompressed.
//
// A body is the bytes as a YAML string, or as !!binary base64 when they are
// not UTF-8. Headers are maps of lists of strings, as http.Header. The
// durations are strings of time.Duration ("1.234ms"), or integers of
// nanoseconds in a file written by hand.

// govcrKeys are the keys go-vcr writes, by the mapping they are in: a key
// not listed is reported, and ignored.
var govcrKeys = map[string][]string{
	"cassette":    {"version", "interactions", "mu"},
	"interaction": {"id", "request", "response"},
	"request": {"proto", "proto_major", "proto_minor", "content_length", "transfer_encoding", "trailer",
		"host", "remote_addr", "request_uri", "body", "form", "headers", "url", "method"},
	"response": {"proto", "proto_major", "proto_minor", "transfer_encoding", "trailer", "content_length",
		"uncompressed", "body", "headers", "status", "code", "duration"},
}

// maxGovcrBodies bounds the bytes of all the bodies of one go-vcr cassette,
// so that YAML aliases that repeat a body cannot make an import of a small
// file take all the memory.
var maxGovcrBodies = 1 << 30

// A govcrReader reads the nodes of one go-vcr cassette. Its errors say the
// line, and what was expected, but never quote a value: a value may be a
// secret.
type govcrReader struct {
	warn   func(format string, args ...any)
	note   func(kind, where string) // counts a key go-vcr does not write, for import's summary
	bodies int                      // bytes of the bodies read so far
}

// parseGoVCR reads a go-vcr cassette, of format version 1 or 2, and returns
// its interactions in order, as go-vcr recorded them: not redacted, bodies
// as they were stored. warn receives what is ignored.
func parseGoVCR(data []byte, warn func(format string, args ...any), note func(kind, where string)) ([]cassette.Interaction, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, errors.New("the file is empty: a go-vcr cassette is a YAML mapping with \"version\" and \"interactions\"")
	}
	g := &govcrReader{warn: warn, note: note}
	top, err := g.mapping(doc.Content[0], "cassette", "the file")
	if err != nil {
		return nil, err
	}
	vn, ok := top["version"]
	if !ok {
		return nil, fmt.Errorf("line %d: no \"version\": a go-vcr cassette says its format version, 1 or 2; is this a go-vcr cassette?", doc.Content[0].Line)
	}
	var version int
	if err := g.scalar(vn, "version", "an integer", &version); err != nil {
		return nil, err
	}
	if version != 1 && version != 2 {
		return nil, fmt.Errorf("line %d: version %d: dvd reads the go-vcr cassette format versions 1 (go-vcr v1 and v2) and 2 (go-vcr v3 and v4)", vn.Line, version)
	}
	in, ok := top["interactions"]
	if !ok {
		return nil, fmt.Errorf("line %d: no \"interactions\": a go-vcr cassette lists its interactions; is this a go-vcr cassette?", doc.Content[0].Line)
	}
	if isNull(in) {
		return nil, nil
	}
	items, err := g.sequence(in, "interactions")
	if err != nil {
		return nil, err
	}
	out := make([]cassette.Interaction, 0, len(items))
	for i, item := range items {
		x, err := g.interaction(item, i+1)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// yamlError turns an error of the YAML parser into one that names the line
// and quotes no value.
//
// The parser's messages may quote the document (an anchor's name in
// "unknown anchor 'NAME' referenced", which may be a secret written where
// a name belongs): a message that quotes anything but single punctuation
// characters (did not find expected ',' or ']') is replaced by a generic
// reason.
func yamlError(err error) error {
	var le *yaml.LoadError
	if errors.As(err, &le) {
		msg := le.Message
		if quotesText(msg) {
			msg = "not valid YAML here"
		}
		if le.Mark.Line > 0 {
			return fmt.Errorf("not YAML: line %d: %s", le.Mark.Line, msg)
		}
		return fmt.Errorf("not YAML: %s", msg)
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if quotesText(msg) {
		msg = "not valid YAML"
		if m := yamlLine.FindString(err.Error()); m != "" {
			msg = m + " " + msg
		}
	}
	return fmt.Errorf("not YAML: %s", msg)
}

// yamlLine finds the line a YAML error names.
var yamlLine = regexp.MustCompile(`line [0-9]+:`)

// quoted finds the quoted spans of a message.
var quoted = regexp.MustCompile("'[^']*'|\"[^\"]*\"|`[^`]*`")

// quotesText reports whether msg quotes anything but single punctuation
// characters, or has a quote that does not close.
func quotesText(msg string) bool {
	rest := quoted.ReplaceAllStringFunc(msg, func(q string) string {
		if r := []rune(q[1 : len(q)-1]); len(r) == 1 && !unicode.IsLetter(r[0]) && !unicode.IsDigit(r[0]) {
			return ""
		}
		return "'"
	})
	return strings.ContainsAny(rest, "'\"`")
}

// interaction reads the n-th interaction, counted from 1.
func (g *govcrReader) interaction(node *yaml.Node, n int) (cassette.Interaction, error) {
	var in cassette.Interaction
	m, err := g.mapping(node, "interaction", fmt.Sprintf("interaction %d", n))
	if err != nil {
		return in, err
	}
	reqNode, ok := m["request"]
	if !ok {
		return in, fmt.Errorf("line %d: interaction %d has no request", resolve(node).Line, n)
	}
	respNode, ok := m["response"]
	if !ok {
		return in, fmt.Errorf("line %d: interaction %d has no response", resolve(node).Line, n)
	}
	where := fmt.Sprintf("interaction %d: ", n)

	req, err := g.mapping(reqNode, "request", where+"request")
	if err != nil {
		return in, err
	}
	if err := g.scalar(req["method"], where+"request method", "a string", &in.Request.Method); err != nil {
		return in, err
	}
	if in.Request.Method == "" {
		return in, fmt.Errorf("line %d: %srequest has no method", resolve(reqNode).Line, where)
	}
	if err := g.scalar(req["url"], where+"request url", "a string", &in.Request.URL); err != nil {
		return in, err
	}
	if in.Request.URL == "" {
		return in, fmt.Errorf("line %d: %srequest has no url", resolve(reqNode).Line, where)
	}
	if in.Request.Header, err = g.header(req["headers"], where+"request headers"); err != nil {
		return in, err
	}
	if in.Request.Body, err = g.body(req["body"], where+"request body"); err != nil {
		return in, err
	}

	resp, err := g.mapping(respNode, "response", where+"response")
	if err != nil {
		return in, err
	}
	r := &cassette.Response{}
	in.Response = r
	codeNode, ok := resp["code"]
	if !ok {
		return in, fmt.Errorf("line %d: %sresponse has no code", resolve(respNode).Line, where)
	}
	if err := g.scalar(codeNode, where+"response code", "an integer", &r.StatusCode); err != nil {
		return in, err
	}
	if r.StatusCode < 100 || r.StatusCode > 999 {
		return in, fmt.Errorf("line %d: %sresponse code %d is not an HTTP status code (100 to 999)", resolve(codeNode).Line, where, r.StatusCode)
	}
	if err := g.scalar(resp["status"], where+"response status", "a string", &r.Status); err != nil {
		return in, err
	}
	if r.Status != "" && !strings.HasPrefix(r.Status, strconv.Itoa(r.StatusCode)) {
		// net/http's Status starts with the code; one that does not was
		// written by hand, and the code wins.
		r.Status = ""
	}
	if r.Proto, err = g.proto(resp, where+"response"); err != nil {
		return in, err
	}
	if r.Header, err = g.header(resp["headers"], where+"response headers"); err != nil {
		return in, err
	}
	if r.Trailer, err = g.header(resp["trailer"], where+"response trailer"); err != nil {
		return in, err
	}
	if r.Body, err = g.body(resp["body"], where+"response body"); err != nil {
		return in, err
	}
	if err := g.scalar(resp["uncompressed"], where+"response uncompressed", "true or false", &r.Uncompressed); err != nil {
		return in, err
	}
	if err := g.scalar(resp["transfer_encoding"], where+"response transfer_encoding", "a list of strings", &r.TransferEncoding); err != nil {
		return in, err
	}
	if n, ok := resp["content_length"]; ok && !isNull(n) {
		if err := g.scalar(n, where+"response content_length", "an integer", &r.ContentLength); err != nil {
			return in, err
		}
		if r.ContentLength < -1 {
			r.ContentLength = -1
		}
	} else {
		// Version 1 does not say: the length the client saw is the one
		// the header announced, the body's when it was sent whole.
		r.ContentLength = derivedContentLength(in.Request.Method, r)
	}
	if in.Duration, err = g.duration(resp["duration"], where+"response duration"); err != nil {
		return in, err
	}
	return in, nil
}

// derivedContentLength is the ContentLength of a response whose source
// does not say it: net/http's, from the Content-Length header, as far as
// it can be told.
func derivedContentLength(method string, r *cassette.Response) int64 {
	if vs := r.Header["Content-Length"]; len(vs) == 1 {
		if n, err := strconv.ParseInt(strings.TrimSpace(vs[0]), 10, 64); err == nil && n >= 0 {
			if method == http.MethodHead || r.Encoded != "" || r.Truncated || r.BodyError != nil {
				return n
			}
			return int64(len(r.Body))
		}
	}
	if !bodyAllowedFor(r.StatusCode) {
		return 0
	}
	return -1
}

// bodyAllowedFor reports whether a response of this status may have a body.
func bodyAllowedFor(code int) bool {
	return !(code >= 100 && code < 200 || code == http.StatusNoContent || code == http.StatusNotModified)
}

// proto reads the protocol of a response: proto, or proto_major and
// proto_minor; "" when neither is there, as in version 1.
func (g *govcrReader) proto(m map[string]*yaml.Node, where string) (string, error) {
	var proto string
	if err := g.scalar(m["proto"], where+" proto", "a string", &proto); err != nil {
		return "", err
	}
	if proto != "" {
		if _, _, ok := http.ParseHTTPVersion(proto); !ok {
			return "", fmt.Errorf("line %d: %s proto is not an HTTP version such as HTTP/1.1", resolve(m["proto"]).Line, where)
		}
		return proto, nil
	}
	var major, minor int
	if err := g.scalar(m["proto_major"], where+" proto_major", "an integer", &major); err != nil {
		return "", err
	}
	if err := g.scalar(m["proto_minor"], where+" proto_minor", "an integer", &minor); err != nil {
		return "", err
	}
	if major <= 0 || major > 9 || minor < 0 || minor > 9 {
		return "", nil
	}
	return fmt.Sprintf("HTTP/%d.%d", major, minor), nil
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or null.
func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// mapping returns the members of a mapping node by key, and reports the
// keys that go-vcr does not write.
func (g *govcrReader) mapping(node *yaml.Node, kind, what string) (map[string]*yaml.Node, error) {
	n := resolve(node)
	if n == nil || n.Kind != yaml.MappingNode {
		line := 0
		if n != nil {
			line = n.Line
		}
		return nil, fmt.Errorf("line %d: %s is not a mapping: is this a go-vcr cassette?", line, what)
	}
	m := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: %s has a key that is not a string", n.Content[i].Line, what)
		}
		if _, dup := m[k.Value]; dup {
			return nil, fmt.Errorf("line %d: %s has the key %s twice", k.Line, what, quoteKey(k.Value))
		}
		m[k.Value] = n.Content[i+1]
		if known := govcrKeys[kind]; known != nil && !contains(known, k.Value) {
			g.note(fmt.Sprintf("ignored the %s key %s, which go-vcr does not write", kind, quoteKey(k.Value)), fmt.Sprintf("line %d", k.Line))
		}
	}
	return m, nil
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sequence returns the items of a sequence node.
func (g *govcrReader) sequence(node *yaml.Node, what string) ([]*yaml.Node, error) {
	n := resolve(node)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: %s is not a list", node.Line, what)
	}
	return n.Content, nil
}

// scalar decodes node into v, which keeps its zero value when node is
// absent or null. The error names the line and what was expected, not the
// value found.
func (g *govcrReader) scalar(node *yaml.Node, what, want string, v any) error {
	if isNull(node) {
		return nil
	}
	n := resolve(node)
	if _, isList := v.(*[]string); isList {
		if n.Kind != yaml.SequenceNode {
			return fmt.Errorf("line %d: %s is not %s", n.Line, what, want)
		}
		for _, item := range n.Content {
			if it := resolve(item); it == nil || it.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: %s is not %s", item.Line, what, want)
			}
		}
	} else if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: %s is not %s", n.Line, what, want)
	}
	if err := n.Decode(v); err != nil {
		return fmt.Errorf("line %d: %s is not %s", n.Line, what, want)
	}
	return nil
}

// body reads a body: a string, or !!binary.
func (g *govcrReader) body(node *yaml.Node, what string) ([]byte, error) {
	if isNull(node) {
		return nil, nil
	}
	n := resolve(node)
	if n.Kind != yaml.ScalarNode {
		return nil, fmt.Errorf("line %d: %s is not a string", n.Line, what)
	}
	var b []byte
	if n.ShortTag() == "!!binary" {
		var err error
		b, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(n.Value), ""))
		if err != nil {
			return nil, fmt.Errorf("line %d: %s is !!binary, but not base64", n.Line, what)
		}
	} else {
		b = []byte(n.Value)
	}
	g.bodies += len(b)
	if g.bodies > maxGovcrBodies {
		return nil, fmt.Errorf("line %d: the bodies of the cassette add up to more than %d MiB, more than dvd imports", n.Line, maxGovcrBodies>>20)
	}
	if len(b) == 0 {
		return nil, nil
	}
	return b, nil
}

// header reads a header: a mapping of names to lists of values (or to one
// value, as a hand might write it), with names in canonical form, values
// in order.
func (g *govcrReader) header(node *yaml.Node, what string) (http.Header, error) {
	if isNull(node) {
		return nil, nil
	}
	n := resolve(node)
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: %s is not a mapping of names to lists of values", n.Line, what)
	}
	h := make(http.Header, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode || k.Value == "" {
			return nil, fmt.Errorf("line %d: %s has a name that is not a string", n.Content[i].Line, what)
		}
		name := textproto.CanonicalMIMEHeaderKey(k.Value)
		v := resolve(n.Content[i+1])
		switch {
		case isNull(v):
			if _, ok := h[name]; !ok {
				h[name] = []string{}
			}
		case v.Kind == yaml.ScalarNode:
			var s string
			if err := g.scalar(v, what+" "+printableKey(name), "a string", &s); err != nil {
				return nil, err
			}
			h[name] = append(h[name], s)
		default:
			var vs []string
			if err := g.scalar(v, what+" "+printableKey(name), "a list of strings", &vs); err != nil {
				return nil, err
			}
			h[name] = append(h[name], vs...)
		}
	}
	return h, nil
}

// duration reads a duration: a string of time.Duration, or nanoseconds.
func (g *govcrReader) duration(node *yaml.Node, what string) (time.Duration, error) {
	if isNull(node) {
		return 0, nil
	}
	n := resolve(node)
	if n.Kind != yaml.ScalarNode {
		return 0, fmt.Errorf("line %d: %s is not a duration such as 1.5ms", n.Line, what)
	}
	var d time.Duration
	switch n.ShortTag() {
	case "!!int":
		var ns int64
		if err := n.Decode(&ns); err != nil {
			return 0, fmt.Errorf("line %d: %s is not a duration such as 1.5ms", n.Line, what)
		}
		d = time.Duration(ns)
	default:
		if n.Value == "" {
			return 0, nil
		}
		var err error
		if d, err = time.ParseDuration(n.Value); err != nil {
			return 0, fmt.Errorf("line %d: %s is not a duration such as 1.5ms", n.Line, what)
		}
	}
	if d < 0 {
		return 0, fmt.Errorf("line %d: %s is negative", n.Line, what)
	}
	return d, nil
}
