package jsonwire

import (
	"bytes"
	"encoding/json"
	"math"
	"runtime"
	"strings"
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
		if got := appendIndented(nil, c, p, in, 0, math.MaxInt); !bytes.Equal(got, want.Bytes()) {
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

// FuzzBodySpacing checks that any JSON object or array that is text, in
// any spacing, is stored as JSON and spaced again to the byte by the
// reader's appendSpaced; that a spacing told by gaps passes the reader's
// checkGaps; and that the separators of
// Python's json.dumps and the like are told as separators, not gaps.
func FuzzBodySpacing(f *testing.F) {
	for _, s := range []string{
		`{"id": 1, "tags": ["a", "b"]}`,
		`{"id":1,"tags":["a","b"]}`,
		`{"a": {}, "b": [], "c": [{}, []]}`,
		"{\"a\" :\t1 ,\r\n \"b\" : [ ]}\n",
		`[ "\u00e9 , :", {"k" : "v"} ]`,
		"{\n    \"a\": 1, \n    \"b\": 2\n}",
	} {
		f.Add([]byte(s), uint8(0))
	}
	seps := [][2]string{{", ", ": "}, {",", ": "}, {", ", ":"}, {" , ", " : "}, {",\t", ":\t"}}
	f.Fuzz(func(t *testing.T, data []byte, sep uint8) {
		check := func(body []byte) (jsonSpacing, bool) {
			t.Helper()
			value, s, ok := jsonBody(body)
			t1 := trimSpacing(body)
			want := json.Valid(body) && len(t1) > 0 && (t1[0] == '{' || t1[0] == '[') && isText(body)
			if ok != want {
				t.Fatalf("jsonBody(%q) accepts it: %v, want %v", body, ok, want)
			}
			if !ok {
				return s, false
			}
			got := appendSpaced(nil, value, s)
			if !bytes.Equal(got, body) {
				t.Fatalf("jsonBody(%q) spaced again is %q (%+v)", body, got, s)
			}
			if ref := s.apply(bytes.Clone(value)); !bytes.Equal(ref, body) {
				t.Fatalf("jsonBody(%q) spaced again by the reference is %q", body, ref)
			}
			if s.gaps != nil {
				if err := checkGaps(value, s.gaps); err != nil {
					t.Fatalf("checkGaps refuses the gaps of %q: %v", body, err)
				}
			}
			return s, true
		}
		check(data)
		var c bytes.Buffer
		if json.Compact(&c, data) != nil || c.Len() == 0 || c.Bytes()[0] != '{' && c.Bytes()[0] != '[' {
			return
		}
		p := seps[int(sep)%len(seps)]
		spaced := jsonSpacing{comma: p[0], colon: p[1]}.apply(bytes.Clone(c.Bytes()))
		if s, ok := check(spaced); ok && s.gaps != nil {
			t.Fatalf("%q, separated by %q, is told by gaps: %+v", spaced, p, s)
		}
	})
}

// A gap goes between two tokens of the body, in order.
func TestCheckGaps(t *testing.T) {
	value := []byte(`{"a b":[1,23],"c":true}`)
	for _, tc := range []struct {
		gaps []gap
		ok   bool
	}{
		{[]gap{{1, " "}, {6, " "}, {7, "\n"}, {8, " "}}, true},
		{[]gap{{len(value) - 1, " "}}, true},
		{[]gap{{0, " "}}, false},           // the leading member's
		{[]gap{{len(value), " "}}, false},  // the trailing member's
		{[]gap{{3, " "}}, false},           // inside a string
		{[]gap{{11, " "}}, false},          // inside a number
		{[]gap{{19, " "}}, false},          // inside true
		{[]gap{{6, " "}, {6, " "}}, false}, // twice
		{[]gap{{7, " "}, {6, " "}}, false}, // out of order
		{[]gap{{-1, " "}}, false},
	} {
		if err := checkGaps(value, tc.gaps); (err == nil) != tc.ok {
			t.Errorf("checkGaps(%s, %v) = %v, want ok %v", value, tc.gaps, err, tc.ok)
		}
	}
}

// TestSpacingBounded: a body whose first lines look indented but whose
// indent does not rebuild it is checked against that guess in time and
// memory of its own size (it cost gigabytes for 2 KB when the guess was
// built whole), and stored run by run.
func TestSpacingBounded(t *testing.T) {
	const depth = 600
	body := []byte("[\n" + strings.Repeat(" ", 40) + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\n]")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	value, s, ok := jsonBody(body)
	runtime.ReadMemStats(&after)
	if !ok {
		t.Fatal("not taken as JSON")
	}
	if s.indent != "" || s.gaps == nil {
		t.Errorf("spacing %+v, want runs of spacing", s)
	}
	if got := appendSpaced(nil, value, s); !bytes.Equal(got, body) {
		t.Errorf("spaced again: %q", got)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("splitting a body of %d bytes allocated %d bytes", len(body), n)
	}
}

// TestSpacedWithin: spacing stops at its limit, whatever the spacing.
func TestSpacedWithin(t *testing.T) {
	value := []byte(`[[[[1,2],{"a":3}]]]`)
	for _, s := range []jsonSpacing{
		{indent: strings.Repeat(" ", 1000)},
		{prefix: strings.Repeat("\t", 500), indent: " "},
		{comma: "," + strings.Repeat(" ", 1000)},
		{colon: strings.Repeat(" ", 1000) + ":"},
	} {
		whole := appendSpaced(nil, value, s)
		for _, limit := range []int{0, 10, len(whole) - 1} {
			out, ok := spacedWithin(nil, value, s, limit)
			if ok || len(out) > limit+1001+len(value) {
				t.Errorf("%+v within %d: ok %v, %d bytes", s, limit, ok, len(out))
			}
		}
		if out, ok := spacedWithin(nil, value, s, len(whole)); !ok || !bytes.Equal(out, whole) {
			t.Errorf("%+v within its own length: ok %v", s, ok)
		}
	}
}
