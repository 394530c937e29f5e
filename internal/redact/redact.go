// Package redact finds the secrets in HTTP traffic and replaces them: in
// headers, URLs, queries, url-encoded and multipart forms, JSON bodies and
// free text, the known values that placeholders name, and the values that
// have a credential's shape (ghp_…, xoxb-…, a PEM private key; shapes.go),
// wherever they are.
//
// It holds the rules and the names redacted by default, chief among them
// credentialNames, the one table of credential names for every place: the
// single source of truth, which the documentation of cassette.Redaction
// and docs/secrets.md restate.
// It knows nothing of cassettes: its inputs and outputs are http.Header,
// *http.Request, strings and bytes. No function modifies its input; those
// that report whether they changed anything return the input itself when
// they did not.
package redact

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Redacted replaces a secret.
const Redacted = "REDACTED"

// Options name what to redact beyond the defaults. Its fields are those of
// cassette.Redaction, which converts to it.
type Options struct {
	// Headers are more header names.
	Headers []string
	// Query are more query parameter names.
	Query []string
	// JSONFields are dotted paths of JSON fields from the top, * for any
	// array element or object member.
	JSONFields []string
	// Placeholders map a name to a value that becomes <NAME>.
	Placeholders map[string]string
	// Keep are names whose values are kept in every place (cookie names
	// too), compared normalised as credentialNames says: they override the
	// table, the default headers, Headers and Query, not JSONFields' paths
	// nor Placeholders.
	Keep []string
}

// Rules redact with the defaults and the names of Options. Rules are only
// read once built, so one serves every goroutine.
type Rules struct {
	headers      map[string]bool // canonical names
	query        map[string]bool // added names, normalised
	keep         map[string]bool // normalised
	json         jsonRules
	placeholders []placeholder // longest value first, so that no value hides inside another
}

// Default returns the rules of the defaults alone, built once.
func Default() *Rules { return defaultRules() }

var defaultRules = sync.OnceValue(func() *Rules { return New(Options{}) })

// New returns the rules of the defaults and of o.
func New(o Options) *Rules {
	r := &Rules{headers: map[string]bool{}, query: normalisedSet(o.Query)}
	if len(o.Keep) > 0 {
		r.keep = normalisedSet(o.Keep)
	}
	for _, h := range slices.Concat(defaultHeaders, o.Headers) {
		// X_Custom and X-Custom alike; SecretHeader turns _ into - too.
		r.headers[http.CanonicalHeaderKey(strings.ReplaceAll(h, "_", "-"))] = true
	}
	r.json = newJSONRules(o.JSONFields)
	r.json.keep = r.keep
	r.placeholders = sortedPlaceholders(o.Placeholders)
	return r
}

// Request returns an incoming request as matching sees it: redacted the way
// recorded requests were, so that a redacted secret still matches, with
// numbered markers made plain (see Unnumbered). It returns req and body
// themselves when there is nothing to redact, the common case, which costs
// no allocation; otherwise a shallow copy of req with its own URL and
// header.
func (r *Rules) Request(req *http.Request, body []byte) (*http.Request, []byte) {
	view := r.RequestURL(req)
	h, hChanged := r.Header(req.Header)
	if nh, ok := unnumberedHeader(h); ok {
		h, hChanged = nh, true
	}
	b, bChanged := body, false
	if len(body) > 0 {
		b, bChanged = r.Body(body, req.Header.Get("Content-Type"))
		if nb := UnnumberedBytes(b); len(nb) != len(b) {
			b, bChanged = nb, true
		}
	}
	if !hChanged && !bChanged {
		return view, body
	}
	if view == req {
		cp := *req
		view = &cp
	}
	view.Header = h
	return view, b
}

// RequestURL is [Rules.Request] for matchers that read only the method
// and the URL: it redacts the URL alone, and returns req itself when there
// is nothing to redact in it, or else a shallow copy with its own URL.
func (r *Rules) RequestURL(req *http.Request) *http.Request {
	u := req.URL
	// The recorded URL went through Text whole: placeholders and shapes.
	if len(r.placeholders) > 0 || HasShape(u.Path) || HasShape(u.RawPath) || HasShape(u.RawQuery) || HasShape(u.Fragment) {
		s := u.String()
		if t := r.Text(s); t != s {
			if pu, err := url.Parse(t); err == nil {
				u = pu
			}
		}
	}
	q, qChanged := r.Query(u.RawQuery)
	// A numbered marker is plain REDACTED to matching, which stands for
	// whatever the incoming request sends in its place.
	if strings.Contains(u.Path, numberedPrefix) || strings.Contains(u.RawPath, numberedPrefix) {
		vu := *u
		vu.Path, vu.RawPath = Unnumbered(u.Path), Unnumbered(u.RawPath)
		u = &vu
	}
	if nq := Unnumbered(q); nq != q {
		q, qChanged = nq, true
	}
	if u == req.URL && !qChanged {
		return req
	}
	view := *req
	vu := *u
	vu.RawQuery = q
	view.URL = &vu
	return &view
}

// unnumberedHeader returns h with its numbered markers made plain, and
// whether it had any; h itself is not modified.
func unnumberedHeader(h http.Header) (http.Header, bool) {
	var out http.Header
	for k, vs := range h {
		for i, v := range vs {
			if !strings.Contains(v, numberedPrefix) {
				continue
			}
			if out == nil {
				out = maps.Clone(h)
			}
			if &out[k][0] == &vs[0] {
				out[k] = slices.Clone(vs)
			}
			out[k][i] = Unnumbered(v)
		}
	}
	return out, out != nil
}

// DefaultHeaders returns the header names always redacted, beyond those
// found by the words they hold (token, secret, …, a last word Key).
func DefaultHeaders() []string { return slices.Clone(defaultHeaders) }

// DefaultQuery returns query parameter names always redacted: examples of
// what credentialNames finds, which a test holds it to.
func DefaultQuery() []string { return slices.Clone(defaultQuery) }

// DefaultJSONNames returns JSON field names always redacted, at any depth
// and in any case style: examples of what credentialNames finds.
func DefaultJSONNames() []string { return slices.Clone(defaultJSONNames) }
