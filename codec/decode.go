package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// The file as encoding/json sees it.
type wireFile struct {
	Version      int               `json:"version"`
	RecordedAt   string            `json:"recorded_at"`
	Interactions []wireInteraction `json:"interactions"`
}

type wireInteraction struct {
	Request  *wireRequest  `json:"request"`
	Response *wireResponse `json:"response"`
	Error    *Error        `json:"error"`
	Duration string        `json:"duration"`
}

type wireBody struct {
	Body       *string         `json:"body"`
	BodyBase64 []byte          `json:"body_base64"`
	BodyJSON   json.RawMessage `json:"body_json"`
}

type wireRequest struct {
	Method string      `json:"method"`
	URL    string      `json:"url"`
	Header http.Header `json:"headers"`
	wireBody
}

type wireResponse struct {
	Status        string      `json:"status"`
	Code          int         `json:"code"`
	Proto         string      `json:"proto"`
	Header        http.Header `json:"headers"`
	Trailer       http.Header `json:"trailers"`
	ContentLength *int64      `json:"content_length"`
	Uncompressed  bool        `json:"uncompressed"`
	Truncated     bool        `json:"truncated"`
	BodyError     *Error      `json:"body_error"`
	wireBody
}

// Unmarshal parses the uncompressed JSON of a cassette file. Its errors say
// what is wrong and where (line and column); they do not name a file, which
// [Decode]'s callers add.
func Unmarshal(data []byte) (*File, error) {
	var w wireFile
	if err := json.Unmarshal(data, &w); err != nil {
		if v, ok := peekVersion(data); ok && v > Version {
			return nil, versionError(v)
		}
		return nil, syntaxError(data, err)
	}
	if w.Version == 0 {
		return nil, errors.New(`not a dvd cassette: it has no "version"`)
	}
	if w.Version > Version || w.Version < 0 {
		return nil, versionError(w.Version)
	}
	f := &File{Version: w.Version, Interactions: make([]Interaction, len(w.Interactions))}
	if w.RecordedAt != "" {
		t, err := time.Parse(time.RFC3339, w.RecordedAt)
		if err != nil {
			return nil, fmt.Errorf("recorded_at %q is not an RFC 3339 time", w.RecordedAt)
		}
		f.RecordedAt = t
	}
	for i := range w.Interactions {
		if err := convert(&f.Interactions[i], &w.Interactions[i]); err != nil {
			return nil, fmt.Errorf("interaction %d: %w", i, err)
		}
	}
	return f, nil
}

func convert(in *Interaction, w *wireInteraction) error {
	if w.Request == nil {
		return errors.New(`it has no "request"`)
	}
	if w.Request.Method == "" || w.Request.URL == "" {
		return errors.New(`its request needs a "method" and a "url"`)
	}
	if (w.Response == nil) == (w.Error == nil) {
		return errors.New(`it needs exactly one of "response" and "error"`)
	}
	var err error
	in.Request = Request{Method: w.Request.Method, URL: w.Request.URL, Header: w.Request.Header}
	if in.Request.Body, err = w.Request.bytes(); err != nil {
		return fmt.Errorf("request: %w", err)
	}
	in.Error = w.Error
	if w.Duration != "" {
		if in.Duration, err = time.ParseDuration(w.Duration); err != nil {
			return fmt.Errorf("duration %q: it is not a Go duration such as 12ms", w.Duration)
		}
	}
	if r := w.Response; r != nil {
		if r.Code < 100 || r.Code > 999 {
			return fmt.Errorf("response: status code %d is not a valid HTTP status", r.Code)
		}
		out := &Response{
			Status: r.Status, StatusCode: r.Code, Proto: r.Proto,
			Header: r.Header, Trailer: r.Trailer, ContentLength: -1,
			Uncompressed: r.Uncompressed, Truncated: r.Truncated, BodyError: r.BodyError,
		}
		if r.ContentLength != nil {
			out.ContentLength = *r.ContentLength
		}
		if out.Body, err = r.bytes(); err != nil {
			return fmt.Errorf("response: %w", err)
		}
		in.Response = out
	}
	return nil
}

func (b *wireBody) bytes() ([]byte, error) {
	n := 0
	if b.Body != nil {
		n++
	}
	if b.BodyBase64 != nil {
		n++
	}
	if b.BodyJSON != nil {
		n++
	}
	switch {
	case n > 1:
		return nil, errors.New(`it has more than one of "body", "body_base64" and "body_json"`)
	case b.Body != nil:
		return []byte(*b.Body), nil
	case b.BodyBase64 != nil:
		return b.BodyBase64, nil
	case b.BodyJSON != nil:
		var out bytes.Buffer
		out.Grow(len(b.BodyJSON))
		if err := json.Compact(&out, b.BodyJSON); err != nil {
			return nil, err
		}
		return out.Bytes(), nil
	}
	return nil, nil
}

func versionError(v int) error {
	return fmt.Errorf("format version %d is not one this dvd reads (it reads up to %d): upgrade github.com/dvdrw/dvd", v, Version)
}

// peekVersion reads only the version of a file that does not parse as a
// whole, so that a newer format is reported as such rather than as a syntax
// error.
func peekVersion(data []byte) (int, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, false
	}
	if t, err := dec.Token(); err != nil || t != "version" {
		return 0, false
	}
	var v int
	if err := dec.Decode(&v); err != nil {
		return 0, false
	}
	return v, true
}

// syntaxError turns an encoding/json error into one that gives a line and a
// column and calls a file that ends early truncated.
func syntaxError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input":
		return fmt.Errorf("truncated: the JSON ends after %d bytes", len(data))
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return fmt.Errorf("line %d, column %d: %v", line, col, syn)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		field := typ.Field
		if field == "" {
			field = "the document"
		}
		return fmt.Errorf("line %d, column %d: %s should be a JSON %s, not %s", line, col, field, jsonKind(typ.Type.Kind().String()), typ.Value)
	}
	return err
}

func jsonKind(goKind string) string {
	switch goKind {
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	case "string":
		return "string"
	case "bool":
		return "boolean"
	}
	return "number"
}

// position converts a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}
