package cassette_test

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"
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
			c, back, _ := readTwice(t, []byte(data), tc.err, tc.reason)
			if c == nil {
				return
			}
			e := neterr.RecordOf(c.Interactions()[0].Error)
			if e.Alert != tc.alert || e.RecordHeader != tc.header {
				t.Errorf("read alert %d, record header %q; want %d, %q (%s)", e.Alert, e.RecordHeader, tc.alert, tc.header, tc.reason)
			}
			if b := neterr.RecordOf(back.Interactions()[0].Error); b != e {
				t.Errorf("round trip changed the error: %+v, want %+v", b, e)
			}
		})
	}
}

// readTwice unmarshals data, and marshals and unmarshals what it read
// again: it returns the first cassette, the second, and the file between
// them. Where wantErr is not empty, the first Unmarshal must fail with an
// error that holds it (reason says why), and readTwice returns nils.
func readTwice(t *testing.T, data []byte, wantErr, reason string) (c, back *cassette.Cassette, again []byte) {
	t.Helper()
	c, err := cassette.Unmarshal(data)
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("Unmarshal = %v, want an error containing %q (%s)", err, wantErr, reason)
		}
		return nil, nil, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	again, err = cassette.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err = cassette.Unmarshal(again)
	if err != nil {
		t.Fatalf("Unmarshal(Marshal): %v\n%s", err, again)
	}
	return c, back, again
}

// tlsFile returns a cassette whose one response names the TLS state name,
// and whose "tls" is table.
func tlsFile(name, table string) []byte {
	return []byte(`{"version": 2, "interactions": [{"request": {"method": "GET", "url": "https://x/"}, "response": {"code": 200, "tls": ` + name + `}}], "tls": ` + table + `}`)
}

