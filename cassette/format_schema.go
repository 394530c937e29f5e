package cassette

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The machinery that turns the schemas of format.go into a writer and a
// reader. Each JSON object of the file is an [object]: its fields in the
// order they are written, each a [field] that knows its keys, how its value
// is written and read, when it is left out, what it stands for when left
// out, and the rules its value follows. Writing and reading both walk the
// same objects, so a rule holds both ways: Marshal refuses what Unmarshal
// would refuse.

// A field is one member of an object holding a T.
type field[T any] interface {
	// keys returns the member's keys: one, or one per form its value may
	// take (a body: text, base64 or JSON).
	keys() []string
	// form returns the index in keys of the key v's value is written
	// under, or -1 when the member is left out.
	form(v *T) int
	write(w *writer, v *T, form int) error
	// read reads the value, which is not null, after its key.
	read(p *parser, v *T, form int) error
	// check applies the rule of the value, if it has one: after reading
	// it, before writing it.
	check(v *T) error
	// settle sets what the member stands for when the file leaves it out,
	// if that is not the zero value; seen says whether it was there.
	settle(v *T, seen bool)
	traits() traits
}

// A finisher is a field that completes its value once every member of the
// object was read, as when the value is spread over several members that
// may come in any order: a JSON body and the members that say how it was
// spaced, certificates named in one place and held in another.
type finisher[T any] interface {
	finish(p *parser, v *T) error
}

// A companioned field brings along fields that read members of its own,
// which the object lists right after it.
type companioned[T any] interface {
	companions() []field[T]
}

// since marks a field added to the format in the given version: a file
// that uses it is written as that version at least.
func since[T any](version int, f field[T]) field[T] { return versioned[T]{f, version} }

type versioned[T any] struct {
	field[T]
	since int
}

// traits are what an object needs to know of its fields beyond reading
// and writing them.
type traits struct {
	required bool // the reader needs the member and the writer never leaves it out
	settles  bool // settle does something
}

// An object is a JSON object holding a T.
type object[T any] struct {
	what   string // "a request", for errors
	fields []field[T]
	// rule is a rule between fields, applied after reading and before
	// writing.
	rule func(v *T) error

	since     []int       // the version that added each field, 0 for the first
	keys      []objectKey // every key of every field, in order
	required  []int       // the fields with traits.required
	settling  []int       // the fields with traits.settles
	finishers []finisher[T]
}

// An objectKey is one key of an object: the field it belongs to, and the
// form of the value it stands for.
type objectKey struct {
	name        string
	field, form int
}

func newObject[T any](what string, rule func(*T) error, listed ...field[T]) *object[T] {
	o := &object[T]{what: what, rule: rule}
	for _, f := range listed {
		version := 0
		if v, ok := f.(versioned[T]); ok {
			f, version = v.field, v.since
		}
		o.fields, o.since = append(o.fields, f), append(o.since, version)
		if c, ok := f.(companioned[T]); ok {
			for _, c := range c.companions() {
				o.fields, o.since = append(o.fields, c), append(o.since, version)
			}
		}
	}
	fields := o.fields
	if len(fields) > 64 {
		panic("cassette: an object has at most 64 fields: the reader keeps one bit per field")
	}
	for i, f := range fields {
		if fin, ok := f.(finisher[T]); ok {
			o.finishers = append(o.finishers, fin)
		}
		for form, name := range f.keys() {
			o.keys = append(o.keys, objectKey{name: name, field: i, form: form})
		}
		if f.traits().required {
			o.required = append(o.required, i)
		}
		if f.traits().settles {
			o.settling = append(o.settling, i)
		}
	}
	return o
}

// find returns the index in o.keys of name, or -1. The search starts at
// *next, just after the last key found: in a file Marshal wrote, the keys
// come in order, and each is found within a few tries.
func (o *object[T]) find(name []byte, next *int) int {
	n := len(o.keys)
	for j := range n {
		i := *next + j
		if i >= n {
			i -= n
		}
		if o.keys[i].name == string(name) {
			*next = i + 1
			return i
		}
	}
	return -1
}

