package cassette

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dvdrw/dvd/internal/httpcoding"
	"github.com/dvdrw/dvd/internal/jsonwire"
	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/timeline"
)

// version is the newest cassette format version this package reads and
// writes. It reads files of every version up to this one, and refuses newer
// ones with an error that says to upgrade. A key added to the format raises
// it: a reader refuses the keys it does not know, so an older dvd says to
// upgrade rather than drop what it cannot read. A file says the oldest
// version that holds it, so that a cassette that uses no newer key stays as
// it was and still reads with an older dvd.
//
// Version 2 added the "clock" section (see [Recorder.Now]), the "times" of an
// interaction (see [Interaction]), the "encoded" coding of a body stored
// decoded (see [Request.Encoded]), the members that say how a JSON body was
// spaced ("body_json_trailing", "body_json_indent", and for a body spaced
// otherwise than compact or indented "body_json_comma" and
// "body_json_colon", its separators, such as Python's json.dumps's ", "
// and ": ", or "body_json_spaces", any other spacing, run by run; version
// 1 held such a body as text), a response's "transfer_encoding" and "tls",
// and the file's "tls", which holds the TLS states the responses name.
//
// The version rises once per release, not once per change: the members of
// JSON bodies in any spacing came after version 2 did, before any release,
// and are version 2's too.
const version = 2

// Ext is the extension of an uncompressed cassette file; a compressed one
// adds the compression's own (see codec.Compression.Ext).
const Ext = ".dvd.json"

// file is the content of one cassette file.
type file struct {
	Version      int
	RecordedAt   time.Time       // when the cassette was recorded, UTC, to the second
	Clock        *timeline.Clock // nil when the test took nothing from time or chance
	Interactions []Interaction
}

