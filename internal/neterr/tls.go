package neterr

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

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

// ParseVersion returns the TLS version named name, as tls.VersionName
// names it ("TLS 1.3", or "0x0305" for a number crypto/tls does not know).
func ParseVersion(name string) (uint16, error) {
	versions, _ := tlsNames()
	return parseTLSName(name, versions, "TLS version", "TLS 1.3", "0x0304")
}

// ParseCipherSuite returns the cipher suite named name, as
// tls.CipherSuiteName names it ("TLS_AES_128_GCM_SHA256", or "0x1301").
func ParseCipherSuite(name string) (uint16, error) {
	_, suites := tlsNames()
	return parseTLSName(name, suites, "cipher suite", "TLS_AES_128_GCM_SHA256", "0x1301")
}

// Certificates parses certificates once each, however many connections
// hold them. The zero value is ready to use; it is not safe for concurrent
// use.
type Certificates struct {
	byBytes map[string]*x509.Certificate
}

// Parse returns the certificate that der encodes. Bytes that a newer Go
// no longer parses, or that a hand edit broke, give a certificate that
// holds only its Raw bytes: replay goes on, and code that compares
// certificates still can.
func (s *Certificates) Parse(der []byte) *x509.Certificate {
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
