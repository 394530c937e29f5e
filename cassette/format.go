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
	"github.com/dvdrw/dvd/internal/neterr"
)

// Version is the newest cassette format version this package reads and
// writes. It reads files of every version up to this one, and refuses newer
// ones with an error that says to upgrade. A key added to the format raises
// it: a reader refuses the keys it does not know, so an older dvd says to
// upgrade rather than drop what it cannot read. A file says the oldest
// version that holds it, so that a cassette that uses no newer key stays as
// it was and still reads with an older dvd.
//
// Version 2 added the "clock" section (see [Clock]), the "times" of an
// interaction (see [Interaction]), the "encoded" coding of a body stored
// decoded (see [Request.Encoded]), the members that say how a JSON body was
// spaced ("body_json_trailing" and the like), a response's
// "transfer_encoding" and "tls", and the file's "tls", which holds the TLS
// states the responses name.
const Version = 2

// Ext is the extension of an uncompressed cassette file; a compressed one
// adds the compression's own (see codec.Compression.Ext).
const Ext = ".dvd.json"

// file is the content of one cassette file.
type file struct {
	Version      int
	RecordedAt   time.Time // when the cassette was recorded, UTC, to the second
	Clock        *Clock    // nil when the test took nothing from time or chance
	Interactions []Interaction
}

// The schema of the file, written once for the writer and the reader: one
// object per JSON object, its fields in the order they are written. A field
// is left out when it holds its zero value (an empty string, false, a nil
// pointer, an empty header), unless it is Always written; Or gives what a
// left-out field stands for when that is not the zero value; Required
// fields must be there, and a Rule is checked both ways. Adding a field to
// the model means adding a line here, marked since the next Version.
var (
	fileFormat = newObject[file]("a cassette", nil,
		integer("version", func(f *file) *int { return &f.Version }).Required().Rule(checkVersion),
		timestamp("recorded_at", func(f *file) *time.Time { return &f.RecordedAt }).Rule(checkYear),
		since(2, optional("clock", func(f *file) **Clock { return &f.Clock }, clockFormat)),
		list("interactions", func(f *file) *[]Interaction { return &f.Interactions }, interactionFormat, describe),
		since(2, tlsTable("tls", tlsFormat)),
	)

	interactionFormat = newObject[Interaction]("an interaction", checkOutcome,
		nested("request", func(in *Interaction) *Request { return &in.Request }, requestFormat).Required(),
		optional("response", func(in *Interaction) **Response { return &in.Response }, responseFormat),
		optional("error", func(in *Interaction) **Error { return &in.Error }, errorFormat),
		duration("duration", func(in *Interaction) *time.Duration { return &in.Duration }),
		since(2, integer("times", func(in *Interaction) *int { return &in.Times }).Or(once).Rule(checkTimes)),
	)

	requestFormat = newObject[Request]("a request", nil,
		word("method", func(r *Request) *string { return &r.Method }).Required(),
		text("url", func(r *Request) *string { return &r.URL }).Required(),
		headers("headers", func(r *Request) *http.Header { return &r.Header }),
		since(2, word("encoded", func(r *Request) *string { return &r.Encoded }).Rule(httpcoding.Check)),
		body(func(r *Request) *[]byte { return &r.Body }),
	)

	// What the reader can derive is left out: the usual status text,
	// HTTP/1.1, a content length equal to the body's.
	responseFormat = newObject[Response]("a response", nil,
		integer("code", func(r *Response) *int { return &r.StatusCode }).Required().Rule(checkStatusCode),
		word("status", func(r *Response) *string { return &r.Status }).Or(func(r *Response) string { return statusLine(r.StatusCode) }),
		word("proto", func(r *Response) *string { return &r.Proto }).Or(func(*Response) string { return defaultProto }),
		since(2, words("transfer_encoding", func(r *Response) *[]string { return &r.TransferEncoding })),
		headers("headers", func(r *Response) *http.Header { return &r.Header }),
		headers("trailers", func(r *Response) *http.Header { return &r.Trailer }),
		integer("content_length", func(r *Response) *int64 { return &r.ContentLength }).Or(func(r *Response) int64 { return int64(len(r.Body)) }),
		flag("uncompressed", func(r *Response) *bool { return &r.Uncompressed }),
		since(2, word("encoded", func(r *Response) *string { return &r.Encoded }).Rule(httpcoding.Check)),
		body(func(r *Response) *[]byte { return &r.Body }),
		flag("truncated", func(r *Response) *bool { return &r.Truncated }),
		optional("body_error", func(r *Response) **Error { return &r.BodyError }, errorFormat),
		since(2, tlsRef("tls", func(r *Response) **TLSState { return &r.TLS })),
	)

	// A TLS state is held once, in the file's "tls", under a name that
	// the responses that came over it give (see format_tls.go).
	tlsFormat = newObject[TLSState]("a TLS state", nil,
		tlsName("version", func(t *TLSState) *uint16 { return &t.Version }, tls.VersionName, neterr.ParseVersion),
		tlsName("cipher_suite", func(t *TLSState) *uint16 { return &t.CipherSuite }, tls.CipherSuiteName, neterr.ParseCipherSuite),
		word("server_name", func(t *TLSState) *string { return &t.ServerName }),
		word("protocol", func(t *TLSState) *string { return &t.NegotiatedProtocol }),
		certificates("peer_certificates", func(t *TLSState) *[][]byte { return &t.PeerCertificates }),
	)

	errorFormat = newObject[Error]("an error", nil,
		word("kind", func(e *Error) *string { return &e.Kind }).Always(),
		text("message", func(e *Error) *string { return &e.Message }).Always(),
		word("op", func(e *Error) *string { return &e.Op }),
		word("net", func(e *Error) *string { return &e.Net }),
		word("addr", func(e *Error) *string { return &e.Addr }),
		word("detail", func(e *Error) *string { return &e.Detail }),
		word("name", func(e *Error) *string { return &e.Name }),
		word("server", func(e *Error) *string { return &e.Server }),
		flag("not_found", func(e *Error) *bool { return &e.NotFound }),
		flag("temporary", func(e *Error) *bool { return &e.Temporary }),
		flag("timeout", func(e *Error) *bool { return &e.Timeout }),
		integer("alert", func(e *Error) *uint8 { return &e.Alert }).Or(func(*Error) uint8 { return 0 }),
		text("record_header", func(e *Error) *string { return &e.RecordHeader }),
	)
)

