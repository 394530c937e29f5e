package index

import (
	"net/url"
	"strings"
)

// parseURL parses a recorded URL into u, as url.Parse would, without
// allocating for the form nearly every recorded URL has: http or https,
// a plain host, a path that needs no escaping, a query. Anything else goes
// through url.Parse, and u is then replaced. Building the index of a
// million interactions spends most of its time on the matchers' view of
// each request, and url.Parse's URL and strings were half of it.
func parseURL(s string, u *url.URL) (*url.URL, error) {
	if simpleURL(s, u) {
		return u, nil
	}
	return url.Parse(s)
}

// simpleURL fills u from s and reports true when s has the simple form,
// in which url.Parse would give the same URL; it reports false, leaving
// u in any state, otherwise.
func simpleURL(s string, u *url.URL) bool {
	var scheme string
	switch {
	case strings.HasPrefix(s, "https://"):
		scheme, s = "https", s[len("https://"):]
	case strings.HasPrefix(s, "http://"):
		scheme, s = "http", s[len("http://"):]
	default:
		return false
	}
	// The host: letters, digits, dots and dashes, and an optional port of
	// digits. Anything else (user info, an IPv6 literal, a zone, escapes)
	// is left to url.Parse.
	i, colon := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '.', c == '-':
			if colon {
				return false
			}
		case '0' <= c && c <= '9':
		case c == ':':
			if colon {
				return false
			}
			colon = true
		case c == '/' || c == '?':
			goto path
		default:
			return false
		}
	}
path:
	if i == 0 {
		return false
	}
	host, rest := s[:i], s[i:]
	// The path: only characters that url.Parse keeps as they are, so that
	// Path is the path and RawPath is empty.
	j := 0
	for ; j < len(rest) && rest[j] != '?'; j++ {
		if !pathChar(rest[j]) {
			return false
		}
	}
	path, query := rest[:j], ""
	if j < len(rest) {
		query = rest[j+1:]
		// An empty query after "?" sets ForceQuery: left to url.Parse, as
		// is a fragment or a byte url.Parse refuses.
		if query == "" {
			return false
		}
		for k := 0; k < len(query); k++ {
			if c := query[k]; c <= ' ' || c >= 0x7f || c == '#' {
				return false
			}
		}
	}
	*u = url.URL{Scheme: scheme, Host: host, Path: path, RawQuery: query}
	return true
}

// pathChar reports whether url.Parse keeps c in a path as it is: the
// unreserved characters and the reserved ones a path may hold unescaped.
func pathChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '_', '.', '~', '$', '&', '+', ',', '/', ':', ';', '=', '@':
		return true
	}
	return false
}
