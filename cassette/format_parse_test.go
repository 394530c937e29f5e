package cassette

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse checks the parser behind Unmarshal against encoding/json, the
// reference: on any input it does not panic, it accepts exactly the JSON
// that encoding/json accepts, it reads the same values from it, and
// Unmarshal accepts no cassette that is not JSON nor calls a JSON file's
// problem a syntax error.
func FuzzParse(f *testing.F) {
	golden, err := os.ReadFile("testdata/golden.dvd.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	for _, s := range []string{
		`{"version":1,"interactions":[{"request":{"method":"GET","url":"x","headers":{"A\u00e9":["\u00e9\n",""],"B":[]}},"response":{"code":200,"body_json":[1, {"a" : "b\"]"}],"trailers":{}},"duration":"1s"}]}`,
		`{"version":1,"interactions":[{"request":{"method":"GET","url":"x","body_base64":"AAE="},"error":{"kind":"dns","not_found":true}},{"request":{"method":"GET","url":"x","body":""},"response":{"code":-0,"content_length":-12,"body_json":"s\"}"}}]}`,
		`{"version":1,"interactions":[{"request":{"method":"GET","url":"x","headers":{"X":[{"latin1":"caf\u00e9"}]}},"response":{"code":1,"body_json":12}}]}  `,
		`{"version":1,"interactions":[{"request":{"method":"GET","url":"x"},"response":{"code":1,"body_json":[1,}}}]}`,
		"{\"version\":1,\"interactions\":[],\"recorded_at\":null}\t\r\n",
		`{"\u0076ersion":1,"interactions":[{"request":{"method":"\ud83d\ude00\ud800\udc00x\ud800","url":"\uDFFF\"\\\/\b\f\n\r\t"},"error":{}}]}`,
		"{\"version\":1,\"interactions\":[{\"request\":{\"method\":\"G\xffT\",\"url\":\"\xed\xa0\x80\"},\"error\":{}}]}",
		`[1.5e+3, -0.0E-1, 0, true, false, null, {}, [], ""]`,
		`{"version": 2, "interactions": [`,
		`{"version": 18446744073709551616}`,
		`01`, `-`, `1.`, `1e`, `"\u12`, `"\x"`, `tru`, `nul`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{1:1}`,
		strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
		strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		input := bytes.Clone(data)
		valid := json.Valid(data)

		if err := validate(data); (err == nil) != valid {
			t.Fatalf("validate = %v, but json.Valid = %v\n%q", err, valid, data)
		}

		p := parser{data: data}
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

		file, err := unmarshalJSON(data)
		if !bytes.Equal(data, input) {
			t.Fatalf("unmarshalJSON changed its input:\n%q\nto\n%q", input, data)
		}
		switch {
		case err == nil && !valid:
			t.Fatalf("unmarshalJSON accepts what is not JSON: %#v\n%q", file, data)
		case err != nil && valid && isSyntaxError(err):
			t.Fatalf("unmarshalJSON calls valid JSON broken: %v\n%q", err, data)
		case err != nil && !valid && !isSyntaxError(err) && !strings.Contains(err.Error(), "upgrade"):
			t.Fatalf("unmarshalJSON's error does not say what is wrong with the JSON: %v\n%q", err, data)
		}
	})
}

func isSyntaxError(err error) bool {
	var trunc *truncatedError
	return errors.As(err, &trunc) || strings.Contains(err.Error(), "invalid ") || strings.Contains(err.Error(), "nesting deeper")
}

// anyValue reads any value with the parser's own means, into what
// encoding/json gives with UseNumber.
func (p *parser) anyValue() (any, error) {
	if p.i >= len(p.data) {
		return nil, p.truncated()
	}
	switch c := p.data[p.i]; {
	case c == '{' || c == '[':
		if c == '[' {
			out := []any{}
			more, err := p.open('[', "array")
			for err == nil && more {
				var v any
				if v, err = p.anyValue(); err == nil {
					out = append(out, v)
					more, err = p.more(']')
				}
			}
			return out, err
		}
		out := map[string]any{}
		more, err := p.open('{', "object")
		for err == nil && more {
			var k []byte
			if k, err = p.key(); err != nil {
				break
			}
			name := string(k)
			if err = p.colon(); err != nil {
				break
			}
			var v any
			if v, err = p.anyValue(); err == nil {
				out[name] = v
				more, err = p.more('}')
			}
		}
		return out, err
	case c == '"':
		return p.str(false)
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

// TestAnySpacing: the reader takes any JSON spacing, anywhere JSON allows
// it, not only Marshal's.
func TestAnySpacing(t *testing.T) {
	golden, err := os.ReadFile("testdata/golden.dvd.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := unmarshalJSON(golden)
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, golden); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		reason string
		data   []byte
	}{
		{"compact", "no spacing at all", compact.Bytes()},
		{"every kind everywhere", "spaces, tabs, CR and LF around every token", respace(compact.Bytes(), " \t\r\n")},
		{"tabs", "", respace(compact.Bytes(), "\t")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := unmarshalJSON(tt.data)
			if err != nil {
				t.Fatalf("unmarshalJSON: %v\n%s", err, tt.data)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("unmarshalJSON = %#v, want %#v", got, want)
			}
		})
	}
}

// respace puts space around every token of the compact JSON b, and before
// and after the document.
func respace(b []byte, space string) []byte {
	out := []byte(space)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '{', '}', '[', ']', ',', ':':
			out = append(out, space...)
			out = append(out, c)
			out = append(out, space...)
		case '"':
			end := stringEnd(b, i)
			out = append(out, b[i:end]...)
			i = end - 1
		default:
			out = append(out, c)
		}
	}
	return append(out, space...)
}
