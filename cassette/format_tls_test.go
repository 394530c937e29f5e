package cassette_test

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dvdrw/dvd/cassette"
)

// TestTLSErrorFields reads the members of a recorded TLS failure: the
// alert's number, within a byte, and the record header, as text.
func TestTLSErrorFields(t *testing.T) {
	for _, tc := range []struct {
		name, reason, fields string
		alert                uint8
		header, err          string
	}{
		{name: "alert", fields: `"alert": 116`, alert: 116},
		{name: "largest alert", fields: `"alert": 255`, alert: 255},
		{name: "alert too large", reason: "an alert is a byte", fields: `"alert": 256`, err: "out of range"},
		{name: "negative alert", fields: `"alert": -1`, err: "out of range"},
		{name: "fractional alert", fields: `"alert": 1.5`, err: "alert"},
		{name: "record header", fields: `"record_header": "HTTP/"`, header: "HTTP/"},
		{name: "binary record header", reason: "bytes that are not UTF-8 are written as latin1", fields: `"record_header": {"latin1": "\u0016\u00ff"}`, header: "\x16\xff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := `{"version": 1, "interactions": [{"request": {"method": "GET", "url": "https://x/"}, "error": {"kind": "tls", "message": "m", ` + tc.fields + `}}]}`
			c, err := cassette.Unmarshal([]byte(data))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Unmarshal = %v, want an error containing %q (%s)", err, tc.err, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			e := c.Interactions()[0].Error
			if e.Alert != tc.alert || e.RecordHeader != tc.header {
				t.Errorf("read alert %d, record header %q; want %d, %q (%s)", e.Alert, e.RecordHeader, tc.alert, tc.header, tc.reason)
			}
			again, err := cassette.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			back, err := cassette.Unmarshal(again)
			if err != nil {
				t.Fatalf("Unmarshal(Marshal): %v\n%s", err, again)
			}
			if b := back.Interactions()[0].Error; *b != *e {
				t.Errorf("round trip changed the error: %+v, want %+v", b, e)
			}
		})
	}
}

// tlsFile returns a cassette whose one response has the given "tls" object
// and, after the interactions, the given file members.
func tlsFile(tlsObject, after string) []byte {
	return []byte(`{"version": 2, "interactions": [{"request": {"method": "GET", "url": "https://x/"}, "response": {"code": 200, "tls": ` + tlsObject + `}}]` + after + `}`)
}

