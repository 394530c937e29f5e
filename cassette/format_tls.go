package cassette

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// TLS states are large, for their certificates, and the same from one
// response to the next: the file holds each once, in its "tls" after the
// interactions, named by the server name it was recorded for, and a
// response names its state: "tls": "api.example.com". A server whose
// responses came over connections in different states (another protocol,
// a certificate renewed during the recording) has its states numbered:
// "api.example.com (1)", "api.example.com (2)", in an order that depends
// on the states alone.

// tlsRef is the member of a response that names its TLS state.
func tlsRef[T any](name string, at func(*T) **TLSState) field[T] {
	return &tlsRefField[T]{name: []string{name}, at: at}
}

type tlsRefField[T any] struct {
	name []string
	at   func(*T) **TLSState
}

func (f *tlsRefField[T]) keys() []string { return f.name }
func (f *tlsRefField[T]) form(v *T) int {
	if *f.at(v) == nil {
		return -1
	}
	return 0
}
func (f *tlsRefField[T]) write(w *writer, v *T, _ int) error {
	w.str(w.stateName(*f.at(v))) // valid UTF-8: the table's write checks it
	return nil
}

// read notes the name, which the file's states resolve once the whole file
// is read (see tlsTableField.finish).
func (f *tlsRefField[T]) read(p *parser, v *T, _ int) error {
	at := p.i
	if at < len(p.data) && p.data[at] == '{' {
		return fmt.Errorf(`%s names a state of the file's "tls", as "tls": "api.example.com": the state itself is held there`, f.name[0])
	}
	name, err := p.str(true)
	if err != nil {
		return named(f.name[0], err)
	}
	p.tlsRefs = append(p.tlsRefs, namedTLS{name: name, at: at, slot: f.at(v)})
	return nil
}
func (f *tlsRefField[T]) check(*T) error  { return nil }
func (f *tlsRefField[T]) settle(*T, bool) {}
func (f *tlsRefField[T]) traits() traits  { return traits{} }

// A namedTLS is a TLS state named by a response, to be resolved.
type namedTLS struct {
	name string
	at   int // the offset of the name
	slot **TLSState
}

// nameTLSStates names the TLS states of the responses of f, before they
// are written, and lists them for the file's table, sorted by name.
func (w *writer) nameTLSStates(f *file) {
	var distinct []*TLSState
	for i := range f.Interactions {
		r := f.Interactions[i].Response
		if r == nil || r.TLS == nil {
			continue
		}
		if w.tlsIndex == nil {
			w.tlsIndex = map[*TLSState]int{}
		}
		if _, ok := w.tlsIndex[r.TLS]; ok {
			continue
		}
		// Responses recorded over one connection hold states alike.
		j := slices.IndexFunc(distinct, func(t *TLSState) bool { return sameTLS(t, r.TLS) })
		if j < 0 {
			j = len(distinct)
			distinct = append(distinct, r.TLS)
		}
		w.tlsIndex[r.TLS] = j
	}
	order := make([]int, len(distinct))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return compareTLS(distinct[a], distinct[b]) })
	w.tlsNames = make([]string, len(distinct))
	taken := map[string]bool{}
	for i := 0; i < len(order); {
		server := distinct[order[i]].ServerName
		j := i + 1
		for j < len(order) && distinct[order[j]].ServerName == server {
			j++
		}
		base := strings.ToValidUTF8(server, "\uFFFD")
		if base == "" {
			base = "(no server name)"
		}
		for k := i; k < j; k++ {
			name := base
			if j-i > 1 {
				name += " (" + strconv.Itoa(k-i+1) + ")"
			}
			// Server names such as "x (1)" could take a name: a name is
			// made longer until it is free.
			for taken[name] {
				name += " (" + strconv.Itoa(k-i+1) + ")"
			}
			taken[name] = true
			w.tlsNames[order[k]] = name
		}
		i = j
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(w.tlsNames[a], w.tlsNames[b]) })
	for _, i := range order {
		w.tlsTable = append(w.tlsTable, distinct[i])
	}
}

