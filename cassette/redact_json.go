package cassette

import (
	"bytes"
	"encoding/json"
)

// The JSON body fields always redacted: the credentials of OAuth token
// requests and responses, at the top level.
var defaultJSONFields = []string{"access_token", "refresh_token", "id_token", "client_secret", "password"}

// redactJSON replaces the values at the given paths of a JSON document by
// "REDACTED", changing nothing else, and says whether it found any. A body
// that is not JSON is returned as it is.
func redactJSON(b []byte, paths [][]string) ([]byte, bool) {
	if !jsonDocument(b) || !mayHold(b, paths) || !json.Valid(b) {
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

// jsonDocument reports whether b starts as a JSON object or array, the only
// documents with fields to redact.
func jsonDocument(b []byte) bool {
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	return len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
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
