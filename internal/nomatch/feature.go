package nomatch

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/match"
)

// shown redacts a request feature for the diff of a miss. Its value is a
// matcher's canonical form, not a URL, so it is redacted as the part of the
// request it was read from, which its kind says: a query by parameter
// name, headers by header name, a body by JSON field or form field, a host
// or a path for user information. The recorded side comes from a file that
// may have been redacted less than this run asks, so this cannot rely on
// what was redacted before.
func shown(rd *redact.Rules, k kind, f match.Feature) string {
	switch k {
	case kindMethod, kindScheme:
		return rd.Text(f.Value)
	case kindHost:
		// A host follows the user information in a URL.
		return strings.TrimPrefix(rd.URL("//"+f.Value), "//")
	case kindPath:
		return rd.URL(f.Value)
	case kindQuery:
		return rd.Text(query(rd, f.Value))
	case kindHeader:
		return headerLines(rd, f.Value)
	case kindBody, kindForm:
		return string(body(rd, []byte(f.Value)))
	}
	return custom(rd, f)
}

// A diffPart is a piece of a request feature that the diff of a miss compares
// on its own: a query parameter, one header of a Header matcher, or the
// whole feature.
type diffPart struct {
	key   string // what the diff calls it: Query[page], Header[Accept], Path
	raw   string // the matcher's value, to tell which parts differ
	shown string // the value as the diff shows it, redacted
}

// splitParts splits a feature into the parts a miss's diff compares, so that a
// long query or several headers show which parameter or header differs,
// not a diff of one long string that breaks mid-word. Other features are
// one part.
func splitParts(rd *redact.Rules, k kind, f match.Feature) []diffPart {
	switch {
	case k == kindQuery:
		return queryParts(rd, f)
	case k == kindHeader:
		return headerParts(rd, f)
	case k == kindForm && isFormFeature(f.Value):
		return formParts(rd, f)
	}
	return []diffPart{whole(rd, k, f)}
}

// formParts returns a part per field name of a match.Form feature, keyed
// Form[name], whose value shows the values of that name, in order,
// separated by ", ". A file shows as its name and type, then its content:
// report.csv (text/csv): a,b. Field values are redacted as the fields of a
// multipart body are: by name, or as JSON; files are kept.
func formParts(rd *redact.Rules, f match.Feature) []diffPart {
	return pairParts(f.Value, func(pair string) (string, string, string) {
		key, raw, _ := strings.Cut(pair, "=")
		name, file, typ, typed := splitFormKey(key)
		value := queryUnescape(raw)
		switch {
		case file != "":
			label := file
			if typ != "" {
				label += " (" + typ + ")"
			}
			value = rd.Text(label+": ") + rd.Text(value)
		case rd.SecretQueryName(name) && value != redact.Redacted:
			value = redact.Redacted
		default:
			if red, ok := rd.JSON([]byte(value)); ok {
				value = string(red)
			}
			value = rd.Message(value)
			if typed {
				value = "(" + typ + "): " + value
			}
		}
		return "Form[" + rd.Text(name) + "]", pair, value
	})
}

// pairParts returns a part per key of the name=value pairs of v, which "&"
// separates: part gives a pair's key, raw value and shown value, and the
// values of a key seen again join its part, the raw ones after "&", the
// shown ones after ", ".
func pairParts(v string, part func(pair string) (key, raw, shown string)) []diffPart {
	var ps []diffPart
	at := map[string]int{}
	for pair := range strings.SplitSeq(v, "&") {
		if pair == "" {
			continue
		}
		key, raw, shown := part(pair)
		if i, ok := at[key]; ok {
			ps[i].raw += "&" + raw
			ps[i].shown += ", " + shown
			continue
		}
		at[key] = len(ps)
		ps = append(ps, diffPart{key: key, raw: raw, shown: shown})
	}
	return ps
}

// splitFormKey reads the key of a field of a match.Form feature: an escaped
// name, or for a part with a file name or a type, name;file;type.
func splitFormKey(key string) (name, file, typ string, typed bool) {
	name, rest, typed := strings.Cut(key, ";")
	file, typ, _ = strings.Cut(rest, ";")
	return queryUnescape(name), queryUnescape(file), queryUnescape(typ), typed
}

