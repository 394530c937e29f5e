package cassette

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dvdrw/dvd/internal/replayed"
)

// recordingBody passes a response body to the caller and keeps a copy of
// what the caller reads. The interaction is stored once the body reaches
// its end, fails, or is closed.
type recordingBody struct {
	rc    io.ReadCloser
	resp  *http.Response
	r     *Recorder
	seq   int
	start time.Time

	mu   sync.Mutex // guards buf, in and done against Recorder.Close
	buf  chunks
	in   Interaction
	done bool
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.mu.Lock()
		if !b.done {
			b.buf.write(p[:n])
		}
		b.mu.Unlock()
	}
	switch {
	case err == io.EOF:
		b.finish(nil, false)
	case err != nil:
		b.finish(err, false)
	}
	return n, err
}

func (b *recordingBody) Close() error {
	// Stored first: when Recorder.Close ends a body that the client is
	// reading, the client's Read fails once rc is closed, and the body
	// must be stored as truncated, not as failed.
	b.finish(nil, true)
	err := b.rc.Close()
	b.r.mu.Lock()
	delete(b.r.unclosed, b)
	b.r.mu.Unlock()
	return err
}

// finish stores the interaction once. truncated says the body may not have
// been read to its end.
func (b *recordingBody) finish(readErr error, truncated bool) {
	b.mu.Lock()
	if b.done {
		b.mu.Unlock()
		return
	}
	b.done = true
	in := b.in
	resp := *in.Response
	resp.Body = b.buf.bytes()
	if readErr != nil {
		resp.BodyError = recordError(readErr, b.requestContext())
	} else if truncated && !b.complete() {
		resp.Truncated = true
	}
	// Trailers arrive with the end of the body. A body that did not reach
	// it has none yet, and Recorder.Close may be finishing it while the
	// caller's goroutine reads on, and the transport fills resp.Trailer:
	// leave the map alone then.
	if !truncated && len(b.resp.Trailer) > 0 {
		resp.Trailer = b.resp.Trailer.Clone()
	}
	in.Response = &resp
	b.mu.Unlock()
	b.r.keep(b.seq, b.start, in)
}

// chunks collects a body in chunks, and joins them once at the end.
//
// A body of unknown length grows in chunks of up to a few megabytes: about
// two copies allocated in all, and exactly one kept, where a doubling
// buffer allocates up to three and keeps up to two.
//
// A body of known length costs one copy and a sixteenth: it is collected
// in chunks until a sixteenth of the announced length has come, then the
// whole is reserved in one piece and what came is moved into it. Until
// then what is held grows with what was read, so a client that reads a few
// bytes of a response that announces gigabytes, and closes it, pays for
// those bytes only; and nothing is held for a body never read (HEAD). An
// announced length up to firstChunk is reserved at once.
type chunks struct {
	cur       []byte   // the chunk being filled
	full      [][]byte // the chunks filled before it
	size      int
	announced int // the announced length, at most maxReserve; 0 when unknown
}

const (
	firstChunk = 32 << 10
	maxChunk   = 4 << 20
	maxReserve = 1 << 30 // beyond it, a body of known length grows in chunks
	readShare  = 16      // the share of the announced length read before the whole is reserved
)

// newChunks returns chunks for a body whose response announced length
// bytes; length is -1 when it announced none.
func newChunks(length int64) chunks {
	return chunks{announced: int(min(max(length, 0), maxReserve))}
}

func (c *chunks) write(p []byte) {
	for len(p) > 0 {
		if len(c.cur) == cap(c.cur) {
			c.grow(len(p))
		}
		n := copy(c.cur[len(c.cur):cap(c.cur)], p)
		c.cur, p = c.cur[:len(c.cur)+n], p[n:]
		c.size += n
	}
}

// grow starts a new chunk, with room for at least one more byte; n bytes
// wait to be written.
func (c *chunks) grow(n int) {
	if c.size < c.announced && (c.announced <= firstChunk || c.size >= c.announced/readShare) {
		// The client is reading the body: reserve all of it.
		all := make([]byte, 0, c.announced)
		for _, f := range c.full {
			all = append(all, f...)
		}
		c.cur, c.full = append(all, c.cur...), nil
		return
	}
	next := min(max(2*n, 512), firstChunk)
	if cap(c.cur) > 0 {
		c.full = append(c.full, c.cur)
		next = min(2*cap(c.cur), maxChunk)
	}
	if c.size < c.announced {
		// End the chunks at the share exactly: room beyond it would be
		// lost when the whole is reserved.
		next = min(next, c.announced/readShare-c.size)
	}
	c.cur = make([]byte, 0, next)
}

