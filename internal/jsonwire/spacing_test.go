package jsonwire

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzJSONSpacing checks appendIndented against json.Indent, the reference, and
// that a JSON object or array spaced as json.Indent spaces it, with any
// spacing around it, is stored as JSON and spaced again to the byte; and
// that whatever jsonBody accepts, it gives back as it was.
func FuzzJSONSpacing(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[true,null,"x\"]"],"c":{},"d":[]}`,
		`[[],{},[{}],{"":[1,2,{"k":"v"}]}]`,
		"{\n  \"a\": 1\n}\n",
		`{"s":"\u2028 , : { [ \\"}`,
		`"text"`, `1`, `{"a":1}{"b":2}`, "{\n\"a\": 1\n}",
	} {
		f.Add([]byte(s), uint8(0), uint8(1), uint8(1))
	}
	prefixes := []string{"", " ", "\t", "  \t"}
	indents := []string{"  ", "\t", "    ", " "}
	trailings := []string{"", "\n", "\r\n", " \n\t"}
	f.Fuzz(func(t *testing.T, data []byte, prefix, indent, trailing uint8) {
		if value, s, ok := jsonBody(data); ok {
			if !json.Valid(data) {
				t.Fatalf("jsonBody accepts what is not JSON: %q", data)
			}
			if got := s.apply(bytes.Clone(value)); !bytes.Equal(got, data) {
				t.Fatalf("jsonBody(%q) spaced again is %q", data, got)
			}
		}
		var compact bytes.Buffer
		if json.Compact(&compact, data) != nil {
			return
		}
		c := compact.Bytes()
		p, in, tr := prefixes[int(prefix)%len(prefixes)], indents[int(indent)%len(indents)], trailings[int(trailing)%len(trailings)]
		var want bytes.Buffer
		if err := json.Indent(&want, c, p, in); err != nil {
			t.Fatal(err)
		}
		if got := appendIndented(nil, c, p, in, 0); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("appendIndented(%q, %q, %q) = %q, json.Indent gives %q", c, p, in, got, want.Bytes())
		}
		lead := trailings[int(trailing/4)%len(trailings)]
		body := append(append([]byte(lead), want.Bytes()...), tr...)
		value, s, ok := jsonBody(body)
		if !ok {
			if (c[0] == '{' || c[0] == '[') && isText(body) {
				t.Fatalf("jsonBody refuses %q, indented with %q, %q", body, p, in)
			}
			return
		}
		if got := s.apply(bytes.Clone(value)); !bytes.Equal(got, body) {
			t.Fatalf("jsonBody(%q) spaced again is %q", body, got)
		}
	})
}
