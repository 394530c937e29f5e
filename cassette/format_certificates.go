package cassette

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
)

// Certificates are large and the same from one interaction to the next, so
// the file holds each once: a TLS state names its peer certificates by
// SHA-256 fingerprint, "sha256:…", and the file's "certificates" maps each
// name to the certificate, DER in base64. Loading then decodes each once,
// and the interactions share its bytes.

// peerCertificates is the member of a TLS state that names its
// certificates, one a line.
func peerCertificates[T any](name string, at func(*T) *[][]byte) field[T] {
	return &peerCertificatesField[T]{name: []string{name}, at: at}
}

type peerCertificatesField[T any] struct {
	name []string
	at   func(*T) *[][]byte
}

func (c *peerCertificatesField[T]) keys() []string { return c.name }
func (c *peerCertificatesField[T]) form(v *T) int {
	if len(*c.at(v)) == 0 {
		return -1
	}
	return 0
}
func (c *peerCertificatesField[T]) write(w *writer, v *T, _ int) error {
	w.buf = append(w.buf, '[')
	w.depth++
	for i, der := range *c.at(v) {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.nl()
		w.str(w.certificateName(der))
	}
	w.depth--
	w.nl()
	w.buf = append(w.buf, ']')
	return nil
}

// read notes the names, which the file's certificates resolve once the
// whole file is read (see certificateTableField.finish).
func (c *peerCertificatesField[T]) read(p *parser, v *T, _ int) error {
	more, err := p.open('[', "array")
	if err != nil {
		return named(c.name[0], err)
	}
	first := len(p.certRefs)
	for more {
		at := p.i
		name, err := p.str(true)
		if err != nil {
			return named(c.name[0], err)
		}
		p.certRefs = append(p.certRefs, certRef{name: name, at: at})
		if more, err = p.more(']'); err != nil {
			return err
		}
	}
	certs := make([][]byte, len(p.certRefs)-first)
	for i := range certs {
		p.certRefs[first+i].slot = &certs[i]
	}
	*c.at(v) = certs
	return nil
}
func (c *peerCertificatesField[T]) check(*T) error  { return nil }
func (c *peerCertificatesField[T]) settle(*T, bool) {}
func (c *peerCertificatesField[T]) traits() traits  { return traits{} }

// A certRef is a certificate named in the file, to be resolved.
type certRef struct {
	name string
	at   int     // the offset of the name
	slot *[]byte // where the certificate goes
}

// certificateName returns the name of der in the file, and notes der for
// the file's certificates. Certificates that share their bytes, as those
// of one connection do, are hashed once.
func (w *writer) certificateName(der []byte) string {
	var id certID
	if len(der) > 0 {
		id = certID{&der[0], len(der)}
		if name, ok := w.certIDs[id]; ok {
			return name
		}
	}
	sum := sha256.Sum256(der)
	name := "sha256:" + hex.EncodeToString(sum[:])
	if w.certs == nil {
		w.certIDs, w.certs = map[certID]string{}, map[string][]byte{}
	}
	if id.first != nil {
		w.certIDs[id] = name
	}
	w.certs[name] = der
	return name
}

// A certID tells certificates apart by where their bytes are.
type certID struct {
	first *byte
	size  int
}

// certificateTable is the file's member that holds the certificates the
// interactions name. It comes after them: writing them notes what it
// holds.
func certificateTable(name string) field[file] {
	return &certificateTableField{name: []string{name}}
}

type certificateTableField struct{ name []string }

func (c *certificateTableField) keys() []string { return c.name }
func (c *certificateTableField) form(f *file) int {
	for i := range f.Interactions {
		if r := f.Interactions[i].Response; r != nil && r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			return 0
		}
	}
	return -1
}
func (c *certificateTableField) write(w *writer, _ *file, _ int) error {
	names := make([]string, 0, len(w.certs))
	for name := range w.certs {
		names = append(names, name)
	}
	slices.Sort(names)
	w.buf = append(w.buf, '{')
	w.depth++
	for i, name := range names {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.nl()
		w.key(name)
		w.buf = append(w.buf, '"')
		w.buf = base64.StdEncoding.AppendEncode(w.buf, w.certs[name])
		w.buf = append(w.buf, '"')
	}
	w.depth--
	w.nl()
	w.buf = append(w.buf, '}')
	return nil
}
func (c *certificateTableField) read(p *parser, _ *file, _ int) error {
	more, err := p.open('{', "object")
	if err != nil {
		return named(c.name[0], err)
	}
	p.certs = map[string][]byte{}
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
		if _, ok := p.certs[name]; ok {
			return p.errorAt(at, fmt.Errorf("%s: %q appears twice", c.name[0], name))
		}
		der, err := p.body(bodyBase64)
		if err != nil {
			return named(c.name[0]+": "+name, err)
		}
		p.certs[name] = der
		if more, err = p.more('}'); err != nil {
			return err
		}
	}
	return nil
}

// finish gives each TLS state the certificates it names.
func (c *certificateTableField) finish(p *parser, _ *file) error {
	for _, r := range p.certRefs {
		der, ok := p.certs[r.name]
		if !ok {
			return p.errorAt(r.at, fmt.Errorf("peer certificate %q is not in %q, which holds each certificate the interactions name", r.name, c.name[0]))
		}
		*r.slot = der
	}
	p.certRefs, p.certs = nil, nil
	return nil
}
func (c *certificateTableField) check(*file) error  { return nil }
func (c *certificateTableField) settle(*file, bool) {}
func (c *certificateTableField) traits() traits     { return traits{} }