// stateName returns the name of the TLS state t in the file.
func (w *writer) stateName(t *TLSState) string { return w.tlsNames[w.tlsIndex[t]] }

// compareTLS orders TLS states by what they hold.
func compareTLS(a, b *TLSState) int {
	if c := cmp.Or(cmp.Compare(a.ServerName, b.ServerName), cmp.Compare(a.Version, b.Version),
		cmp.Compare(a.CipherSuite, b.CipherSuite), cmp.Compare(a.NegotiatedProtocol, b.NegotiatedProtocol)); c != 0 {
		return c
	}
	return slices.CompareFunc(a.PeerCertificates, b.PeerCertificates, bytes.Compare)
}

// tlsTable is the file's member that holds the TLS states the responses
// name, an object of name to state, after the interactions.
func tlsTable(name string, o *object[TLSState]) field[file] {
	return &tlsTableField{name: []string{name}, o: o}
}

type tlsTableField struct {
	name []string
	o    *object[TLSState]
}

func (f *tlsTableField) keys() []string { return f.name }
func (f *tlsTableField) form(v *file) int {
	for i := range v.Interactions {
		if r := v.Interactions[i].Response; r != nil && r.TLS != nil {
			return 0
		}
	}
	return -1
}
func (f *tlsTableField) write(w *writer, _ *file, _ int) error {
	w.buf = append(w.buf, '{')
	w.depth++
	for i, t := range w.tlsTable {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.nl()
		if !w.str(w.stateName(t)) {
			return fmt.Errorf("%s: server name %q is not valid UTF-8", f.name[0], t.ServerName)
		}
		w.buf = append(w.buf, ':', ' ')
		if err := f.o.write(w, t); err != nil {
			return named(f.name[0], err)
		}
	}
	w.depth--
	w.nl()
	w.buf = append(w.buf, '}')
	return nil
}
func (f *tlsTableField) read(p *parser, _ *file, _ int) error {
	more, err := p.open('{', "object")
	if err != nil {
		return named(f.name[0], err)
	}
	p.tlsStates = map[string]*TLSState{}
	for more {
		at := p.i
		b, err := p.key()
		if err != nil {
			return err
		}
		name := string(b)
		if err := p.colon(); err != nil {
			return err
		}
		if _, ok := p.tlsStates[name]; ok {
			return p.errorAt(at, fmt.Errorf("%s: %q appears twice", f.name[0], name))
		}
		t := new(TLSState)
		if err := f.o.read(p, t); err != nil {
			return named(f.name[0]+": "+strconv.Quote(name), err)
		}
		p.tlsStates[name] = t
		if more, err = p.more('}'); err != nil {
			return err
		}
	}
	return nil
}

// finish gives each response the state it names.
func (f *tlsTableField) finish(p *parser, _ *file) error {
	for _, r := range p.tlsRefs {
		t, ok := p.tlsStates[r.name]
		if !ok {
			return p.errorAt(r.at, fmt.Errorf("TLS state %q is not in the file's %q, which holds each state the responses name", r.name, f.name[0]))
		}
		*r.slot = t
	}
	p.tlsRefs, p.tlsStates = nil, nil
	return nil
}
func (f *tlsTableField) check(*file) error  { return nil }
func (f *tlsTableField) settle(*file, bool) {}
func (f *tlsTableField) traits() traits     { return traits{} }

// certificates is the member of a TLS state that holds its certificates,
// DER in base64, one a line.
func certificates[T any](name string, at func(*T) *[][]byte) field[T] {
	put := func(w *writer, _ int, der []byte) error {
		w.buf = append(w.buf, '"')
		w.buf = base64.StdEncoding.AppendEncode(w.buf, der)
		w.buf = append(w.buf, '"')
		return nil
	}
	get := func(p *parser, _ int) ([]byte, error) {
		der, err := p.body(bodyBase64)
		if err != nil {
			return nil, named(name, err)
		}
		return der, nil
	}
	return lines(name, at, put, get)
}
