package jsonwire

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
)

// FuzzCompactValue checks the one-pass reading of a JSON body against
// what it replaces: skip, then compact. It must accept exactly what skip
// accepts (what it refuses is read again by skip, for the error, so a
// refusal of good JSON would only be slow, but it is a bug all the same),
// end where skip ends, and give compact's bytes; and spacing the value
// again in one pass must give what jsonSpacing.apply gives.
func FuzzCompactValue(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, 2.5e-3, true, false, null, "x\"y\\z\u00e9"], "b": {}}`,
		"[\n  {\n    \"k\": \"v\"\n  },\n  []\n] , \"body_json_indent\": \"  \"",
		`"\ud800"`, `-0.0E+1`, `{"a":1,}`, `[1 2]`, `{"a" 1}`, `"\x"`, "\"\x01\"", `tru`, `{`, `[`, `"abc`,
		"{\"\xff\": \"\xfe\"}",
		strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
		strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1),
	} {
		f.Add([]byte(s), "", "  ", "\n")
	}
	f.Fuzz(func(t *testing.T, data []byte, prefix, indent, trailing string) {
		// Both start at the value, as the reader of a member does.
		start := spaceEnd(data, 0)
		p := Parser{data: data, i: start}
		out, ok := p.compactValue(nil)
		q := Parser{data: data, i: start}
		err := q.skip()
		if ok != (err == nil) {
			t.Fatalf("compactValue accepts: %v; skip: %v\n%q", ok, err, data)
		}
		if !ok {
			if p.i != start {
				t.Fatalf("compactValue refused, and moved to %d", p.i)
			}
			return
		}
		if p.i != q.i {
			t.Fatalf("compactValue ends at %d, skip at %d\n%q", p.i, q.i, data)
		}
		if want := compact(data[start:q.i]); !bytes.Equal(out, want) {
			t.Fatalf("compactValue = %q, compact = %q", out, want)
		}
		// The separators it noted space the value as reading it again does.
		for _, sep := range [][2]string{{", ", ": "}, {"", " : "}, {",\t", ""}} {
			want := appendSeparated(nil, out, sep[0], sep[1], math.MaxInt)
			if got := appendSeparatedAt(nil, out, p.seps, sep[0], sep[1]); !bytes.Equal(got, want) {
				t.Fatalf("appendSeparatedAt(%q) = %q, appendSeparated = %q", sep, got, want)
			}
		}
		if len(out) > 1<<12 {
			return // indented, deep values grow as the square of their depth
		}
		s := jsonSpacing{leading: " ", prefix: prefix, indent: indent, trailing: trailing}
		got := appendSpaced(nil, out, s)
		if want := s.apply(bytes.Clone(out)); !bytes.Equal(got, want) {
			t.Fatalf("appendSpaced = %q, apply = %q", got, want)
		}
	})
}

// TestSlab checks that what the slab hands out is capped, so that
// appending to one value never writes over the next, and that values
// larger than a chunk get one of their own.
func TestSlab(t *testing.T) {
	p := Parser{data: make([]byte, 1<<20)}
	a := p.keepBytes([]byte("abc"))
	b := p.keepBytes([]byte("def"))
	if cap(a) != 3 || cap(b) != 3 {
		t.Fatalf("caps %d and %d, want 3", cap(a), cap(b))
	}
	_ = append(a, 'x')
	if string(b) != "def" {
		t.Fatalf("appending to a wrote over b: %q", b)
	}
	big := bytes.Repeat([]byte("z"), 3<<20)
	if c := p.keepBytes(big); !bytes.Equal(c, big) {
		t.Fatal("a value larger than a chunk is not kept whole")
	}
	if s := p.keepString([]byte("ghi")); s != "ghi" || string(a) != "abc" {
		t.Fatalf("keepString = %q, a = %q", s, a)
	}
}

// BenchmarkSeparated spaces a Python-spaced body of about 2 KB again, by
// reading it (appendSeparated) and from the separators compactValue noted.
func BenchmarkSeparated(b *testing.B) {
	var body strings.Builder
	body.WriteString("[")
	for i := range 20 {
		if i > 0 {
			body.WriteString(", ")
		}
		fmt.Fprintf(&body, `{"id": %d, "label": "item-%d", "active": true, "tags": ["a", "b"], "ratio": 0.%d}`, i*7919, i, i)
	}
	body.WriteString("]")
	p := Parser{data: []byte(body.String())}
	value, ok := p.compactValue(nil)
	if !ok {
		b.Fatal("not JSON")
	}
	dst := make([]byte, 0, 2*len(value))
	b.SetBytes(int64(len(value)))
	b.Run("reading", func(b *testing.B) {
		for b.Loop() {
			dst = appendSeparated(dst[:0], value, ", ", ": ", math.MaxInt)
		}
	})
	b.Run("noted", func(b *testing.B) {
		for b.Loop() {
			dst = appendSeparatedAt(dst[:0], value, p.seps, ", ", ": ")
		}
	})
}
