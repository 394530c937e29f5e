package jsonwire

import (
	"cmp"
	"errors"
	"strings"
	"testing"
)

// A toy document whose items share their colours: a colour is held once
// in the document's "colours", named by its family. An item's paint is a
// struct of its own, which stays put while the items are read.
type (
	colour  struct{ Family, Shade string }
	paint   struct{ Colour *colour }
	item    struct{ Paint *paint }
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
	paintFormat   = NewObject("a paint", nil, Ref("colour", func(p *paint) **colour { return &p.Colour }, colours))
	itemFormat    = NewObject("an item", nil, Optional("paint", func(i *item) **paint { return &i.Paint }, paintFormat))
	paletteFormat = NewObject("a palette", nil,
		List("items", func(p *palette) *[]item { return &p.Items }, itemFormat, func(_ int, _ *item, err error) error { return err }),
		Held(colours, func(p *palette) int { return len(p.Items) }, colourOf),
	)
)

// painted returns a palette of items painted the colours given, nil for
// an item without paint.
func painted(cs ...*colour) *palette {
	p := &palette{}
	for _, c := range cs {
		it := item{}
		if c != nil {
			it.Paint = &paint{c}
		}
		p.Items = append(p.Items, it)
	}
	return p
}

// colourOf returns the colour of item i of p, nil if none.
func colourOf(p *palette, i int) *colour {
	if paint := p.Items[i].Paint; paint != nil {
		return paint.Colour
	}
	return nil
}

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
	p := painted(red, &colour{"red", "light"}, dark, nil, &colour{"", "grey"}, red)
	got := writePalette(t, p)
	paintOf := func(name string) string {
		return "{\n      \"paint\": {\n        \"colour\": \"" + name + "\"\n      }\n    }"
	}
	want := "{\n  \"items\": [\n    " + strings.Join([]string{
		paintOf("red (2)"), paintOf("red (2)"), paintOf("red (1)"), "{\n    }", paintOf("(no family)"), paintOf("red (2)"),
	}, ",\n    ") + `
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
	for i := range back.Items {
		if g, w := colourOf(&back, i), colourOf(p, i); (g == nil) != (w == nil) || g != nil && *g != *w {
			t.Errorf("item %d: colour %v, want %v", i, g, w)
		}
	}
	if colourOf(&back, 0) != colourOf(&back, 1) {
		t.Error("items that name one colour hold copies of it, not the one the document holds")
	}

	if got := writePalette(t, painted(red, nil, dark)); !strings.Contains(got, `"colours": {
    "red (1)": {
      "family": "red",
      "shade": "dark"
    },
    "red (2)"`) {
		t.Errorf("the names depend on the order of the items:\n%s", got)
	}
	if got := writePalette(t, painted(nil)); strings.Contains(got, "colours") {
		t.Errorf("an empty table is written:\n%s", got)
	}
}

// TestTableErrors checks what a table reports of a document that names a
// value it does not hold, holds a value twice, or holds one where a member
// should name it; and that the table may come first.
func TestTableErrors(t *testing.T) {
	for _, tc := range []struct{ name, doc, err string }{
		{"unknown", `{"items": [{"paint": {"colour": "blue"}}], "colours": {"red": {}}}`, "line 1, column 33: no colour blue"},
		{"no table", `{"items": [{"paint": {"colour": "blue"}}]}`, "no colour blue"},
		{"twice", `{"items": [], "colours": {"red": {}, "red": {}}}`, `colours: "red" appears twice`},
		{"inline", `{"items": [{"paint": {"colour": {"shade": "dark"}}}], "colours": {}}`, "colour names a colour"},
		{"not an object", `{"items": [], "colours": []}`, "colours should be a JSON object, not an array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p palette
			err := Read([]byte(tc.doc), paletteFormat, &p)
			if err == nil || !strings.Contains(Locate([]byte(tc.doc), err).Error(), tc.err) {
				t.Errorf("Read = %v, want an error containing %q", err, tc.err)
			}
		})
	}
	var p palette
	if err := Read([]byte(`{"colours": {"red": {}}, "items": [{"paint": {"colour": "red"}}]}`), paletteFormat, &p); err != nil || colourOf(&p, 0) == nil {
		t.Errorf("a table before the members that name its values: %v, %v", err, p.Items)
	}
}
