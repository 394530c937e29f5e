package cassette_test

import (
	"bytes"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// TestReplayLooksLikeTheRecording records responses from real servers,
// saves and loads the cassette, stops the servers, and checks that a replay
// says of its connection what the recording said: the TLS state, with the
// certificates parsed, and the transfer coding.
func TestReplayLooksLikeTheRecording(t *testing.T) {
	for _, tc := range []struct {
		name, reason string
		tls, http2   bool
		chunked      bool
	}{
		{name: "https, chunked", reason: "HTTP/1.1 without a length is chunked", tls: true, chunked: true},
		{name: "https, HTTP/2", reason: "ALPN chose h2, which has no transfer coding", tls: true, http2: true, chunked: true},
		{name: "https with a length", tls: true},
		{name: "http, chunked", reason: "plain HTTP replays with no TLS state", chunked: true},
		{name: "http with a length"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !tc.chunked {
					w.Header().Set("Content-Length", "12")
				}
				io.WriteString(w, "hello")
				w.(http.Flusher).Flush()
				io.WriteString(w, ", world")
			}))
			srv.EnableHTTP2 = tc.http2
			if tc.tls {
				srv.StartTLS()
			} else {
				srv.Start()
			}
			defer srv.Close()

			rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Upstream: srv.Client().Transport})
			want := roundTrip(t, rec, srv.URL+"/x")
			if (want.TLS != nil) != tc.tls {
				t.Fatalf("recording: resp.TLS = %v; the test expects TLS: %v", want.TLS, tc.tls)
			}
			if tc.tls && tc.http2 != (want.TLS.NegotiatedProtocol == "h2") {
				t.Fatalf("recording: ALPN chose %q; the test expects HTTP/2: %v", want.TLS.NegotiatedProtocol, tc.http2)
			}
			if chunked := tc.chunked && !tc.http2; chunked != slices.Equal(want.TransferEncoding, []string{"chunked"}) {
				t.Fatalf("recording: TransferEncoding %q; the test expects chunked: %v", want.TransferEncoding, chunked)
			}
			rec.Close()
			c := viaFile(t, rec.Cassette())
			srv.Close()

			play := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay, AllowRepeats: true})
			got := roundTrip(t, play, srv.URL+"/x")
			if !slices.Equal(got.TransferEncoding, want.TransferEncoding) {
				t.Errorf("TransferEncoding = %q, recorded %q (%s)", got.TransferEncoding, want.TransferEncoding, tc.reason)
			}
			if got.ContentLength != want.ContentLength || got.Proto != want.Proto {
				t.Errorf("ContentLength, Proto = %d, %s; recorded %d, %s", got.ContentLength, got.Proto, want.ContentLength, want.Proto)
			}
			if !tc.tls {
				if got.TLS != nil {
					t.Errorf("replay over plain HTTP: resp.TLS = %+v, want nil", got.TLS)
				}
				return
			}
			sameTLSState(t, got.TLS, want.TLS)

			// Each replay gets a state of its own, with the same certificates.
			got.TLS.Version = 0
			got.TLS.PeerCertificates[0] = nil
			if len(got.TransferEncoding) > 0 {
				got.TransferEncoding[0] = "changed"
			}
			again := roundTrip(t, play, srv.URL+"/x")
			sameTLSState(t, again.TLS, want.TLS)
			if !slices.Equal(again.TransferEncoding, want.TransferEncoding) {
				t.Errorf("a change to one replay's TransferEncoding changed the next: %q", again.TransferEncoding)
			}
		})
	}
}

// roundTrip sends a GET through rt and reads the response's body.
func roundTrip(t *testing.T, rt http.RoundTripper, url string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, err := io.ReadAll(resp.Body); err != nil || string(b) != "hello, world" {
		t.Fatalf("body %q, %v", b, err)
	}
	return resp
}

// sameTLSState compares what a replay's TLS state holds with the
// recording's.
func sameTLSState(t *testing.T, got, want *tls.ConnectionState) {
	t.Helper()
	if got == nil {
		t.Fatal("replay: resp.TLS is nil; the recording had a TLS state")
	}
	if !got.HandshakeComplete {
		t.Error("replay: HandshakeComplete is false")
	}
	if got.Version != want.Version || got.CipherSuite != want.CipherSuite || got.NegotiatedProtocol != want.NegotiatedProtocol || got.ServerName != want.ServerName {
		t.Errorf("replay: %s, %s, ALPN %q, server name %q; recorded %s, %s, ALPN %q, server name %q",
			tls.VersionName(got.Version), tls.CipherSuiteName(got.CipherSuite), got.NegotiatedProtocol, got.ServerName,
			tls.VersionName(want.Version), tls.CipherSuiteName(want.CipherSuite), want.NegotiatedProtocol, want.ServerName)
	}
	if len(got.PeerCertificates) != len(want.PeerCertificates) || len(want.PeerCertificates) == 0 {
		t.Fatalf("replay: %d peer certificates, recorded %d", len(got.PeerCertificates), len(want.PeerCertificates))
	}
	for i, c := range got.PeerCertificates {
		w := want.PeerCertificates[i]
		if !bytes.Equal(c.Raw, w.Raw) || !slices.Equal(c.DNSNames, w.DNSNames) || !c.NotAfter.Equal(w.NotAfter) {
			t.Errorf("replay: peer certificate %d is not the recorded one, parsed", i)
		}
	}
}

// TestReplayedTLSStateSharesCertificates checks that a certificate is
// parsed once for all the responses that hold it, and that bytes that do
// not parse still replay, as a certificate of Raw bytes alone.
func TestReplayedTLSStateSharesCertificates(t *testing.T) {
	leaf := testCertificate("a.example.com")
	var ins []cassette.Interaction
	for i, der := range [][]byte{leaf, bytes.Clone(leaf), []byte("not DER")} {
		ins = append(ins, cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "https://a.example.com/" + strconv.Itoa(i)},
			Response: &cassette.Response{StatusCode: 200, TLS: &cassette.TLSState{Version: tls.VersionTLS13, PeerCertificates: [][]byte{der}}},
		})
	}
	play := mustRecorder(t, cassette.New(ins...), cassette.Config{Mode: cassette.ModeReplay})
	var certs []*tls.ConnectionState
	for i := range ins {
		req, err := http.NewRequest("GET", "https://a.example.com/"+strconv.Itoa(i), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := play.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, resp.TLS)
	}
	if certs[0].PeerCertificates[0] != certs[1].PeerCertificates[0] {
		t.Error("one certificate recorded twice was parsed twice")
	}
	if c := certs[0].PeerCertificates[0]; c.Subject.CommonName != "a.example.com" {
		t.Errorf("the certificate is not parsed: subject %q", c.Subject.CommonName)
	}
	if c := certs[2].PeerCertificates[0]; string(c.Raw) != "not DER" {
		t.Errorf("a certificate that does not parse replays as %+v, want its Raw bytes", c)
	}
}
