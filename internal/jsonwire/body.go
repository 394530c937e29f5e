package jsonwire

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
)

// JSON bodies are stored as JSON, whatever their spacing, and replay byte
// for byte. The file holds the value, compact or laid out as the writer
// lays out a long body (the reader compacts it again), and a jsonSpacing
// says how to space it again: the members after "body_json".
//
//   - "body_json_leading" and "body_json_trailing": the spacing before and
//     after the value, as json.Encoder ends each value with a newline;
//   - "body_json_indent" and "body_json_prefix": indented as
//     json.MarshalIndent indents (JSON.stringify, serde_json's pretty
//     printer, Python's json.dumps with an indent and most others indent
//     the same way);
//   - "body_json_comma" and "body_json_colon" (version 2): on one line, with
//     separators other than "," and ":", as Python's json.dumps writes
//     ", " and ": ";
//   - "body_json_spaces" (version 2): any other spacing, as the list of its
//     runs, each with the offset in the compact value where it goes:
//     [[offset, "spacing"], …].
//
// Any JSON object or array that is text is stored so.

// jsonSpacing is how a JSON body was spaced. The zero jsonSpacing is
// compact JSON with nothing around it. At most one of indent, comma and
// colon, and gaps is set.
type jsonSpacing struct {
	leading        string // the spacing before the value
	prefix, indent string // as json.MarshalIndent's; indent is empty when the value is not indented
	comma, colon   string // the separators with their spacing, when not "," and ":"
	gaps           []gap  // the spacing of a value spaced otherwise
	trailing       string // the spacing after the value
}

// A gap is a run of spacing inside a JSON value, and where it goes: before
// the byte at offset at of the compact value.
type gap struct {
	at    int
	space string
}

// zero reports whether s is compact JSON with nothing around it.
func (s *jsonSpacing) zero() bool {
	return s.leading == "" && s.prefix == "" && s.indent == "" && s.comma == "" &&
		s.colon == "" && len(s.gaps) == 0 && s.trailing == ""
}

// jsonBody reports whether b is a JSON object or array the file holds as
// JSON: valid UTF-8 without control characters (as text is), spaced in any
// way. It returns the compact value, a part of b when b is compact, and
// its spacing.
func jsonBody(b []byte) (value []byte, s jsonSpacing, ok bool) {
	if !isJSONBody(b) {
		return nil, s, false
	}
	value, s = splitJSON(b)
	return value, s, true
}

// isJSONBody reports whether jsonBody accepts b, without splitting it.
func isJSONBody(b []byte) bool {
	t := trimSpacing(b)
	if len(t) == 0 || t[0] != '{' && t[0] != '[' {
		return false
	}
	p := Parser{data: t}
	return p.skip() == nil && p.i == len(t) && isText(b)
}

// splitJSON splits the JSON body b, which jsonBody accepts, into its
// compact value and its spacing, without checking it again. It names the
// spacing in the fewest words: indented, then separated, then gap by gap.
func splitJSON(b []byte) (value []byte, s jsonSpacing) {
	t := trimSpacing(b)
	start := len(b) - len(bytes.TrimLeft(b, spacing))
	if start > 0 {
		s.leading = string(b[:start])
	}
	if end := start + len(t); end < len(b) {
		s.trailing = string(b[end:])
	}
	if !spacedJSON(t) {
		return t, s
	}
	value = compact(t)
	var try jsonSpacing
	if try.prefix, try.indent = indentation(t); try.indent != "" && rebuilds(value, try, t) {
		s.prefix, s.indent = try.prefix, try.indent
		return value, s
	}
	try = jsonSpacing{}
	if try.comma, try.colon = separators(t); !try.zero() && rebuilds(value, try, t) {
		s.comma, s.colon = try.comma, try.colon
		return value, s
	}
	s.gaps = gaps(t)
	return value, s
}