// The schema of the file, written once for the writer and the reader: one
// object per JSON object, its fields in the order they are written. A field
// is left out when it holds its zero value (an empty string, false, a nil
// pointer, an empty header), unless it is Always written; Or gives what a
// left-out field stands for when that is not the zero value; Required
// fields must be there, and a Rule is checked both ways. Adding a field to
// the model means adding a line here, wrapped in jsonwire.Since(version+1,
// …), and bumping version.
var (
	fileFormat = jsonwire.NewObject[file]("a cassette", nil,
		jsonwire.Integer("version", func(f *file) *int { return &f.Version }).Required().Rule(checkVersion),
		jsonwire.Time("recorded_at", func(f *file) *time.Time { return &f.RecordedAt }).Rule(checkYear),
		jsonwire.Since(2, jsonwire.Optional("clock", func(f *file) **timeline.Clock { return &f.Clock }, clockFormat)),
		jsonwire.List("interactions", func(f *file) *[]Interaction { return &f.Interactions }, interactionFormat, inInteraction),
		jsonwire.Since(2, jsonwire.Held(tlsTable, func(f *file) int { return len(f.Interactions) }, responseTLS)),
	)

	interactionFormat = jsonwire.NewObject[Interaction]("an interaction", checkOutcome,
		jsonwire.Nested("request", func(in *Interaction) *Request { return &in.Request }, requestFormat).Required(),
		jsonwire.Optional("response", func(in *Interaction) **Response { return &in.Response }, responseFormat),
		errorField("error", func(in *Interaction) *error { return &in.Error }),
		jsonwire.Duration("duration", func(in *Interaction) *time.Duration { return &in.Duration }),
		jsonwire.Since(2, jsonwire.Integer("times", func(in *Interaction) *int { return &in.Times }).Or(once).Rule(checkTimes)),
	)

	requestFormat = jsonwire.NewObject[Request]("a request", nil,
		jsonwire.Word("method", func(r *Request) *string { return &r.Method }).Required(),
		jsonwire.Text("url", func(r *Request) *string { return &r.URL }).Required(),
		jsonwire.Headers("headers", func(r *Request) *http.Header { return &r.Header }),
		jsonwire.Since(2, jsonwire.Word("encoded", func(r *Request) *string { return &r.Encoded }).Rule(httpcoding.Check)),
		jsonwire.Body(func(r *Request) *[]byte { return &r.Body }, 2),
	)

	// What the reader can derive is left out: the usual status text,
	// HTTP/1.1, a content length equal to the body's.
	responseFormat = jsonwire.NewObject[Response]("a response", checkResponse,
		jsonwire.Integer("code", func(r *Response) *int { return &r.StatusCode }).Required().Rule(checkStatusCode),
		jsonwire.Word("status", func(r *Response) *string { return &r.Status }).Or(func(r *Response) string { return statusLine(r.StatusCode) }),
		jsonwire.Word("proto", func(r *Response) *string { return &r.Proto }).Or(func(*Response) string { return defaultProto }),
		jsonwire.Since(2, jsonwire.Words("transfer_encoding", func(r *Response) *[]string { return &r.TransferEncoding })),
		jsonwire.Headers("headers", func(r *Response) *http.Header { return &r.Header }),
		jsonwire.Headers("trailers", func(r *Response) *http.Header { return &r.Trailer }),
		jsonwire.Integer("content_length", func(r *Response) *int64 { return &r.ContentLength }).Or(func(r *Response) int64 { return int64(len(r.Body)) }).Rule(checkLength),
		jsonwire.Flag("uncompressed", func(r *Response) *bool { return &r.Uncompressed }),
		jsonwire.Since(2, jsonwire.Word("encoded", func(r *Response) *string { return &r.Encoded }).Rule(httpcoding.Check)),
		jsonwire.Body(func(r *Response) *[]byte { return &r.Body }, 2),
		jsonwire.Flag("truncated", func(r *Response) *bool { return &r.Truncated }),
		errorField("body_error", func(r *Response) *error { return &r.BodyError }),
		jsonwire.Since(2, jsonwire.Ref("tls", func(r *Response) **TLSState { return &r.TLS }, tlsTable)),
	).Chunked() // one a response, as bodies are

	// A TLS state is held once, in the file's "tls", under a name that
	// the responses that came over it give (see format_tls.go).
	tlsFormat = jsonwire.NewObject[TLSState]("a TLS state", nil,
		jsonwire.Enum("version", func(t *TLSState) *uint16 { return &t.Version }, tls.VersionName, neterr.ParseVersion),
		jsonwire.Enum("cipher_suite", func(t *TLSState) *uint16 { return &t.CipherSuite }, tls.CipherSuiteName, neterr.ParseCipherSuite),
		jsonwire.Word("server_name", func(t *TLSState) *string { return &t.ServerName }),
		jsonwire.Word("protocol", func(t *TLSState) *string { return &t.NegotiatedProtocol }),
		certificates("peer_certificates", func(t *TLSState) *[][]byte { return &t.PeerCertificates }),
	)

	// An error is written as the record of what its type carries (see
	// package internal/neterr), and read back as an error that gives the
	// same record.
	errorFormat = jsonwire.NewObject[neterr.Record]("an error", nil,
		jsonwire.Word("kind", func(e *neterr.Record) *string { return (*string)(&e.Kind) }).Always(),
		jsonwire.Text("message", func(e *neterr.Record) *string { return &e.Message }).Always(),
		jsonwire.Word("op", func(e *neterr.Record) *string { return &e.Op }),
		jsonwire.Word("net", func(e *neterr.Record) *string { return &e.Net }),
		jsonwire.Word("addr", func(e *neterr.Record) *string { return &e.Addr }),
		jsonwire.Word("detail", func(e *neterr.Record) *string { return &e.Detail }),
		jsonwire.Word("name", func(e *neterr.Record) *string { return &e.Name }),
		jsonwire.Word("server", func(e *neterr.Record) *string { return &e.Server }),
		jsonwire.Flag("not_found", func(e *neterr.Record) *bool { return &e.NotFound }),
		jsonwire.Flag("temporary", func(e *neterr.Record) *bool { return &e.Temporary }),
		jsonwire.Flag("timeout", func(e *neterr.Record) *bool { return &e.Timeout }),
		jsonwire.Integer("alert", func(e *neterr.Record) *uint8 { return &e.Alert }).Or(func(*neterr.Record) uint8 { return 0 }),
		jsonwire.Text("record_header", func(e *neterr.Record) *string { return &e.RecordHeader }),
	)
)

// errorField is a member holding an error, left out when it is nil,
// written as [errorFormat].
func errorField[T any](name string, at func(*T) *error) jsonwire.Field[T] {
	return &errorMember[T]{name: []string{name}, at: at}
}

type errorMember[T any] struct {
	name []string
	at   func(*T) *error
}

