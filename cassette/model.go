package cassette

import (
	"net/http"
	"time"
)

// An Interaction is one request and what came of it: a response, or the
// error the transport returned instead.
type Interaction struct {
	Request  Request
	Response *Response // nil when the round trip failed

	// Error is the error the transport returned instead of a response.
	// The file keeps what replay needs to return an error of the same
	// type: its text, and what errors.Is and errors.As see in it (a
	// timeout, a refused connection, a DNS failure, a TLS alert, …). A
	// loaded cassette holds such an error, which behaves as replay returns
	// it. Any error may be set here: one of no type dvd knows replays with
	// its text.
	Error error

	Duration time.Duration // from sending the request to the response headers

	// Times is how many times in a row the request was sent and got this
	// answer, as a poll does: the recorder stores such a run once (see
	// [Recorder.Cassette] for what counts as the same), and replay serves
	// it that many times, in place. 0 and 1 both mean once.
	Times int
}

// A Request is a recorded request.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
	// Encoded names the content coding the body was sent in when dvd
	// stores it decoded, as [Response.Encoded] does for a response. A body
	// stored as it came, in a coding dvd decodes, is decoded for matching,
	// and the body of an incoming request alike, so that bodies are
	// compared by their content.
	Encoded string
}

// A Response is a recorded response.
type Response struct {
	Status        string // the status line's text, e.g. "200 OK"
	StatusCode    int
	Proto         string // e.g. "HTTP/1.1"
	Header        http.Header
	Trailer       http.Header
	Body          []byte
	ContentLength int64 // -1 when unknown, as in http.Response
	Uncompressed  bool  // the transport decompressed the body, as in http.Response

	// Encoded names the content coding the body came in when dvd stores
	// it decoded: "gzip", "deflate" (wrapped in zlib, as RFC 9110 defines
	// it), "deflate-raw" (bare deflate, which servers send as deflate too)
	// or "zstd". A recorder decodes such a body to redact it, and stores
	// it decoded when redaction (or a BeforeSave func) changed its content:
	// Body then holds the content, which a diff shows, and replay encodes
	// it again; the Content-Encoding header and ContentLength stay as they
	// came. It is empty when the body is stored as it came, and replays
	// byte for byte: a body in a coding that redaction left as it was, one
	// with no content coding, one that the transport decoded
	// (Uncompressed), one dvd does not decode (br, compress, a stack of
	// codings), a body that does not decode whole (corrupt, cut short), or
	// a bomb stored as it came (Config.StoreBombs).
	Encoded string

	// BodyError is the error reading the body returned after Body, such as
	// a connection reset in the middle of a download, kept as
	// [Interaction.Error] is.
	BodyError error
	// Truncated reports that the client closed the body before its end while
	// recording, so Body holds only what the client read.
	Truncated bool

	// TransferEncoding lists the transfer codings of the response,
	// outermost first, as in http.Response: ["chunked"] for a chunked
	// HTTP/1.1 body.
	TransferEncoding []string
	// TLS is the state of the TLS connection the response came over; nil
	// over plain HTTP.
	TLS *TLSState
}

// A TLSState is what is recorded of a response's TLS connection: enough for
// code that inspects http.Response.TLS to see on replay what it saw while
// recording.
type TLSState struct {
	Version            uint16   // tls.VersionTLS13, …
	CipherSuite        uint16   // tls.TLS_AES_128_GCM_SHA256, …
	ServerName         string   // the server name the client asked for (SNI)
	NegotiatedProtocol string   // the protocol ALPN negotiated: "h2", "http/1.1", or empty
	PeerCertificates   [][]byte // the server's certificates, DER-encoded, its own first
}
