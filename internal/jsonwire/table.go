package jsonwire

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A Table holds values that many members of a document share, each once:
// the document holds the table in one member, an object of name to value
// (see [Held]), and the members that share a value name it (see [Ref]):
// "tls": "api.example.com".
//
// A value is named by its key, made valid UTF-8. The values that share a
// key are numbered, in the order Compare gives: "api.example.com (1)",
// "api.example.com (2)". The names depend on the values alone, not on the
// order of the members that name them, and are written sorted.
type Table[V any] struct {
	// Name is the key of the member that holds the table.
	Name string
	// Object is the object of each value.
	Object *Object[V]
	// Key returns what a value is named by, such as a server name.
	Key func(*V) string
	// NoKey is the name of a value whose key is empty.
	NoKey string
	// Compare orders the values that share a key.
	Compare func(a, b *V) int
	// Same reports whether a and b are alike: the table holds one of them.
	Same func(a, b *V) bool
	// Unknown is the error of a member that names a value the table does
	// not hold.
	Unknown func(name string) error
	// Inline is the error of the member ref when it holds a value rather
	// than naming one.
	Inline func(ref string) error
}

// tableRead is what a Parser keeps of a table while it reads a document:
// the members that name a value, resolved once the document is whole,
// and the table's values by name.
type tableRead[V any] struct {
	table  *Table[V]
	refs   []reference[V]
	values map[string]*V
}

// A reference is a member that names a value, to be resolved.
type reference[V any] struct {
	name string
	at   int // the offset of the name
	slot **V
}

// reading returns what p keeps of t, which is new when create is set and
// p keeps nothing of it, and its index in p.tables.
func (t *Table[V]) reading(p *Parser, create bool) (*tableRead[V], int) {
	for i, r := range p.tables {
		if r, ok := r.(*tableRead[V]); ok && r.table == t {
			return r, i
		}
	}
	if !create {
		return nil, -1
	}
	r := &tableRead[V]{table: t}
	if p.tables == nil {
		p.tables = p.table0[:0]
	}
	p.tables = append(p.tables, r)
	return r, len(p.tables) - 1
}

// tableNames are the names of the values of a table in a document being
// written.
type tableNames[V any] struct {
	table *Table[V]
	index map[*V]int // which of the distinct values each value is
	names []string   // the names of the distinct values
	held  []*V       // the distinct values, by name
}

// of returns the name of v.
func (n *tableNames[V]) of(v *V) string { return n.names[n.index[v]] }

// naming returns the names w keeps of t's values, nil if none.
func (t *Table[V]) naming(w *Writer) *tableNames[V] {
	for _, n := range w.named {
		if n, ok := n.(*tableNames[V]); ok && n.table == t {
			return n
		}
	}
	return nil
}

// names names the values the table holds in doc.
func (h *heldField[T, V]) names(doc *T) *tableNames[V] {
	t := h.t
	n := &tableNames[V]{table: t, index: map[*V]int{}}
	var distinct []*V
	for i := range h.count(doc) {
		v := h.at(doc, i)
		if v == nil {
			continue
		}
		if _, ok := n.index[v]; ok {
			continue
		}
		// Values alike are held once.
		j := slices.IndexFunc(distinct, func(d *V) bool { return t.Same(d, v) })
		if j < 0 {
			j = len(distinct)
			distinct = append(distinct, v)
		}
		n.index[v] = j
	}
	order := make([]int, len(distinct))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		x, y := distinct[a], distinct[b]
		return cmp.Or(strings.Compare(t.Key(x), t.Key(y)), t.Compare(x, y))
	})
	n.names = make([]string, len(distinct))
	taken := map[string]bool{}
	for i := 0; i < len(order); {
		key := t.Key(distinct[order[i]])
		j := i + 1
		for j < len(order) && t.Key(distinct[order[j]]) == key {
			j++
		}
		base := strings.ToValidUTF8(key, "\uFFFD")
		if base == "" {
			base = t.NoKey
		}
		for k := i; k < j; k++ {
			name := base
			if j-i > 1 {
				name += " (" + strconv.Itoa(k-i+1) + ")"
			}
			// Keys such as "x (1)" could take a name: a name is made
			// longer until it is free.
			for taken[name] {
				name += " (" + strconv.Itoa(k-i+1) + ")"
			}
			taken[name] = true
			n.names[order[k]] = name
		}
		i = j
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(n.names[a], n.names[b]) })
	for _, i := range order {
		n.held = append(n.held, distinct[i])
	}
	return n
}