func (m *errorMember[T]) Keys() []string { return m.name }
func (m *errorMember[T]) Form(v *T) int {
	if *m.at(v) == nil {
		return -1
	}
	return 0
}
func (m *errorMember[T]) Write(w *jsonwire.Writer, v *T, _ int) error {
	r := neterr.RecordOf(*m.at(v))
	return jsonwire.Wrap(m.name[0], errorFormat.Write(w, &r))
}
func (m *errorMember[T]) Read(p *jsonwire.Parser, v *T, _ int) error {
	var r neterr.Record
	if err := errorFormat.Read(p, &r); err != nil {
		return jsonwire.Wrap(m.name[0], err)
	}
	*m.at(v) = neterr.Recorded(r)
	return nil
}
func (m *errorMember[T]) Check(*T) error          { return nil }
func (m *errorMember[T]) Settle(*T, bool)         {}
func (m *errorMember[T]) Traits() jsonwire.Traits { return jsonwire.Traits{} }

func checkVersion(v int) error {
	switch {
	case v > version:
		return versionError(v)
	case v < 1:
		return fmt.Errorf("%d is not a format version: they start at 1", v)
	}
	return nil
}

func versionError(v int) error {
	return fmt.Errorf("format version %d is not one this dvd reads (it reads up to %d): upgrade github.com/dvdrw/dvd", v, version)
}

// checkYear keeps times within what RFC 3339 writes: four-digit years.
func checkYear(t time.Time) error {
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		return fmt.Errorf("%s is outside the years 0000 to 9999", t.UTC().Truncate(time.Second))
	}
	return nil
}

// once is what Times stands for when "times" is left out: the writer
// leaves out 0 and 1, which both mean once, and the reader reads 0.
func once(in *Interaction) int {
	if in.Times == 1 {
		return 1
	}
	return 0
}

func checkTimes(n int) error {
	if n < 2 {
		return fmt.Errorf("%d is not a number of repeats: it is 2 or more; leave it out for once", n)
	}
	return nil
}

func checkStatusCode(code int) error {
	if code < 100 || code > 999 {
		return fmt.Errorf("%d is not an HTTP status code: they run from 100 to 999", code)
	}
	return nil
}

// checkLength refuses a length below -1, which stands for unknown: a
// client given one would misread the body or fail.
func checkLength(n int64) error {
	if n < -1 {
		return fmt.Errorf("%d is not a length: a content_length is the body's length, or -1 when it is unknown", n)
	}
	return nil
}

// checkResponse refuses a negative Content-Length header, which replay
// would hand to the client as it is.
func checkResponse(r *Response) error {
	for _, v := range r.Header["Content-Length"] {
		if v = strings.TrimSpace(v); strings.HasPrefix(v, "-") {
			return fmt.Errorf("the Content-Length header %q is negative: it is the body's length in bytes", v)
		}
	}
	return nil
}

func checkOutcome(in *Interaction) error {
	if (in.Response == nil) == (in.Error == nil) {
		return errors.New(`it needs exactly one of "response" and "error"`)
	}
	return nil
}

// inInteraction names interaction i in the error err of reading or
// writing it, counting from 1 as dvd's reports and commands do:
// "interaction 3 (GET https://x/)".
func inInteraction(i int, in *Interaction, err error) error {
	return &interactionError{n: i + 1, method: in.Request.Method, url: in.Request.URL, err: err}
}

// An interactionError is the error of one interaction of a file.
type interactionError struct {
	n           int
	method, url string
	err         error
}

func (e *interactionError) Error() string {
	s := "interaction " + strconv.Itoa(e.n)
	if req := strings.TrimSpace(e.method + " " + e.url); req != "" {
		s += " (" + req + ")"
	}
	return s + ": " + e.err.Error()
}

func (e *interactionError) Unwrap() error { return e.err }

// defaultProto is the protocol of a response that names none.
const defaultProto = "HTTP/1.1"

// statusLine returns the usual status text of a code, "200 OK", as a
// response without a "status" has.
func statusLine(code int) string {
	if 100 <= code && code < len(statusLines) && statusLines[code] != "" {
		return statusLines[code]
	}
	if text := http.StatusText(code); text != "" {
		return strconv.Itoa(code) + " " + text
	}
	return strconv.Itoa(code)
}

// statusLines holds the status lines of the codes net/http knows, so that
// reading a response does not build its status line again.
var statusLines = func() (lines [600]string) {
	for code := range lines {
		if text := http.StatusText(code); text != "" {
			lines[code] = strconv.Itoa(code) + " " + text
		}
	}
	return lines
}()
