package cassette

import (
	"net/url"
	"strings"
)

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

// RedactURL returns raw as dvd shows URLs in its messages: with secret
// query values, passwords and user information redacted, and placeholders
// put in, as the recorder's configuration says.
func (r *Recorder) RedactURL(raw string) string { return r.redact.url(raw) }
