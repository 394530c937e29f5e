package redact

import (
	"net/url"
	"strings"
)

// Query parameters whose values are always redacted, whatever their case:
// examples of what credentialNames finds, which a test holds it to;
// cassette.Redaction lists them too.
var defaultQuery = []string{
	"access_token", "refresh_token", "id_token", "token", "auth", "auth_token", "api_token",
	"private_token", "session_token", "oauth_token", "oauth_signature", "oauth_verifier", "jwt",
	"key", "api_key", "api-key", "apikey", "hapikey", "access_key", "secret_key",
	"client_secret", "client_assertion", "assertion", "subject_token", "actor_token", "code", "code_verifier",
	"secret", "password", "passwd", "signature", "sig",
	"X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token",
	"X-Goog-Signature", "X-Goog-Credential",
}

// Query redacts secret parameters of a raw query, and the URLs that
// other parameters hold, keeping the order and the escaping of the rest.
// It reports whether it changed anything.
func (r *Rules) Query(q string) (string, bool) {
	found := false
	for part := range strings.SplitSeq(q, "&") {
		if r.SecretParam(part) || mayNest(part) || escapedShape(part) {
			found = true
			break
		}
	}
	if !found {
		return q, false
	}
	var b strings.Builder
	changed := false
	for i, part := range strings.Split(q, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		switch {
		case r.SecretParam(part):
			part, changed = Pair(part), true
		case mayNest(part):
			if red := r.nested(part); red != part {
				part, changed = red, true
			}
		}
		if escapedShape(part) {
			if red := escapedShapes(part); red != part {
				part, changed = red, true
			}
		}
		b.WriteString(part)
	}
	if !changed {
		return q, false
	}
	return b.String(), true
}

// mayNest reports whether the value of a name=value part may be a URL with
// a query or user information of its own, as the next, return_to or
// redirect_uri of a login are, escaped or not.
func mayNest(part string) bool {
	_, v, ok := strings.Cut(part, "=")
	return ok && (strings.ContainsAny(v, "?#@") || containsFold(v, "%3f") || containsFold(v, "%23") || containsFold(v, "%40"))
}

// nested redacts the URL that the value of a name=value part holds, in
// the escaping it had.
func (r *Rules) nested(part string) string {
	name, v, _ := strings.Cut(part, "=")
	if strings.ContainsAny(v, "?#@") {
		return name + "=" + r.URL(v)
	}
	dec, err := url.QueryUnescape(v)
	if err != nil {
		return part
	}
	if red := r.URL(dec); red != dec {
		return name + "=" + url.QueryEscape(red)
	}
	return part
}

// SecretQueryName reports whether the value of a query parameter, a form
// field or a multipart field of that name is redacted, whatever its case
// and separators, by the query column of credentialNames or Options.Query,
// unless Options.Keep names it.
func (r *Rules) SecretQueryName(name string) bool {
	named, _ := r.secretQuery(name)
	return named
}

// secretQuery says whether the values of a query parameter are a
// credential's, and its numbers (digits alone) too.
func (r *Rules) secretQuery(name string) (named, numbers bool) {
	var buf [maxNameLen]byte
	n, lw, ok := normalise(&buf, name)
	if !ok {
		return r.query[name], true
	}
	switch {
	case r.kept(n):
		return false, false
	case r.query[string(n)]:
		return true, true
	case credential(n, lw, InQuery):
		return true, endsWithCredential(n)
	}
	return false, false
}

// secretValue reports whether the value of a parameter is redacted, given
// what secretQuery says of its name: a number only when numbers is set
// (max_tokens=100 is kept, pin=1234 is not).
func secretValue(v string, named, numbers bool) bool {
	if !named || v == Redacted {
		return false
	}
	return numbers || !digits(v)
}

// digits reports whether v is a number: digits alone.
func digits(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return v != ""
}

// SecretParam reports whether a name=value part of a query has a value to
// redact.
func (r *Rules) SecretParam(part string) bool {
	k, v, hasValue := strings.Cut(part, "=")
	if !hasValue || v == Redacted {
		return false
	}
	if name, err := url.QueryUnescape(k); err == nil {
		k = name
	}
	named, numbers := r.secretQuery(k)
	return secretValue(v, named, numbers)
}

// Pair redacts the value of a name=value pair, of a query or a cookie,
// and leaves a pair without a value as it is.
func Pair(pair string) string {
	if name, _, ok := strings.Cut(pair, "="); ok {
		return name + "=" + Redacted
	}
	return pair
}

// escapedShape reports whether a name=value part of a query may hold, once
// unescaped, a shape whose bytes escaping changes: a Slack webhook URL, a
// PEM block, a Telegram token's colon, an Azure signature. Plain shapes are
// found in the query as it is.
func escapedShape(part string) bool {
	_, v, ok := strings.Cut(part, "=")
	if !ok || !strings.ContainsAny(v, "%+") {
		return false
	}
	return containsFold(v, "hooks.slack.com%2f") || strings.Contains(v, "-----BEGIN") ||
		containsFold(v, "%3aa") || containsFold(v, "sig%3d")
}

// escapedShapes redacts the shapes of the unescaped value of a part, and
// escapes it again.
func escapedShapes(part string) string {
	name, v, _ := strings.Cut(part, "=")
	dec, err := url.QueryUnescape(v)
	if err != nil {
		return part
	}
	if red := Shapes(dec); red != dec {
		return name + "=" + url.QueryEscape(red)
	}
	return part
}
