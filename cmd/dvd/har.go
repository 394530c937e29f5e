package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/textproto"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) is the JSON
// that browsers' devtools, Charles, Fiddler and other HTTP tools export.
// What a dvd interaction holds beyond HAR, such as a transport error, the
// coding a body was in or the trailers, goes in a custom field "_dvd" of
// the entry (the specification lets custom fields start with "_"), which
// other tools ignore and dvd import reads back.

// harFile is a HAR file.
type harFile struct {
	Log *harLog `json:"log"`
}

// harLog is the log of a HAR file.
type harLog struct {
	Version string      `json:"version"`
	Creator harCreator  `json:"creator"`
	Entries *[]harEntry `json:"entries"`
}

// harCreator names the program that wrote a HAR file.
type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// harEntry is one request and its response.
type harEntry struct {
	StartedDateTime string          `json:"startedDateTime"`
	Time            float64         `json:"time"`
	Request         harRequest      `json:"request"`
	Response        harResponse     `json:"response"`
	Cache           json.RawMessage `json:"cache"`
	Timings         harTimings      `json:"timings"`
	DVD             *harDVD         `json:"_dvd,omitempty"`
}

// harRequest is a HAR request.
type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     harCookies   `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int64        `json:"headersSize"`
	BodySize    int64        `json:"bodySize"`
}

// harResponse is a HAR response.
type harResponse struct {
	Status      int        `json:"status"`
	StatusText  string     `json:"statusText"`
	HTTPVersion string     `json:"httpVersion"`
	Cookies     harCookies `json:"cookies"`
	Headers     []harNV    `json:"headers"`
	Content     harContent `json:"content"`
	RedirectURL string     `json:"redirectURL"`
	HeadersSize int64      `json:"headersSize"`
	BodySize    int64      `json:"bodySize"`
	// Error is the reason a browser gives for a request that got no
	// response (Chrome's "net::ERR_CONNECTION_REFUSED").
	Error string `json:"_error,omitempty"`
}

// harNV is a header or a query parameter.
type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// harCookie is a cookie, as HAR lists those of the Cookie and Set-Cookie
// headers. dvd writes them for the tools that show them, and reads the
// headers instead.
type harCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
}

// harCookies are the cookies of a request or a response. They are written
// but not read: the headers hold them, and tools differ in how they write
// them.
type harCookies []harCookie

// UnmarshalJSON ignores the cookies.
func (*harCookies) UnmarshalJSON([]byte) error { return nil }

// harPostData is the body of a request.
type harPostData struct {
	MimeType string     `json:"mimeType"`
	Text     string     `json:"text"`
	Params   []harParam `json:"params,omitempty"`
	// Encoding is "base64" when Text holds the body in base64, for a body
	// that is not UTF-8. HAR 1.2 has it only for a response's content;
	// dvd writes it as the custom "_encoding" and reads either.
	Encoding    string `json:"_encoding,omitempty"`
	StdEncoding string `json:"encoding,omitempty"`
}

// harParam is a parameter of a posted form.
type harParam struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

// harContent is the body of a response.
type harContent struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// harTimings are the phases of an entry, in milliseconds, -1 for a phase
// that does not apply.
type harTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// harDVD is what an entry holds beyond HAR, in its "_dvd" field.
type harDVD struct {
	// Times is how many times in a row the request got this answer.
	Times int `json:"times,omitempty"`
	// RequestEncoded is the coding of a request body stored decoded.
	RequestEncoded string `json:"request_encoded,omitempty"`
	// Error is the transport error the request got instead of a response.
	Error *harError `json:"error,omitempty"`
	// Encoded is the coding of a response body stored decoded.
	Encoded string `json:"encoded,omitempty"`
	// Uncompressed says that the transport decoded the response body.
	Uncompressed bool `json:"uncompressed,omitempty"`
	// ContentLength is the length the response announced, when it is not
	// the one its Content-Length header and body give.
	ContentLength *int64 `json:"content_length,omitempty"`
	// TransferEncoding lists the response's transfer codings.
	TransferEncoding []string `json:"transfer_encoding,omitempty"`
	// Trailer holds the response's trailers.
	Trailer http.Header `json:"trailer,omitempty"`
	// Truncated says the client closed the body before its end.
	Truncated bool `json:"truncated,omitempty"`
	// BodyError is the error reading the body returned after it.
	BodyError *harError `json:"body_error,omitempty"`
	// TLS is the TLS connection the response came over.
	TLS *harTLS `json:"tls,omitempty"`
}

// harError is the record of a transport error (see internal/neterr), as
// the cassette file holds it.
type harError struct {
	Kind         neterr.Kind `json:"kind"`
	Message      string      `json:"message,omitempty"`
	Op           string      `json:"op,omitempty"`
	Net          string      `json:"net,omitempty"`
	Addr         string      `json:"addr,omitempty"`
	Detail       string      `json:"detail,omitempty"`
	Name         string      `json:"name,omitempty"`
	Server       string      `json:"server,omitempty"`
	NotFound     bool        `json:"not_found,omitempty"`
	Temporary    bool        `json:"temporary,omitempty"`
	Timeout      bool        `json:"timeout,omitempty"`
	Alert        uint8       `json:"alert,omitempty"`
	RecordHeader string      `json:"record_header,omitempty"`
}

// harTLS is a cassette.TLSState.
type harTLS struct {
	Version            uint16   `json:"version"`
	CipherSuite        uint16   `json:"cipher_suite"`
	ServerName         string   `json:"server_name,omitempty"`
	NegotiatedProtocol string   `json:"negotiated_protocol,omitempty"`
	PeerCertificates   [][]byte `json:"peer_certificates,omitempty"`
}

// toHARError returns err as the "_dvd" field holds it.
func toHARError(err error) *harError {
	if err == nil {
		return nil
	}
	h := harError(neterr.RecordOf(err))
	return &h
}

// fromHARError returns the error e records; an error without a kind is of
// kind other.
func fromHARError(e *harError) error {
	if e == nil {
		return nil
	}
	r := neterr.Record(*e)
	if r.Kind == "" {
		r.Kind = neterr.Other
	}
	return neterr.Recorded(r)
}

// looksLikeHAR reports whether data is a JSON object with a "log".
func looksLikeHAR(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	_, ok := probe["log"]
	return ok
}

// jsonError says where in data a JSON error is, by line and column, and
// what it is, without quoting the value.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case strings.Contains(err.Error(), "unexpected end of JSON input"):
		return errors.New("the JSON ends early: is the file cut short?")
	case errors.As(err, &se):
		line, col := lineCol(data, se.Offset)
		return fmt.Errorf("line %d, column %d: not JSON: %s", line, col, strings.TrimPrefix(se.Error(), "json: "))
	case errors.As(err, &te):
		line, col := lineCol(data, te.Offset)
		field := te.Field
		if field == "" {
			field = "the file"
		}
		// Value is the kind of JSON value, and for a number that does not
		// fit, the number too: only the kind is said.
		kind, _, _ := strings.Cut(te.Value, " ")
		return fmt.Errorf("line %d, column %d: %s is a JSON %s, not what HAR has there", line, col, field, kind)
	}
	return fmt.Errorf("not JSON: %v", err)
}

// lineCol returns the line and column, from 1, of the byte at offset.
func lineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 1 {
		return 1, 1
	}
	before := data[:offset-1]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n') - 1
	return line, col
}

// parseHAR reads a HAR file and returns its entries as interactions, in
// order: not redacted, bodies as they were stored.
func parseHAR(data []byte) ([]cassette.Interaction, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // some tools write a BOM
	var f harFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, jsonError(data, err)
	}
	if f.Log == nil || f.Log.Entries == nil {
		return nil, errors.New(`not a HAR file: a HAR file is a JSON object with "log", which has "entries"`)
	}
	ours := f.Log.Creator.Name == harCreatorName
	entries := *f.Log.Entries
	out := make([]cassette.Interaction, 0, len(entries))
	for i := range entries {
		in, err := harInteraction(&entries[i], ours)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %v", i+1, err)
		}
		out = append(out, in)
	}
	return out, nil
}

// harInteraction turns an entry into an interaction. Header names are put
// in canonical form unless dvd wrote the file, which holds them as the
// cassette did.
func harInteraction(e *harEntry, ours bool) (cassette.Interaction, error) {
	var in cassette.Interaction
	x := e.DVD
	if x == nil {
		x = &harDVD{}
	}
	if e.Request.Method == "" {
		return in, errors.New("the request has no method")
	}
	if e.Request.URL == "" {
		return in, errors.New("the request has no url")
	}
	in.Request.Method = e.Request.Method
	in.Request.URL = e.Request.URL
	in.Request.Header = harHeader(e.Request.Headers, ours)
	if pd := e.Request.PostData; pd != nil {
		body, err := harText(pd.Text, pd.Encoding+pd.StdEncoding)
		if err != nil {
			return in, fmt.Errorf("the request body: %v", err)
		}
		if len(body) == 0 && len(pd.Params) > 0 && strings.HasPrefix(strings.ToLower(pd.MimeType), "application/x-www-form-urlencoded") {
			var b strings.Builder
			for i, p := range pd.Params {
				if i > 0 {
					b.WriteByte('&')
				}
				b.WriteString(url.QueryEscape(p.Name) + "=" + url.QueryEscape(p.Value))
			}
			body = []byte(b.String())
		}
		if len(body) > 0 {
			in.Request.Body = body
		}
	}
	if err := checkCoding(x.RequestEncoded); err != nil {
		return in, fmt.Errorf("_dvd.request_encoded: %v", err)
	}
	in.Request.Encoded = x.RequestEncoded
	if in.Request.Encoded == "" && !ours {
		harDecoded(in.Request.Header, in.Request.Body, &in.Request.Encoded, nil)
	}
	in.Times = x.Times
	if in.Times < 0 {
		in.Times = 0
	}
	in.Duration = harDuration(e)

	if x.Error != nil || e.Response.Status == 0 {
		// No response: the transport's error, or a browser's reason.
		in.Error = fromHARError(x.Error)
		if in.Error == nil {
			msg := e.Response.Error
			if msg == "" {
				msg = "the HAR file records no response"
			}
			in.Error = neterr.Recorded(neterr.Record{Kind: browserErrorKind(msg), Message: msg})
		}
		return in, nil
	}
	hr := &e.Response
	if hr.Status < 100 || hr.Status > 999 {
		return in, fmt.Errorf("the response status %d is not an HTTP status code (100 to 999)", hr.Status)
	}
	r := &cassette.Response{StatusCode: hr.Status}
	in.Response = r
	if hr.StatusText != "" {
		r.Status = strconv.Itoa(hr.Status) + " " + hr.StatusText
	}
	r.Proto = harProto(hr.HTTPVersion)
	r.Header = harHeader(hr.Headers, ours)
	body, err := harText(hr.Content.Text, hr.Content.Encoding)
	if err != nil {
		return in, fmt.Errorf("the response content: %v", err)
	}
	if len(body) > 0 {
		r.Body = body
	}
	if err := checkCoding(x.Encoded); err != nil {
		return in, fmt.Errorf("_dvd.encoded: %v", err)
	}
	r.Encoded = x.Encoded
	r.Uncompressed = x.Uncompressed
	if r.Encoded == "" && !r.Uncompressed && !ours {
		harDecoded(r.Header, r.Body, &r.Encoded, r)
	}
	r.TransferEncoding = x.TransferEncoding
	if len(x.Trailer) > 0 {
		r.Trailer = x.Trailer
	}
	r.Truncated = x.Truncated
	r.BodyError = fromHARError(x.BodyError)
	if t := x.TLS; t != nil {
		r.TLS = &cassette.TLSState{Version: t.Version, CipherSuite: t.CipherSuite, ServerName: t.ServerName,
			NegotiatedProtocol: t.NegotiatedProtocol, PeerCertificates: t.PeerCertificates}
	}
	if x.ContentLength != nil {
		r.ContentLength = max(*x.ContentLength, -1)
	} else {
		r.ContentLength = derivedContentLength(in.Request.Method, r)
	}
	return in, nil
}

// checkCoding accepts the codings dvd encodes again.
func checkCoding(e string) error {
	switch e {
	case "", "gzip", "deflate", "deflate-raw", "zstd":
		return nil
	}
	return errors.New("not a coding dvd encodes: it knows gzip, deflate, deflate-raw and zstd")
}

// harDecoded settles the coding of a HAR body, which HAR holds decoded
// whatever its Content-Encoding says. A body that still decodes in its
// coding is left for importClean to decode. Otherwise it is the content,
// stored decoded, with the coding in *encoded, for replay to encode it
// again; when dvd cannot encode that coding (br, a stack), the response
// is kept as if the transport had decoded it: without Content-Encoding
// and Content-Length, Uncompressed.
func harDecoded(h http.Header, body []byte, encoded *string, r *cassette.Response) {
	coding := contentCodingOf(h)
	if coding == "" || len(body) == 0 {
		return
	}
	if _, enc, _ := importDecode(h, body); enc != "" {
		return
	}
	switch coding {
	case "gzip", "x-gzip":
		*encoded = "gzip"
	case "deflate":
		*encoded = "deflate"
	case "zstd":
		*encoded = "zstd"
	default:
		if r != nil {
			r.Header.Del("Content-Encoding")
			r.Header.Del("Content-Length")
			r.Uncompressed = true
		}
	}
}

// harDuration is the time from sending the request to the response's
// headers: send and wait, or the entry's time when they are not given.
func harDuration(e *harEntry) time.Duration {
	ms := e.Time
	if e.Timings.Send >= 0 && e.Timings.Wait >= 0 && e.Timings.Send+e.Timings.Wait > 0 {
		ms = e.Timings.Send + e.Timings.Wait
	}
	if ms <= 0 || math.IsNaN(ms) || ms > float64(math.MaxInt64)/1e6 {
		return 0
	}
	return time.Duration(math.Round(ms * 1e6))
}

// harProto turns a HAR httpVersion into the form of http.Response.Proto:
// "HTTP/1.1", "HTTP/2.0". Browsers write "h2", "h3" and lower case too.
func harProto(v string) string {
	switch s := strings.ToLower(strings.TrimSpace(v)); s {
	case "h2", "http/2", "http/2.0":
		return "HTTP/2.0"
	case "h3", "http/3", "http/3.0":
		return "HTTP/3.0"
	case "http/1.1", "http/1.0", "http/0.9":
		return strings.ToUpper(s)
	}
	if _, _, ok := http.ParseHTTPVersion(v); ok {
		return v
	}
	return ""
}

// harHeader turns a HAR header list into an http.Header, without the
// pseudo-headers of HTTP/2 (":authority").
func harHeader(list []harNV, keepNames bool) http.Header {
	if len(list) == 0 {
		return nil
	}
	h := make(http.Header, len(list))
	for _, nv := range list {
		if nv.Name == "" || strings.HasPrefix(nv.Name, ":") {
			continue
		}
		name := nv.Name
		if !keepNames {
			name = textproto.CanonicalMIMEHeaderKey(name)
		}
		h[name] = append(h[name], nv.Value)
	}
	return h
}

// harText decodes a HAR body: text, or base64.
func harText(text, encoding string) ([]byte, error) {
	switch strings.ToLower(encoding) {
	case "":
		return []byte(text), nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return nil, errors.New(`its encoding is "base64", but the text is not base64`)
		}
		return b, nil
	}
	return nil, errors.New(`its encoding is neither "base64" nor empty`)
}

// harCreatorName is the creator's name in the HAR files dvd writes.
const harCreatorName = "dvd"

// harEpoch is the start time of the first entry of a cassette that does
// not say when it was recorded.
var harEpoch = time.Unix(0, 0).UTC()

// buildHAR returns the HAR file of c. Entries start one after the other,
// from the time the cassette was recorded, each lasting its duration.
func buildHAR(c *cassette.Cassette) *harFile {
	start := c.RecordedAt()
	if start.IsZero() {
		start = harEpoch
	}
	ins := c.Interactions()
	entries := make([]harEntry, 0, len(ins))
	at := start
	for i := range ins {
		entries = append(entries, harEntryOf(&ins[i], at))
		at = at.Add(ins[i].Duration)
	}
	return &harFile{Log: &harLog{
		Version: "1.2",
		Creator: harCreator{Name: harCreatorName, Version: dvdVersion()},
		Entries: &entries,
	}}
}

// dvdVersion is the version of this dvd command, as the Go toolchain
// recorded it: "v1.2.3" when installed with go install, "(devel)" when built
// from a checkout.
func dvdVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// harEntryOf returns the HAR entry of an interaction that started at t.
func harEntryOf(in *cassette.Interaction, t time.Time) harEntry {
	ms := float64(in.Duration) / 1e6
	e := harEntry{
		StartedDateTime: t.UTC().Format(time.RFC3339Nano),
		Time:            ms,
		Cache:           json.RawMessage("{}"),
		Timings:         harTimings{Send: 0, Wait: ms, Receive: 0},
	}
	x := &harDVD{RequestEncoded: in.Request.Encoded}
	if in.Times > 1 {
		x.Times = in.Times
	}

	req := &in.Request
	e.Request = harRequest{
		Method:      req.Method,
		URL:         req.URL,
		HTTPVersion: "HTTP/1.1",
		Cookies:     harCookiesOf((&http.Request{Header: req.Header}).Cookies()),
		Headers:     harHeaderList(req.Header),
		QueryString: harQuery(req.URL),
		HeadersSize: -1,
		BodySize:    int64(len(req.Body)),
	}
	if len(req.Body) > 0 {
		text, enc := harBody(req.Body)
		e.Request.PostData = &harPostData{MimeType: req.Header.Get("Content-Type"), Text: text, Encoding: enc}
	}

	r := in.Response
	if r == nil {
		// HAR has no entry without a response: status 0, as browsers
		// write a request that failed, with the error in _error.
		x.Error = toHARError(in.Error)
		msg := ""
		if in.Error != nil {
			msg = in.Error.Error()
		}
		e.Response = harResponse{Cookies: harCookies{}, Headers: []harNV{}, HTTPVersion: "", HeadersSize: -1, BodySize: -1,
			Content: harContent{Size: 0, MimeType: "x-unknown"}, Error: msg}
		e.DVD = x
		return e
	}
	e.Request.HTTPVersion = harVersionOf(r.Proto)
	statusText := strings.TrimPrefix(r.Status, strconv.Itoa(r.StatusCode)+" ")
	if r.Status == "" || statusText == r.Status {
		statusText = http.StatusText(r.StatusCode)
	}
	text, enc := harBody(r.Body)
	bodySize := int64(len(r.Body))
	if r.Encoded != "" || r.Uncompressed {
		bodySize = -1 // the bytes sent were encoded: their number is not known
	}
	mime := r.Header.Get("Content-Type")
	if mime == "" {
		mime = "x-unknown"
	}
	e.Response = harResponse{
		Status:      r.StatusCode,
		StatusText:  statusText,
		HTTPVersion: harVersionOf(r.Proto),
		Cookies:     harCookiesOf((&http.Response{Header: r.Header}).Cookies()),
		Headers:     harHeaderList(r.Header),
		Content:     harContent{Size: int64(len(r.Body)), MimeType: mime, Text: text, Encoding: enc},
		RedirectURL: r.Header.Get("Location"),
		HeadersSize: -1,
		BodySize:    bodySize,
	}
	x.Encoded = r.Encoded
	x.Uncompressed = r.Uncompressed
	x.TransferEncoding = r.TransferEncoding
	if len(r.Trailer) > 0 {
		x.Trailer = r.Trailer
	}
	x.Truncated = r.Truncated
	x.BodyError = toHARError(r.BodyError)
	if t := r.TLS; t != nil {
		x.TLS = &harTLS{Version: t.Version, CipherSuite: t.CipherSuite, ServerName: t.ServerName,
			NegotiatedProtocol: t.NegotiatedProtocol, PeerCertificates: t.PeerCertificates}
	}
	// The length announced, when it is not the one import derives.
	if derivedContentLength(req.Method, r) != r.ContentLength {
		n := r.ContentLength
		x.ContentLength = &n
	}
	if !x.empty() {
		e.DVD = x
	}
	return e
}

// empty reports whether x holds nothing.
func (x *harDVD) empty() bool {
	return x.Times == 0 && x.RequestEncoded == "" && x.Error == nil && x.Encoded == "" && !x.Uncompressed &&
		x.ContentLength == nil && len(x.TransferEncoding) == 0 && len(x.Trailer) == 0 && !x.Truncated &&
		x.BodyError == nil && x.TLS == nil
}

// harVersionOf returns the httpVersion of a response's protocol.
func harVersionOf(proto string) string {
	if proto == "" {
		return "HTTP/1.1"
	}
	return proto
}

// harBody returns a body as HAR text: as it is when it is UTF-8, in base64
// otherwise.
func harBody(b []byte) (text, encoding string) {
	if utf8.Valid(b) {
		return string(b), ""
	}
	return base64.StdEncoding.EncodeToString(b), "base64"
}

// harHeaderList lists a header, names sorted, values in order.
func harHeaderList(h http.Header) []harNV {
	list := make([]harNV, 0, len(h))
	for _, k := range sortedKeys(h) {
		for _, v := range h[k] {
			list = append(list, harNV{Name: k, Value: v})
		}
	}
	return list
}

// harQuery lists the query parameters of a URL, in order.
func harQuery(raw string) []harNV {
	list := []harNV{}
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return list
	}
	for part := range strings.SplitSeq(u.RawQuery, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if v, err := url.QueryUnescape(value); err == nil {
			value = v
		}
		list = append(list, harNV{Name: name, Value: value})
	}
	return list
}

// harCookiesOf lists cookies as HAR does.
func harCookiesOf(cs []*http.Cookie) harCookies {
	list := harCookies{}
	for _, c := range cs {
		hc := harCookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure}
		if !c.Expires.IsZero() {
			hc.Expires = c.Expires.UTC().Format(time.RFC3339)
		}
		list = append(list, hc)
	}
	return list
}

// browserErrorKind returns the kind of the error a browser writes in
// _error for a request that got no response: Chrome's net::ERR_… names
// and Firefox's NS_ERROR_… names, other for any other.
func browserErrorKind(msg string) neterr.Kind {
	m := strings.ToUpper(msg)
	switch {
	case strings.Contains(m, "ERR_CONNECTION_REFUSED"), strings.Contains(m, "NS_ERROR_CONNECTION_REFUSED"):
		return neterr.Refused
	case strings.Contains(m, "ERR_NAME_NOT_RESOLVED"), strings.Contains(m, "ERR_NAME_RESOLUTION_FAILED"), strings.Contains(m, "NS_ERROR_UNKNOWN_HOST"):
		return neterr.DNS
	case strings.Contains(m, "ERR_CONNECTION_RESET"), strings.Contains(m, "NS_ERROR_NET_RESET"):
		return neterr.Reset
	case strings.Contains(m, "ERR_CONNECTION_TIMED_OUT"), strings.Contains(m, "ERR_TIMED_OUT"), strings.Contains(m, "NS_ERROR_NET_TIMEOUT"):
		return neterr.Timeout
	case strings.Contains(m, "ERR_CERT_"), strings.Contains(m, "SEC_ERROR_"):
		return neterr.Certificate
	case strings.Contains(m, "ERR_SSL_"):
		return neterr.TLS
	}
	return neterr.Other
}
