package index

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// A recorded request whose URL holds a marker where a secret was (a token
// in a path segment or a query value that redaction tainted: see package
// internal/redact) matches whatever an incoming request sends in that
// place. The index keeps the places, its slots, as templates: on a miss, a
// lookup puts the marker into the same places of the incoming URL and
// looks the result up again, a hashed lookup per template, not a scan of
// the cassette. The number of templates is bounded, so a miss costs at
// most maxTemplates lookups more.

// marker is what a slot holds, as the view of a recorded request shows it
// (numbered markers made plain).
const marker = "REDACTED"

// maxTemplates bounds the templates an index keeps.
const maxTemplates = 32

// A template is the slots of one recorded URL: the path segments and the
// query values that hold a marker.
type template struct {
	segments int         // the number of path segments, or -1 when no segment is a slot
	path     []slot      // by segment
	query    []querySlot // by parameter name
}

// A slot is a place that holds a marker, with what stands around the
// marker in that place: bot123:REDACTED is the prefix bot123: and no
// suffix.
type slot struct {
	at             int // the segment
	prefix, suffix string
}

type querySlot struct {
	name string
	slot
}

// templateOf returns the template of a recorded URL, as the matchers saw
// it, and whether it has slots.
func templateOf(u *url.URL) (template, bool) {
	t := template{segments: -1}
	if p := u.EscapedPath(); strings.Contains(p, marker) {
		segs := strings.Split(p, "/")
		t.segments = len(segs)
		for i, s := range segs {
			if pre, suf, ok := strings.Cut(s, marker); ok {
				t.path = append(t.path, slot{at: i, prefix: pre, suffix: suf})
			}
		}
	}
	if strings.Contains(u.RawQuery, marker) {
		for part := range strings.SplitSeq(u.RawQuery, "&") {
			name, v, _ := strings.Cut(part, "=")
			if pre, suf, ok := strings.Cut(v, marker); ok {
				t.query = append(t.query, querySlot{name: name, slot: slot{prefix: pre, suffix: suf}})
			}
		}
	}
	return t, len(t.path)+len(t.query) > 0
}

func (t template) equal(o template) bool {
	return t.segments == o.segments && slices.Equal(t.path, o.path) && slices.Equal(t.query, o.query)
}

// fits reports whether v has the slot's prefix and suffix around something.
func (s slot) fits(v string) bool {
	return len(v) >= len(s.prefix)+len(s.suffix) && strings.HasPrefix(v, s.prefix) && strings.HasSuffix(v, s.suffix)
}

func (s slot) marked() string { return s.prefix + marker + s.suffix }

// apply returns req with the marker in the places of t, or nil when the
// URL of req does not have those places.
func (t template) apply(req *http.Request) *http.Request {
	u := *req.URL
	if t.segments >= 0 {
		segs := strings.Split(u.EscapedPath(), "/")
		if len(segs) != t.segments {
			return nil
		}
		for _, s := range t.path {
			if !s.fits(segs[s.at]) {
				return nil
			}
			segs[s.at] = s.marked()
		}
		raw := strings.Join(segs, "/")
		p, err := url.PathUnescape(raw)
		if err != nil {
			return nil
		}
		u.Path, u.RawPath = p, raw
	}
	if len(t.query) > 0 {
		parts := strings.Split(u.RawQuery, "&")
		for _, s := range t.query {
			found := false
			for i, part := range parts {
				if name, v, _ := strings.Cut(part, "="); name == s.name && s.fits(v) {
					parts[i], found = name+"="+s.marked(), true
				}
			}
			if !found {
				return nil
			}
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	out := *req
	out.URL = &u
	return &out
}

// addTemplate keeps the template of a recorded request's view, if it has
// slots and is new.
func (ix *Index[T]) addTemplate(view *http.Request) {
	if len(ix.templates) >= maxTemplates || view.URL == nil {
		return
	}
	t, ok := templateOf(view.URL)
	if !ok {
		return
	}
	for _, o := range ix.templates {
		if o.equal(t) {
			return
		}
	}
	ix.templates = append(ix.templates, t)
}

// findSlotted looks up view with the marker put in the places of each
// template, after a lookup of view itself missed.
func (ix *Index[T]) findSlotted(view *http.Request, vbody []byte, req *http.Request, body []byte) *Entry[T] {
	for _, t := range ix.templates {
		v := t.apply(view)
		if v == nil {
			continue
		}
		canon := canonical(nil, ix.cfg.Matchers, v, vbody)
		if e := ix.find(canon, v, vbody, req, body); e != nil {
			return e
		}
	}
	return nil
}