func (o *object[T]) write(w *writer, v *T) error {
	w.buf = append(w.buf, '{')
	w.depth++
	first := true
	for i, f := range o.fields {
		form := f.form(v)
		if form < 0 {
			if f.traits().required {
				return o.missing(f)
			}
			continue
		}
		w.version = max(w.version, o.since[i])
		if err := f.check(v); err != nil {
			return err
		}
		if !first {
			w.buf = append(w.buf, ',')
		}
		first = false
		w.nl()
		w.key(f.keys()[form])
		if err := f.write(w, v, form); err != nil {
			return err
		}
	}
	if o.rule != nil {
		if err := o.rule(v); err != nil {
			return err
		}
	}
	w.depth--
	w.nl()
	w.buf = append(w.buf, '}')
	return nil
}

func (o *object[T]) missing(f field[T]) error {
	return fmt.Errorf("it needs a %q", f.keys()[0])
}

// read reads an object into v. Null stands for an empty object, and a
// member whose value is null for a member left out.
func (o *object[T]) read(p *parser, v *T) error {
	start := p.i
	var seen uint64
	if !p.null() {
		more, err := p.open('{', "object")
		if err != nil {
			return err
		}
		next := 0
		for more {
			at := p.i
			name, err := p.key()
			if err != nil {
				return err
			}
			k := o.find(name, &next)
			if k < 0 {
				return p.errorAt(at, o.unknown(name))
			}
			if err := p.colon(); err != nil {
				return err
			}
			if !p.null() {
				k := o.keys[k]
				bit := uint64(1) << k.field
				if seen&bit != 0 {
					return p.errorAt(at, o.twice(k))
				}
				seen |= bit
				f := o.fields[k.field]
				valueAt := p.i
				if err := f.read(p, v, k.form); err != nil {
					return p.errorAt(valueAt, err)
				}
				if err := f.check(v); err != nil {
					return p.errorAt(valueAt, err)
				}
			}
			if more, err = p.more('}'); err != nil {
				return err
			}
		}
	}
	// Finished first: what a member left out stands for may depend on the
	// finished value, as a content length does on the body.
	for _, f := range o.finishers {
		if err := f.finish(p, v); err != nil {
			return p.errorAt(start, err)
		}
	}
	for _, i := range o.settling {
		o.fields[i].settle(v, seen&(1<<i) != 0)
	}
	for _, i := range o.required {
		if f := o.fields[i]; seen&(1<<i) == 0 || f.form(v) < 0 {
			return p.errorAt(start, o.missing(f))
		}
	}
	if o.rule != nil {
		if err := o.rule(v); err != nil {
			return p.errorAt(start, err)
		}
	}
	return nil
}

func (o *object[T]) unknown(name []byte) error {
	var known []string
	for _, k := range o.keys {
		known = append(known, strconv.Quote(k.name))
	}
	last := len(known) - 1
	shown := "a key that is not a name (not shown)"
	if keyLike(name) {
		shown = strconv.Quote(string(name))
	}
	return fmt.Errorf("unknown key %s: %s has only %s and %s", shown, o.what, strings.Join(known[:last], ", "), known[last])
}

// keyLike reports whether an unknown key looks like a misspelt key of the
// format, short and made of letters and underscores ("heders", "Method"),
// and so may be quoted in an error. Any
// other key is left out of it: a file edited by hand can hold a token where
// a key should be ("Bearer …": "x"), and the error goes to a test log.
func keyLike(name []byte) bool {
	if len(name) == 0 || len(name) > 24 {
		return false
	}
	for _, c := range name {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && c != '_' {
			return false
		}
	}
	return true
}

func (o *object[T]) twice(k objectKey) error {
	f := o.fields[k.field]
	if names := f.keys(); len(names) > 1 {
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = strconv.Quote(n)
		}
		last := len(quoted) - 1
		return fmt.Errorf("it has more than one of %s and %s", strings.Join(quoted[:last], ", "), quoted[last])
	}
	return fmt.Errorf("%q appears twice", k.name)
}

