package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/redact"
)

// secretPlaces compares an interaction as the file holds it, orig, with
// the same interaction redacted, red, and returns where they differ: the
// places that still hold a value the redaction removes, such as "request
// header Authorization", "response body field $.token" or "request URL
// query access_token". It names places, never values.
func secretPlaces(orig, red cassette.Interaction) []string {
	var out []string
	add := func(s ...string) {
		for _, p := range s {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	add(urlPlaces("request URL", orig.Request.URL, red.Request.URL)...)
	add(headerPlaces("request header", orig.Request.Header, red.Request.Header)...)
	add(bodyPlaces("request body", orig.Request.Body, red.Request.Body, orig.Request.Header)...)
	if o, r := orig.Response, red.Response; o != nil && r != nil {
		add(headerPlaces("response header", o.Header, r.Header)...)
		add(headerPlaces("response trailer", o.Trailer, r.Trailer)...)
		add(bodyPlaces("response body", o.Body, r.Body, o.Header)...)
		if o.BodyError != nil && r.BodyError != nil && neterr.RecordOf(o.BodyError) != neterr.RecordOf(r.BodyError) {
			add("response body error message")
		}
	}
	if o, r := orig.Error, red.Error; o != nil && r != nil && neterr.RecordOf(o) != neterr.RecordOf(r) {
		add("error message")
	}
	if len(out) == 0 && !sameInteraction(orig, red) {
		add("the interaction") // a place the comparisons above do not know
	}
	return out
}

// urlPlaces names the parts of a URL that redaction changed: the user
// information, query parameters and fragment parameters.
func urlPlaces(what, orig, red string) []string {
	if orig == red {
		return nil
	}
	o, err1 := url.Parse(orig)
	r, err2 := url.Parse(red)
	if err1 != nil || err2 != nil {
		return []string{what}
	}
	var out []string
	if o.User.String() != r.User.String() {
		out = append(out, what+" user information")
	}
	out = append(out, valuesPlaces(what+" query", o.RawQuery, r.RawQuery)...)
	out = append(out, valuesPlaces(what+" fragment", o.EscapedFragment(), r.EscapedFragment())...)
	if len(out) == 0 {
		out = append(out, what)
	}
	return out
}

// valuesPlaces names the parameters of an encoded query or form whose
// values differ.
func valuesPlaces(what, orig, red string) []string {
	if orig == red {
		return nil
	}
	o, _ := url.ParseQuery(orig) // what parses is compared; the rest falls back to the whole
	r, _ := url.ParseQuery(red)
	var out []string
	for _, k := range sortedKeys(o) {
		if !slices.Equal(o[k], r[k]) {
			out = append(out, what+" "+safeName(k))
		}
	}
	if len(out) == 0 {
		out = append(out, what)
	}
	return out
}

// headerPlaces names the headers whose values differ.
func headerPlaces(what string, orig, red http.Header) []string {
	var out []string
	for _, k := range sortedKeys(orig) {
		if !slices.Equal(orig[k], red[k]) {
			out = append(out, what+" "+safeName(k))
		}
	}
	return out
}

// bodyPlaces names where two bodies differ: JSON fields by path (in a
// document, or in any line of JSON lines), form fields by name, or the
// body as a whole.
func bodyPlaces(what string, orig, red []byte, h http.Header) []string {
	if bytes.Equal(orig, red) {
		return nil
	}
	if p := jsonPlaces(orig, red); len(p) > 0 {
		return prefixed(what+" field ", p)
	}
	if ol, rl := bytes.Split(orig, []byte("\n")), bytes.Split(red, []byte("\n")); len(ol) > 1 && len(ol) == len(rl) {
		var paths []string
		for i := range ol {
			for _, p := range jsonPlaces(ol[i], rl[i]) {
				if !slices.Contains(paths, p) {
					paths = append(paths, p)
				}
			}
		}
		if len(paths) > 0 {
			return prefixed(what+" field ", paths)
		}
	}
	mt, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
	switch {
	case strings.HasPrefix(mt, "multipart/") && params["boundary"] != "":
		if p := multipartPlaces(orig, red, params["boundary"]); len(p) > 0 {
			return prefixed(what+" form field ", p)
		}
	case mt == "application/x-www-form-urlencoded":
		return valuesPlaces(what+" form field", string(orig), string(red))
	}
	return []string{what}
}

// jsonPlaces returns the paths ($.a.b, $.items[*].token) of the values that
// differ between two JSON documents, or nil when either is not JSON.
func jsonPlaces(orig, red []byte) []string {
	o, ok1 := decodeJSON(orig)
	r, ok2 := decodeJSON(red)
	if !ok1 || !ok2 {
		return nil
	}
	var out []string
	var walk func(path string, a, b any)
	walk = func(path string, a, b any) {
		switch a := a.(type) {
		case map[string]any:
			if b, ok := b.(map[string]any); ok {
				for _, k := range sortedKeys(a) {
					walk(path+pathKey(k), a[k], b[k])
				}
				return
			}
		case []any:
			if b, ok := b.([]any); ok && len(a) == len(b) {
				for i := range a {
					walk(path+"[*]", a[i], b[i])
				}
				return
			}
		default:
			if a == b {
				return
			}
		}
		if !slices.Contains(out, path) {
			out = append(out, path)
		}
	}
	walk("$", o, r)
	return out
}

// decodeJSON decodes one JSON document, numbers as json.Number so that
// they compare as written.
func decodeJSON(data []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, false
	}
	return v, true
}

// identifier matches a JSON member name that a path can write after a dot.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// multipartPlaces names the form fields of two multipart bodies that
// differ, or returns nil when they do not parse alike.
func multipartPlaces(orig, red []byte, boundary string) []string {
	o, ok1 := readParts(orig, boundary)
	r, ok2 := readParts(red, boundary)
	if !ok1 || !ok2 || len(o) != len(r) {
		return nil
	}
	var out []string
	for i := range o {
		if o[i].content != r[i].content || o[i].header != r[i].header {
			name := safeName(o[i].name)
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// part is one part of a multipart body, as far as comparing goes.
type part struct{ name, header, content string }

// readParts reads the parts of a multipart body, or reports that it does
// not parse.
func readParts(body []byte, boundary string) ([]part, bool) {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	var parts []part
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return parts, true
		}
		if err != nil {
			return nil, false
		}
		content, err := io.ReadAll(p)
		if err != nil {
			return nil, false
		}
		var hdr strings.Builder
		for _, k := range sortedKeys(p.Header) {
			hdr.WriteString(k + ":" + strings.Join(p.Header[k], ",") + "\n")
		}
		parts = append(parts, part{name: p.FormName(), header: hdr.String(), content: string(content)})
	}
}

// safeName returns a name of the file (a header, a parameter, a field) as
// a message may print it (printableKey).
func safeName(s string) string {
	return printableKey(s)
}

// prefixed returns each of s with prefix before it.
func prefixed(prefix string, s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = prefix + v
	}
	return out
}

// sortedKeys returns the keys of m in order.
func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// engineRedacted returns a copy of in with every place that can hold a
// credential passed through the secrets engine, rules: the URL, the
// headers and trailers, the bodies as stored, the error messages. Unlike
// cassette.Redaction.Apply it leaves the integrity headers as they are, so
// that comparing in with it names only the places that hold a secret.
//
// Both sides of that comparison are seen with plain markers (see
// plainMarkers): the engine makes a numbered marker plain, which is no
// secret found.
func engineRedacted(rules *redact.Rules, in cassette.Interaction) cassette.Interaction {
	in = plainMarkers(in)
	out := cloneInteraction(in)
	out.Request.URL = rules.URL(in.Request.URL)
	out.Request.Header, _ = rules.Header(in.Request.Header)
	out.Request.Body, _ = rules.Body(in.Request.Body, in.Request.Header.Get("Content-Type"))
	out.Error = engineError(rules, in.Error)
	if r := in.Response; r != nil {
		o := out.Response
		o.Header, _ = rules.Header(r.Header)
		o.Trailer, _ = rules.Header(r.Trailer)
		o.Body, _ = rules.Body(r.Body, r.Header.Get("Content-Type"))
		o.BodyError = engineError(rules, r.BodyError)
	}
	return out
}

// engineError returns err with the secrets of its message redacted by
// rules: err itself when there is none.
func engineError(rules *redact.Rules, err error) error {
	if err == nil {
		return nil
	}
	e := neterr.RecordOf(err)
	r := e
	r.Message, r.Detail = rules.Message(r.Message), rules.Message(r.Detail)
	r.Addr, r.Name, r.Server = rules.Text(r.Addr), rules.Text(r.Name), rules.Text(r.Server)
	if r == e {
		return err
	}
	return neterr.Recorded(r)
}

// credentialPlaces runs the secrets engine, rules, on an interaction as
// the file holds it and names the places that hold a credential ("request
// header Authorization", "response body field $.token"), never the value.
func credentialPlaces(rules *redact.Rules, in cassette.Interaction) []string {
	return secretPlaces(plainMarkers(in), engineRedacted(rules, in))
}

// plainMarkers returns a copy of in with its numbered markers (REDACTED~1)
// made plain REDACTED, in every place the engine reads.
func plainMarkers(in cassette.Interaction) cassette.Interaction {
	out := cloneInteraction(in)
	out.Request.URL = redact.Unnumbered(in.Request.URL)
	plainHeader(out.Request.Header)
	out.Request.Body = redact.UnnumberedBytes(in.Request.Body)
	out.Error = plainError(in.Error)
	if r := out.Response; r != nil {
		plainHeader(r.Header)
		plainHeader(r.Trailer)
		r.Body = redact.UnnumberedBytes(r.Body)
		r.BodyError = plainError(r.BodyError)
	}
	return out
}

// plainHeader makes the numbered markers of h plain, in place.
func plainHeader(h http.Header) {
	for _, vs := range h {
		for i, v := range vs {
			vs[i] = redact.Unnumbered(v)
		}
	}
}

func plainError(err error) error { return neterr.Rewrite(err, redact.Unnumbered) }

// decodeStored stores decoded, with their coding in Encoded as dvd's
// recorder does, the bodies of in held in a content coding that dvd
// decodes (gzip, deflate, zstd), so that redaction sees into them. It
// returns why a body in a coding stays as it is ("" for none).
func decodeStored(in *cassette.Interaction) (reqWhy, respWhy string) {
	if in.Request.Encoded == "" {
		in.Request.Body, in.Request.Encoded, reqWhy = importDecode(in.Request.Header, in.Request.Body)
	}
	if r := in.Response; r != nil && r.Encoded == "" && !r.Uncompressed {
		r.Body, r.Encoded, respWhy = importDecode(r.Header, r.Body)
	}
	return reqWhy, respWhy
}

// redactedDecoded returns copies of ins redacted with the defaults and r
// as one recording (see cassette.Redaction.Apply), after decoding the
// bodies stored in a content coding: a body that held a credential is
// stored decoded and redacted (its coding in Encoded, encoded again on
// replay), one that held none stays as it was. A response whose body
// redaction changed announces the length of its new body (ContentLength
// and Content-Length), as import does: a length left as it was would tell
// a secret's.
func redactedDecoded(ins []cassette.Interaction, r cassette.Redaction) []cassette.Interaction {
	d := make([]cassette.Interaction, len(ins))
	for i := range ins {
		d[i] = cloneInteraction(ins[i])
		decodeStored(&d[i])
	}
	out := redactedSynced(d, r)
	for i := range ins {
		asCame(&out[i], &d[i], &ins[i])
	}
	return out
}

// shallow returns a copy of in that keeps its bodies as they are when
// decoding or redaction gives in new ones: they never change a body in
// place.
func shallow(in cassette.Interaction) cassette.Interaction {
	if in.Response != nil {
		r := *in.Response
		in.Response = &r
	}
	return in
}

// asCame puts back into out, the redaction of d, which decodeStored
// decoded from in, each body that came in a coding and that redaction
// left as it was: such a body is stored as the bytes that came, and
// replays byte for byte.
func asCame(out, d, in *cassette.Interaction) {
	if d.Request.Encoded != in.Request.Encoded && bytes.Equal(out.Request.Body, d.Request.Body) {
		out.Request.Body, out.Request.Encoded = slices.Clone(in.Request.Body), in.Request.Encoded
	}
	if r, n := in.Response, out.Response; r != nil && n != nil && d.Response.Encoded != r.Encoded && bytes.Equal(n.Body, d.Response.Body) {
		n.Body, n.Encoded = slices.Clone(r.Body), r.Encoded
	}
}
