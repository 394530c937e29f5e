package match

import (
	"net/url"
	"slices"
	"strings"
)

// canonicalQuery returns the query with its parameters unescaped, sorted by
// name (values of one name keep their order) and escaped again, so that
// equivalent queries give the same string. The parameters named in ignore
// are left out, and so is the signing time of a presigned URL.
func canonicalQuery(raw string, ignore []string) string {
	presigned := isPresigned(raw)
	if raw == "" || !presigned && len(ignore) == 0 && isCanonicalQuery(raw) {
		return raw
	}
	return canonicalSlow(raw, ignore, presigned)
}

// isPresigned reports whether a query signs its URL, as AWS SigV4 and
// Google V4 query signing do. Such a URL signed again later differs in its
// signing time, which a recorded request cannot know; its signature and
// credential are redacted on both sides of a match.
func isPresigned(raw string) bool {
	return strings.Contains(raw, "X-Amz-Signature=") || strings.Contains(raw, "X-Goog-Signature=")
}

// signingTime names the parameters that hold a presigned URL's signing time.
var signingTime = []string{"X-Amz-Date", "X-Goog-Date"}

func canonicalSlow(raw string, ignore []string, presigned bool) string {
	type param struct{ k, v string }
	var params []param
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k = unescape(k)
		if slices.Contains(ignore, k) || presigned && slices.Contains(signingTime, k) {
			continue
		}
		params = append(params, param{k, unescape(v)})
	}
	slices.SortStableFunc(params, func(a, b param) int { return strings.Compare(a.k, b.k) })
	var b strings.Builder
	b.Grow(len(raw))
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.v))
	}
	if s := b.String(); s != raw {
		return s
	}
	return raw
}

// isCanonicalQuery reports, without allocating, whether raw is already in
// the form canonicalQuery gives: name=value parts sorted by name, made of
// characters that escaping leaves alone. Most queries are.
func isCanonicalQuery(raw string) bool {
	prev := ""
	for part := range strings.SplitSeq(raw, "&") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || k == "" || k < prev || !unreserved(k) || !unreserved(v) {
			return false
		}
		prev = k
	}
	return true
}

// unreserved reports whether url.QueryEscape leaves s as it is.
func unreserved(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
		default:
			return false
		}
	}
	return true
}

// unescape decodes a query component; one that does not decode is kept as
// written, so a malformed query still matches itself.
func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	u, err := url.QueryUnescape(s)
	if err != nil {
		return s
	}
	return u
}