// jsonSpacingFormat lists the members that say how a JSON body was spaced
// (see [jsonSpacing]), written after "body_json" in this order.
var jsonSpacingFormat = []spacingMember{
	{name: "body_json_leading", at: func(s *jsonSpacing) *string { return &s.leading }, allowed: " \t\r\n", since: 2},
	{name: "body_json_prefix", at: func(s *jsonSpacing) *string { return &s.prefix }, allowed: " \t", since: 2},
	{name: "body_json_indent", at: func(s *jsonSpacing) *string { return &s.indent }, allowed: " \t", since: 2},
	{name: "body_json_trailing", at: func(s *jsonSpacing) *string { return &s.trailing }, allowed: " \t\r\n", since: 2},
}

func checkVersion(v int) error {
	switch {
	case v > Version:
		return versionError(v)
	case v < 1:
		return fmt.Errorf("%d is not a format version: they start at 1", v)
	}
	return nil
}

func versionError(v int) error {
	return fmt.Errorf("format version %d is not one this dvd reads (it reads up to %d): upgrade github.com/dvdrw/dvd", v, Version)
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

func checkOutcome(in *Interaction) error {
	if (in.Response == nil) == (in.Error == nil) {
		return errors.New(`it needs exactly one of "response" and "error"`)
	}
	return nil
}

// describe names interaction i in an error, counting from 1 as dvd's
// reports and commands do: "interaction 3 (GET https://x/)". The request is
// shown as the default redaction leaves it, for the error of a file that
// was never redacted (written by hand or by another tool) would otherwise
// quote its tokens in a test log.
func describe(i int, in *Interaction) string {
	s := "interaction " + strconv.Itoa(i+1)
	u := in.Request.URL
	if u != "" {
		u = defaultRedactor().url(u)
	}
	if req := strings.TrimSpace(in.Request.Method + " " + u); req != "" {
		s += " (" + req + ")"
	}
	return s
}

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
