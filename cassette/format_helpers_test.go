package cassette_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"

	"github.com/dvdrw/dvd/codec"
)

// fullFile returns a cassette in which every field of every type is set
// somewhere, and every way of storing a body is used.
func fullFile() *File {
	return &File{
		Version:    cassette.Version,
		RecordedAt: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC),
		Clock: cassette.Clock{
			Readings: []time.Time{
				time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC),
				time.Date(2024, 5, 6, 7, 8, 39, 0, time.UTC),
				time.Date(2024, 5, 6, 7, 9, 9, 500000000, time.UTC),
			},
			Seed: [32]byte{0x8f, 0x3a, 0x01, 31: 0xff},
			Values: map[string]string{
				"bucket":  "tf-acc-8f3a2c",
				"token":   "<API_TOKEN>",
				"ünïcode": "caf\xe9 \"quoted\"",
				"empty":   "",
			},
		},
		Interactions: []cassette.Interaction{
			{
				Request: cassette.Request{
					Method: "POST",
					URL:    "https://api.example.com/v1/items?b=2&a=1",
					Header: http.Header{
						"Content-Type": {"application/json"},
						"Accept":       {"text/plain", "application/json"},
						"X-Quote":      {`a "quoted" \ value`},
					},
					Body:    []byte(`{"name":"widget","tags":["a","b"],"price":12.50}`),
					Encoded: "gzip",
				},
				Response: &cassette.Response{
					Status:        "201 Created",
					StatusCode:    201,
					Proto:         "HTTP/2.0",
					Header:        http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"b=2", "a=1"}},
					Trailer:       http.Header{"X-Checksum": {"abc123"}},
					Body:          []byte("{\n  \"id\": 7\n}\n"),
					ContentLength: 14,
					Uncompressed:  true,
					Truncated:     true,
					TLS: &cassette.TLSState{
						Version:            tls.VersionTLS13,
						CipherSuite:        tls.TLS_AES_128_GCM_SHA256,
						ServerName:         "api.example.com",
						NegotiatedProtocol: "h2",
						PeerCertificates:   [][]byte{testCertificate("api.example.com"), testCertificate("Example CA")},
					},
					BodyError: neterr.Recorded(neterr.Record{
						Kind:    neterr.Reset,
						Message: "read tcp 10.0.0.1:50000->93.184.216.34:443: read: connection reset by peer",
						Op:      "read",
						Net:     "tcp",
						Addr:    "93.184.216.34:443",
					}),
				},
				Duration: 1234567 * time.Microsecond,
			},
			{
				Request: cassette.Request{
					Method: "PUT",
					URL:    "https://upload.example.com/blob/ünïcode",
					Header: http.Header{"Content-Type": {"application/octet-stream"}},
					Body:   []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0x00, 0xff},
				},
				Response: &cassette.Response{
					Status:           "200 OK",
					StatusCode:       200,
					Proto:            "HTTP/1.1",
					Header:           http.Header{"Content-Encoding": {"deflate"}},
					ContentLength:    -1,
					Encoded:          "deflate-raw",
					TransferEncoding: []string{"chunked"},
					Body:             []byte("saved:\n\t\"blob\" ✓\r\n"),
					TLS: &cassette.TLSState{
						Version:            tls.VersionTLS12,
						CipherSuite:        tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
						ServerName:         "upload.example.com",
						NegotiatedProtocol: "http/1.1",
						PeerCertificates:   [][]byte{testCertificate("upload.example.com"), testCertificate("Example CA")},
					},
				},
				Duration: 3 * time.Millisecond,
				Times:    3,
			},
			{
				Request: cassette.Request{
					Method: "GET", URL: "https://nowhere.invalid/",
					Body: []byte(`{"query": "a, b: c", "ids": [1, 2], "empty": {}}` + "\n"), // as Python's json.dumps writes it
				},
				Error: neterr.Recorded(neterr.Record{
					Kind:      neterr.DNS,
					Message:   "lookup nowhere.invalid on 8.8.8.8:53: no such host",
					Detail:    "no such host",
					Name:      "nowhere.invalid",
					Server:    "8.8.8.8:53",
					NotFound:  true,
					Temporary: true,
					Timeout:   true,
				}),
				Duration: -5 * time.Nanosecond,
			},
			{
				Request: cassette.Request{
					Method: "GET", URL: "https://plain.example.com/",
					Body: []byte("{ \"a\" :\t[ ],\r\n\"b\": \"\\u00e9\" }"), // spaced as no encoder does
				},
				Error: neterr.Recorded(neterr.Record{
					Kind:         neterr.TLS,
					Message:      "tls: first record does not look like a TLS handshake",
					Detail:       "first record does not look like a TLS handshake",
					RecordHeader: "HTTP/",
				}),
				Duration: 2 * time.Millisecond,
			},
			{
				Request: cassette.Request{Method: "GET", URL: "https://mtls.example.com/"},
				Error: neterr.Recorded(neterr.Record{
					Kind:    neterr.TLS,
					Message: "remote error: tls: certificate required",
					Op:      "remote error",
					Alert:   116,
				}),
				Duration: 4 * time.Millisecond,
			},
		},
	}
}

