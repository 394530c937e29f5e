package cassette

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Redacted replaces a secret in a saved cassette.
const Redacted = "REDACTED"

// A Redaction says what to remove from interactions, beyond the defaults,
// before they are stored, matched or shown.
//
// The defaults always apply. These headers are redacted: Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, X-Auth-Token,
// X-Access-Token, X-Amz-Security-Token, X-Goog-Api-Key, X-Vault-Token,
// Private-Token, X-Csrf-Token, and any header whose name contains "token",
// "secret", "password", "api-key", "apikey", "credential" or "signature".
// For Authorization the scheme is kept ("Bearer REDACTED"); for cookies the
// names and attributes are kept ("session=REDACTED; Path=/"), so that a
// cookie jar still works on replay. These query parameters are redacted,
// whatever their case: access_token, refresh_token, id_token, token,
// api_key, apikey, client_secret, secret, password, passwd, signature, sig,
// X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token, X-Goog-Signature
// and X-Goog-Credential, in the query, in the fragment, in form bodies, and
// in the URLs of the Location, Content-Location, Referer, Link and Refresh
// headers. So is the user information of a URL (user:REDACTED@host, or
// REDACTED@host for a user alone, which is often a token), and the top-level
// JSON body fields access_token, refresh_token, id_token, client_secret and
// password.
type Redaction struct {
	// Headers are more request and response headers to redact.
	Headers []string
	// Query are more query parameters to redact.
	Query []string
	// JSONFields are fields of JSON request and response bodies to redact,
	// as dotted paths from the top: "password", "user.token",
	// "items.*.secret" (* is any array element or object member).
	JSONFields []string
	// Placeholders map a name to a secret value: the cassette holds <NAME>
	// wherever the value was, and replay puts the value back into the
	// responses the client gets.
	Placeholders map[string]string
}

// A redactor applies a Redaction, always on top of the defaults.
type redactor struct {
	headers      map[string]bool // canonical names
	query        map[string]bool // lower case
	jsonPaths    [][]string
	placeholders []placeholder // longest value first, so that no value hides inside another
}

func newRedactor(r Redaction) *redactor {
	rd := &redactor{headers: map[string]bool{}, query: map[string]bool{}}
	for _, h := range slices.Concat(defaultHeaders, r.Headers) {
		rd.headers[http.CanonicalHeaderKey(h)] = true
	}
	for _, q := range slices.Concat(defaultQuery, r.Query) {
		rd.query[strings.ToLower(q)] = true
	}
	for _, p := range slices.Concat(defaultJSONFields, r.JSONFields) {
		rd.jsonPaths = append(rd.jsonPaths, strings.Split(p, "."))
	}
	rd.placeholders = sortedPlaceholders(r.Placeholders)
	return rd
}

// interaction redacts a whole interaction in place, before it is stored.
func (rd *redactor) interaction(in *Interaction) {
	in.Request.URL = rd.url(in.Request.URL)
	in.Request.Header, _ = rd.header(in.Request.Header)
	in.Request.Body, _ = rd.body(in.Request.Body, in.Request.Header.Get("Content-Type"))
	for _, e := range []*Error{in.Error, responseError(in.Response)} {
		if e != nil {
			e.Message = rd.message(e.Message)
			e.Addr = rd.text(e.Addr)
			// A DNS error repeats the host its message quotes.
			e.Name, e.Server, e.Detail = rd.text(e.Name), rd.text(e.Server), rd.message(e.Detail)
		}
	}
	if r := in.Response; r != nil {
		r.Header, _ = rd.header(r.Header)
		r.Trailer, _ = rd.header(r.Trailer)
		r.Body, _ = rd.body(r.Body, r.Header.Get("Content-Type"))
	}
}

func responseError(r *Response) *Error {
	if r == nil {
		return nil
	}
	return r.BodyError
}

// matchView returns the request as matching sees it: redacted the way the
// recorded requests were, so that a redacted secret still matches. It
// returns req and body themselves when there is nothing to redact, the
// common case, which costs no allocation.
func (rd *redactor) matchView(req *http.Request, body []byte) (*http.Request, []byte) {
	u := req.URL
	if len(rd.placeholders) > 0 {
		s := u.String()
		if t := rd.text(s); t != s {
			if pu, err := url.Parse(t); err == nil {
				u = pu
			}
		}
	}
	q, qChanged := rd.rawQuery(u.RawQuery)
	h, hChanged := rd.header(req.Header)
	b, bChanged := body, false
	if len(body) > 0 {
		b, bChanged = rd.body(body, req.Header.Get("Content-Type"))
	}
	if u == req.URL && !qChanged && !hChanged && !bChanged {
		return req, body
	}
	view := *req
	view.Header = h
	vu := *u
	vu.RawQuery = q
	view.URL = &vu
	return &view, b
}
