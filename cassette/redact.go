package cassette

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Redacted replaces a secret in a saved cassette.
const Redacted = "REDACTED"

// The headers whose values are always redacted; see Redaction.
var defaultHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
	"X-Api-Key", "X-Auth-Token", "X-Access-Token", "X-Amz-Security-Token",
	"X-Goog-Api-Key", "X-Vault-Token", "Private-Token", "X-Csrf-Token",
}

// The query parameters whose values are always redacted; see Redaction.
var defaultQuery = []string{
	"access_token", "refresh_token", "id_token", "token", "api_key", "apikey",
	"client_secret", "secret", "password", "passwd", "signature", "sig",
	"X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token",
	"X-Goog-Signature", "X-Goog-Credential",
}

// The JSON body fields always redacted: the credentials of OAuth token
// requests and responses, at the top level.
var defaultJSONFields = []string{"access_token", "refresh_token", "id_token", "client_secret", "password"}

var headerWords = []string{"token", "secret", "password", "api-key", "apikey", "credential", "signature"}

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

type placeholder struct{ token, value string }

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
	for name, v := range r.Placeholders {
		if v != "" {
			rd.placeholders = append(rd.placeholders, placeholder{"<" + name + ">", v})
		}
	}
	slices.SortFunc(rd.placeholders, func(a, b placeholder) int {
		if n := len(b.value) - len(a.value); n != 0 {
			return n
		}
		return strings.Compare(a.token, b.token)
	})
	return rd
}

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
		secret, isURL := rd.secretHeader(name), urlHeaders[name]
		var red []string // made only when a value changes
		for i, v := range vs {
			r := v
			switch {
			case secret:
				r = redactHeaderValue(name, v)
			case isURL:
				r = rd.urlsIn(v)
			}
			if r = rd.text(r); r != v && red == nil {
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
			if k, _, ok := strings.Cut(p, "="); ok {
				parts[i] = k + "=" + Redacted
			}
		}
		return strings.Join(parts, ";")
	case "Set-Cookie":
		first, rest, _ := strings.Cut(v, ";")
		if k, _, ok := strings.Cut(first, "="); ok {
			first = k + "=" + Redacted
		}
		if rest != "" {
			return first + ";" + rest
		}
		return first
	}
	return Redacted
}

// url returns the URL with secret query values and any password redacted,
// and placeholders put in. It returns raw itself when there is nothing to
// redact.
func (rd *redactor) url(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return rd.text(rd.unparsedURL(raw))
	}
	changed := false
	if u.User != nil {
		// A user alone may be a token (https://TOKEN@host/), so it goes too
		// unless a password follows it.
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), Redacted)
		} else {
			u.User = url.User(Redacted)
		}
		changed = true
	}
	if q, ok := rd.rawQuery(u.RawQuery); ok {
		u.RawQuery, changed = q, true
	}
	// OAuth's implicit flow puts tokens in the fragment: #access_token=….
	if f, ok := rd.rawQuery(u.EscapedFragment()); ok {
		u.Fragment, _ = url.PathUnescape(f)
		u.RawFragment, changed = f, true
	}
	if !changed {
		return rd.text(raw)
	}
	return rd.text(u.String())
}

// unparsedURL redacts the query and fragment of a URL that does not parse,
// as text: everything after the first ? up to #, and after #.
func (rd *redactor) unparsedURL(raw string) string {
	rest, frag, hasFrag := strings.Cut(raw, "#")
	if hasFrag {
		if f, ok := rd.rawQuery(frag); ok {
			frag = f
		}
	}
	if base, q, ok := strings.Cut(rest, "?"); ok {
		if r, ok := rd.rawQuery(q); ok {
			rest = base + "?" + r
		}
	}
	if hasFrag {
		return rest + "#" + frag
	}
	return rest
}

// rawQuery redacts secret parameters of a raw query, keeping the order and
// the escaping of the others. It reports whether it changed anything.
func (rd *redactor) rawQuery(q string) (string, bool) {
	found := false
	for part := range strings.SplitSeq(q, "&") {
		if rd.secretParam(part) {
			found = true
			break
		}
	}
	if !found {
		return q, false
	}
	var b strings.Builder
	for i, part := range strings.Split(q, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		if rd.secretParam(part) {
			k, _, _ := strings.Cut(part, "=")
			b.WriteString(k + "=" + Redacted)
			continue
		}
		b.WriteString(part)
	}
	return b.String(), true
}

// secretParam reports whether a name=value part of a query has a value to
// redact.
func (rd *redactor) secretParam(part string) bool {
	k, v, hasValue := strings.Cut(part, "=")
	if !hasValue || v == Redacted {
		return false
	}
	if name, err := url.QueryUnescape(k); err == nil {
		k = name
	}
	return rd.query[strings.ToLower(k)]
}

// text replaces placeholder values by their names.
func (rd *redactor) text(s string) string { return rd.swap(s, false) }

// swap replaces placeholder values by their names, or names by values when
// restoring.
func (rd *redactor) swap(s string, restore bool) string {
	for _, p := range rd.placeholders {
		if from, to := p.pair(restore); strings.Contains(s, from) {
			s = strings.ReplaceAll(s, from, to)
		}
	}
	return s
}

