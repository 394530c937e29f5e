package cassette

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"

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
var tlsTable = &jsonwire.Table[TLSState]{
	Name: "tls", Object: tlsFormat,
	Key:     func(t *TLSState) string { return t.ServerName },
	NoKey:   "(no server name)",
	Compare: compareTLS,
	Same:    sameTLS,
	Unknown: func(name string) error {
		return fmt.Errorf(`TLS state %q is not in the file's "tls", which holds each state the responses name`, name)
	},
	Inline: func(ref string) error {
		return fmt.Errorf(`%s names a state of the file's "tls", as "tls": "api.example.com": the state itself is held there`, ref)
	},
}

// responseTLS returns the TLS state of the response of interaction i of f,
// nil if none.
func responseTLS(f *file, i int) *TLSState {
	if r := f.Interactions[i].Response; r != nil {
		return r.TLS
	}
	return nil
}

// compareTLS orders the TLS states of a server by what they hold.
func compareTLS(a, b *TLSState) int {
	if c := cmp.Or(cmp.Compare(a.Version, b.Version), cmp.Compare(a.CipherSuite, b.CipherSuite),
		cmp.Compare(a.NegotiatedProtocol, b.NegotiatedProtocol)); c != 0 {
		return c
	}
	return slices.CompareFunc(a.PeerCertificates, b.PeerCertificates, bytes.Compare)
}

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
