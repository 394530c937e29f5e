package jsonwire

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A schema, written once, makes both a writer and a reader. Each JSON
// object of a document is an [Object]: its fields in the order they are
// written, each a [Field] that knows its keys, how its value is written and
// read, when it is left out, what it stands for when left out, and the rules
// its value follows. Writing and reading both walk the same objects, so a
// rule holds both ways: the writer refuses what the reader would refuse.

// A Field is one member of an object holding a T. The constructors of
// this package make the usual ones; a caller implements it for a member
// of its own.
type Field[T any] interface {
	// Keys returns the member's keys: one, or one per form its value may
	// take (a body: text, base64 or JSON).
	Keys() []string
	// Form returns the index in Keys of the key v's value is written
	// under, or -1 when the member is left out.
	Form(v *T) int
	// Write writes the value, after its key, in the given form.
	Write(w *Writer, v *T, form int) error
	// Read reads the value, which is not null, after its key.
	Read(p *Parser, v *T, form int) error
	// Check applies the rule of the value, if it has one: after reading
	// it, before writing it.
	Check(v *T) error
	// Settle sets what the member stands for when the document leaves it out,
	// if that is not the zero value; seen says whether it was there.
	Settle(v *T, seen bool)
	// Traits returns what the object needs to know of the member.
	Traits() Traits
}

// A finisher is a field that completes its value once every member of the
// object was read, as when the value is spread over several members that
// may come in any order: a JSON body and the members that say how it was
// spaced, values named in one place and held in another (see [Table]).
type finisher[T any] interface {
	// finish completes the value, once every member of its object was
	// read.
	finish(p *Parser, v *T) error
}

// A preparer is a field that prepares the writer before any member of its
// object is written, as a table names the values the members name.
type preparer[T any] interface {
	prepare(w *Writer, v *T)
}

// A companioned field brings along fields that read members of its own,
// which the object lists right after it.
type companioned[T any] interface {
	companions() []Field[T]
}

// Since marks a field added to the format in the given version: a
// document that uses it is written as that version at least (see
// [Writer.Version]).
func Since[T any](version int, f Field[T]) Field[T] { return versioned[T]{f, version} }

type versioned[T any] struct {
	Field[T]
	since int
}

// Traits are what an object needs to know of its fields beyond reading
// and writing them.
type Traits struct {
	Required bool // the reader needs the member and the writer never leaves it out
	Settles  bool // Settle does something
}

// An Object is a JSON object holding a T.
type Object[T any] struct {
	what   string // "a request", for errors
	fields []Field[T]
	// rule is a rule between fields, applied after reading and before
	// writing.
	rule func(v *T) error

	since     []int       // the version that added each field, 0 for the first
	keys      []objectKey // every key of every field, in order
	required  []int       // the fields with traits.required
	settling  []int       // the fields with traits.settles
	finishers []finisher[T]
	preparers []preparer[T]
	chunked   bool // see Chunked
}

// An objectKey is one key of an object: the field it belongs to, and the
// form of the value it stands for.
type objectKey struct {
	name        string
	field, form int
}

