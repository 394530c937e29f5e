package cassette

import (
	"bytes"
	"maps"
	"net/http"
	"slices"

	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/internal/unsafeconv"
)

// markRecording numbers the markers of one recording and taints its
// secrets (see redact.Ledger): red are the interactions as redaction left
// them, with plain REDACTED markers, and orig the same interactions before
// it. Each value redacted gets a marker of its own, REDACTED~1,
// REDACTED~2…, in the order red lists them, after the number after; then
// every value long and varied enough to be a credential is replaced
// wherever else it appears in red, in every form. red is changed in place,
// but no header, body or response it shares with another interaction; a
// response body taint changes gets its length and integrity headers
// synced. It returns the taint, for the other places of the recording.
func markRecording(rules *redact.Rules, red, orig []*Interaction, after int) *redact.Taint {
	l := numbering{redact.NewLedger(after), rules}
	for i := range red {
		l.interaction(orig[i], red[i])
	}
	t := l.Taint()
	if t != nil {
		for _, in := range red {
			taintInteraction(t, in)
		}
	}
	return t
}

// numbering numbers the markers of interactions in a ledger. Placeholders
// changed the text before redaction did, so the text redaction started
// from is the original with placeholders in.
type numbering struct {
	*redact.Ledger
	rules *redact.Rules
}

func (l numbering) Number(orig, red string, esc redact.Escaping) string {
	if orig == red {
		return red
	}
	return l.Ledger.Number(l.rules.Placeholders(orig), red, esc)
}

func (l numbering) NumberBytes(orig, red []byte, esc redact.Escaping) []byte {
	if bytes.Equal(orig, red) {
		return red
	}
	if l.rules.HasPlaceholders() {
		orig = []byte(l.rules.Placeholders(string(orig)))
	}
	return l.Ledger.NumberBytes(orig, red, esc)
}

func (l numbering) interaction(orig, red *Interaction) {
	red.Request.URL = l.Number(orig.Request.URL, red.Request.URL, redact.URLEscaped)
	red.Request.Header = l.header(orig.Request.Header, red.Request.Header)
	red.Request.Body = l.NumberBytes(orig.Request.Body, red.Request.Body, redact.BodyEscaping(orig.Request.Header.Get("Content-Type")))
	red.Error = l.error(orig.Error, red.Error)
	o, r := orig.Response, red.Response
	if o == nil || r == nil {
		return
	}
	cp := *r
	cp.Header = l.header(o.Header, r.Header)
	cp.Trailer = l.header(o.Trailer, r.Trailer)
	cp.Body = l.NumberBytes(o.Body, r.Body, redact.BodyEscaping(o.Header.Get("Content-Type")))
	cp.BodyError = l.error(o.BodyError, r.BodyError)
	if len(cp.Body) != len(r.Body) {
		synced(red.Request.Method, &cp, r.Body)
	}
	red.Response = &cp
}

// synced makes the length and the integrity headers of r agree with its
// body, which was sent before dvd changed it, in a header of its own.
func synced(method string, r *Response, sent []byte) {
	r.Header = r.Header.Clone()
	syncLength(method, r)
	syncChecksums(method, r, sent)
}

// header numbers the markers of red, the redaction of orig, header
// by header in the order of their names; red itself is not modified.
func (l numbering) header(orig, red http.Header) http.Header {
	var changed []string
	for k, vs := range red {
		if !slices.Equal(vs, orig[k]) {
			changed = append(changed, k)
		}
	}
	if len(changed) == 0 {
		return red
	}
	slices.Sort(changed)
	out := maps.Clone(red)
	for _, k := range changed {
		ov, vs := orig[k], slices.Clone(red[k])
		if len(ov) != len(vs) {
			continue
		}
		esc := redact.AsIs
		if urlHeader(k) {
			esc = redact.URLEscaped
		}
		for i := range vs {
			vs[i] = l.Number(ov[i], vs[i], esc)
		}
		out[k] = vs
	}
	return out
}

func urlHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Location", "Content-Location", "Referer", "Link", "Refresh":
		return true
	}
	return false
}