// bytes returns the body in one slice.
func (c *chunks) bytes() []byte {
	if len(c.full) == 0 {
		if cap(c.cur)-len(c.cur) > len(c.cur)/8 {
			// A small body in a first chunk, or a reserve the body never
			// filled: keep only what it holds.
			c.cur = append(make([]byte, 0, len(c.cur)), c.cur...)
		}
		return c.cur
	}
	out := make([]byte, 0, c.size)
	for _, f := range c.full {
		out = append(out, f...)
	}
	out = append(out, c.cur...)
	c.full, c.cur = nil, out
	return out
}

// complete reports whether the caller has all of the body although it has
// not seen its end: a body that cannot hold anything (HEAD, 204, 304, an
// empty body, which callers often leave unclosed), or one whose announced
// length was read in full. Such a body is stored whole, not truncated.
// The caller holds b.mu.
func (b *recordingBody) complete() bool {
	if b.rc == http.NoBody {
		return true
	}
	resp := b.resp
	if resp.Request != nil && resp.Request.Method == http.MethodHead {
		return true
	}
	switch c := resp.StatusCode; {
	case c >= 100 && c < 200 && c != http.StatusSwitchingProtocols, c == http.StatusNoContent, c == http.StatusNotModified:
		return true
	}
	return resp.ContentLength >= 0 && !resp.Uncompressed && int64(b.buf.size) == resp.ContentLength
}

// replay builds a fresh response from an indexed interaction. It reads
// only the entry's own copies of the response's fields, and the recorded
// interaction itself only for what is rare: errors, trailers, truncation,
// transfer codings, header keys without values, an unusual protocol name.
func replay(req *http.Request, e *entry) (*http.Response, error) {
	h := &e.Value.hot
	if h.flags&hotFailed != 0 {
		if e.Value.in.Error == nil {
			return nil, fmt.Errorf("cassette: interaction #%d has neither a response nor an error: fix or re-record the cassette", e.Position()+1)
		}
		return nil, replayError(e.Value.in.Error)
	}
	resp := &http.Response{
		Status:        h.status,
		StatusCode:    int(h.code),
		ProtoMajor:    int(h.major),
		ProtoMinor:    int(h.minor),
		Header:        h.header(),
		ContentLength: h.contentLength,
		Uncompressed:  h.flags&hotUncompressed != 0,
		Request:       req,
	}
	switch {
	case h.flags&hotProto != 0:
		resp.Proto = e.Value.in.Response.Proto
	case h.major == 2:
		resp.Proto = "HTTP/2.0"
	case h.minor == 0:
		resp.Proto = "HTTP/1.0"
	default:
		resp.Proto = "HTTP/1.1"
	}
	if h.tls != nil {
		cs := *h.tls
		cs.PeerCertificates = slices.Clone(cs.PeerCertificates)
		resp.TLS = &cs
	}
	body := &replayBody{data: h.body}
	resp.Body = body
	if h.code == http.StatusSwitchingProtocols {
		resp.Body = switchedBody{body}
	}
	if h.flags&hotRare == 0 {
		return resp, nil
	}
	rec := e.Value.in.Response
	// What a response says of its connection, each value fresh: a caller
	// that changes it changes no later replay.
	if rec.TransferEncoding != nil {
		resp.TransferEncoding = slices.Clone(rec.TransferEncoding)
	}
	for k, vs := range rec.Header {
		if len(vs) == 0 {
			resp.Header[k] = []string{}
		}
	}
	if rec.BodyError != nil {
		body.err = replayError(rec.BodyError)
	} else if rec.Truncated {
		body.err = errTruncated
	}
	if len(rec.Trailer) > 0 {
		// As from a real transport: the names are known up front, the
		// values arrive with the end of the body.
		resp.Trailer = make(http.Header, len(rec.Trailer))
		for k := range rec.Trailer {
			resp.Trailer[k] = nil
		}
		body.trailer, body.recTrailer = resp.Trailer, rec.Trailer
	}
	return resp, nil
}

// A hotResponse holds what replaying a response needs, inside the index
// entry, so that a replay touches little memory beyond the entry. What is
// rare stays in the recorded response, and a flag says to look there.
type hotResponse struct {
	status        string
	code          int32
	major, minor  uint8
	flags         uint8
	contentLength int64
	body          []byte
	pairs         []string             // the header: name, value, name, value…; a name repeats for each of its values
	tls           *tls.ConnectionState // what each replay copies (see tlsStates)
}