// TestTLSStateFields reads the members of a recorded TLS state: names as
// crypto/tls gives them, numbers it has no name for, certificates by name.
func TestTLSStateFields(t *testing.T) {
	cert := testCertificate("x")
	table := `, "certificates": {"c": "` + base64.StdEncoding.EncodeToString(cert) + `"}`
	for _, tc := range []struct {
		name, reason string
		input        []byte
		want         cassette.TLSState
		err          string
	}{
		{name: "names", input: tlsFile(`{"version": "TLS 1.2", "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "server_name": "x", "protocol": "h2"}`, ""),
			want: cassette.TLSState{Version: tls.VersionTLS12, CipherSuite: tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ServerName: "x", NegotiatedProtocol: "h2"}},
		{name: "insecure cipher suite", reason: "what a server chose is recorded, however weak", input: tlsFile(`{"cipher_suite": "TLS_RSA_WITH_RC4_128_SHA"}`, ""),
			want: cassette.TLSState{CipherSuite: tls.TLS_RSA_WITH_RC4_128_SHA}},
		{name: "numbers", reason: "crypto/tls names what it does not know by number", input: tlsFile(`{"version": "0x0305", "cipher_suite": "0xCAFE"}`, ""),
			want: cassette.TLSState{Version: 0x0305, CipherSuite: 0xcafe}},
		{name: "certificate", input: tlsFile(`{"version": "TLS 1.3", "peer_certificates": ["c", "c"]}`, table),
			want: cassette.TLSState{Version: tls.VersionTLS13, PeerCertificates: [][]byte{cert, cert}}},
		{name: "certificates first", reason: "the members of a file may come in any order", input: []byte(`{"version": 2` + table + `, "interactions": [{"request": {"method": "GET", "url": "https://x/"}, "response": {"code": 200, "tls": {"peer_certificates": ["c"]}}}]}`),
			want: cassette.TLSState{PeerCertificates: [][]byte{cert}}},
		{name: "unknown version", input: tlsFile(`{"version": "TLS 1.4"}`, ""), err: `line 1, column 130: interaction 0 (GET https://x/): response: tls: version: "TLS 1.4" is not a TLS version: use the name crypto/tls gives one, such as "TLS 1.3", or its number, such as "0x0304"`},
		{name: "version a number", input: tlsFile(`{"version": 772}`, ""), err: "tls: version should be a JSON string, not a number"},
		{name: "unknown cipher suite", input: tlsFile(`{"cipher_suite": "AES"}`, ""), err: `tls: cipher_suite: "AES" is not a cipher suite`},
		{name: "certificate not held", input: tlsFile(`{"peer_certificates": ["c", "d"]}`, table), err: `line 1, column 146: peer certificate "d" is not in "certificates"`},
		{name: "no certificates", input: tlsFile(`{"peer_certificates": ["c"]}`, ""), err: `peer certificate "c" is not in "certificates"`},
		{name: "certificate twice", input: tlsFile(`{}`, `, "certificates": {"c": "AA==", "c": "AA=="}`), err: `certificates: "c" appears twice`},
		{name: "certificate not base64", input: tlsFile(`{}`, `, "certificates": {"c": "#"}`), err: `certificates: c: illegal base64 data`},
		{name: "certificates not an object", input: tlsFile(`{}`, `, "certificates": []`), err: `certificates should be a JSON object, not an array`},
		{name: "unknown key", input: tlsFile(`{"alpn": "h2"}`, ""), err: `unknown key "alpn": a TLS state has only "version", "cipher_suite", "server_name", "protocol" and "peer_certificates"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := cassette.Unmarshal(tc.input)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Unmarshal = %v, want an error containing %q (%s)", err, tc.err, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := c.Interactions()[0].Response.TLS
			if diff := cmp.Diff(&tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("TLS state mismatch (-want +got) (%s):\n%s", tc.reason, diff)
			}
			again, err := cassette.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			back, err := cassette.Unmarshal(again)
			if err != nil {
				t.Fatalf("Unmarshal(Marshal): %v\n%s", err, again)
			}
			if diff := cmp.Diff(got, back.Interactions()[0].Response.TLS); diff != "" {
				t.Errorf("round trip changed the TLS state (-first +again):\n%s\n%s", diff, again)
			}
		})
	}
}

// TestCertificatesHeldOnce checks that a certificate is written once
// however many responses name it, whether they share its bytes or hold
// copies, and that the file reads back into shared bytes.
func TestCertificatesHeldOnce(t *testing.T) {
	leaf, ca := testCertificate("a.example.com"), testCertificate("Example CA")
	var ins []cassette.Interaction
	for i := range 50 {
		certs := [][]byte{leaf, ca}
		if i%2 == 1 {
			certs = [][]byte{bytes.Clone(leaf), bytes.Clone(ca)}
		}
		ins = append(ins, cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: fmt.Sprint("https://a.example.com/", i)},
			Response: &cassette.Response{StatusCode: 200, TLS: &cassette.TLSState{Version: tls.VersionTLS13, PeerCertificates: certs}},
		})
	}
	data, err := cassette.Marshal(cassette.New(ins...))
	if err != nil {
		t.Fatal(err)
	}
	for _, der := range [][]byte{leaf, ca} {
		if n := bytes.Count(data, []byte(base64.StdEncoding.EncodeToString(der))); n != 1 {
			t.Errorf("a certificate is written %d times, want once", n)
		}
	}
	c, err := cassette.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Interactions()
	first := got[0].Response.TLS.PeerCertificates
	for _, in := range got {
		certs := in.Response.TLS.PeerCertificates
		if !bytes.Equal(certs[0], leaf) || !bytes.Equal(certs[1], ca) {
			t.Fatalf("read back other certificates")
		}
		if &certs[0][0] != &first[0][0] {
			t.Errorf("the interactions hold copies of a certificate, not the one the file holds")
		}
	}
}

// TestTransferEncodingField reads and writes a response's transfer codings.
func TestTransferEncodingField(t *testing.T) {
	for _, tc := range []struct {
		name, reason, member string
		want                 []string
		err                  string
	}{
		{name: "chunked", member: `"transfer_encoding": ["chunked"]`, want: []string{"chunked"}},
		{name: "two", member: `"transfer_encoding": ["gzip", "chunked"]`, want: []string{"gzip", "chunked"}},
		{name: "empty", reason: "an empty list is one left out", member: `"transfer_encoding": []`},
		{name: "a string", member: `"transfer_encoding": "chunked"`, err: "response: transfer_encoding should be a JSON array, not a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := cassette.Unmarshal([]byte(`{"version": 2, "interactions": [{"request": {"method": "GET", "url": "/"}, "response": {"code": 200, ` + tc.member + `}}]}`))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Unmarshal = %v, want an error containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := c.Interactions()[0].Response.TransferEncoding
			if !slices.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
				t.Errorf("TransferEncoding = %#v, want %#v (%s)", got, tc.want, tc.reason)
			}
			data, err := cassette.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			if written := bytes.Contains(data, []byte(`"transfer_encoding"`)); written != (len(tc.want) > 0) {
				t.Errorf("transfer_encoding written: %v, want %v:\n%s", written, len(tc.want) > 0, data)
			}
		})
	}
}
