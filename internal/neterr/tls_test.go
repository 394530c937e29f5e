package neterr

import (
	"crypto/tls"
	"testing"
)

func TestParseTLSNames(t *testing.T) {
	tests := []struct {
		name, reason string
		parse        func(string) (uint16, error)
		in           string
		want         uint16
		err          string
	}{
		{"version", "", ParseVersion, tls.VersionName(tls.VersionTLS13), tls.VersionTLS13, ""},
		{"unknown version", "as crypto/tls names it", ParseVersion, "0x0305", 0x0305, ""},
		{"suite", "", ParseCipherSuite, "TLS_AES_128_GCM_SHA256", tls.TLS_AES_128_GCM_SHA256, ""},
		{"bad suite", "the error says what to write", ParseCipherSuite, "AES", 0,
			`"AES" is not a cipher suite: use the name crypto/tls gives one, such as "TLS_AES_128_GCM_SHA256", or its number, such as "0x1301"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.parse(tt.in)
			if got != tt.want || (err == nil) != (tt.err == "") || err != nil && err.Error() != tt.err {
				t.Errorf("parse(%q) = %#04x, %v; want %#04x, %q (%s)", tt.in, got, err, tt.want, tt.err, tt.reason)
			}
		})
	}
}

// A certificate is parsed once; bytes that do not parse keep their Raw.
func TestCertificatesParse(t *testing.T) {
	var certs Certificates
	der := []byte("not a certificate")
	a, b := certs.Parse(der), certs.Parse([]byte("not a certificate"))
	if a != b || string(a.Raw) != string(der) {
		t.Errorf("Parse gave %p and %p, Raw %q", a, b, a.Raw)
	}
}