// named wraps the error of the member called name. A value of the wrong
// JSON type reads best as "name should be a JSON string, not a number".
func named(name string, err error) error {
	if err == nil {
		return nil
	}
	if k, ok := err.(*kindError); ok && k.name == "" {
		k.name = name
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

// A kind says how a Go value of type V is written and read.
type kind[V comparable] struct {
	write func(w *writer, v V)
	read  func(p *parser) (V, error)
	// omitZero says that a member holding the zero value is left out,
	// unless the field is always written.
	omitZero bool
	isZero   func(V) bool // nil means == the zero value
}

func (k *kind[V]) zero(v V) bool {
	if k.isZero != nil {
		return k.isZero(v)
	}
	var zero V
	return v == zero
}

// A scalar is a member holding a string, number, boolean, duration or time.
type scalar[T any, V comparable] struct {
	name     []string
	at       func(*T) *V
	kind     *kind[V]
	always   bool
	required bool
	def      func(*T) V // what the member stands for when left out; nil: the zero value
	rule     func(V) error
}

func newScalar[T any, V comparable](name string, at func(*T) *V, k *kind[V]) *scalar[T, V] {
	return &scalar[T, V]{name: []string{name}, at: at, kind: k}
}

// Always makes the member written even when it holds the zero value.
func (s *scalar[T, V]) Always() *scalar[T, V] { s.always = true; return s }

// Required makes the member one the reader needs, and the writer never
// leaves out: a text that is empty is missing.
func (s *scalar[T, V]) Required() *scalar[T, V] { s.required = true; return s }

// Or says what the member stands for when it is left out: the writer
// leaves it out when it holds that, the reader sets it when it is not
// there.
func (s *scalar[T, V]) Or(def func(*T) V) *scalar[T, V] { s.def = def; return s }

// Rule sets the rule the value follows.
func (s *scalar[T, V]) Rule(rule func(V) error) *scalar[T, V] { s.rule = rule; return s }

func (s *scalar[T, V]) keys() []string { return s.name }

func (s *scalar[T, V]) form(v *T) int {
	x := *s.at(v)
	switch {
	case s.def != nil && x == s.def(v):
		return -1
	case s.always:
		return 0
	case s.kind.omitZero && s.kind.zero(x):
		return -1
	}
	return 0
}

func (s *scalar[T, V]) write(w *writer, v *T, _ int) error {
	s.kind.write(w, *s.at(v))
	return nil
}

func (s *scalar[T, V]) read(p *parser, v *T, _ int) error {
	x, err := s.kind.read(p)
	if err != nil {
		return named(s.name[0], err)
	}
	*s.at(v) = x
	return nil
}

func (s *scalar[T, V]) check(v *T) error {
	if s.rule == nil {
		return nil
	}
	if err := s.rule(*s.at(v)); err != nil {
		return named(s.name[0], err)
	}
	return nil
}

// settle sets the value to what it stands for when the writer would have
// left it out: when it was not there, or is a zero value the writer leaves
// out. (When it equals the default already, there is nothing to set.)
func (s *scalar[T, V]) settle(v *T, seen bool) {
	if x := s.at(v); s.def != nil && (!seen || s.kind.omitZero && s.kind.zero(*x)) {
		*x = s.def(v)
	}
}

func (s *scalar[T, V]) traits() traits {
	return traits{required: s.required, settles: s.def != nil}
}

// The kinds of scalars.
var (
	textKind = &kind[string]{
		write:    func(w *writer, s string) { w.text(s) },
		read:     func(p *parser) (string, error) { return p.text(false) },
		omitZero: true,
	}
	// A word is a short text that repeats from one interaction to the
	// next, such as a method: the reader keeps one copy of each.
	wordKind = &kind[string]{
		write:    func(w *writer, s string) { w.text(s) },
		read:     func(p *parser) (string, error) { return p.text(true) },
		omitZero: true,
	}
	flagKind = &kind[bool]{
		write:    func(w *writer, b bool) { w.buf = strconv.AppendBool(w.buf, b) },
		read:     (*parser).boolean,
		omitZero: true,
	}
	durationKind = &kind[time.Duration]{
		write: func(w *writer, d time.Duration) { w.str(d.String()) },
		read: func(p *parser) (time.Duration, error) {
			s, err := p.transient()
			if err != nil {
				return 0, err
			}
			d, err := time.ParseDuration(s)
			if err != nil {
				return 0, fmt.Errorf("%q is not a Go duration such as 12ms", s)
			}
			return d, nil
		},
		omitZero: true,
	}
	// A time is written in UTC, to the second, as RFC 3339.
	timeKind = &kind[time.Time]{
		write: func(w *writer, t time.Time) {
			w.buf = append(w.buf, '"')
			w.buf = t.UTC().Truncate(time.Second).AppendFormat(w.buf, time.RFC3339)
			w.buf = append(w.buf, '"')
		},
		read: func(p *parser) (time.Time, error) {
			s, err := p.str(false)
			if err != nil {
				return time.Time{}, err
			}
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time such as 2024-01-02T03:04:05Z", s)
			}
			return t.UTC().Truncate(time.Second), nil
		},
		omitZero: true,
		isZero:   time.Time.IsZero,
	}
)

func intKind[N int | int64 | uint8]() *kind[N] {
	return &kind[N]{
		write: func(w *writer, n N) { w.buf = strconv.AppendInt(w.buf, int64(n), 10) },
		read: func(p *parser) (N, error) {
			n, err := p.integer()
			if err != nil {
				return 0, err
			}
			if int64(N(n)) != n {
				return 0, fmt.Errorf("%d is out of range", n)
			}
			return N(n), nil
		},
	}
}

// text is a member holding a string that is mostly unique, such as a URL;
// word one holding a string that repeats, such as a method. Either is
// written as {"latin1": "…"} when it is not valid UTF-8 (see [writer.text]).
func text[T any](name string, at func(*T) *string) *scalar[T, string] {
	return newScalar(name, at, textKind)
}

func word[T any](name string, at func(*T) *string) *scalar[T, string] {
	return newScalar(name, at, wordKind)
}

// integer is a member holding an integer: written always, unless Or says
// otherwise.
func integer[T any, N int | int64 | uint8](name string, at func(*T) *N) *scalar[T, N] {
	return newScalar(name, at, intKind[N]())
}

// flag is a member holding a boolean, written only when true.
func flag[T any](name string, at func(*T) *bool) *scalar[T, bool] {
	return newScalar(name, at, flagKind)
}

// duration is a member holding a time.Duration, written as Go writes it:
// "1.5s".
func duration[T any](name string, at func(*T) *time.Duration) *scalar[T, time.Duration] {
	return newScalar(name, at, durationKind)
}

// timestamp is a member holding a time, written in UTC to the second.
func timestamp[T any](name string, at func(*T) *time.Time) *scalar[T, time.Time] {
	return newScalar(name, at, timeKind)
}

// tlsName is a member holding a number that crypto/tls names, such as a
// TLS version: written as its name, format's, and read by parse.
func tlsName[T any](name string, at func(*T) *uint16, format func(uint16) string, parse func(string) (uint16, error)) *scalar[T, uint16] {
	return newScalar(name, at, &kind[uint16]{
		write: func(w *writer, n uint16) { w.str(format(n)) },
		read: func(p *parser) (uint16, error) {
			s, err := p.str(true)
			if err != nil {
				return 0, err
			}
			return parse(s)
		},
		omitZero: true,
	})
}

// words is a member holding a list of words, written on one line, left
// out when it is empty.
func words[T any](name string, at func(*T) *[]string) field[T] {
	return &wordsField[T]{name: []string{name}, at: at}
}

type wordsField[T any] struct {
	name []string
	at   func(*T) *[]string
}

func (l *wordsField[T]) keys() []string { return l.name }
func (l *wordsField[T]) form(v *T) int {
	if len(*l.at(v)) == 0 {
		return -1
	}
	return 0
}
func (l *wordsField[T]) write(w *writer, v *T, _ int) error {
	w.buf = append(w.buf, '[')
	for i, s := range *l.at(v) {
		if i > 0 {
			w.buf = append(w.buf, ',', ' ')
		}
		w.text(s)
	}
	w.buf = append(w.buf, ']')
	return nil
}
func (l *wordsField[T]) read(p *parser, v *T, _ int) error {
	more, err := p.open('[', "array")
	if err != nil {
		return named(l.name[0], err)
	}
	var list []string
	for more {
		s, err := p.text(true)
		if err != nil {
			return named(l.name[0], err)
		}
		list = append(list, s)
		if more, err = p.more(']'); err != nil {
			return err
		}
	}
	*l.at(v) = list
	return nil
}
func (l *wordsField[T]) check(*T) error  { return nil }
func (l *wordsField[T]) settle(*T, bool) {}
func (l *wordsField[T]) traits() traits  { return traits{} }

// headers is a member holding an http.Header, left out when it is empty.
func headers[T any](name string, at func(*T) *http.Header) field[T] {
	return &headerField[T]{name: []string{name}, at: at}
}

type headerField[T any] struct {
	name []string
	at   func(*T) *http.Header
}

func (h *headerField[T]) keys() []string { return h.name }
func (h *headerField[T]) form(v *T) int {
	if len(*h.at(v)) == 0 {
		return -1
	}
	return 0
}
func (h *headerField[T]) write(w *writer, v *T, _ int) error {
	return named(h.name[0], w.header(*h.at(v)))
}
func (h *headerField[T]) read(p *parser, v *T, _ int) error {
	hd, err := p.header()
	if err != nil {
		return named(h.name[0], err)
	}
	*h.at(v) = hd
	return nil
}
func (h *headerField[T]) check(*T) error  { return nil }
func (h *headerField[T]) settle(*T, bool) {}
func (h *headerField[T]) traits() traits  { return traits{} }

// body is the member holding a body, under one of three keys: "body" for
// text, "body_base64" for bytes, "body_json" for a JSON object or array
// (see [classify]). It is left out when the body is empty. A JSON body that
// was not compact brings the members that say how it was spaced (see
// [jsonSpacing]): the body writes them after its own, and spaces the JSON
// again once the object is read.
func body[T any](at func(*T) *[]byte) field[T] {
	return &bodyField[T]{at: at}
}

type bodyField[T any] struct {
	at func(*T) *[]byte
}

// The forms of a body, indexes into bodyKeys.
const (
	bodyText = iota
	bodyBase64
	bodyJSON
)

var bodyKeys = []string{"body", "body_base64", "body_json"}

func (b *bodyField[T]) keys() []string { return bodyKeys }
func (b *bodyField[T]) form(v *T) int  { return classify(*b.at(v)) }
func (b *bodyField[T]) write(w *writer, v *T, form int) error {
	if s := w.body(*b.at(v), form); s != (jsonSpacing{}) {
		w.spacing(s)
	}
	return nil
}
func (b *bodyField[T]) read(p *parser, v *T, form int) error {
	body, err := p.body(form)
	if err != nil {
		return named(bodyKeys[form], err)
	}
	*b.at(v) = body
	p.spacing.json = form == bodyJSON
	return nil
}
func (b *bodyField[T]) check(*T) error  { return nil }
func (b *bodyField[T]) settle(*T, bool) {}
func (b *bodyField[T]) traits() traits  { return traits{} }

func (b *bodyField[T]) companions() []field[T] {
	var fields []field[T]
	for _, m := range jsonSpacingFormat {
		fields = append(fields, &spacingField[T]{m})
	}
	return fields
}

// finish spaces a JSON body as its spacing members say.
func (b *bodyField[T]) finish(p *parser, v *T) error {
	r := p.spacing
	p.spacing = spacingRead{}
	switch {
	case r.first == "":
		if r.held {
			*b.at(v) = p.keepBytes(*b.at(v))
		}
		return nil
	case !r.json:
		return p.errorAt(r.at, fmt.Errorf(`%q goes only with "body_json": it says how a JSON body was spaced`, r.first))
	case r.prefix != "" && r.indent == "":
		return p.errorAt(r.at, fmt.Errorf(`%q goes only with %q: it is what starts each line of an indented body`, "body_json_prefix", "body_json_indent"))
	}
	value := *b.at(v)
	out := appendSpaced(p.tail(spacedLen(value, r.jsonSpacing)), value, r.jsonSpacing)
	*b.at(v) = p.slab.keep(out)
	return nil
}

// spacingRead is what the reader knows of the body of the request or
// response it is reading, until the object ends.
type spacingRead struct {
	jsonSpacing
	json  bool   // the body was read from "body_json"
	held  bool   // the body is in parser.held, to be kept
	first string // the first spacing member read, for errors
	at    int    // the offset of its value
}

// A spacingMember is one of the members that say how a JSON body was
// spaced.
type spacingMember struct {
	name    string
	at      func(*jsonSpacing) *string
	allowed string // the characters it may hold
	since   int
}

// A spacingField reads a spacingMember: it notes its value for the body's
// finish. The body writes it.
type spacingField[T any] struct{ spacingMember }

func (s *spacingField[T]) keys() []string { return []string{s.name} }
func (s *spacingField[T]) form(*T) int    { return -1 } // written by the body
func (s *spacingField[T]) write(*writer, *T, int) error {
	return nil
}
func (s *spacingField[T]) read(p *parser, _ *T, _ int) error {
	at := p.i
	x, err := p.str(true)
	if err != nil {
		return named(s.name, err)
	}
	if x == "" || strings.Trim(x, s.allowed) != "" {
		return fmt.Errorf("%s: %q is not spacing: it holds only %s", s.name, x, spacingChars(s.allowed))
	}
	*s.at(&p.spacing.jsonSpacing) = x
	if p.spacing.first == "" {
		p.spacing.first, p.spacing.at = s.name, at
	}
	return nil
}
func (s *spacingField[T]) check(*T) error  { return nil }
func (s *spacingField[T]) settle(*T, bool) {}
func (s *spacingField[T]) traits() traits  { return traits{} }

// spacingChars names the characters of set for an error.
func spacingChars(set string) string {
	if strings.ContainsRune(set, '\n') {
		return "spaces, tabs, carriage returns and newlines"
	}
	return "spaces and tabs"
}

// nested is a member holding a struct of its own, always written.
func nested[T, C any](name string, at func(*T) *C, o *object[C]) *nestedField[T, C] {
	return &nestedField[T, C]{name: []string{name}, at: at, o: o}
}

type nestedField[T, C any] struct {
	name     []string
	at       func(*T) *C
	o        *object[C]
	required bool
}

// Required makes the member one the reader needs.
func (n *nestedField[T, C]) Required() *nestedField[T, C] { n.required = true; return n }

func (n *nestedField[T, C]) keys() []string { return n.name }
func (n *nestedField[T, C]) form(*T) int    { return 0 }
func (n *nestedField[T, C]) write(w *writer, v *T, _ int) error {
	return named(n.name[0], n.o.write(w, n.at(v)))
}
func (n *nestedField[T, C]) read(p *parser, v *T, _ int) error {
	return named(n.name[0], n.o.read(p, n.at(v)))
}
func (n *nestedField[T, C]) check(*T) error  { return nil }
func (n *nestedField[T, C]) settle(*T, bool) {}
func (n *nestedField[T, C]) traits() traits  { return traits{required: n.required} }

// optional is a member holding a pointer to a struct of its own, left out
// when it is nil.
func optional[T, C any](name string, at func(*T) **C, o *object[C]) field[T] {
	return &optionalField[T, C]{name: []string{name}, at: at, o: o}
}

type optionalField[T, C any] struct {
	name []string
	at   func(*T) **C
	o    *object[C]
}

func (o *optionalField[T, C]) keys() []string { return o.name }
func (o *optionalField[T, C]) form(v *T) int {
	if *o.at(v) == nil {
		return -1
	}
	return 0
}
func (o *optionalField[T, C]) write(w *writer, v *T, _ int) error {
	return named(o.name[0], o.o.write(w, *o.at(v)))
}
func (o *optionalField[T, C]) read(p *parser, v *T, _ int) error {
	c := newValue[C](p)
	*o.at(v) = c
	return named(o.name[0], o.o.read(p, c))
}
func (o *optionalField[T, C]) check(*T) error  { return nil }
func (o *optionalField[T, C]) settle(*T, bool) {}
func (o *optionalField[T, C]) traits() traits  { return traits{} }

// list is a member holding a slice of structs, always written. An error
// in an element is named by what, as "interaction 3 (GET /)".
func list[T, E any](name string, at func(*T) *[]E, o *object[E], what func(i int, e *E) string) field[T] {
	return &listField[T, E]{name: []string{name}, at: at, o: o, what: what}
}

type listField[T, E any] struct {
	name []string
	at   func(*T) *[]E
	o    *object[E]
	what func(int, *E) string
}

func (l *listField[T, E]) keys() []string { return l.name }
func (l *listField[T, E]) form(*T) int    { return 0 }
func (l *listField[T, E]) write(w *writer, v *T, _ int) error {
	s := *l.at(v)
	if len(s) == 0 {
		w.buf = append(w.buf, '[', ']')
		return nil
	}
	w.buf = append(w.buf, '[')
	w.depth++
	for i := range s {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.nl()
		if err := l.o.write(w, &s[i]); err != nil {
			return fmt.Errorf("%s: %w", l.what(i, &s[i]), err)
		}
	}
	w.depth--
	w.nl()
	w.buf = append(w.buf, ']')
	return nil
}
func (l *listField[T, E]) read(p *parser, v *T, _ int) error {
	more, err := p.open('[', "array")
	if err != nil {
		return named(l.name[0], err)
	}
	s := []E{}
	start := p.i
	for more {
		if len(s) == cap(s) {
			s = slices.Grow(s, p.moreElements(start, len(s)))
		}
		s = append(s, *new(E))
		e := &s[len(s)-1]
		if err := l.o.read(p, e); err != nil {
			return fmt.Errorf("%s: %w", l.what(len(s)-1, e), err)
		}
		if more, err = p.more(']'); err != nil {
			return err
		}
	}
	*l.at(v) = s
	return nil
}
func (l *listField[T, E]) check(*T) error  { return nil }
func (l *listField[T, E]) settle(*T, bool) {}
func (l *listField[T, E]) traits() traits  { return traits{} }

// lines is a member holding an array written one element a line, left out
// when it is empty, such as clock readings or certificates. put writes
// element i as a JSON value and get reads it; each names the member in its
// errors.
func lines[T, E any](name string, at func(*T) *[]E, put func(w *writer, i int, e E) error, get func(p *parser, i int) (E, error)) field[T] {
	return &linesField[T, E]{name: []string{name}, at: at, put: put, get: get}
}

type linesField[T, E any] struct {
	name []string
	at   func(*T) *[]E
	put  func(w *writer, i int, e E) error
	get  func(p *parser, i int) (E, error)
}

func (f *linesField[T, E]) keys() []string { return f.name }
func (f *linesField[T, E]) form(v *T) int {
	if len(*f.at(v)) == 0 {
		return -1
	}
	return 0
}
func (f *linesField[T, E]) write(w *writer, v *T, _ int) error {
	w.buf = append(w.buf, '[')
	w.depth++
	for i, e := range *f.at(v) {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.nl()
		if err := f.put(w, i, e); err != nil {
			return err
		}
	}
	w.depth--
	w.nl()
	w.buf = append(w.buf, ']')
	return nil
}
func (f *linesField[T, E]) read(p *parser, v *T, _ int) error {
	more, err := p.open('[', "array")
	if err != nil {
		return named(f.name[0], err)
	}
	var es []E
	for more {
		e, err := f.get(p, len(es))
		if err != nil {
			return err
		}
		es = append(es, e)
		if more, err = p.more(']'); err != nil {
			return err
		}
	}
	*f.at(v) = es
	return nil
}
func (f *linesField[T, E]) check(*T) error  { return nil }
func (f *linesField[T, E]) settle(*T, bool) {}
func (f *linesField[T, E]) traits() traits  { return traits{} }
