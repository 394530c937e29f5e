package jsonwire

// The spacing of a JSON body as first written, kept as the reference that
// the reader's appendSpaced (one pass, sized first) is checked against, and
// that FuzzJSONSpacing checks against json.Indent.

// apply returns the compact JSON value spaced as s says. It may reuse
// value's array.
func (s jsonSpacing) apply(value []byte) []byte {
	if s.indent != "" || s.leading != "" {
		out := make([]byte, 0, len(s.leading)+len(value)+len(value)/2+len(s.trailing))
		out = append(out, s.leading...)
		if s.indent != "" {
			value = indentJSON(out, value, s.prefix, s.indent)
		} else {
			value = append(out, value...)
		}
	}
	return append(value, s.trailing...)
}

// indentJSON appends the compact JSON value to dst as json.Indent would,
// without checking it again: each element on a line of its own that starts
// with prefix and one indent per level, a space after each colon, empty
// objects and arrays as they are.
func indentJSON(dst, value []byte, prefix, indent string) []byte {
	depth := 0
	for i := 0; i < len(value); i++ {
		switch c := value[i]; c {
		case '"':
			end := stringEnd(value, i)
			dst = append(dst, value[i:end]...)
			i = end - 1
		case '{', '[':
			dst = append(dst, c)
			if i+1 < len(value) && value[i+1] == c+2 { // '}' or ']'
				dst = append(dst, c+2)
				i++
				continue
			}
			depth++
			dst = jsonLine(dst, prefix, indent, depth)
		case '}', ']':
			depth--
			dst = jsonLine(dst, prefix, indent, depth)
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = jsonLine(dst, prefix, indent, depth)
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