// Held is the member of a document holding a T that holds the table t,
// left out when it is empty. The values it holds are at(v, i) for i below
// count(v), those that are not nil.
func Held[T, V any](t *Table[V], count func(*T) int, at func(v *T, i int) *V) Field[T] {
	return &heldField[T, V]{name: []string{t.Name}, t: t, count: count, at: at}
}

type heldField[T, V any] struct {
	name  []string
	t     *Table[V]
	count func(*T) int
	at    func(*T, int) *V
}

func (h *heldField[T, V]) Keys() []string { return h.name }
func (h *heldField[T, V]) Form(v *T) int {
	for i := range h.count(v) {
		if h.at(v, i) != nil {
			return 0
		}
	}
	return -1
}

// prepare names the values, before the members that name them are
// written.
func (h *heldField[T, V]) prepare(w *Writer, v *T) {
	if h.Form(v) < 0 {
		return
	}
	n := h.names(v)
	for i, old := range w.named {
		if old, ok := old.(*tableNames[V]); ok && old.table == h.t {
			w.named[i] = n
			return
		}
	}
	if w.named == nil {
		w.named = w.name0[:0]
	}
	w.named = append(w.named, n)
}

func (h *heldField[T, V]) Write(w *Writer, _ *T, _ int) error {
	n := h.t.naming(w)
	w.Begin('{')
	for i, v := range n.held {
		if i > 0 {
			w.Buf = append(w.Buf, ',')
		}
		w.Line()
		w.Str(n.of(v)) // valid UTF-8: see name
		w.Buf = append(w.Buf, ':', ' ')
		if err := h.t.Object.Write(w, v); err != nil {
			return Wrap(h.name[0], err)
		}
	}
	w.End('}')
	return nil
}

func (h *heldField[T, V]) Read(p *Parser, _ *T, _ int) error {
	more, err := p.Open('{', "object")
	if err != nil {
		return Wrap(h.name[0], err)
	}
	r, _ := h.t.reading(p, true)
	r.values = map[string]*V{}
	for more {
		at := p.i
		b, err := p.Key()
		if err != nil {
			return err
		}
		name := string(b)
		if err := p.Colon(); err != nil {
			return err
		}
		if _, ok := r.values[name]; ok {
			return p.ErrorAt(at, fmt.Errorf("%s: %q appears twice", h.name[0], name))
		}
		v := new(V)
		if err := h.t.Object.Read(p, v); err != nil {
			return Wrap(h.name[0]+": "+strconv.Quote(name), err)
		}
		r.values[name] = v
		if more, err = p.More('}'); err != nil {
			return err
		}
	}
	return nil
}

// finish gives each member that names a value the value.
func (h *heldField[T, V]) finish(p *Parser, _ *T) error {
	r, i := h.t.reading(p, false)
	if r == nil {
		return nil
	}
	for _, ref := range r.refs {
		v, ok := r.values[ref.name]
		if !ok {
			return p.ErrorAt(ref.at, h.t.Unknown(ref.name))
		}
		*ref.slot = v
	}
	p.tables = slices.Delete(p.tables, i, i+1)
	return nil
}
func (h *heldField[T, V]) Check(*T) error  { return nil }
func (h *heldField[T, V]) Settle(*T, bool) {}
func (h *heldField[T, V]) Traits() Traits  { return Traits{} }

// Ref is the member name that names the value of the table t at holds,
// left out when it is nil. The value is set once the whole document is
// read: at must hold a place that stays put until then, such as a member
// of a struct that [Optional] holds, not of an element of a [List], whose
// elements move as it grows.
func Ref[T, V any](name string, at func(*T) **V, t *Table[V]) Field[T] {
	return &refField[T, V]{pointerMember[T, V]{name: []string{name}, at: at}, t}
}

type refField[T, V any] struct {
	pointerMember[T, V]
	t *Table[V]
}

func (f *refField[T, V]) Write(w *Writer, v *T, _ int) error {
	w.Str(f.t.naming(w).of(*f.at(v))) // valid UTF-8: see name
	return nil
}

// Read notes the name, which the table resolves once the whole document
// is read (see heldField.finish).
func (f *refField[T, V]) Read(p *Parser, v *T, _ int) error {
	at := p.i
	if p.peek() == '{' {
		return f.t.Inline(f.name[0])
	}
	name, err := p.Str(true)
	if err != nil {
		return Wrap(f.name[0], err)
	}
	r, _ := f.t.reading(p, true)
	r.refs = append(r.refs, reference[V]{name: name, at: at, slot: f.at(v)})
	return nil
}
func (f *refField[T, V]) Check(*T) error  { return nil }
func (f *refField[T, V]) Settle(*T, bool) {}
func (f *refField[T, V]) Traits() Traits  { return Traits{} }
