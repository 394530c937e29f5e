package cassette

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/zeebo/xxh3"

	"github.com/dvdrw/dvd/internal/httpcoding"
)

// A body sent with a content coding that dvd decodes (gzip, deflate,
// zstd) is decoded, so that redaction sees its content. A body that
// redaction, a BeforeSave func and the recording's taint leave as it was
// is stored as the bytes that came, and replays byte for byte; one they
// change is stored decoded, with its coding noted in Encoded, and encoded
// again on replay: see package internal/httpcoding.

// An undecodedBody is a recorded body that stays encoded: why, and
// whether it is a decompression bomb.
type undecodedBody struct {
	why  string
	bomb bool
}

// A codedBody is a body that came in a content coding dvd decoded: the
// bytes that came, the coding, and the length and a hash of the content
// they decode to, by which asCame tells a content left as it was. A hash,
// not the content: a BeforeSave func may change the content in place.
type codedBody struct {
	raw     []byte
	encoded string
	n       int
	sum     xxh3.Uint128
}

// codedBodies are the bodies of one interaction that came in a coding;
// nil for a body that did not, so that the many bodies without one cost a
// pointer each.
type codedBodies struct{ req, resp *codedBody }

func newCoded(raw, content []byte, encoded string) *codedBody {
	return &codedBody{raw: raw, encoded: encoded, n: len(content), sum: xxh3.Hash128(content)}
}

// same reports whether body, stored in coding encoded under header h, is
// the content that came, still described by the header it came with.
func (c *codedBody) same(h http.Header, body []byte, encoded string) bool {
	return c != nil && encoded == c.encoded && len(body) == c.n && httpcoding.Names(h, encoded) && xxh3.Hash128(body) == c.sum
}

// asCame puts back the bytes that came into the bodies of in that are
// stored decoded and hold the content that came: redaction, BeforeSave
// and taint left them as they were. in is a stored interaction that owns
// its response; a body that changed stays decoded, to be encoded again on
// replay.
func (c codedBodies) asCame(in *Interaction) {
	if req := &in.Request; c.req.same(req.Header, req.Body, req.Encoded) {
		req.Body, req.Encoded = c.req.raw, ""
	}
	if r := in.Response; r != nil && c.resp.same(r.Header, r.Body, r.Encoded) {
		cp := *r
		cp.Body, cp.Encoded = c.resp.raw, ""
		in.Response = &cp
	}
}

// decodeBodies decodes the bodies of a recorded interaction in place (see
// Response.Encoded), and says why each body that stays encoded does. It
// returns the bytes that came of each body it decoded.
func decodeBodies(in *Interaction) (undecoded []undecodedBody, came codedBodies) {
	if req := &in.Request; req.Encoded == "" {
		raw := req.Body
		var why error
		req.Body, req.Encoded, why = httpcoding.Decode(req.Header, req.Body)
		if why != nil {
			undecoded = append(undecoded, undecodedBody{"the request body is " + why.Error(), errors.Is(why, httpcoding.ErrBomb)})
		}
		if req.Encoded != "" {
			came.req = newCoded(raw, req.Body, req.Encoded)
		}
	}
	// A body the transport decoded has lost its Content-Encoding already.
	if resp := in.Response; resp != nil && resp.Encoded == "" && !resp.Uncompressed {
		raw := resp.Body
		var why error
		resp.Body, resp.Encoded, why = httpcoding.Decode(resp.Header, resp.Body)
		if why != nil {
			msg := why.Error()
			switch {
			case resp.Truncated:
				msg += " (the client closed it before its end)"
			case resp.BodyError != nil:
				msg += " (reading it failed before its end)"
			}
			undecoded = append(undecoded, undecodedBody{"the response body is " + msg, errors.Is(why, httpcoding.ErrBomb)})
		}
		if resp.Encoded != "" {
			came.resp = newCoded(raw, resp.Body, resp.Encoded)
		}
	}
	return undecoded, came
}

// reportUndecoded reports the bodies of a stored interaction, redacted,
// that stay encoded: a bomb, unless Config.StoreBombs, is kept for
// refusing the cassette; the others are logged, stored as they came.
func (r *Recorder) reportUndecoded(in *Interaction, undecoded []undecodedBody) {
	for _, u := range undecoded {
		if u.bomb && !r.cfg.StoreBombs {
			r.bombs.add(fmt.Sprintf("%s %s: %s", in.Request.Method, in.Request.URL, u.why))
			continue
		}
		r.cfg.logf("cassette: %s %s: %s; it is stored as it came, and not redacted: "+
			"check the cassette for secrets before you commit it, or redact the body in a BeforeSave func", in.Request.Method, in.Request.URL, u.why)
	}
}

// bombs are the bodies a recorder did not store unscanned, each named by
// its request.
type bombs struct {
	mu   sync.Mutex
	list []string
}

func (b *bombs) add(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.list = append(b.list, s)
}

// err returns the error that refuses a cassette with bombs, nil without.
func (b *bombs) err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.list) == 0 {
		return nil
	}
	var s strings.Builder
	s.WriteString("the recording holds a body that decodes past 1 GiB or past 1,000 times its size, " +
		"which dvd does not store unscanned for secrets:")
	for i, l := range b.list {
		if i == 5 {
			fmt.Fprintf(&s, "\n\t… and %d more", len(b.list)-i)
			break
		}
		s.WriteString("\n\t" + l)
	}
	s.WriteString("\nIf the server should not send it, fix that; to store such a body as it came, unscanned, " +
		"set Config.StoreBombs (dvdtest.StoreBombs())")
	return errors.New(s.String())
}

// storedEncoded reports whether a recorded request body is held encoded
// although dvd decodes its coding, as a dvd that did not decode bodies
// stored them.
func storedEncoded(req *Request) bool {
	if req.Encoded != "" || len(req.Body) == 0 {
		return false
	}
	return httpcoding.Decodes(req.Header)
}

// decodedRequest returns req with its body decoded, for matching, when
// it is stored encoded.
func decodedRequest(req Request) Request {
	if storedEncoded(&req) {
		req.Body, req.Encoded, _ = httpcoding.Decode(req.Header, req.Body)
	}
	return req
}

// encodeAgain turns a decoded response body back into what the server
// sent: the content in its coding. The lengths are left to syncLength.
func encodeAgain(resp *Response) {
	if resp.Encoded != "" {
		resp.Body = httpcoding.Encode(resp.Encoded, resp.Body)
		resp.Encoded = ""
	}
}