// isFormFeature reports whether the value of a match.Form feature is a
// form as match.Form writes it, name=value pairs of escaped text, not a
// body of another kind that it compares as bytes.
func isFormFeature(v string) bool {
	for pair := range strings.SplitSeq(v, "&") {
		key, value, ok := strings.Cut(pair, "=")
		if !ok || !escapedText(value) || strings.Count(key, ";") != 0 && strings.Count(key, ";") != 2 ||
			!escapedText(strings.ReplaceAll(key, ";", "")) {
			return false
		}
	}
	return true
}

// escapedText reports whether s holds only what url.QueryEscape writes.
func escapedText(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-_.~%+", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// whole returns a feature as one part.
func whole(rd *redact.Rules, k kind, f match.Feature) diffPart {
	return diffPart{key: f.Name, raw: f.Value, shown: shown(rd, k, f)}
}

// queryParts returns a part per parameter name of a query feature, keyed
// Query[name], whose value shows the values of that name, in order,
// separated by ", ". Names and values are shown unescaped, so that a
// placeholder's value is found even where the query escaped it; a secret
// parameter's value is redacted before that, and a URL in a value is
// redacted as a URL.
func queryParts(rd *redact.Rules, f match.Feature) []diffPart {
	return pairParts(f.Value, func(pair string) (string, string, string) {
		_, raw, _ := strings.Cut(pair, "=")
		shownPair := pair
		if rd.SecretParam(pair) {
			shownPair = redact.Pair(pair)
		}
		name, value, _ := strings.Cut(shownPair, "=")
		return f.Name + "[" + rd.Text(queryUnescape(name)) + "]", raw, rd.Message(queryUnescape(value))
	})
}

// queryUnescape decodes a query component, or returns it as it is when it
// does not decode.
func queryUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// headerParts returns a part per header of a match.Header feature, keyed
// Header[Name], whose value is the header's values as the feature joins
// them, redacted by the header's name. An absent header shows as "".
func headerParts(rd *redact.Rules, f match.Feature) []diffPart {
	var ps []diffPart
	for line := range strings.SplitSeq(f.Value, "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok {
			ps = append(ps, diffPart{key: f.Name, raw: line, shown: rd.Message(line)})
			continue
		}
		name = http.CanonicalHeaderKey(name)
		values := strings.TrimLeft(rest, " ")
		shown := values
		if values != "" {
			shown = rd.HeaderValue(name, values)
		}
		ps = append(ps, diffPart{key: "Header[" + name + "]", raw: values, shown: shown})
	}
	return ps
}

// headerLines redacts the value of a match.Header feature, one line
// "Name: value, value" per header, each line by its header's name. The
// values of one header are redacted as one: a secret header loses them
// all, where splitting on commas could leave a piece of a value that holds
// one.
func headerLines(rd *redact.Rules, v string) string {
	lines := strings.Split(v, "\n")
	for i, line := range lines {
		name, rest, ok := strings.Cut(line, ":")
		if values := strings.TrimLeft(rest, " "); ok && values != "" {
			lines[i] = line[:len(line)-len(values)] + rd.HeaderValue(http.CanonicalHeaderKey(name), values)
		} else {
			lines[i] = rd.Message(line)
		}
	}
	return strings.Join(lines, "\n")
}

// custom redacts the feature of a matcher dvd does not know: as a header
// or a query parameter when its name is a secret one, else as free text
// that may quote URLs.
func custom(rd *redact.Rules, f match.Feature) string {
	switch key := http.CanonicalHeaderKey(f.Name); {
	case f.Value == "":
		return ""
	case rd.SecretHeader(key):
		return rd.HeaderValue(key, f.Value)
	case rd.SecretQueryName(f.Name):
		return redact.Redacted
	}
	return rd.Message(f.Value)
}

// query redacts a raw query, parameter by parameter.
func query(rd *redact.Rules, raw string) string {
	q, _ := rd.Query(raw)
	return q
}

// body redacts a body feature, whose Content-Type the feature does not
// carry: a JSON document by its fields, anything else as a form.
func body(rd *redact.Rules, b []byte) []byte {
	contentType := redact.FormType
	if redact.JSONDocument(b) {
		contentType = "application/json"
	}
	b, _ = rd.Body(b, contentType)
	return b
}
