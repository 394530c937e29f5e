package jsonwire

import (
	"bytes"
	"encoding/json"
)

// The spacing of a JSON body as encoding/json writes it: the reference that
// the reader's appendSpaced (one pass, sized first) is checked against.

// apply returns the compact JSON value spaced as s says, indented by
// json.Indent. It may reuse value's array.
func (s jsonSpacing) apply(value []byte) []byte {
	if s.indent != "" || s.leading != "" {
		out := bytes.NewBuffer(make([]byte, 0, len(s.leading)+len(value)+len(value)/2+len(s.trailing)))
		out.WriteString(s.leading)
		if s.indent == "" {
			out.Write(value)
		} else if err := json.Indent(out, value, s.prefix, s.indent); err != nil {
			panic(err) // value is compact JSON
		}
		value = out.Bytes()
	}
	return append(value, s.trailing...)
}
