package jsonwire

import "bytes"

// JSON bodies are stored as JSON, whatever their spacing, and replay byte
// for byte. The file holds the value, compact or indented as the writer
// indents, and a jsonSpacing says how to space it again: the members
// "body_json_leading", "body_json_prefix", "body_json_indent" and
// "body_json_trailing" after "body_json". They cover how JSON is written in
// practice: compact, as json.Marshal writes it; indented, as
// json.MarshalIndent does (JSON.stringify, serde_json's pretty printer and
// most others indent the same way); either with spacing around it, as
// json.Encoder ends each value with a newline. A body spaced otherwise is
// stored as text.

// jsonSpacing is how a JSON body was spaced. The zero jsonSpacing is compact
// JSON with nothing after it.
type jsonSpacing struct {
	leading        string // the spacing before the value
	prefix, indent string // as json.MarshalIndent's; indent is empty when the value is compact
	trailing       string // the spacing after the value
}

// jsonBody reports whether b is a JSON object or array the file holds as
// JSON: valid UTF-8 without control characters (as text is), compact or
// indented as json.MarshalIndent indents, with any spacing around it. It
// returns the compact value, a part of b when b is compact, and its
// spacing.
func jsonBody(b []byte) (value []byte, s jsonSpacing, ok bool) {
	t := trimSpacing(b)
	if len(t) == 0 || t[0] != '{' && t[0] != '[' {
		return nil, s, false
	}
	p := Parser{data: t}
	if p.skip() != nil || p.i != len(t) || !isText(b) {
		return nil, s, false
	}
	value, s, ok = splitJSON(b)
	if ok && s.indent != "" {
		indented := jsonSpacing{prefix: s.prefix, indent: s.indent}
		ok = bytes.Equal(appendSpaced(make([]byte, 0, len(t)), value, indented), t)
	}
	return value, s, ok
}

// splitJSON splits the JSON body b, which jsonBody accepts, into its
// compact value and its spacing, without checking it again.
func splitJSON(b []byte) (value []byte, s jsonSpacing, ok bool) {
	t := trimSpacing(b)
	start := len(b) - len(bytes.TrimLeft(b, spacing))
	if start > 0 {
		s.leading = string(b[:start])
	}
	if end := start + len(t); end < len(b) {
		s.trailing = string(b[end:])
	}
	if !spacedJSON(t) {
		return t, s, true
	}
	if s.prefix, s.indent, ok = indentation(t); !ok {
		return nil, s, false
	}
	return compact(t), s, true
}

// trimSpacing returns b without the spacing around it.
func trimSpacing(b []byte) []byte { return bytes.Trim(b, spacing) }

// spacing is what JSON takes for spacing.
const spacing = " \t\r\n"

// indentation returns the prefix and indent that json.MarshalIndent would
// have been given to write the spaced JSON object or array t, if any: the
// second line starts with both, the last line with the prefix.
func indentation(t []byte) (prefix, indent string, ok bool) {
	if len(t) < 2 || t[1] != '\n' {
		return "", "", false
	}
	second := t[2:]
	lead := second[:len(second)-len(bytes.TrimLeft(second, " \t"))]
	last := t[bytes.LastIndexByte(t, '\n')+1 : len(t)-1]
	if !bytes.HasPrefix(lead, last) || len(lead) == len(last) || len(bytes.TrimLeft(last, " \t")) > 0 {
		return "", "", false
	}
	return string(last), string(lead[len(last):]), true
}

// layoutJSON appends the compact JSON value to dst as the file holds a long
// body: each member or element on a line of its own, two spaces of
// indentation per level from the start of the line, a space after each
// colon, except that an object or array whose one-line form (with a space
// after each colon and comma) is at most short bytes stays on one line.
//
// A body's lines start at the left margin, not under the member that holds
// it: the body is a document of its own, and indenting every line of it by
// the depth of "body_json" in the file made the file a quarter larger than
// go-vcr's YAML of the same traffic (the corpus of internal/corpus: 196 MB
// against 157 MB, now 152 MB), without making it easier to read. A change to
// one member still changes one line, or the short line that holds it.
func layoutJSON(dst, value []byte, short int) []byte {
	return appendIndented(dst, value, "", "  ", short)
}

// oneLine reports whether the object or array that starts at value[i] is
// at most short bytes long on one line, a space after each colon and comma,
// and returns where it ends. An empty one always is. It looks no further
// than short bytes ahead.
func oneLine(value []byte, i, short int) (end int, ok bool) {
	if i+1 < len(value) && value[i+1] == value[i]+2 { // {} or []
		return i + 2, true
	}
	depth, n := 0, 0
	for j := i; j < len(value) && n < short; j++ {
		switch value[j] {
		case '"':
			e := stringEnd(value, j)
			n += e - j - 1
			j = e - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, n+1 <= short
			}
		case ':', ',':
			n++
		}
		n++
	}
	return 0, false
}

// spaced appends the compact JSON value to dst on one line, with a space
// after each colon and comma.
func spaced(dst, value []byte) []byte {
	for i := 0; i < len(value); i++ {
		switch c := value[i]; c {
		case '"':
			dst, i = appendString(dst, value, i)
		case ':', ',':
			dst = append(dst, c, ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendString appends the JSON string that starts at value[i] to dst, and
// returns the offset of its closing quote.
func appendString(dst, value []byte, i int) ([]byte, int) {
	end := stringEnd(value, i)
	return append(dst, value[i:end]...), end - 1
}
