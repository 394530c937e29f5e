package redact

import (
	"maps"
	"net/http"
	"slices"
	"strings"
)

// The headers whose values are always redacted, besides those that
// secretHeaderName finds by their words; cassette.Redaction lists them too.
var defaultHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
	"X-Authorization", "X-Sentry-Auth", "X-Registry-Auth", "X-Registry-Config",
	"X-Firebase-Appcheck", "Npm-Otp", "X-Github-Otp",
}

// The headers named like keys that hold none: nonces, normalised.
var keyHeadersKept = []string{"idempotencykey", "secwebsocketkey"}

// SecretHeader reports whether a header, by its canonical name, holds a
// secret: a name of the defaults or of Options.Headers, or a credential's
// name by the header column of credentialNames, unless Options.Keep
// names it.
func (r *Rules) SecretHeader(name string) bool {
	var buf [maxNameLen]byte
	n, lw, ok := normalise(&buf, name)
	if ok && r.kept(n) {
		return false
	}
	if r.headers[name] {
		return true
	}
	if strings.Contains(name, "_") && r.headers[http.CanonicalHeaderKey(strings.ReplaceAll(name, "_", "-"))] {
		return true // X_Api_Key
	}
	return ok && secretHeaderName(name, n, lw)
}

// secretHeaderName reports whether a header name, normalised as n, says
// that it holds a secret by the header column of credentialNames: it
// holds a word of the table (X-Auth-Token, X-Ms-Authorization-Auxiliary,
// X-Goog-Iap-Jwt-Assertion), or its last word is Key (X-Auth-Key,
// Dd-Application-Key, Ocp-Apim-Subscription-Key), except the
// keyHeadersKept. CORS headers (Access-Control-*) name credentials and
// tokens, but hold none.
func secretHeaderName(name string, n []byte, lastWord int) bool {
	if len(name) >= len("access-control-") && equalFoldDash(name[:len("access-control-")], "access-control-") {
		return false
	}
	if string(n[lastWord:]) == "key" {
		for _, k := range keyHeadersKept {
			if holds(n, k) {
				return false
			}
		}
	}
	return credential(n, lastWord, InHeader)
}

// equalFoldDash reports whether s is the lower-case ASCII w, in any case
// and with _ for -.
func equalFoldDash(s, w string) bool { return len(s) == len(w) && containsFold(s, w) }

// containsFold reports whether s contains the lower-case ASCII word w, in
// any case and with _ for -, without allocating.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for ; j < len(w); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			} else if c == '_' {
				c = '-'
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

