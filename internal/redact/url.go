package redact

import (
	"net/url"
	"strings"
)

// URL returns the URL with its user information and secret query values
// redacted, and placeholders put in. It returns raw itself when there is
// nothing to redact.
func (r *Rules) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return r.Text(r.unparsedURL(raw))
	}
	changed := false
	// The user information goes whole: a user alone, or with an empty or
	// fixed password (https://TOKEN:@host, https://TOKEN:x-oauth-basic@host),
	// is often the token itself.
	if u.User != nil && u.User.String() != "" && u.User.String() != Redacted {
		u.User, changed = url.User(Redacted), true
	}
	// user:password@host parses as the scheme "user".
	if i := strings.LastIndexByte(u.Opaque, '@'); i >= 0 && !strings.HasPrefix(u.Opaque, Redacted+"@") {
		u.Scheme, u.Opaque, changed = "", Redacted+u.Opaque[i:], true
	}
	if q, ok := r.Query(u.RawQuery); ok {
		u.RawQuery, changed = q, true
	}
	// OAuth's implicit flow puts tokens in the fragment: #access_token=….
	if f, ok := r.Query(u.EscapedFragment()); ok {
		u.Fragment, _ = url.PathUnescape(f)
		u.RawFragment, changed = f, true
	}
	if !changed {
		return r.Text(raw)
	}
	return r.Text(u.String())
}

// unparsedURL redacts a URL that does not parse, as text: the user
// information, from // to the last @, or from the start when it has no //
// and looks like user:password@; then everything after the first ? up to
// #, and after #, as a query.
func (r *Rules) unparsedURL(raw string) string {
	if at := strings.LastIndexByte(raw, '@'); at >= 0 {
		if i := strings.Index(raw, "//"); i >= 0 && i < at {
			raw = raw[:i+2] + Redacted + raw[at:]
		} else if i < 0 && strings.Contains(raw[:at], ":") {
			raw = Redacted + raw[at:]
		}
	}
	rest, frag, hasFrag := strings.Cut(raw, "#")
	if hasFrag {
		if f, ok := r.Query(frag); ok {
			frag = f
		}
	}
	if base, q, ok := strings.Cut(rest, "?"); ok {
		if red, ok := r.Query(q); ok {
			rest = base + "?" + red
		}
	}
	if hasFrag {
		return rest + "#" + frag
	}
	return rest
}

// Message redacts a free text that may quote URLs, such as an error message
// or a header that holds URLs (Location, Link, Refresh): every URL in it is
// redacted as a URL, then placeholders.
//
// A URL runs to the next space, double quote (one escaped with a backslash,
// as %q writes it, does not count) or angle bracket, so that a secret
// holding a comma or a semicolon goes whole; a new scheme:// within such a
// run starts another URL.
func (r *Rules) Message(s string) string {
	if !strings.ContainsAny(s, "?#@") {
		return r.Text(s)
	}
	var b strings.Builder
	last := 0 // s[:last] is in b
	for i := 0; i < len(s); {
		if isURLEnd(s, i) {
			i++
			continue
		}
		j := i
		for j < len(s) && !isURLEnd(s, j) {
			j++
		}
		run := s[i:j]
		if strings.ContainsAny(run, "?#@") {
			if red := r.urlsInRun(run); red != run {
				b.WriteString(s[last:i])
				b.WriteString(red)
				last = j
			}
		}
		i = j
	}
	if last == 0 {
		return r.Text(s)
	}
	b.WriteString(s[last:])
	return r.Text(b.String())
}

// isURLEnd reports whether s[i] ends a URL in free text.
func isURLEnd(s string, i int) bool {
	switch s[i] {
	case ' ', '\t', '\n', '\r', '\f', '\v', '<', '>':
		return true
	case '"':
		return i == 0 || s[i-1] != '\\'
	}
	return false
}

// urlsInRun redacts a run of text without spaces: each URL in it, which
// starts at a scheme:// (or at //), after a "url=" (Refresh), or at the
// start of the run.
func (r *Rules) urlsInRun(run string) string {
	starts := urlStarts(run)
	var b strings.Builder
	for k, start := range starts {
		end := len(run)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		part := run[start:end]
		if len(part) > 4 && strings.EqualFold(part[:4], "url=") {
			b.WriteString(part[:4])
			part = part[4:]
		}
		if strings.ContainsAny(part, "?#@") {
			part = r.URL(part)
		}
		b.WriteString(part)
	}
	return b.String()
}

// urlStarts returns where URLs may start in a run: 0, and each scheme://
// or // that does not follow a scheme.
func urlStarts(run string) []int {
	starts := []int{0}
	for i := 0; ; {
		k := strings.Index(run[i:], "//")
		if k < 0 {
			return starts
		}
		k += i
		start := k
		if k > 0 && run[k-1] == ':' {
			start = k - 1
			for start > 0 && isSchemeChar(run[start-1]) {
				start--
			}
			if start == k-1 {
				start = k // ":" alone, as in host://: not a scheme
			}
		}
		if start > starts[len(starts)-1] {
			starts = append(starts, start)
		}
		i = k + 2
	}
}

func isSchemeChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}
