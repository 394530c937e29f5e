package cassette

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"strconv"
	"strings"
	"sync"
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

// tlsStates builds the connection states that replay copies, once per
// index: each certificate is parsed once, however many interactions hold
// it, and the responses that hold one TLS state share one connection
// state, as do those recorded one after another over one connection.
type tlsStates struct {
	byState map[*TLSState]*tls.ConnectionState
	last    *TLSState
	byBytes map[string]*x509.Certificate
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
		cs.PeerCertificates = append(cs.PeerCertificates, s.certificate(der))
	}
	if s.byState == nil {
		s.byState = map[*TLSState]*tls.ConnectionState{}
	}
	s.byState[t], s.last = cs, t
	return cs
}

// certificate parses der once. Bytes that a newer Go no longer parses, or
// that a hand edit broke, give a certificate that holds only its Raw bytes:
// replay goes on, and code that compares certificates still can.
func (s *tlsStates) certificate(der []byte) *x509.Certificate {
	if c, ok := s.byBytes[string(der)]; ok {
		return c
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		c = &x509.Certificate{Raw: der}
	}
	if s.byBytes == nil {
		s.byBytes = map[string]*x509.Certificate{}
	}
	s.byBytes[string(der)] = c
	return c
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

// The names of TLS versions and cipher suites, as crypto/tls gives them
// ("TLS 1.3", "TLS_AES_128_GCM_SHA256"), with their numbers, for reading
// them back. crypto/tls names a number it does not know "0x0305".
var tlsNames = sync.OnceValues(func() (versions, suites map[string]uint16) {
	versions, suites = map[string]uint16{}, map[string]uint16{}
	for v := uint16(0x0300); v <= 0x0304; v++ { // SSL 3.0 to TLS 1.3
		versions[tls.VersionName(v)] = v
	}
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		suites[s.Name] = s.ID
	}
	return versions, suites
})

// parseTLSName returns the number named name, a name crypto/tls gives (see
// [tlsNames]) or a number such as "0x0305".
func parseTLSName(name string, names map[string]uint16, what, example, number string) (uint16, error) {
	if n, ok := names[name]; ok {
		return n, nil
	}
	if hex, ok := strings.CutPrefix(name, "0x"); ok && len(hex) == 4 {
		if n, err := strconv.ParseUint(hex, 16, 16); err == nil {
			return uint16(n), nil
		}
	}
	return 0, fmt.Errorf("%q is not a %s: use the name crypto/tls gives one, such as %q, or its number, such as %q", name, what, example, number)
}

func parseTLSVersion(name string) (uint16, error) {
	versions, _ := tlsNames()
	return parseTLSName(name, versions, "TLS version", "TLS 1.3", "0x0304")
}

func parseCipherSuite(name string) (uint16, error) {
	_, suites := tlsNames()
	return parseTLSName(name, suites, "cipher suite", "TLS_AES_128_GCM_SHA256", "0x1301")
}
