package cassette

import "fmt"

// A body sent with a content coding (Content-Encoding: gzip) reaches the
// recorder encoded when the client asked for the coding itself, and a
// request body the client encoded is sent as it is: in either form no
// redaction could see a token inside it. So dvd stores the content, notes
// the coding in Encoded, and encodes the content again to replay it. The
// encoded bytes replayed are not the recorded ones (the content is exact,
// the compression is dvd's), and their length is announced in their place.

// The content codings dvd decodes, as Request.Encoded and Response.Encoded
// name them.
const (
	encodedGzip       = "gzip"
	encodedDeflate    = "deflate"     // zlib's wrapping (RFC 1950), as RFC 9110 defines deflate
	encodedDeflateRaw = "deflate-raw" // bare deflate (RFC 1951), which servers send as deflate too
	encodedZstd       = "zstd"
)

// checkEncoded is the rule of the "encoded" key: a coding dvd encodes again.
func checkEncoded(e string) error {
	switch e {
	case "", encodedGzip, encodedDeflate, encodedDeflateRaw, encodedZstd:
		return nil
	}
	return fmt.Errorf("%q is not a content coding dvd encodes: it knows gzip, deflate, deflate-raw and zstd", e)
}
