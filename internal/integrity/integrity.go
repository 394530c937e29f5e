// Package integrity recomputes the integrity headers of a response body
// (Content-MD5, X-Amz-Crc32, x-amz-checksum-*, x-goog-hash, Digest,
// Content-Digest, Repr-Digest) for the bytes dvd replays, when they are
// not the bytes the server sent.
//
// Redaction, a placeholder put back or a content coding encoded again
// changes a body; a client that checks a checksum (the AWS SDKs check
// X-Amz-Crc32 and x-amz-checksum-*, Google's check x-goog-hash) would
// reject the replayed response. [Sync] rewrites each header that describes
// the bytes of the body with the digest of the bytes given, in the format
// it came in, and leaves alone what describes something else: the headers
// of a response to HEAD or of a status without a body, the whole-object
// checksums of a 206 (Partial Content), composite multipart checksums
// (…-N), and algorithms it does not know. It never adds a header.
// Content-Length is not its business: the caller sets it with the body.
package integrity

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strconv"
	"strings"
)

// An alg is a digest algorithm of the headers dvd knows.
type alg int

const (
	algMD5 alg = iota
	algSHA1
	algSHA256
	algSHA512
	algCRC32  // IEEE
	algCRC32C // Castagnoli
	algCRC64NVMe
	nAlgs
)

// crc64NVMe is CRC-64/NVME (NVM Express, as S3 uses it): polynomial
// 0xad93d23594c93659, reflected, initial value and final xor all ones,
// which is the convention of hash/crc64; MakeTable takes the polynomial
// bit-reversed.
var (
	crc64NVMe  = crc64.MakeTable(0x9a6c9329ac4bc9b5)
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
)

// sums computes each digest of a body once, when first asked.
type sums struct {
	body []byte
	done [nAlgs]bool
	sum  [nAlgs][]byte
}

// of returns the digest of the body by a, big-endian.
func (s *sums) of(a alg) []byte {
	if s.done[a] {
		return s.sum[a]
	}
	var d []byte
	switch a {
	case algMD5:
		x := md5.Sum(s.body)
		d = x[:]
	case algSHA1:
		x := sha1.Sum(s.body)
		d = x[:]
	case algSHA256:
		x := sha256.Sum256(s.body)
		d = x[:]
	case algSHA512:
		x := sha512.Sum512(s.body)
		d = x[:]
	case algCRC32:
		d = binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(s.body))
	case algCRC32C:
		d = binary.BigEndian.AppendUint32(nil, crc32.Checksum(s.body, castagnoli))
	case algCRC64NVMe:
		d = binary.BigEndian.AppendUint64(nil, crc64.Checksum(s.body, crc64NVMe))
	}
	s.done[a], s.sum[a] = true, d
	return d
}

func (s *sums) base64(a alg) string { return base64.StdEncoding.EncodeToString(s.of(a)) }

// A kind is one integrity header: how to recompute a value of it.
type kind struct {
	// whole says the header describes the whole representation, not the
	// bytes of this message: a 206 keeps it as it came.
	whole bool
	redo  func(v string, s *sums) string
}

// kinds maps the canonical name of each integrity header to its kind.
var kinds = map[string]kind{
	// RFC 1864: the base64 of the MD5 of the body as sent.
	"Content-Md5": {redo: func(v string, s *sums) string { return s.base64(algMD5) }},
	// DynamoDB: the CRC32 (IEEE) of the body as sent, in decimal.
	"X-Amz-Crc32": {redo: func(v string, s *sums) string {
		return strconv.FormatUint(uint64(binary.BigEndian.Uint32(s.of(algCRC32))), 10)
	}},
	// S3's checksums of the object: the base64 of the big-endian digest.
	// A 206 carries the whole object's, and a composite checksum (…-N,
	// a digest of the parts' digests) is not one of the bytes.
	"X-Amz-Checksum-Crc32":     amz(algCRC32),
	"X-Amz-Checksum-Crc32c":    amz(algCRC32C),
	"X-Amz-Checksum-Crc64nvme": amz(algCRC64NVMe),
	"X-Amz-Checksum-Sha1":      amz(algSHA1),
	"X-Amz-Checksum-Sha256":    amz(algSHA256),
	// Google Cloud Storage: crc32c=<base64>,md5=<base64> of the object;
	// a 206 carries the whole object's.
	"X-Goog-Hash": {whole: true, redo: func(v string, s *sums) string {
		return list(v, false, s, func(name string) (alg, bool) {
			switch name {
			case "crc32c":
				return algCRC32C, true
			case "md5":
				return algMD5, true
			}
			return 0, false
		})
	}},
	// RFC 3230: the digest of the instance, the whole representation.
	"Digest": {whole: true, redo: func(v string, s *sums) string { return list(v, false, s, digestAlg) }},
	// RFC 9530: the digest of the content of this message, and of the
	// whole representation (Repr-Digest), as structured fields.
	"Content-Digest": {redo: func(v string, s *sums) string { return list(v, true, s, digestAlg) }},
	"Repr-Digest":    {whole: true, redo: func(v string, s *sums) string { return list(v, true, s, digestAlg) }},
}