// swapBytes is swap for a body, and says whether it changed anything; b
// itself is never modified.
func (rd *redactor) swapBytes(b []byte, restore bool) ([]byte, bool) {
	changed := false
	for _, p := range rd.placeholders {
		if from, to := p.pair(restore); bytes.Contains(b, []byte(from)) {
			b, changed = bytes.ReplaceAll(b, []byte(from), []byte(to)), true
		}
	}
	return b, changed
}

func (p placeholder) pair(restore bool) (from, to string) {
	if restore {
		return p.token, p.value
	}
	return p.value, p.token
}

// body redacts the JSON fields, the secret parameters of a form and the
// placeholder values of a body of the given Content-Type, and says whether
// there were any; b itself is never modified.
func (rd *redactor) body(b []byte, contentType string) ([]byte, bool) {
	changed := false
	if len(b) == 0 {
		return b, false
	}
	if len(contentType) >= 33 && strings.EqualFold(contentType[:33], "application/x-www-form-urlencoded") {
		if f, ok := rd.rawQuery(string(b)); ok {
			b, changed = []byte(f), true
		}
	} else {
		b, changed = redactJSON(b, rd.jsonPaths)
	}
	b, swapped := rd.swapBytes(b, false)
	return b, changed || swapped
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

// message redacts a free text that may quote URLs, such as an error
// message: every URL in it is redacted as a URL, then placeholders.
func (rd *redactor) message(s string) string {
	fields := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" \"'<>;,", r) })
	for _, f := range fields {
		if strings.ContainsAny(f, "?#@") {
			u := f
			if len(u) > 4 && strings.EqualFold(u[:4], "url=") {
				u = u[4:] // Refresh: 0; url=…
			}
			if red := rd.url(u); red != u {
				red = f[:len(f)-len(u)] + red
				s = strings.ReplaceAll(s, f, red)
			}
		}
	}
	return rd.text(s)
}

// matchView returns the request as matching sees it: redacted the way the
// recorded requests were, so that a redacted secret still matches. It
// returns req and body themselves when there is nothing to redact, the
// common case, which costs no allocation.
func (rd *redactor) matchView(req *http.Request, body []byte) (*http.Request, []byte) {
	u := req.URL
	if len(rd.placeholders) > 0 {
		if s := u.String(); rd.text(s) != s {
			if pu, err := url.Parse(rd.text(s)); err == nil {
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

// redactJSON replaces the values at the given paths of a JSON document by
// "REDACTED", changing nothing else, and says whether it found any. A body
// that is not JSON is returned as it is.
func redactJSON(b []byte, paths [][]string) ([]byte, bool) {
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') || !mayHold(b, paths) || !json.Valid(b) {
		return b, false
	}
	var spans [][2]int64
	dec := json.NewDecoder(bytes.NewReader(b))
	walkJSON(dec, nil, paths, &spans)
	if len(spans) == 0 {
		return b, false
	}
	out := make([]byte, 0, len(b))
	last := int64(0)
	for _, s := range spans {
		out = append(out, b[last:s[0]]...)
		out = append(out, `"`+Redacted+`"`...)
		last = s[1]
	}
	return append(out, b[last:]...), true
}

// mayHold reports whether a JSON document may hold one of the paths, by
// looking for the quoted name the path ends with: most bodies hold none,
// and then need no parsing. A name spelled with escapes is found only by
// parsing, so a body with a backslash-u is always parsed.
func mayHold(b []byte, paths [][]string) bool {
	if bytes.Contains(b, []byte(`\u`)) {
		return true
	}
	for _, p := range paths {
		last := p[len(p)-1]
		if last == "*" || bytes.Contains(b, []byte(`"`+last+`"`)) {
			return true
		}
	}
	return false
}

// walkJSON reads one value from dec at path, and records the byte spans of
// the values whose path one of paths matches.
func walkJSON(dec *json.Decoder, path []string, paths [][]string, spans *[][2]int64) {
	if pathMatches(path, paths) {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return
		}
		// Before a value, InputOffset may sit ahead of the separator and
		// the spacing; after it, it is the value's end.
		end := dec.InputOffset()
		start := end - int64(len(raw))
		*spans = append(*spans, [2]int64{start, end})
		return
	}
	tok, err := dec.Token()
	if err != nil {
		return
	}
	switch tok {
	case json.Delim('{'):
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return
			}
			key, _ := k.(string)
			walkJSON(dec, append(path, key), paths, spans)
		}
		dec.Token() // }
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			walkJSON(dec, append(path, "#"), paths, spans)
		}
		dec.Token() // ]
	}
}

func pathMatches(path []string, paths [][]string) bool {
	if len(path) == 0 {
		return false
	}
outer:
	for _, p := range paths {
		if len(p) != len(path) {
			continue
		}
		for i := range p {
			if p[i] != "*" && p[i] != path[i] && !(path[i] == "#" && p[i] == "*") {
				continue outer
			}
		}
		return true
	}
	return false
}
