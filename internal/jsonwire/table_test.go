package jsonwire

import (
	"cmp"
	"errors"
	"strings"
	"testing"
)

// A toy document whose items share their colours: a colour is held once
// in the document's "colours", named by its family.
type (
	colour  struct{ Family, Shade string }
	item    struct{ Colour *colour }
	palette struct{ Items []item }
)

var (
	colours = &Table[colour]{
		Name:    "colours",
		Object:  NewObject("a colour", nil, Word("family", func(c *colour) *string { return &c.Family }), Word("shade", func(c *colour) *string { return &c.Shade })),
		Key:     func(c *colour) string { return c.Family },
		NoKey:   "(no family)",
		Compare: func(a, b *colour) int { return cmp.Compare(a.Shade, b.Shade) },
		Same:    func(a, b *colour) bool { return *a == *b },
		Unknown: func(name string) error { return errors.New("no colour " + name) },
		Inline:  func(ref string) error { return errors.New(ref + " names a colour") },
	}
	itemFormat    = NewObject("an item", nil, Ref("colour", func(i *item) **colour { return &i.Colour }, colours))
	paletteFormat = NewObject("a palette", nil,
		List("items", func(p *palette) *[]item { return &p.Items }, itemFormat, func(_ int, _ *item, err error) error { return err }),
		Held(colours, func(p *palette) int { return len(p.Items) }, func(p *palette, i int) *colour { return p.Items[i].Colour }),
	)
)

func writePalette(t *testing.T, p *palette) string {
	t.Helper()
	var w Writer
	if err := paletteFormat.Write(&w, p); err != nil {
		t.Fatal(err)
	}
	return string(w.Buf)
}

// TestTable checks that a table holds each value once, however many
// members name it, under names that depend on the values alone, and that
// the document reads back into shared values.
func TestTable(t *testing.T) {
	red, dark := &colour{"red", "light"}, &colour{"red", "dark"}
	p := &palette{Items: []item{{red}, {&colour{"red", "light"}}, {dark}, {}, {&colour{"", "grey"}}, {red}}}
	got := writePalette(t, p)
	want := `{
  "items": [
    {
      "colour": "red (2)"
    },
    {
      "colour": "red (2)"
    },
    {
      "colour": "red (1)"
    },
    {
    },
    {
      "colour": "(no family)"
    },
    {
      "colour": "red (2)"
    }
  ],
  "colours": {
    "(no family)": {
      "shade": "grey"
    },
    "red (1)": {
      "family": "red",
      "shade": "dark"
    },
    "red (2)": {
      "family": "red",
      "shade": "light"
    }
  }
}`
	if got != want {
		t.Fatalf("written:\n%s\nwant:\n%s", got, want)
	}
	var back palette
	if err := Read([]byte(got), paletteFormat, &back); err != nil {
		t.Fatal(err)
	}
	for i, it := range back.Items {
		if (it.Colour == nil) != (p.Items[i].Colour == nil) || it.Colour != nil && *it.Colour != *p.Items[i].Colour {
			t.Errorf("item %d: colour %v, want %v", i, it.Colour, p.Items[i].Colour)
		}
	}
	if back.Items[0].Colour != back.Items[1].Colour {
		t.Error("items that name one colour hold copies of it, not the one the document holds")
	}

	reversed := &palette{Items: []item{{red}, {}, {dark}}}
	if got := writePalette(t, reversed); !strings.Contains(got, `"colours": {
    "red (1)": {
      "family": "red",
      "shade": "dark"
    },
    "red (2)"`) {
		t.Errorf("the names depend on the order of the items:\n%s", got)
	}
	if got := writePalette(t, &palette{Items: []item{{}}}); strings.Contains(got, "colours") {
		t.Errorf("an empty table is written:\n%s", got)
	}
}

// TestTableErrors checks what a table reports of a document that names a
// value it does not hold, holds a value twice, or holds one where a member
// should name it.
func TestTableErrors(t *testing.T) {
	for _, tc := range []struct{ name, doc, err string }{
		{"unknown", `{"items": [{"colour": "blue"}], "colours": {"red": {}}}`, "no colour blue"},
		{"no table", `{"items": [{"colour": "blue"}]}`, "no colour blue"},
		{"twice", `{"items": [], "colours": {"red": {}, "red": {}}}`, `colours: "red" appears twice`},
		{"inline", `{"items": [{"colour": {"shade": "dark"}}], "colours": {}}`, "colour names a colour"},
		{"not an object", `{"items": [], "colours": []}`, "colours should be a JSON object, not an array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p palette
			err := Read([]byte(tc.doc), paletteFormat, &p)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Read = %v, want an error containing %q", err, tc.err)
			}
		})
	}
	var p palette
	if err := Read([]byte(`{"colours": {"red": {}}, "items": [{"colour": "red"}]}`), paletteFormat, &p); err != nil || p.Items[0].Colour == nil {
		t.Errorf("a table before the members that name its values: %v, %v", err, p.Items)
	}
}
