package jsonwire

import (
	"bytes"
	"encoding/json"
)

// The spacing of a JSON body as encoding/json writes it, and as a plain
// loop puts separators and gaps back: the reference that the reader's
// appendSpaced (one pass, sized first) is checked against.

// apply returns the compact JSON value spaced as s says, indented by
// json.Indent. It may reuse value's array.
func (s jsonSpacing) apply(value []byte) []byte {
	out := bytes.NewBuffer(make([]byte, 0, len(s.leading)+len(value)+len(value)/2+len(s.trailing)))
	out.WriteString(s.leading)
	switch {
	case s.indent != "":
		if err := json.Indent(out, value, s.prefix, s.indent); err != nil {
			panic(err) // value is compact JSON
		}
	case len(s.gaps) > 0:
		next := 0
		for i, c := range value {
			for next < len(s.gaps) && s.gaps[next].at == i {
				out.WriteString(s.gaps[next].space)
				next++
			}
			out.WriteByte(c)
		}
	default:
		in, escaped := false, false
		for _, c := range value {
			switch {
			case in:
				in = c != '"' || escaped
				escaped = !escaped && c == '\\'
				out.WriteByte(c)
			case c == '"':
				in = true
				out.WriteByte(c)
			case c == ',' && s.comma != "":
				out.WriteString(s.comma)
			case c == ':' && s.colon != "":
				out.WriteString(s.colon)
			default:
				out.WriteByte(c)
			}
		}
	}
	out.WriteString(s.trailing)
	return out.Bytes()
}
