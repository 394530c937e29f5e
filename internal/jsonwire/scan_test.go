package jsonwire

import (
	"bytes"
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
		if len(out) > 1<<12 {
			return // indented, deep values grow as the square of their depth
		}
		s := jsonSpacing{leading: " ", prefix: prefix, indent: indent, trailing: trailing}
		got := appendSpaced(nil, out, s)
		if want := s.apply(bytes.Clone(out)); !bytes.Equal(got, want) {
			t.Fatalf("appendSpaced = %q, apply = %q", got, want)
		}
		if n := spacedLen(out, s); n != len(got) {
			t.Fatalf("spacedLen = %d, appendSpaced gives %d bytes", n, len(got))
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