// rebuilds reports whether the compact value spaced as s is t. It stops as
// soon as what it builds is longer than t: a guessed indent that is wrong
// would otherwise build a body as large as the square of its depth (a
// body of 2 KB, several GB). A body that spaces out to more than
// maxSpaced of its value is not told by indent or separators, which the
// reader would refuse, but run by run.
func rebuilds(value []byte, s jsonSpacing, t []byte) bool {
	if len(t) > maxSpaced(len(value)) {
		return false
	}
	out, ok := spacedWithin(make([]byte, 0, len(t)), value, s, len(t))
	return ok && bytes.Equal(out, t)
}

// maxSpaced is the most bytes a JSON value of n bytes, compact, spaces out
// to by an indent or separators in a file dvd wrote: a thousand times, as
// for a decoded body (see httpcoding), and some. A file whose members
// space a body further was not written by dvd, and is refused rather than
// spaced out to gigabytes: a body that spaces out further (one nested a
// thousand levels deep, indented) is written run by run, in
// "body_json_spaces", whose runs the file itself holds.
func maxSpaced(n int) int { return 1000*n + 4096 }

// trimSpacing returns b without the spacing around it.
func trimSpacing(b []byte) []byte { return bytes.Trim(b, spacing) }

// spacing is what JSON takes for spacing.
const spacing = " \t\r\n"

// indentation returns the prefix and indent that json.MarshalIndent would
// have been given to write the spaced JSON object or array t, if any: the
// second line starts with both, the last line with the prefix. The indent
// is empty when there are none.
func indentation(t []byte) (prefix, indent string) {
	if len(t) < 2 || t[1] != '\n' {
		return "", ""
	}
	second := t[2:]
	lead := second[:len(second)-len(bytes.TrimLeft(second, " \t"))]
	last := t[bytes.LastIndexByte(t, '\n')+1 : len(t)-1]
	if !bytes.HasPrefix(lead, last) || len(lead) == len(last) || len(bytes.TrimLeft(last, " \t")) > 0 {
		return "", ""
	}
	return string(last), string(lead[len(last):])
}

// separators returns the first comma and the first colon of the spaced
// JSON t with the spacing around them, each empty when it is the plain
// character or there is none.
func separators(t []byte) (comma, colon string) {
	var sawComma, sawColon bool
	for i := 0; i < len(t) && !(sawComma && sawColon); i++ {
		switch c := t[i]; {
		case c == '"':
			i = stringEnd(t, i) - 1
		case c == ',' && !sawComma, c == ':' && !sawColon:
			sep := t[len(bytes.TrimRight(t[:i], spacing)) : len(t)-len(bytes.TrimLeft(t[i+1:], spacing))]
			var s string
			if len(sep) > 1 {
				s = string(sep)
			}
			if c == ',' {
				comma, sawComma = s, true
			} else {
				colon, sawColon = s, true
			}
		}
	}
	return comma, colon
}

// gaps returns the runs of spacing of the JSON t, which has none around
// it, each with where it goes in the compact value.
func gaps(t []byte) []gap {
	var out []gap
	n := 0 // the offset in the compact value
	for i := 0; i < len(t); {
		switch t[i] {
		case ' ', '\t', '\r', '\n':
			j := spaceEnd(t, i)
			out = append(out, gap{n, string(t[i:j])})
			i = j
		case '"':
			j := stringEnd(t, i)
			n += j - i
			i = j
		default:
			n++
			i++
		}
	}
	return out
}

// checkGaps returns an error unless each gap goes, in order, between two
// tokens inside the compact JSON value, and holds only spacing.
func checkGaps(value []byte, gs []gap) error {
	last := 0
	for _, g := range gs {
		if g.at <= last {
			return fmt.Errorf("offset %d: the offsets go up, from 1, each once", g.at)
		}
		last = g.at
	}
	k := 0
	for i := 0; i < len(value) && k < len(gs); i++ {
		if gs[k].at == i {
			if !structural(value[i-1]) && !structural(value[i]) {
				break
			}
			k++
		}
		if value[i] == '"' {
			i = stringEnd(value, i) - 1
		}
	}
	if k < len(gs) {
		return fmt.Errorf("offset %d is not between two tokens of the body", gs[k].at)
	}
	return nil
}