// testCertificate returns a self-signed certificate for name, the same
// bytes on every call: its key is derived from the name, and Ed25519
// signatures take no randomness.
func testCertificate(name string) []byte {
	seed := sha256.Sum256([]byte(name))
	key := ed25519.NewKeyFromSeed(seed[:])
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2034, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key)
	if err != nil {
		panic(err)
	}
	return der
}

// unsetFields returns the fields of the types reachable from v that are zero
// in every value of v, as "Type.Field".
func unsetFields(v any) []string {
	set := map[string]bool{}
	all := map[string]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.Struct {
				for i := range v.Len() {
					walk(v.Index(i))
				}
			}
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[time.Time]() {
				return
			}
			for i := range v.NumField() {
				name := v.Type().Name() + "." + v.Type().Field(i).Name
				all[name] = true
				if !v.Field(i).IsZero() {
					set[name] = true
				}
				walk(v.Field(i))
			}
		}
	}
	walk(reflect.ValueOf(v))
	var unset []string
	for name := range all {
		if !set[name] {
			unset = append(unset, name)
		}
	}
	return unset
}

func TestFullFileSetsEveryField(t *testing.T) {
	if unset := unsetFields(fullFile()); len(unset) > 0 {
		t.Errorf("fullFile leaves %v zero: set them, so that the round-trip and golden tests cover them", unset)
	}
}

// oneInteraction returns a cassette with one GET whose request and response
// carry body.
func oneInteraction(body []byte) *File {
	return &File{
		Version: cassette.Version,
		Interactions: []cassette.Interaction{{
			Request:  cassette.Request{Method: "POST", URL: "http://example.com/", Body: body},
			Response: &cassette.Response{Status: "200 OK", StatusCode: 200, ContentLength: int64(len(body)), Body: body},
		}},
	}
}

// mustEncode encodes f with c and fails the test on error.
func mustEncode(t testing.TB, f *File, c codec.Compression) []byte {
	t.Helper()
	b, err := encode(f, c)
	if err != nil {
		t.Fatalf("Encode(%v): %v", c, err)
	}
	return b
}

// A File is what the format tests build and compare: the fields of a
// cassette file.
type File struct {
	Version      int
	RecordedAt   time.Time
	Clock        cassette.Clock
	Interactions []cassette.Interaction
}

func (f *File) cassette() *cassette.Cassette {
	c := cassette.New(f.Interactions...)
	cassette.SetRawRecordedAt(c, f.RecordedAt)
	c.SetClock(f.Clock)
	return c
}

func fileOf(c *cassette.Cassette) *File {
	return &File{Version: cassette.Version, RecordedAt: c.RecordedAt(), Clock: c.Clock(), Interactions: c.Interactions()}
}

func marshal(f *File) []byte {
	data, err := cassette.Marshal(f.cassette())
	if err != nil {
		panic(err)
	}
	return data
}

func unmarshal(data []byte) (*File, error) {
	c, err := cassette.Unmarshal(data)
	if err != nil {
		return nil, err
	}
	return fileOf(c), nil
}

func encode(f *File, c codec.Compression) ([]byte, error) {
	return codec.Compress(marshal(f), c)
}

func readFile(path string) (*File, error) {
	c, err := cassette.Load(path)
	if err != nil {
		return nil, err
	}
	return fileOf(c), nil
}
