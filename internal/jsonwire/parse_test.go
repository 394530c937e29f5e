package jsonwire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/dvdrw/dvd/internal/testsupport"
)

// FuzzParse checks the parser against encoding/json, the reference: on any
// input it does not panic, it accepts exactly the JSON that encoding/json
// accepts, and it reads the same values from it. (FuzzUnmarshalSyntax, in
// package cassette, checks what Unmarshal makes of the same inputs.)
func FuzzParse(f *testing.F) {
	for _, s := range testsupport.JSONSeeds(maxDepth) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		valid := json.Valid(data)

		if err := Validate(data); (err == nil) != valid {
			t.Fatalf("validate = %v, but json.Valid = %v\n%q", err, valid, data)
		}

		p := Parser{data: data}
		p.ws()
		got, err := p.anyValue()
		if err == nil {
			p.ws()
			if p.i < len(data) {
				err = p.syntax("trailing %s", char(data[p.i]))
			}
		}
		if (err == nil) != valid {
			t.Fatalf("the parser's reading gives %v, but json.Valid = %v\n%q", err, valid, data)
		}
		if valid {
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			var want any
			if err := dec.Decode(&want); err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("the parser reads %#v, encoding/json %#v\n%q", got, want, data)
			}
		}
	})
}

// anyValue reads any value with the parser's own means, into what
// encoding/json gives with UseNumber.
func (p *Parser) anyValue() (any, error) {
	if p.i >= len(p.data) {
		return nil, p.truncated()
	}
	switch c := p.data[p.i]; {
	case c == '{' || c == '[':
		if c == '[' {
			out := []any{}
			more, err := p.Open('[', "array")
			for err == nil && more {
				var v any
				if v, err = p.anyValue(); err == nil {
					out = append(out, v)
					more, err = p.More(']')
				}
			}
			return out, err
		}
		out := map[string]any{}
		more, err := p.Open('{', "object")
		for err == nil && more {
			var k []byte
			if k, err = p.Key(); err != nil {
				break
			}
			name := string(k)
			if err = p.Colon(); err != nil {
				break
			}
			var v any
			if v, err = p.anyValue(); err == nil {
				out[name] = v
				more, err = p.More('}')
			}
		}
		return out, err
	case c == '"':
		return p.Str(false)
	case c == '-' || '0' <= c && c <= '9':
		start := p.i
		err := p.number()
		return json.Number(p.data[start:p.i]), err
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, p.syntax("invalid %s looking for beginning of value", char(p.data[p.i]))
}