// NewObject returns the object holding a T whose members are the fields
// listed, in the order they are written. what names a T in errors ("a
// request"), and rule, if not nil, is a rule between the fields, applied
// after reading and before writing.
func NewObject[T any](what string, rule func(*T) error, listed ...Field[T]) *Object[T] {
	o := &Object[T]{what: what, rule: rule}
	for _, f := range listed {
		version := 0
		if v, ok := f.(versioned[T]); ok {
			f, version = v.Field, v.since
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
		panic("jsonwire: an object has at most 64 fields: the reader keeps one bit per field")
	}
	for i, f := range fields {
		if fin, ok := f.(finisher[T]); ok {
			o.finishers = append(o.finishers, fin)
		}
		if pre, ok := f.(preparer[T]); ok {
			o.preparers = append(o.preparers, pre)
		}
		for form, name := range f.Keys() {
			o.keys = append(o.keys, objectKey{name: name, field: i, form: form})
		}
		if f.Traits().Required {
			o.required = append(o.required, i)
		}
		if f.Traits().Settles {
			o.settling = append(o.settling, i)
		}
	}
	return o
}

// find returns the index in o.keys of name, or -1. The search starts at
// *next, just after the last key found: in a file Marshal wrote, the keys
// come in order, and each is found within a few tries.
func (o *Object[T]) find(name []byte, next *int) int {
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

// Chunked makes the values of the object that an [Optional] member holds
// come from chunks that many share, as bodies do from the reader's slab:
// for an object that each element of a long list holds.
func (o *Object[T]) Chunked() *Object[T] { o.chunked = true; return o }

// Write writes v as the object, or returns the error of the first of its
// fields that breaks a rule.
func (o *Object[T]) Write(w *Writer, v *T) error {
	for _, f := range o.preparers {
		f.prepare(w, v)
	}
	w.Buf = append(w.Buf, '{')
	w.depth++
	first := true
	for i, f := range o.fields {
		form := f.Form(v)
		if form < 0 {
			if f.Traits().Required {
				return o.missing(f)
			}
			continue
		}
		w.Version = max(w.Version, o.since[i])
		if err := f.Check(v); err != nil {
			return err
		}
		if !first {
			w.Buf = append(w.Buf, ',')
		}
		first = false
		w.Line()
		w.key(f.Keys()[form])
		if err := f.Write(w, v, form); err != nil {
			return err
		}
	}
	if o.rule != nil {
		if err := o.rule(v); err != nil {
			return err
		}
	}
	w.depth--
	w.Line()
	w.Buf = append(w.Buf, '}')
	return nil
}

func (o *Object[T]) missing(f Field[T]) error {
	return fmt.Errorf("it needs a %q", f.Keys()[0])
}

// Read reads an object into v. Null stands for an empty object, and a
// member whose value is null for a member left out.
func (o *Object[T]) Read(p *Parser, v *T) error {
	start := p.i
	var seen uint64
	if !p.Null() {
		more, err := p.Open('{', "object")
		if err != nil {
			return err
		}
		next := 0
		for more {
			at := p.i
			name, err := p.Key()
			if err != nil {
				return err
			}
			k := o.find(name, &next)
			if k < 0 {
				return p.ErrorAt(at, o.unknown(name))
			}
			if err := p.Colon(); err != nil {
				return err
			}
			if !p.Null() {
				k := o.keys[k]
				bit := uint64(1) << k.field
				if seen&bit != 0 {
					return p.ErrorAt(at, o.twice(k))
				}
				seen |= bit
				f := o.fields[k.field]
				valueAt := p.i
				if err := f.Read(p, v, k.form); err != nil {
					return p.ErrorAt(valueAt, err)
				}
				if err := f.Check(v); err != nil {
					return p.ErrorAt(valueAt, err)
				}
			}
			if more, err = p.More('}'); err != nil {
				return err
			}
		}
	}
	// Finished first: what a member left out stands for may depend on the
	// finished value, as a content length does on the body.
	for _, f := range o.finishers {
		if err := f.finish(p, v); err != nil {
			return p.ErrorAt(start, err)
		}
	}
	for _, i := range o.settling {
		o.fields[i].Settle(v, seen&(1<<i) != 0)
	}
	for _, i := range o.required {
		if f := o.fields[i]; seen&(1<<i) == 0 || f.Form(v) < 0 {
			return p.ErrorAt(start, o.missing(f))
		}
	}
	if o.rule != nil {
		if err := o.rule(v); err != nil {
			return p.ErrorAt(start, err)
		}
	}
	return nil
}

func (o *Object[T]) unknown(name []byte) error {
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

func (o *Object[T]) twice(k objectKey) error {
	f := o.fields[k.field]
	if names := f.Keys(); len(names) > 1 {
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = strconv.Quote(n)
		}
		last := len(quoted) - 1
		return fmt.Errorf("it has more than one of %s and %s", strings.Join(quoted[:last], ", "), quoted[last])
	}
	return fmt.Errorf("%q appears twice", k.name)
}

// Wrap wraps the error of the member called name. A value of the wrong
// JSON type reads best as "name should be a JSON string, not a number".
func Wrap(name string, err error) error {
	if err == nil {
		return nil
	}
	if k, ok := err.(*kindError); ok && k.name == "" {
		k.name = name
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

// A Kind says how a Go value of type V is written and read.
type Kind[V comparable] struct {
	Write func(w *Writer, v V)
	Read  func(p *Parser) (V, error)
	// OmitZero says that a member holding the zero value is left out,
	// unless the field is always written.
	OmitZero bool
	IsZero   func(V) bool // nil means == the zero value
}

func (k *Kind[V]) zero(v V) bool {
	if k.IsZero != nil {
		return k.IsZero(v)
	}
	var zero V
	return v == zero
}

// A Scalar is a member holding a string, number, boolean, duration or time.
type Scalar[T any, V comparable] struct {
	name     []string
	at       func(*T) *V
	kind     *Kind[V]
	always   bool
	required bool
	def      func(*T) V // what the member stands for when left out; nil: the zero value
	rule     func(V) error
}

// NewScalar returns the member name holding the value at returns, of
// the given kind.
func NewScalar[T any, V comparable](name string, at func(*T) *V, k *Kind[V]) *Scalar[T, V] {
	return &Scalar[T, V]{name: []string{name}, at: at, kind: k}
}

// Always makes the member written even when it holds the zero value.
func (s *Scalar[T, V]) Always() *Scalar[T, V] { s.always = true; return s }

// Required makes the member one the reader needs, and the writer never
// leaves out: a text that is empty is missing.
func (s *Scalar[T, V]) Required() *Scalar[T, V] { s.required = true; return s }

// Or says what the member stands for when it is left out: the writer
// leaves it out when it holds that, the reader sets it when it is not
// there.
func (s *Scalar[T, V]) Or(def func(*T) V) *Scalar[T, V] { s.def = def; return s }

// Rule sets the rule the value follows.
func (s *Scalar[T, V]) Rule(rule func(V) error) *Scalar[T, V] { s.rule = rule; return s }

// Keys, Form, Write, Read, Check, Settle and Traits make a Scalar a [Field].

// Keys returns the member's key.
func (s *Scalar[T, V]) Keys() []string { return s.name }

// Form returns 0, or -1 when the member is left out.
func (s *Scalar[T, V]) Form(v *T) int {
	x := *s.at(v)
	switch {
	case s.def != nil && x == s.def(v):
		return -1
	case s.always:
		return 0
	case s.kind.OmitZero && s.kind.zero(x):
		return -1
	}
	return 0
}

// Write writes the value.
func (s *Scalar[T, V]) Write(w *Writer, v *T, _ int) error {
	s.kind.Write(w, *s.at(v))
	return nil
}

// Read reads the value.
func (s *Scalar[T, V]) Read(p *Parser, v *T, _ int) error {
	x, err := s.kind.Read(p)
	if err != nil {
		return Wrap(s.name[0], err)
	}
	*s.at(v) = x
	return nil
}

// Check applies the rule of the value, if it has one.
func (s *Scalar[T, V]) Check(v *T) error {
	if s.rule == nil {
		return nil
	}
	if err := s.rule(*s.at(v)); err != nil {
		return Wrap(s.name[0], err)
	}
	return nil
}

// Settle sets the value to what it stands for when the writer would have
// left it out: when it was not there, or is a zero value the writer leaves
// out. (When it equals the default already, there is nothing to set.)
func (s *Scalar[T, V]) Settle(v *T, seen bool) {
	if x := s.at(v); s.def != nil && (!seen || s.kind.OmitZero && s.kind.zero(*x)) {
		*x = s.def(v)
	}
}

// Traits says whether the member is required, and settles.
func (s *Scalar[T, V]) Traits() Traits {
	return Traits{Required: s.required, Settles: s.def != nil}
}

// The kinds of scalars.
var (
	textKind = &Kind[string]{
		Write:    func(w *Writer, s string) { w.Text(s) },
		Read:     func(p *Parser) (string, error) { return p.Text(false) },
		OmitZero: true,
	}
	// A word is a short text that repeats from one interaction to the
	// next, such as a method: the reader keeps one copy of each.
	wordKind = &Kind[string]{
		Write:    func(w *Writer, s string) { w.Text(s) },
		Read:     func(p *Parser) (string, error) { return p.Text(true) },
		OmitZero: true,
	}
	flagKind = &Kind[bool]{
		Write:    func(w *Writer, b bool) { w.Buf = strconv.AppendBool(w.Buf, b) },
		Read:     (*Parser).boolean,
		OmitZero: true,
	}
	durationKind = &Kind[time.Duration]{
		Write: func(w *Writer, d time.Duration) { w.Str(d.String()) },
		Read: func(p *Parser) (time.Duration, error) {
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
		OmitZero: true,
	}
	// A time is written in UTC, to the second, as RFC 3339.
	timeKind = &Kind[time.Time]{
		Write: func(w *Writer, t time.Time) {
			w.Buf = append(w.Buf, '"')
			w.Buf = t.UTC().Truncate(time.Second).AppendFormat(w.Buf, time.RFC3339)
			w.Buf = append(w.Buf, '"')
		},
		Read: func(p *Parser) (time.Time, error) {
			s, err := p.Str(false)
			if err != nil {
				return time.Time{}, err
			}
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time such as 2024-01-02T03:04:05Z", s)
			}
			return t.UTC().Truncate(time.Second), nil
		},
		OmitZero: true,
		IsZero:   time.Time.IsZero,
	}
)

func intKind[N int | int64 | uint8]() *Kind[N] {
	return &Kind[N]{
		Write: func(w *Writer, n N) { w.Buf = strconv.AppendInt(w.Buf, int64(n), 10) },
		Read: func(p *Parser) (N, error) {
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

// Text is a member holding a string that is mostly unique, such as a URL,
// written as {"latin1": "…"} when it is not valid UTF-8 (see
// [Writer.Text]).
func Text[T any](name string, at func(*T) *string) *Scalar[T, string] {
	return NewScalar(name, at, textKind)
}

// Word is a member holding a string that repeats, such as a method: the
// reader keeps one copy of each.
func Word[T any](name string, at func(*T) *string) *Scalar[T, string] {
	return NewScalar(name, at, wordKind)
}

// Integer is a member holding an integer: written always, unless Or says
// otherwise.
func Integer[T any, N int | int64 | uint8](name string, at func(*T) *N) *Scalar[T, N] {
	return NewScalar(name, at, intKind[N]())
}

// Flag is a member holding a boolean, written only when true.
func Flag[T any](name string, at func(*T) *bool) *Scalar[T, bool] {
	return NewScalar(name, at, flagKind)
}

// Duration is a member holding a time.Duration, written as Go writes it:
// "1.5s".
func Duration[T any](name string, at func(*T) *time.Duration) *Scalar[T, time.Duration] {
	return NewScalar(name, at, durationKind)
}

// Time is a member holding a time, written in UTC to the second.
func Time[T any](name string, at func(*T) *time.Time) *Scalar[T, time.Time] {
	return NewScalar(name, at, timeKind)
}

// Enum is a member holding a number that has names, such as a TLS
// version: written as its name, format's, and read by parse.
func Enum[T any](name string, at func(*T) *uint16, format func(uint16) string, parse func(string) (uint16, error)) *Scalar[T, uint16] {
	return NewScalar(name, at, &Kind[uint16]{
		Write: func(w *Writer, n uint16) { w.Str(format(n)) },
		Read: func(p *Parser) (uint16, error) {
			s, err := p.Str(true)
			if err != nil {
				return 0, err
			}
			return parse(s)
		},
		OmitZero: true,
	})
}

// Words is a member holding a list of words, written on one line, left
// out when it is empty.
func Words[T any](name string, at func(*T) *[]string) Field[T] {
	return &wordsField[T]{name: []string{name}, at: at}
}

type wordsField[T any] struct {
	name []string
	at   func(*T) *[]string
}

func (l *wordsField[T]) Keys() []string { return l.name }
func (l *wordsField[T]) Form(v *T) int {
	if len(*l.at(v)) == 0 {
		return -1
	}
	return 0
}
func (l *wordsField[T]) Write(w *Writer, v *T, _ int) error {
	w.Buf = append(w.Buf, '[')
	for i, s := range *l.at(v) {
		if i > 0 {
			w.Buf = append(w.Buf, ',', ' ')
		}
		w.Text(s)
	}
	w.Buf = append(w.Buf, ']')
	return nil
}
func (l *wordsField[T]) Read(p *Parser, v *T, _ int) error {
	more, err := p.Open('[', "array")
	if err != nil {
		return Wrap(l.name[0], err)
	}
	var list []string
	for more {
		s, err := p.Text(true)
		if err != nil {
			return Wrap(l.name[0], err)
		}
		list = append(list, s)
		if more, err = p.More(']'); err != nil {
			return err
		}
	}
	*l.at(v) = list
	return nil
}
func (l *wordsField[T]) Check(*T) error  { return nil }
func (l *wordsField[T]) Settle(*T, bool) {}
func (l *wordsField[T]) Traits() Traits  { return Traits{} }

// Headers is a member holding an http.Header, left out when it is empty.
func Headers[T any](name string, at func(*T) *http.Header) Field[T] {
	return &headerField[T]{name: []string{name}, at: at}
}

type headerField[T any] struct {
	name []string
	at   func(*T) *http.Header
}

func (h *headerField[T]) Keys() []string { return h.name }
func (h *headerField[T]) Form(v *T) int {
	if len(*h.at(v)) == 0 {
		return -1
	}
	return 0
}
func (h *headerField[T]) Write(w *Writer, v *T, _ int) error {
	return Wrap(h.name[0], w.header(*h.at(v)))
}
func (h *headerField[T]) Read(p *Parser, v *T, _ int) error {
	hd, err := p.header()
	if err != nil {
		return Wrap(h.name[0], err)
	}
	*h.at(v) = hd
	return nil
}
func (h *headerField[T]) Check(*T) error  { return nil }
func (h *headerField[T]) Settle(*T, bool) {}
func (h *headerField[T]) Traits() Traits  { return Traits{} }

// Body is the member holding a body, under one of three keys: "body" for
// text, "body_base64" for bytes, "body_json" for a JSON object or array
// (see [classify]). It is left out when the body is empty. A JSON body that
// was not compact brings the members that say how it was spaced (see
// [jsonSpacing]): the body writes them after its own, and spaces the JSON
// again once the object is read.
//
// The members that say how a JSON body was spaced were added to the format
// in version since (see [Since]): a file that uses them is written as that
// version at least.
func Body[T any](at func(*T) *[]byte, since int) Field[T] {
	return &bodyField[T]{at: at, since: since}
}

type bodyField[T any] struct {
	at    func(*T) *[]byte
	since int
}

// The forms of a body, indexes into bodyKeys.
const (
	bodyText = iota
	bodyBase64
	bodyJSON
)

var bodyKeys = []string{"body", "body_base64", "body_json"}

func (b *bodyField[T]) Keys() []string { return bodyKeys }
func (b *bodyField[T]) Form(v *T) int  { return classify(*b.at(v)) }
func (b *bodyField[T]) Write(w *Writer, v *T, form int) error {
	if s := w.body(*b.at(v), form); !s.zero() {
		w.spacing(&s, b.since)
	}
	return nil
}
func (b *bodyField[T]) Read(p *Parser, v *T, form int) error {
	body, err := p.body(form)
	if err != nil {
		return Wrap(bodyKeys[form], err)
	}
	*b.at(v) = body
	p.spacing.json = form == bodyJSON
	return nil
}
func (b *bodyField[T]) Check(*T) error  { return nil }
func (b *bodyField[T]) Settle(*T, bool) {}
func (b *bodyField[T]) Traits() Traits  { return Traits{} }

func (b *bodyField[T]) companions() []Field[T] {
	var fields []Field[T]
	for _, m := range jsonSpacingFormat {
		if m.at == nil {
			fields = append(fields, &gapsField[T]{m})
		} else {
			fields = append(fields, &spacingField[T]{m})
		}
	}
	return fields
}

// finish spaces a JSON body as its spacing members say.
func (b *bodyField[T]) finish(p *Parser, v *T) error {
	r := p.spacing
	p.spacing = spacingRead{}
	switch {
	case r.first == "":
		if r.held {
			*b.at(v) = p.keepBytes(*b.at(v))
		}
		return nil
	case !r.json:
		return p.ErrorAt(r.at, fmt.Errorf(`%q goes only with "body_json": it says how a JSON body was spaced`, r.first))
	case r.prefix != "" && r.indent == "":
		return p.ErrorAt(r.at, fmt.Errorf(`%q goes only with %q: it is what starts each line of an indented body`, "body_json_prefix", "body_json_indent"))
	case r.indent != "" && (r.comma != "" || r.colon != "" || r.gaps != nil) || r.gaps != nil && (r.comma != "" || r.colon != ""):
		return p.ErrorAt(r.at, errors.New(`a JSON body is spaced by one of "body_json_indent", "body_json_comma" and "body_json_colon", or "body_json_spaces"`))
	}
	value := *b.at(v)
	if r.gaps != nil {
		if err := checkGaps(value, r.gaps); err != nil {
			return p.ErrorAt(r.gapsAt, fmt.Errorf("body_json_spaces: %w", err))
		}
	}
	// Spaced in the parser's scratch, then copied once, exactly: cheaper
	// than counting the spaced length in a pass of its own.
	limit := len(r.leading) + maxSpaced(len(value)) + len(r.trailing)
	ok := true
	if r.indent == "" && r.gaps == nil && p.seps != nil {
		// Separators, where compactValue noted them.
		if ok = separatedLen(value, p.seps, r.comma, r.colon)+len(r.leading)+len(r.trailing) <= limit; ok {
			p.scratch = append(p.scratch[:0], r.leading...)
			p.scratch = appendSeparatedAt(p.scratch, value, p.seps, r.comma, r.colon)
			p.scratch = append(p.scratch, r.trailing...)
		}
	} else {
		p.scratch, ok = spacedWithin(p.scratch[:0], value, r.jsonSpacing, limit)
	}
	if !ok {
		p.scratch = p.scratch[:0]
		return p.ErrorAt(r.at, fmt.Errorf("spaced as %q says, the body of %d bytes would take more than %d: dvd writes such a body with %q, run by run", r.first, len(value), limit, "body_json_spaces"))
	}
	*b.at(v) = p.keepBytes(p.scratch)
	return nil
}

// spacingRead is what the reader knows of the body of the request or
// response it is reading, until the object ends.
type spacingRead struct {
	jsonSpacing
	json   bool   // the body was read from "body_json"
	held   bool   // the body is in Parser.held, to be kept
	first  string // the first spacing member read, for errors
	at     int    // the offset of its value
	gapsAt int    // the offset of "body_json_spaces"'s value
}

// A spacingMember is one of the members that say how a JSON body was
// spaced.
type spacingMember struct {
	name    string
	at      func(*jsonSpacing) *string // nil for the gaps
	allowed string                     // the characters it may hold
	sep     byte                       // the one character it holds besides spacing, if any
}

// jsonSpacingFormat lists the members that say how a JSON body was spaced
// (see [jsonSpacing]), written after "body_json" in this order.
var jsonSpacingFormat = []spacingMember{
	{name: "body_json_leading", at: func(s *jsonSpacing) *string { return &s.leading }, allowed: " \t\r\n"},
	{name: "body_json_prefix", at: func(s *jsonSpacing) *string { return &s.prefix }, allowed: " \t"},
	{name: "body_json_indent", at: func(s *jsonSpacing) *string { return &s.indent }, allowed: " \t"},
	{name: "body_json_comma", at: func(s *jsonSpacing) *string { return &s.comma }, allowed: " \t\r\n", sep: ','},
	{name: "body_json_colon", at: func(s *jsonSpacing) *string { return &s.colon }, allowed: " \t\r\n", sep: ':'},
	{name: "body_json_spaces", allowed: " \t\r\n"},
	{name: "body_json_trailing", at: func(s *jsonSpacing) *string { return &s.trailing }, allowed: " \t\r\n"},
}

// A spacingField reads a spacingMember: it notes its value for the body's
// finish. The body writes it.
type spacingField[T any] struct{ spacingMember }

func (s *spacingField[T]) Keys() []string { return []string{s.name} }
func (s *spacingField[T]) Form(*T) int    { return -1 } // written by the body
func (s *spacingField[T]) Write(*Writer, *T, int) error {
	return nil
}
func (s *spacingField[T]) Read(p *Parser, _ *T, _ int) error {
	at := p.i
	x, err := p.Str(true)
	if err != nil {
		return Wrap(s.name, err)
	}
	if s.sep != 0 {
		if x == "" || strings.Trim(x, s.allowed) != string(s.sep) {
			return fmt.Errorf("%s: %q is not a %q with spacing around it", s.name, x, s.sep)
		}
	} else if x == "" || strings.Trim(x, s.allowed) != "" {
		return fmt.Errorf("%s: %q is not spacing: it holds only %s", s.name, x, spacingChars(s.allowed))
	}
	*s.at(&p.spacing.jsonSpacing) = x
	if p.spacing.first == "" {
		p.spacing.first, p.spacing.at = s.name, at
	}
	return nil
}
func (s *spacingField[T]) Check(*T) error  { return nil }
func (s *spacingField[T]) Settle(*T, bool) {}
func (s *spacingField[T]) Traits() Traits  { return Traits{} }

// A gapsField reads "body_json_spaces": the runs of spacing of a JSON
// body, [[offset, "spacing"], …], for the body's finish to check and put
// back. The body writes it.
type gapsField[T any] struct{ spacingMember }

func (g *gapsField[T]) Keys() []string { return []string{g.name} }
func (g *gapsField[T]) Form(*T) int    { return -1 } // written by the body
func (g *gapsField[T]) Write(*Writer, *T, int) error {
	return nil
}
func (g *gapsField[T]) Read(p *Parser, _ *T, _ int) error {
	at := p.i
	gs, err := p.gaps(g.allowed)
	if err != nil {
		return Wrap(g.name, err)
	}
	p.spacing.gaps, p.spacing.gapsAt = gs, at
	if p.spacing.first == "" {
		p.spacing.first, p.spacing.at = g.name, at
	}
	return nil
}
func (g *gapsField[T]) Check(*T) error  { return nil }
func (g *gapsField[T]) Settle(*T, bool) {}
func (g *gapsField[T]) Traits() Traits  { return Traits{} }

// gaps reads [[offset, "spacing"], …], at least one, each spacing made of
// the characters allowed.
func (p *Parser) gaps(allowed string) ([]gap, error) {
	more, err := p.Open('[', "array")
	if err != nil {
		return nil, err
	}
	if !more {
		return nil, errors.New("it lists at least one run of spacing")
	}
	var gs []gap
	for more {
		start := p.i
		inner, err := p.Open('[', "array")
		if err != nil {
			return nil, err
		}
		if !inner {
			return nil, p.ErrorAt(start, fmt.Errorf(`each run is [offset, "spacing"], the spacing made of %s`, spacingChars(allowed)))
		}
		var g gap
		n, err := p.integer()
		if err != nil {
			return nil, err
		}
		g.at = int(min(max(n, -1), 1<<40))
		if more, err = p.More(']'); err != nil {
			return nil, err
		}
		if more {
			if g.space, err = p.Str(false); err != nil {
				return nil, err
			}
			more, err = p.More(']')
			if err != nil {
				return nil, err
			}
		}
		if more || g.space == "" || strings.Trim(g.space, allowed) != "" {
			return nil, p.ErrorAt(start, fmt.Errorf(`each run is [offset, "spacing"], the spacing made of %s`, spacingChars(allowed)))
		}
		gs = append(gs, g)
		if more, err = p.More(']'); err != nil {
			return nil, err
		}
	}
	return gs, nil
}

// spacingChars names the characters of set for an error.
func spacingChars(set string) string {
	if strings.ContainsRune(set, '\n') {
		return "spaces, tabs, carriage returns and newlines"
	}
	return "spaces and tabs"
}

// Nested is a member holding a struct of its own, always written.
func Nested[T, C any](name string, at func(*T) *C, o *Object[C]) *NestedField[T, C] {
	return &NestedField[T, C]{name: []string{name}, at: at, o: o}
}

// A NestedField is the member a [Nested] makes.
type NestedField[T, C any] struct {
	name     []string
	at       func(*T) *C
	o        *Object[C]
	required bool
}

// Required makes the member one the reader needs.
func (n *NestedField[T, C]) Required() *NestedField[T, C] { n.required = true; return n }

// Keys, Form, Write, Read, Check, Settle and Traits make a NestedField a
// [Field].

// Keys returns the member's key.
func (n *NestedField[T, C]) Keys() []string { return n.name }

// Form returns 0: the member is always written.
func (n *NestedField[T, C]) Form(*T) int { return 0 }

// Write writes the struct.
func (n *NestedField[T, C]) Write(w *Writer, v *T, _ int) error {
	return Wrap(n.name[0], n.o.Write(w, n.at(v)))
}

// Read reads the struct.
func (n *NestedField[T, C]) Read(p *Parser, v *T, _ int) error {
	return Wrap(n.name[0], n.o.Read(p, n.at(v)))
}

// Check does nothing: the struct's own object applies its rules.
func (n *NestedField[T, C]) Check(*T) error { return nil }

// Settle does nothing.
func (n *NestedField[T, C]) Settle(*T, bool) {}

// Traits says whether the member is required.
func (n *NestedField[T, C]) Traits() Traits { return Traits{Required: n.required} }

// Optional is a member holding a pointer to a struct of its own, left out
// when it is nil.
func Optional[T, C any](name string, at func(*T) **C, o *Object[C]) Field[T] {
	return &optionalField[T, C]{pointerMember[T, C]{name: []string{name}, at: at}, o}
}

type optionalField[T, C any] struct {
	pointerMember[T, C]
	o *Object[C]
}

// pointerMember is the name and place of a member holding a pointer, left
// out when it is nil.
type pointerMember[T, V any] struct {
	name []string
	at   func(*T) **V
}

func (m *pointerMember[T, V]) Keys() []string { return m.name }
func (m *pointerMember[T, V]) Form(v *T) int {
	if *m.at(v) == nil {
		return -1
	}
	return 0
}

func (o *optionalField[T, C]) Write(w *Writer, v *T, _ int) error {
	return Wrap(o.name[0], o.o.Write(w, *o.at(v)))
}
func (o *optionalField[T, C]) Read(p *Parser, v *T, _ int) error {
	c := newValue[C](p, o.o.chunked)
	*o.at(v) = c
	return Wrap(o.name[0], o.o.Read(p, c))
}
func (o *optionalField[T, C]) Check(*T) error  { return nil }
func (o *optionalField[T, C]) Settle(*T, bool) {}
func (o *optionalField[T, C]) Traits() Traits  { return Traits{} }

// List is a member holding a slice of structs, always written. The error
// of element i, e, is wrap's, which names the element ("interaction 3
// (GET /)") and wraps err.
func List[T, E any](name string, at func(*T) *[]E, o *Object[E], wrap func(i int, e *E, err error) error) Field[T] {
	return &listField[T, E]{name: []string{name}, at: at, o: o, wrap: wrap}
}

type listField[T, E any] struct {
	name []string
	at   func(*T) *[]E
	o    *Object[E]
	wrap func(int, *E, error) error
}

func (l *listField[T, E]) Keys() []string { return l.name }
func (l *listField[T, E]) Form(*T) int    { return 0 }
func (l *listField[T, E]) Write(w *Writer, v *T, _ int) error {
	s := *l.at(v)
	if len(s) == 0 {
		w.Buf = append(w.Buf, '[', ']')
		return nil
	}
	w.Buf = append(w.Buf, '[')
	w.depth++
	for i := range s {
		if i > 0 {
			w.Buf = append(w.Buf, ',')
		}
		w.Line()
		if err := l.o.Write(w, &s[i]); err != nil {
			return l.wrap(i, &s[i], err)
		}
	}
	w.depth--
	w.Line()
	w.Buf = append(w.Buf, ']')
	return nil
}
func (l *listField[T, E]) Read(p *Parser, v *T, _ int) error {
	more, err := p.Open('[', "array")
	if err != nil {
		return Wrap(l.name[0], err)
	}
	s := []E{}
	start := p.i
	for more {
		if len(s) == cap(s) {
			s = slices.Grow(s, p.moreElements(start, len(s)))
		}
		s = append(s, *new(E))
		e := &s[len(s)-1]
		if err := l.o.Read(p, e); err != nil {
			return l.wrap(len(s)-1, e, err)
		}
		if more, err = p.More(']'); err != nil {
			return err
		}
	}
	*l.at(v) = s
	return nil
}
func (l *listField[T, E]) Check(*T) error  { return nil }
func (l *listField[T, E]) Settle(*T, bool) {}
func (l *listField[T, E]) Traits() Traits  { return Traits{} }

// Lines is a member holding an array written one element a line, left out
// when it is empty, such as clock readings or certificates. put writes
// element i as a JSON value and get reads it; each names the member in its
// errors.
func Lines[T, E any](name string, at func(*T) *[]E, put func(w *Writer, i int, e E) error, get func(p *Parser, i int) (E, error)) Field[T] {
	return &linesField[T, E]{name: []string{name}, at: at, put: put, get: get}
}

type linesField[T, E any] struct {
	name []string
	at   func(*T) *[]E
	put  func(w *Writer, i int, e E) error
	get  func(p *Parser, i int) (E, error)
}

func (f *linesField[T, E]) Keys() []string { return f.name }
func (f *linesField[T, E]) Form(v *T) int {
	if len(*f.at(v)) == 0 {
		return -1
	}
	return 0
}
func (f *linesField[T, E]) Write(w *Writer, v *T, _ int) error {
	w.Buf = append(w.Buf, '[')
	w.depth++
	for i, e := range *f.at(v) {
		if i > 0 {
			w.Buf = append(w.Buf, ',')
		}
		w.Line()
		if err := f.put(w, i, e); err != nil {
			return err
		}
	}
	w.depth--
	w.Line()
	w.Buf = append(w.Buf, ']')
	return nil
}
func (f *linesField[T, E]) Read(p *Parser, v *T, _ int) error {
	more, err := p.Open('[', "array")
	if err != nil {
		return Wrap(f.name[0], err)
	}
	var es []E
	for more {
		e, err := f.get(p, len(es))
		if err != nil {
			return err
		}
		es = append(es, e)
		if more, err = p.More(']'); err != nil {
			return err
		}
	}
	*f.at(v) = es
	return nil
}
func (f *linesField[T, E]) Check(*T) error  { return nil }
func (f *linesField[T, E]) Settle(*T, bool) {}
func (f *linesField[T, E]) Traits() Traits  { return Traits{} }