// Header returns h with secrets redacted, and whether there were any; h
// itself is never modified.
func (r *Rules) Header(h http.Header) (http.Header, bool) {
	var out http.Header
	for k, vs := range h {
		name := http.CanonicalHeaderKey(k)
		var red []string // made only when a value changes
		for i, v := range vs {
			r := r.HeaderValue(name, v)
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

// HeaderValue redacts one value of the header of the given canonical name:
// a secret as redactHeaderValue says, the URLs of a URL header, and then
// placeholders.
func (r *Rules) HeaderValue(name, v string) string {
	switch {
	case r.SecretHeader(name):
		v = r.redactHeaderValue(name, v)
	case urlHeaders[name]:
		v = r.urlsIn(v)
	}
	return r.Text(v)
}

// urlHeaders hold URLs, whose queries may carry secrets: a redirect's
// Location, the Referer the client sends on the next hop.
var urlHeaders = map[string]bool{"Location": true, "Content-Location": true, "Referer": true, "Link": true, "Refresh": true}

// urlsIn redacts the URLs in a header value: the value itself, the <…>
// parts of a Link, the url= part of a Refresh.
func (r *Rules) urlsIn(v string) string {
	if !strings.ContainsAny(v, "?#@") {
		return v
	}
	return r.Message(v)
}

// redactHeaderValue keeps what is not secret: the scheme of an
// authorization, when it is a known one; the names and attributes of
// cookies, so that a cookie jar still works on replay; the value of a
// cookie that Options.Keep names.
func (r *Rules) redactHeaderValue(name, v string) string {
	switch name {
	case "Authorization", "Proxy-Authorization":
		if scheme, _, ok := strings.Cut(v, " "); ok && knownAuthScheme(scheme) {
			return scheme + " " + Redacted
		}
	case "Cookie":
		return r.redactCookies(v)
	case "Set-Cookie":
		return r.redactSetCookie(v)
	}
	return Redacted
}

// The authorization schemes whose name redaction keeps: anything else
// before a space may be a secret.
var authSchemes = []string{
	"basic", "bearer", "digest", "token", "negotiate", "ntlm", "aws4-hmac-sha256", "hoba", "mutual",
	"oauth", "dpop", "hawk", "sharedkey", "sharedkeylite", "ssws", "apikey", "key", "splunk", "genietoken", "sentry",
}

func knownAuthScheme(scheme string) bool {
	for _, s := range authSchemes {
		if strings.EqualFold(s, scheme) {
			return true
		}
	}
	return false
}

// redactCookies redacts a Cookie value: name=value pairs separated by ;
// (or , as RFC 2965 had it), each value whole, and a part without = whole.
func (r *Rules) redactCookies(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); {
		j := i + strings.IndexAny(v[i:], ";,")
		if j < i {
			j = len(v)
		}
		b.WriteString(r.redactCookie(v[i:j]))
		if j < len(v) {
			b.WriteByte(v[j])
		}
		i = j + 1
	}
	return b.String()
}

// redactCookie redacts one name=value pair of a cookie header, or the whole
// part when it has no = or only the = that pad base64 (a bare token);
// spacing is kept. A cookie that Options.Keep names is kept.
func (r *Rules) redactCookie(part string) string {
	if name, value, ok := strings.Cut(part, "="); ok && (value == "" || strings.Trim(value, "=") != "") {
		if r.Kept(strings.TrimSpace(name)) {
			return part
		}
		return name + "=" + Redacted
	}
	trimmed := strings.TrimLeft(part, " \t")
	if strings.TrimSpace(trimmed) == "" {
		return part
	}
	return part[:len(part)-len(trimmed)] + Redacted
}

// redactSetCookie redacts a Set-Cookie value: the value of each cookie, and
// of any attribute a cookie jar does not know. A value may fold several
// cookies into one, separated by commas; a comma that follows the weekday
// of an Expires date does not separate cookies.
func (r *Rules) redactSetCookie(v string) string {
	var b strings.Builder
	cookie := true // the next part is a cookie, not an attribute
	for i := 0; i <= len(v); {
		j := i
		for j < len(v) && v[j] != ';' && (v[j] != ',' || expiresWeekday(v[i:j])) {
			j++
		}
		part := v[i:j]
		if cookie || !cookieAttribute(part) {
			part = r.redactCookie(part)
		}
		b.WriteString(part)
		if j == len(v) {
			break
		}
		b.WriteByte(v[j])
		cookie = v[j] == ','
		i = j + 1
	}
	return b.String()
}

// expiresWeekday reports whether an attribute so far is "Expires=" and a
// weekday, which a comma follows in an HTTP date.
func expiresWeekday(part string) bool {
	p := strings.TrimLeft(part, " \t")
	if len(p) <= len("expires=") || !strings.EqualFold(p[:len("expires=")], "expires=") {
		return false
	}
	for _, c := range p[len("expires="):] {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// cookieAttribute reports whether a part of a Set-Cookie value after the
// cookie is an attribute a cookie jar knows, which holds no secret.
func cookieAttribute(part string) bool {
	name, _, _ := strings.Cut(part, "=")
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "path", "domain", "expires", "max-age", "samesite", "secure", "httponly", "partitioned", "priority",
		"comment", "commenturl", "version", "discard", "port":
		return true
	}
	return strings.TrimSpace(part) == "" || name == Redacted
}
