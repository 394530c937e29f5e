package cassette

import "github.com/dvdrw/dvd/internal/httpcoding"

// A body sent with a content coding is stored decoded, with its coding
// noted in Encoded, and encoded again on replay: see package
// internal/httpcoding.

// decodeBodies decodes the bodies of a recorded interaction in place (see
// Response.Encoded), and says why each body that stays encoded does.
func decodeBodies(in *Interaction) (undecoded []string) {
	if req := &in.Request; req.Encoded == "" {
		var why string
		req.Body, req.Encoded, why = httpcoding.Decode(req.Header, req.Body)
		if why != "" {
			undecoded = append(undecoded, "the request body is "+why)
		}
	}
	// A body the transport decoded has lost its Content-Encoding already.
	if resp := in.Response; resp != nil && resp.Encoded == "" && !resp.Uncompressed {
		var why string
		resp.Body, resp.Encoded, why = httpcoding.Decode(resp.Header, resp.Body)
		if why != "" {
			switch {
			case resp.Truncated:
				why += " (the client closed it before its end)"
			case resp.BodyError != nil:
				why += " (reading it failed before its end)"
			}
			undecoded = append(undecoded, "the response body is "+why)
		}
	}
	return undecoded
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
