package cassette

import (
	"bytes"
	"crypto/tls"

	"github.com/dvdrw/dvd/internal/neterr"
)

// What a response says of the connection it came over, its TLS state and
// its transfer coding, recorded so that a replayed response looks like the
// recorded one to code that checks resp.TLS or resp.TransferEncoding.

// recordTLS returns what is recorded of cs: nil for plain HTTP. The
// certificates' bytes are shared with cs, which never changes them.
func recordTLS(cs *tls.ConnectionState) *TLSState {
	if cs == nil {
		return nil
	}
	t := &TLSState{
		Version:            cs.Version,
		CipherSuite:        cs.CipherSuite,
		ServerName:         cs.ServerName,
		NegotiatedProtocol: cs.NegotiatedProtocol,
	}
	for _, c := range cs.PeerCertificates {
		t.PeerCertificates = append(t.PeerCertificates, c.Raw)
	}
	return t
}

// serverName returns t with its server name passed through f (redaction's
// Text to store it, Restore to replay it): t itself when f changes
// nothing, so that states stay shared.
func serverName(t *TLSState, f func(string) string) *TLSState {
	if t == nil {
		return nil
	}
	if n := f(t.ServerName); n != t.ServerName {
		cp := *t
		cp.ServerName = n
		return &cp
	}
	return t
}

// tlsStates builds the connection states that replay copies, once per
// index: each certificate is parsed once, however many interactions hold
// it, and the responses that hold one TLS state share one connection
// state, as do those recorded one after another over one connection.
type tlsStates struct {
	byState map[*TLSState]*tls.ConnectionState
	last    *TLSState
	certs   neterr.Certificates
}

// of returns the connection state that replaying a response recorded with
// t gives: nil for nil.
func (s *tlsStates) of(t *TLSState) *tls.ConnectionState {
	if t == nil {
		return nil
	}
	if cs, ok := s.byState[t]; ok {
		return cs
	}
	if s.last != nil && sameTLS(s.last, t) {
		return s.byState[s.last]
	}
	cs := &tls.ConnectionState{
		Version:            t.Version,
		HandshakeComplete:  true,
		CipherSuite:        t.CipherSuite,
		ServerName:         t.ServerName,
		NegotiatedProtocol: t.NegotiatedProtocol,
	}
	for _, der := range t.PeerCertificates {
		cs.PeerCertificates = append(cs.PeerCertificates, s.certs.Parse(der))
	}
	if s.byState == nil {
		s.byState = map[*TLSState]*tls.ConnectionState{}
	}
	s.byState[t], s.last = cs, t
	return cs
}

// sameTLS reports whether a and b record the same state. The certificates
// of one connection share their bytes, so most compare by their first
// byte's address.
func sameTLS(a, b *TLSState) bool {
	if a == b {
		return true
	}
	if a.Version != b.Version || a.CipherSuite != b.CipherSuite || a.ServerName != b.ServerName ||
		a.NegotiatedProtocol != b.NegotiatedProtocol || len(a.PeerCertificates) != len(b.PeerCertificates) {
		return false
	}
	for i, x := range a.PeerCertificates {
		y := b.PeerCertificates[i]
		if len(x) != len(y) || len(x) > 0 && &x[0] != &y[0] && !bytes.Equal(x, y) {
			return false
		}
	}
	return true
}
