package cassette

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dvdrw/dvd/internal/jsonwire"
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
func tlsRef[T any](name string, at func(*T) **TLSState) jsonwire.Field[T] {
	return &tlsRefField[T]{name: []string{name}, at: at}
}

type tlsRefField[T any] struct {
	name []string
	at   func(*T) **TLSState
}

func (f *tlsRefField[T]) Keys() []string { return f.name }
func (f *tlsRefField[T]) Form(v *T) int {
	if *f.at(v) == nil {
		return -1
	}
	return 0
}
func (f *tlsRefField[T]) Write(w *jsonwire.Writer, v *T, _ int) error {
	w.Str(w.State.(*tlsStateNames).of(*f.at(v))) // valid UTF-8: the table's Write checks it
	return nil
}

// read notes the name, which the file's states resolve once the whole file
// is read (see tlsTableField.finish).
func (f *tlsRefField[T]) Read(p *jsonwire.Parser, v *T, _ int) error {
	at := p.Offset()
	if p.Peek() == '{' {
		return fmt.Errorf(`%s names a state of the file's "tls", as "tls": "api.example.com": the state itself is held there`, f.name[0])
	}
	name, err := p.Str(true)
	if err != nil {
		return jsonwire.Wrap(f.name[0], err)
	}
	r := tlsReading(p)
	r.refs = append(r.refs, namedTLS{name: name, at: at, slot: f.at(v)})
	return nil
}
func (f *tlsRefField[T]) Check(*T) error          { return nil }
func (f *tlsRefField[T]) Settle(*T, bool)         {}
func (f *tlsRefField[T]) Traits() jsonwire.Traits { return jsonwire.Traits{} }

// tlsRead is what the reader knows of the file's TLS states until the
// file is read whole: the states the responses name, and the file's.
type tlsRead struct {
	refs   []namedTLS
	states map[string]*TLSState // by name
}

// tlsReading returns the TLS states of the file p reads.
func tlsReading(p *jsonwire.Parser) *tlsRead {
	r, _ := p.State.(*tlsRead)
	if r == nil {
		r = new(tlsRead)
		p.State = r
	}
	return r
}

// A namedTLS is a TLS state named by a response, to be resolved.
type namedTLS struct {
	name string
	at   int // the offset of the name
	slot **TLSState
}

// tlsStateNames are the names of the TLS states of a file being written.
type tlsStateNames struct {
	index map[*TLSState]int // which of the distinct TLS states each response's is
	names []string          // the names of the distinct states
	table []*TLSState       // the distinct states, by name
}

// of returns the name of the TLS state t in the file.
func (n *tlsStateNames) of(t *TLSState) string { return n.names[n.index[t]] }

// nameTLSStates names the TLS states of the responses of f, before they
// are written, and lists them for the file's table, sorted by name.
func nameTLSStates(f *file) *tlsStateNames {
	if !hasTLS(f) {
		return nil
	}
	w := new(tlsStateNames)
	var distinct []*TLSState
	for i := range f.Interactions {
		r := f.Interactions[i].Response
		if r == nil || r.TLS == nil {
			continue
		}
		if w.index == nil {
			w.index = map[*TLSState]int{}
		}
		if _, ok := w.index[r.TLS]; ok {
			continue
		}
		// Responses recorded over one connection hold states alike.
		j := slices.IndexFunc(distinct, func(t *TLSState) bool { return sameTLS(t, r.TLS) })
		if j < 0 {
			j = len(distinct)
			distinct = append(distinct, r.TLS)
		}
		w.index[r.TLS] = j
	}
	order := make([]int, len(distinct))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return compareTLS(distinct[a], distinct[b]) })
	w.names = make([]string, len(distinct))
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
			w.names[order[k]] = name
		}
		i = j
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(w.names[a], w.names[b]) })
	for _, i := range order {
		w.table = append(w.table, distinct[i])
	}
	return w
}

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
func tlsTable(name string, o *jsonwire.Object[TLSState]) jsonwire.Field[file] {
	return &tlsTableField{name: []string{name}, o: o}
}

type tlsTableField struct {
	name []string
	o    *jsonwire.Object[TLSState]
}

func (f *tlsTableField) Keys() []string { return f.name }
func (f *tlsTableField) Form(v *file) int {
	if hasTLS(v) {
		return 0
	}
	return -1
}

// hasTLS reports whether a response of f came over TLS.
func hasTLS(f *file) bool {
	for i := range f.Interactions {
		if r := f.Interactions[i].Response; r != nil && r.TLS != nil {
			return true
		}
	}
	return false
}
func (f *tlsTableField) Write(w *jsonwire.Writer, _ *file, _ int) error {
	names := w.State.(*tlsStateNames)
	w.Begin('{')
	for i, t := range names.table {
		if i > 0 {
			w.Buf = append(w.Buf, ',')
		}
		w.Line()
		if !w.Str(names.of(t)) {
			return fmt.Errorf("%s: server name %q is not valid UTF-8", f.name[0], t.ServerName)
		}
		w.Buf = append(w.Buf, ':', ' ')
		if err := f.o.Write(w, t); err != nil {
			return jsonwire.Wrap(f.name[0], err)
		}
	}
	w.End('}')
	return nil
}
func (f *tlsTableField) Read(p *jsonwire.Parser, _ *file, _ int) error {
	more, err := p.Open('{', "object")
	if err != nil {
		return jsonwire.Wrap(f.name[0], err)
	}
	r := tlsReading(p)
	r.states = map[string]*TLSState{}
	for more {
		at := p.Offset()
		b, err := p.Key()
		if err != nil {
			return err
		}
		name := string(b)
		if err := p.Colon(); err != nil {
			return err
		}
		if _, ok := r.states[name]; ok {
			return p.ErrorAt(at, fmt.Errorf("%s: %q appears twice", f.name[0], name))
		}
		t := new(TLSState)
		if err := f.o.Read(p, t); err != nil {
			return jsonwire.Wrap(f.name[0]+": "+strconv.Quote(name), err)
		}
		r.states[name] = t
		if more, err = p.More('}'); err != nil {
			return err
		}
	}
	return nil
}

// finish gives each response the state it names.
func (f *tlsTableField) Finish(p *jsonwire.Parser, _ *file) error {
	read, _ := p.State.(*tlsRead)
	if read == nil {
		return nil
	}
	for _, r := range read.refs {
		t, ok := read.states[r.name]
		if !ok {
			return p.ErrorAt(r.at, fmt.Errorf("TLS state %q is not in the file's %q, which holds each state the responses name", r.name, f.name[0]))
		}
		*r.slot = t
	}
	p.State = nil
	return nil
}
func (f *tlsTableField) Check(*file) error       { return nil }
func (f *tlsTableField) Settle(*file, bool)      {}
func (f *tlsTableField) Traits() jsonwire.Traits { return jsonwire.Traits{} }

// certificates is the member of a TLS state that holds its certificates,
// DER in base64, one a line.
func certificates[T any](name string, at func(*T) *[][]byte) jsonwire.Field[T] {
	put := func(w *jsonwire.Writer, _ int, der []byte) error {
		w.Buf = append(w.Buf, '"')
		w.Buf = base64.StdEncoding.AppendEncode(w.Buf, der)
		w.Buf = append(w.Buf, '"')
		return nil
	}
	get := func(p *jsonwire.Parser, _ int) ([]byte, error) {
		der, err := p.Base64()
		if err != nil {
			return nil, jsonwire.Wrap(name, err)
		}
		return der, nil
	}
	return jsonwire.Lines(name, at, put, get)
}