const (
	hotUncompressed = 1 << iota
	hotFailed       // the round trip failed: replay the recorded error
	hotProto        // the protocol is not named as its version would be: take the recorded name
	// hotRare says the recorded response has a body error, truncation,
	// trailer, transfer coding or header key without values.
	hotRare
)

// newHotResponse copies what replay needs of rec, but for the header's
// pairs, which the caller lays out, and flags a key without values.
func newHotResponse(rec *Response) hotResponse {
	h := hotResponse{
		status: rec.Status, code: int32(rec.StatusCode),
		contentLength: rec.ContentLength, body: rec.Body,
	}
	if rec.Uncompressed {
		h.flags |= hotUncompressed
	}
	if rec.BodyError != nil || rec.Truncated || len(rec.Trailer) > 0 || rec.TransferEncoding != nil {
		h.flags |= hotRare
	}
	major, minor, ok := http.ParseHTTPVersion(cmp.Or(rec.Proto, "HTTP/1.1"))
	if !ok || major > 255 || minor > 255 {
		major, minor = 1, 1
	}
	h.major, h.minor = uint8(major), uint8(minor)
	switch rec.Proto {
	case "", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0":
	default:
		h.flags |= hotProto
	}
	return h
}

// header returns a fresh http.Header: one map and one array of values, as
// http.Header.Clone makes, built from one contiguous array.
func (h *hotResponse) header() http.Header {
	n := len(h.pairs) / 2
	out := make(http.Header, n)
	if n == 0 {
		return out
	}
	vals := make([]string, n)
	start := 0
	for i := 0; i < n; i++ {
		vals[i] = h.pairs[2*i+1]
		if i+1 == n || h.pairs[2*i+2] != h.pairs[2*i] {
			out[h.pairs[2*i]] = vals[start : i+1 : i+1]
			start = i + 1
		}
	}
	return out
}

// errTruncated ends a replayed body whose recording the client closed early.
var errTruncated = errors.New("cassette: the recording of this body ends here: the client closed it early while recording; re-record to replay more of it")

// replayBody serves a recorded body. It reads from the cassette's bytes
// without copying them. Its Mark tells dvdtest that the response was
// replayed.
type replayBody struct {
	replayed.Mark
	data       []byte
	off        int
	err        error       // returned at the end of data instead of io.EOF
	closed     atomic.Bool // Close may come from another goroutine, to abort a read
	trailer    http.Header
	recTrailer http.Header
}

func (b *replayBody) Read(p []byte) (int, error) {
	if b.closed.Load() {
		return 0, errors.New("http: read on closed response body")
	}
	if b.off >= len(b.data) {
		return 0, b.end()
	}
	n := copy(p, b.data[b.off:])
	b.off += n
	return n, nil
}

func (b *replayBody) end() error {
	for k, v := range b.recTrailer {
		b.trailer[k] = append([]string(nil), v...)
	}
	b.recTrailer = nil
	if b.err != nil {
		return b.err
	}
	return io.EOF
}

// WriteTo lets io.Copy and io.ReadAll skip a buffer.
func (b *replayBody) WriteTo(w io.Writer) (int64, error) {
	if b.closed.Load() {
		return 0, errors.New("http: read on closed response body")
	}
	n, err := w.Write(b.data[b.off:])
	b.off += n
	if err != nil {
		return int64(n), err
	}
	if err := b.end(); err != io.EOF {
		return int64(n), err
	}
	return int64(n), nil
}

func (b *replayBody) Close() error {
	b.closed.Store(true)
	return nil
}

// requestContext returns the context of the request the body answers.
func (b *recordingBody) requestContext() context.Context {
	if b.resp.Request == nil {
		return nil
	}
	return b.resp.Request.Context()
}

// switchedBody is the body of a replayed 101 Switching Protocols response.
// While recording, the caller had the connection itself, an
// io.ReadWriteCloser; the frames that crossed it are not recorded, so on
// replay a write says so.
type switchedBody struct{ *replayBody }

func (switchedBody) Write([]byte) (int, error) { return 0, errSwitched }

var errSwitched = errors.New("cassette: this 101 Switching Protocols response was replayed: dvd records the handshake, not what the connection carried after it; pass such requests through (dvdtest.Passthrough) to reach a real server")