// amz is the kind of an x-amz-checksum-* header of algorithm a.
func amz(a alg) kind {
	return kind{whole: true, redo: func(v string, s *sums) string {
		if composite(v) {
			return v
		}
		return s.base64(a)
	}}
}

// composite reports whether an S3 checksum is a composite one: base64
// followed by -N, the number of parts.
func composite(v string) bool {
	i := strings.LastIndexByte(v, '-')
	if i < 0 || i == len(v)-1 {
		return false
	}
	for _, c := range v[i+1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// digestAlg names the algorithms of Digest (RFC 3230, any case) and of
// Content-Digest and Repr-Digest (RFC 9530) dvd recomputes.
func digestAlg(name string) (alg, bool) {
	switch name {
	case "sha-256":
		return algSHA256, true
	case "sha-512":
		return algSHA512, true
	case "md5":
		return algMD5, true
	case "sha":
		return algSHA1, true
	}
	return 0, false
}

// list recomputes each member name=value of a comma-separated list whose
// algorithm it knows, keeping the others, the order, the spacing and any
// parameters (;…). In a structured field (sf) a value is a byte sequence,
// :base64:.
func list(v string, sf bool, s *sums, known func(string) (alg, bool)) string {
	var b strings.Builder
	for i, m := range strings.Split(v, ",") {
		if i > 0 {
			b.WriteByte(',')
		}
		eq := strings.IndexByte(m, '=')
		if eq < 0 {
			b.WriteString(m)
			continue
		}
		a, ok := known(strings.ToLower(strings.TrimSpace(m[:eq])))
		rest := m[eq+1:]
		start := len(rest) - len(strings.TrimLeft(rest, " \t"))
		end := start
		switch {
		case !ok:
		case sf:
			// :base64: then perhaps ;parameters.
			if end < len(rest) && rest[end] == ':' {
				if j := strings.IndexByte(rest[end+1:], ':'); j >= 0 {
					end += j + 2
				}
			}
		default:
			end = start + strings.IndexAny(rest[start:]+" ", " \t;")
		}
		if end == start {
			b.WriteString(m)
			continue
		}
		b.WriteString(m[:eq+1])
		b.WriteString(rest[:start])
		if sf {
			b.WriteString(":" + s.base64(a) + ":")
		} else {
			b.WriteString(s.base64(a))
		}
		b.WriteString(rest[end:])
	}
	return b.String()
}

// Present reports whether h holds a header [Sync] may recompute: a caller
// that must compare a body before and after a change to know whether it
// changed need keep a copy only then.
func Present(h http.Header) bool {
	for k := range h {
		if _, ok := kinds[http.CanonicalHeaderKey(k)]; ok {
			return true
		}
	}
	return false
}

// Sync sets, in h, each integrity header that describes the bytes of the
// body of a response to method with status code to the digest of body,
// which are the bytes replayed. It does nothing for a response to HEAD or
// a status that has no body (1xx, 204, 304), whose headers describe a
// representation not sent; a 206 keeps the headers of the whole object.
// Composite S3 checksums and algorithms it does not know stay as they
// are, and no header is added. h is changed in place.
func Sync(h http.Header, method string, code int, body []byte) {
	if method == http.MethodHead || code >= 100 && code < 200 || code == http.StatusNoContent || code == http.StatusNotModified {
		return
	}
	var s *sums
	for k, vs := range h {
		kd, ok := kinds[http.CanonicalHeaderKey(k)]
		if !ok || kd.whole && code == http.StatusPartialContent {
			continue
		}
		if s == nil {
			s = &sums{body: body}
		}
		for i, v := range vs {
			vs[i] = kd.redo(v, s)
		}
	}
}