// error numbers the markers of red, the redaction of orig.
func (l numbering) error(orig, red error) error {
	if orig == nil || red == nil || orig == red {
		return red
	}
	o, r := neterr.RecordOf(orig), neterr.RecordOf(red)
	n := r
	n.Message = l.Number(o.Message, r.Message, redact.AsIs)
	n.Addr = l.Number(o.Addr, r.Addr, redact.AsIs)
	n.Name = l.Number(o.Name, r.Name, redact.AsIs)
	n.Server = l.Number(o.Server, r.Server, redact.AsIs)
	n.Detail = l.Number(o.Detail, r.Detail, redact.AsIs)
	if n == r {
		return red
	}
	return neterr.Recorded(n)
}

// A rewriter changes text in every place of an interaction: a
// redact.Taint, a renumbering of markers.
type rewriter interface {
	String(s string) string
	// Bytes rewrites a body of the given Content-Type, and says whether
	// it changed it; b itself is not modified.
	Bytes(b []byte, contentType string) ([]byte, bool)
}

// taintInteraction rewrites in with t in every place that can hold text:
// URL, headers, bodies, errors, the TLS server name. A response body it
// changes gets its length and integrity headers synced.
func taintInteraction(t rewriter, in *Interaction) {
	in.Request.URL = t.String(in.Request.URL)
	in.Request.Header = taintHeader(t, in.Request.Header)
	in.Request.Body, _ = t.Bytes(in.Request.Body, in.Request.Header.Get("Content-Type"))
	in.Error = taintError(t, in.Error)
	r := in.Response
	if r == nil {
		return
	}
	cp := *r
	cp.Header = taintHeader(t, r.Header)
	cp.Trailer = taintHeader(t, r.Trailer)
	cp.BodyError = taintError(t, r.BodyError)
	if r.TLS != nil {
		if name := t.String(r.TLS.ServerName); name != r.TLS.ServerName {
			tls := *r.TLS
			tls.ServerName = name
			cp.TLS = &tls
		}
	}
	if body, changed := t.Bytes(r.Body, r.Header.Get("Content-Type")); changed {
		cp.Body = body
		synced(in.Request.Method, &cp, r.Body)
	}
	in.Response = &cp
}

func taintHeader(t rewriter, h http.Header) http.Header {
	var out http.Header
	for k, vs := range h {
		for i, v := range vs {
			tv := t.String(v)
			if tv == v {
				continue
			}
			if out == nil {
				out = maps.Clone(h)
			}
			if &out[k][0] == &vs[0] {
				out[k] = slices.Clone(vs)
			}
			out[k][i] = tv
		}
	}
	if out == nil {
		return h
	}
	return out
}

func taintError(t rewriter, err error) error { return neterr.Rewrite(err, t.String) }

// maxMarker returns the highest number of a marker in ins, whose new
// values a recording added to them numbers after.
func maxMarker(ins []Interaction) int {
	top := 0
	for i := range ins {
		top = max(top, markerIn(&ins[i]))
	}
	return top
}

// markerIn returns the highest number of a marker in in, or 0.
func markerIn(in *Interaction) int {
	top := 0
	see := func(s string) { top = max(top, redact.MaxMarker(s)) }
	see(in.Request.URL)
	seeHeader(see, in.Request.Header)
	see(unsafeconv.String(in.Request.Body))
	if r := in.Response; r != nil {
		seeHeader(see, r.Header)
		seeHeader(see, r.Trailer)
		see(unsafeconv.String(r.Body))
	}
	if in.Error != nil {
		see(in.Error.Error())
	}
	return top
}

func seeHeader(see func(string), h http.Header) {
	for _, vs := range h {
		for _, v := range vs {
			see(v)
		}
	}
}

// renumbering adds delta to the number of every marker above from.
type renumbering struct{ from, delta int }

func (r renumbering) String(s string) string {
	return redact.Renumber(s, func(n int) int {
		if n > r.from {
			return n + r.delta
		}
		return n
	})
}

func (r renumbering) Bytes(b []byte, _ string) ([]byte, bool) {
	s := r.String(string(b))
	if s == string(b) {
		return b, false
	}
	return []byte(s), true
}

// renumbered returns copies of ins whose markers above from are numbered
// delta higher: the new interactions of a recording merged after another
// recording's, whose markers go up to from+delta.
func renumbered(ins []Interaction, from, delta int) []Interaction {
	out := slices.Clone(ins)
	for i := range out {
		taintInteraction(renumbering{from, delta}, &out[i])
	}
	return out
}