// TestTLSStateFields reads the members of a recorded TLS state: names as
// crypto/tls gives them, numbers it has no name for, certificates in
// base64.
func TestTLSStateFields(t *testing.T) {
	cert := testCertificate("x")
	b64 := base64.StdEncoding.EncodeToString(cert)
	for _, tc := range []struct {
		name, reason string
		input        []byte
		want         cassette.TLSState
		err          string
	}{
		{name: "names", input: tlsFile(`"x"`, `{"x": {"version": "TLS 1.2", "cipher_suite": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "server_name": "x", "protocol": "h2"}}`),
			want: cassette.TLSState{Version: tls.VersionTLS12, CipherSuite: tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ServerName: "x", NegotiatedProtocol: "h2"}},
		{name: "insecure cipher suite", reason: "what a server chose is recorded, however weak", input: tlsFile(`"x"`, `{"x": {"cipher_suite": "TLS_RSA_WITH_RC4_128_SHA"}}`),
			want: cassette.TLSState{CipherSuite: tls.TLS_RSA_WITH_RC4_128_SHA}},
		{name: "numbers", reason: "crypto/tls names what it does not know by number", input: tlsFile(`"x"`, `{"x": {"version": "0x0305", "cipher_suite": "0xCAFE"}}`),
			want: cassette.TLSState{Version: 0x0305, CipherSuite: 0xcafe}},
		{name: "certificates", input: tlsFile(`"x"`, `{"x": {"version": "TLS 1.3", "peer_certificates": ["`+b64+`", "`+b64+`"]}}`),
			want: cassette.TLSState{Version: tls.VersionTLS13, PeerCertificates: [][]byte{cert, cert}}},
		{name: "states first", reason: "the members of a file may come in any order", input: []byte(`{"version": 2, "tls": {"x": {"protocol": "h2"}}, "interactions": [{"request": {"method": "GET", "url": "https://x/"}, "response": {"code": 200, "tls": "x"}}]}`),
			want: cassette.TLSState{NegotiatedProtocol: "h2"}},
		{name: "any name", reason: "a name is only a name", input: tlsFile(`"my server"`, `{"my server": {"server_name": "x"}}`),
			want: cassette.TLSState{ServerName: "x"}},
		{name: "unknown version", input: tlsFile(`"x"`, `{"x": {"version": "TLS 1.4"}}`), err: `line 1, column 151: tls: "x": version: "TLS 1.4" is not a TLS version: use the name crypto/tls gives one, such as "TLS 1.3", or its number, such as "0x0304"`},
		{name: "version a number", input: tlsFile(`"x"`, `{"x": {"version": 772}}`), err: `tls: "x": version should be a JSON string, not a number`},
		{name: "unknown cipher suite", input: tlsFile(`"x"`, `{"x": {"cipher_suite": "AES"}}`), err: `cipher_suite: "AES" is not a cipher suite`},
		{name: "state not held", input: tlsFile(`"y"`, `{"x": {}}`), err: `line 1, column 118: TLS state "y" is not in the file's "tls", which holds each state the responses name`},
		{name: "no states", input: []byte(`{"version": 2, "interactions": [{"request": {"method": "GET", "url": "https://x/"}, "response": {"code": 200, "tls": "x"}}]}`), err: `TLS state "x" is not in the file's "tls"`},
		{name: "state twice", input: tlsFile(`"x"`, `{"x": {}, "x": {}}`), err: `tls: "x" appears twice`},
		{name: "certificate not base64", input: tlsFile(`"x"`, `{"x": {"peer_certificates": ["#"]}}`), err: `tls: "x": peer_certificates: illegal base64 data`},
		{name: "states not an object", input: tlsFile(`"x"`, `[]`), err: `tls should be a JSON object, not an array`},
		{name: "state inline", reason: "a response names its state", input: tlsFile(`{"version": "TLS 1.3"}`, `{}`), err: `line 1, column 118: interaction 1 (GET https://x/): response: tls names a state of the file's "tls", as "tls": "api.example.com": the state itself is held there`},
		{name: "unknown key", input: tlsFile(`"x"`, `{"x": {"alpn": "h2"}}`), err: `unknown key "alpn": a TLS state has only "version", "cipher_suite", "server_name", "protocol" and "peer_certificates"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, back, again := readTwice(t, tc.input, tc.err, tc.reason)
			if c == nil {
				return
			}
			got := c.Interactions()[0].Response.TLS
			if diff := cmp.Diff(&tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("TLS state mismatch (-want +got) (%s):\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(got, back.Interactions()[0].Response.TLS); diff != "" {
				t.Errorf("round trip changed the TLS state (-first +again):\n%s\n%s", diff, again)
			}
		})
	}
}

// TestTLSStatesHeldOnce checks that a TLS state is written once however
// many responses hold it, whether they share it or hold copies, that states
// are named by server name, numbered when a server has several, and that
// the file reads back into shared states.
func TestTLSStatesHeldOnce(t *testing.T) {
	leaf, other, ca := testCertificate("a.example.com"), testCertificate("a.example.com, renewed"), testCertificate("Example CA")
	state := func(alpn string, certs ...[]byte) *cassette.TLSState {
		return &cassette.TLSState{Version: tls.VersionTLS13, ServerName: "a.example.com", NegotiatedProtocol: alpn, PeerCertificates: certs}
	}
	shared := state("h2", leaf, ca)
	var ins []cassette.Interaction
	for i := range 60 {
		var t *cassette.TLSState
		switch i % 6 {
		case 0, 1:
			t = shared
		case 2:
			t = state("h2", bytes.Clone(leaf), bytes.Clone(ca)) // a copy
		case 3:
			t = state("http/1.1", leaf, ca) // another protocol
		case 4:
			t = state("h2", other, ca) // a renewed certificate
		case 5:
			t = &cassette.TLSState{Version: tls.VersionTLS12, PeerCertificates: [][]byte{ca}} // no server name
		}
		ins = append(ins, cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: fmt.Sprint("https://a.example.com/", i)},
			Response: &cassette.Response{StatusCode: 200, TLS: t},
		})
	}
	data, err := cassette.Marshal(cassette.New(ins...))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(data, []byte(base64.StdEncoding.EncodeToString(leaf))); n != 2 {
		t.Errorf("a certificate is written %d times, want twice: in the two states over h2 and http/1.1", n)
	}
	for name, want := range map[string]int{`"a.example.com (1)"`: 31, `"a.example.com (2)"`: 11, `"a.example.com (3)"`: 11, `"(no server name)"`: 11} {
		if n := bytes.Count(data, []byte(name)); n != want {
			t.Errorf("%s appears %d times, want %d", name, n, want)
		}
	}
	c, err := cassette.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Interactions()
	for i, in := range got {
		if diff := cmp.Diff(ins[i].Response.TLS, in.Response.TLS); diff != "" {
			t.Fatalf("response %d: TLS state mismatch (-want +got):\n%s", i, diff)
		}
		if i >= 6 && in.Response.TLS != got[i-6].Response.TLS {
			t.Errorf("response %d holds a copy of a state, not the one the file holds", i)
		}
	}

	// The names depend on the states, not on the order of the responses.
	slices.Reverse(ins)
	again, err := cassette.Marshal(cassette.New(ins...))
	if err != nil {
		t.Fatal(err)
	}
	if table := func(b []byte) string { return string(b[bytes.LastIndex(b, []byte(`"tls": {`)):]) }; table(again) != table(data) {
		t.Errorf("the states are named otherwise when the responses come in another order:\n%s\nthen\n%s", table(data), table(again))
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

// TestTLSStateNames checks that the names of the TLS states are unique and
// valid UTF-8 whatever the server names, so that the file reads back.
func TestTLSStateNames(t *testing.T) {
	for _, tc := range []struct {
		name, reason string
		servers      []string // one state each; a repeated name gives states that differ by protocol
		want         []string
	}{
		{name: "one each", servers: []string{"b", "a"}, want: []string{"a", "b"}},
		{name: "numbered", reason: "the states of one server are numbered", servers: []string{"a", "a"}, want: []string{"a (1)", "a (2)"}},
		{name: "a name like a numbered one", reason: "a server named \"a (1)\" must not share a name", servers: []string{"a", "a", "a (1)"}, want: []string{"a (1)", "a (1) (1)", "a (2)"}},
		{name: "no server name", servers: []string{""}, want: []string{"(no server name)"}},
		{name: "not UTF-8", servers: []string{"\xff"}, want: []string{"\ufffd"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ins []cassette.Interaction
			for i, s := range tc.servers {
				ins = append(ins, cassette.Interaction{
					Request:  cassette.Request{Method: "GET", URL: "https://x/"},
					Response: &cassette.Response{StatusCode: 200, TLS: &cassette.TLSState{ServerName: s, NegotiatedProtocol: strconv.Itoa(i)}},
				})
			}
			data, err := cassette.Marshal(cassette.New(ins...))
			if err != nil {
				t.Fatal(err)
			}
			c, err := cassette.Unmarshal(data)
			if err != nil {
				t.Fatalf("Unmarshal(Marshal): %v\n%s", err, data)
			}
			for i, in := range c.Interactions() {
				if diff := cmp.Diff(ins[i].Response.TLS, in.Response.TLS); diff != "" {
					t.Errorf("response %d: TLS state mismatch (-want +got):\n%s", i, diff)
				}
			}
			var doc struct {
				TLS map[string]json.RawMessage `json:"tls"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			got := slices.Sorted(maps.Keys(doc.TLS))
			if !slices.Equal(got, tc.want) {
				t.Errorf("the states are named %q, want %q (%s)", got, tc.want, tc.reason)
			}
		})
	}
}
