package cassette

import (
	"maps"
	"net/http"
	"slices"
	"strings"
)

// The headers whose values are always redacted; see Redaction.
var defaultHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
	"X-Api-Key", "X-Auth-Token", "X-Access-Token", "X-Amz-Security-Token",
	"X-Goog-Api-Key", "X-Vault-Token", "Private-Token", "X-Csrf-Token",
}

var headerWords = []string{"token", "secret", "password", "api-key", "apikey", "credential", "signature"}

// secretHeader reports whether a header, by its canonical name, holds a
// secret.
func (rd *redactor) secretHeader(name string) bool {
	if rd.headers[name] {
		return true
	}
	if strings.HasPrefix(name, "Access-Control-") {
		return false // CORS headers name credentials and tokens, but hold none
	}
	for _, w := range headerWords {
		if containsFold(name, w) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII word w, in
// any case, without allocating.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for ; j < len(w); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != w[j] {
				break
			}
		}
		if j == len(w) {
			return true
		}
	}
	return false
}

// header returns h with secrets redacted, and whether there were any; h
// itself is never modified.
func (rd *redactor) header(h http.Header) (http.Header, bool) {
	var out http.Header
	for k, vs := range h {
		name := http.CanonicalHeaderKey(k)
		var red []string // made only when a value changes
		for i, v := range vs {
			r := rd.headerValue(name, v)
			if r != v && red == nil {
				red = slices.Clone(vs)
			}
			if red != nil {
				red[i] = r
			}
		}
		if red == nil {
			continue
		}
		if out == nil {
			out = maps.Clone(h)
		}
		out[k] = red
	}
	if out == nil {
		return h, false
	}
	return out, true
}

// headerValue redacts one value of the header of the given canonical name:
// a secret as redactHeaderValue says, the URLs of a URL header, and then
// placeholders.
func (rd *redactor) headerValue(name, v string) string {
	switch {
	case rd.secretHeader(name):
		v = redactHeaderValue(name, v)
	case urlHeaders[name]:
		v = rd.urlsIn(v)
	}
	return rd.text(v)
}

// urlHeaders hold URLs, whose queries may carry secrets: a redirect's
// Location, the Referer the client sends on the next hop.
var urlHeaders = map[string]bool{"Location": true, "Content-Location": true, "Referer": true, "Link": true, "Refresh": true}

// urlsIn redacts the URLs in a header value: the value itself, the <…>
// parts of a Link, the url= part of a Refresh.
func (rd *redactor) urlsIn(v string) string {
	if !strings.ContainsAny(v, "?#@") {
		return v
	}
	return rd.message(v)
}

// redactHeaderValue keeps what is not secret: the scheme of an
// authorization, the names and attributes of cookies.
func redactHeaderValue(name, v string) string {
	switch name {
	case "Authorization", "Proxy-Authorization":
		if scheme, _, ok := strings.Cut(v, " "); ok {
			return scheme + " " + Redacted
		}
	case "Cookie":
		parts := strings.Split(v, ";")
		for i, p := range parts {
			parts[i] = redactPair(p)
		}
		return strings.Join(parts, ";")
	case "Set-Cookie":
		// Only the first pair is the cookie; the rest are its attributes.
		first, rest, _ := strings.Cut(v, ";")
		first = redactPair(first)
		if rest != "" {
			return first + ";" + rest
		}
		return first
	}
	return Redacted
}
