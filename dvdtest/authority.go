package dvdtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"sync"
	"time"
)

// An authority is the certificate authority of one test's proxy: it signs,
// on demand, a certificate for each host a child connects to through a
// CONNECT tunnel, so that the proxy can read the child's HTTPS. Its key
// lives in memory only and dies with the test; only the certificate, which
// is public, is written, as PEM, to the test's temporary directory.
type authority struct {
	cert      *x509.Certificate
	key       *ecdsa.PrivateKey
	leafKey   *ecdsa.PrivateKey // one key for every leaf: a key per host would cost more and protect nothing more
	notBefore time.Time
	notAfter  time.Time
	pem       []byte

	mu     sync.Mutex
	leaves map[string]*tls.Certificate // by host name or IP address
}

// newAuthority makes an authority valid from a minute ago (clocks of
// children may lag) until notAfter.
func newAuthority(name string, notAfter time.Time) (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	a := &authority{key: key, leafKey: leafKey, notBefore: time.Now().Add(-time.Minute), notAfter: notAfter, leaves: map[string]*tls.Certificate{}}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "dvdtest proxy CA for " + name, Organization: []string{"dvdtest"}},
		NotBefore:             a.notBefore,
		NotAfter:              a.notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	if a.cert, err = x509.ParseCertificate(der); err != nil {
		return nil, err
	}
	a.pem = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return a, nil
}

// leaf returns the certificate for host, signed the first time it is
// asked for.
func (a *authority) leaf(host string) (*tls.Certificate, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c := a.leaves[host]; c != nil {
		return c, nil
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: host},
		NotBefore:    a.notBefore,
		NotAfter:     a.notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &a.leafKey.PublicKey, a.key)
	if err != nil {
		return nil, err
	}
	c := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: a.leafKey}
	a.leaves[host] = c
	return c, nil
}

// serial returns a random 128-bit serial number, as RFC 5280 asks for
// serials that do not repeat.
func serial() *big.Int {
	var b [16]byte
	rand.Read(b[:])
	b[0] &= 0x7f // positive
	return new(big.Int).SetBytes(b[:])
}