// structural reports whether c is one of JSON's structural characters.
func structural(c byte) bool {
	switch c {
	case '{', '}', '[', ']', ',', ':':
		return true
	}
	return false
}

// oneLineJSON is the size up to which an object or array inside a long
// JSON body stays on one line, as compact as it came.
const oneLineJSON = 1000

// layoutJSON appends the compact JSON value to dst as the file holds a long
// body: each member or element of the outermost object or array on a line
// of its own, two spaces of indentation, a space after each colon; an
// object or array inside it stays on one line as it came, compact, when it
// is at most short bytes long, and is laid out the same way when it is
// longer.
//
// So a change to one value changes one line, and a listing (an array of
// objects) shows one element a line. Laying out every member of every
// object a line, as earlier versions did, made the file a tenth to a fifth
// larger than go-vcr's YAML, which holds a body on one line: the bodies of
// APIs are mostly short members (the corpus of internal/corpus: about 25
// bytes each), and each paid a newline, its indentation and a space.
func layoutJSON(dst, value []byte, short int) []byte {
	return appendIndented(dst, value, "", "  ", short, math.MaxInt)
}

// shortValue reports whether the compact object or array that starts at
// value[i] is at most short bytes long, and returns where it ends. It
// looks no further than short bytes ahead.
func shortValue(value []byte, i, short int) (end int, ok bool) {
	depth := 0
	for j := i; j < len(value) && j-i < short; j++ {
		switch value[j] {
		case '"':
			j = stringEnd(value, j) - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, j+1-i <= short
			}
		}
	}
	return 0, false
}

// appendSeparated appends the compact JSON value to dst on one line, with
// comma for each comma and colon for each colon, when they are not empty.
//
// It stops once dst is longer than limit bytes.
func appendSeparated(dst, value []byte, comma, colon string, limit int) []byte {
	for i := 0; i < len(value) && len(dst) <= limit; i++ {
		switch c := value[i]; {
		case c == '"':
			dst, i = appendString(dst, value, i)
		case c == ',' && comma != "":
			dst = append(dst, comma...)
		case c == ':' && colon != "":
			dst = append(dst, colon...)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendSeparatedAt is appendSeparated for a value whose commas and colons
// between members and elements are known to be at seps, in order: it
// copies what lies between them.
func appendSeparatedAt(dst, value []byte, seps []int32, comma, colon string) []byte {
	comma, colon = cmp.Or(comma, ","), cmp.Or(colon, ":")
	at := 0
	for _, k := range seps {
		dst = append(dst, value[at:k]...)
		if value[k] == ',' {
			dst = append(dst, comma...)
		} else {
			dst = append(dst, colon...)
		}
		at = int(k) + 1
	}
	return append(dst, value[at:]...)
}

// separatedLen returns the length of appendSeparatedAt's output.
func separatedLen(value []byte, seps []int32, comma, colon string) int {
	comma, colon = cmp.Or(comma, ","), cmp.Or(colon, ":")
	n := len(value)
	for _, k := range seps {
		if value[k] == ',' {
			n += len(comma) - 1
		} else {
			n += len(colon) - 1
		}
	}
	return n
}

// appendGapped appends the compact JSON value to dst with each gap's
// spacing where it goes.
func appendGapped(dst, value []byte, gs []gap) []byte {
	at := 0
	for _, g := range gs {
		dst = append(dst, value[at:g.at]...)
		dst = append(dst, g.space...)
		at = g.at
	}
	return append(dst, value[at:]...)
}

// appendString appends the JSON string that starts at value[i] to dst, and
// returns the offset of its closing quote.
func appendString(dst, value []byte, i int) ([]byte, int) {
	end := stringEnd(value, i)
	return append(dst, value[i:end]...), end - 1
}
