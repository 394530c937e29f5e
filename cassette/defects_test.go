package cassette_test

// Regression tests for the defects of issue #7, against real servers on
// loopback.

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// swapDefaultTransport puts rt in http.DefaultTransport for the rest of the
// test, as httpmock's Activate does.
func swapDefaultTransport(t *testing.T, rt http.RoundTripper) {
	old := http.DefaultTransport
	http.DefaultTransport = rt
	t.Cleanup(func() { http.DefaultTransport = old })
}

// The default upstream reaches the network whatever a test did to
// http.DefaultTransport.
func TestDefaultUpstreamIgnoresDefaultTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "from the server")
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name, reason string
		replaced     http.RoundTripper
	}{
		{
			name:     "mock",
			reason:   "httpmock and the like install a RoundTripper that is not an *http.Transport",
			replaced: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("mock: no responder") }),
		},
		{
			name:   "transport that cannot dial",
			reason: "a test's own *http.Transport in the global must not become dvd's",
			replaced: &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
				return nil, errors.New("test transport: dialing is off")
			}},
		},
		{
			name:     "nil",
			reason:   "dvd does not read the global at all",
			replaced: nil,
		},
	} {
		for _, mode := range []cassette.Mode{cassette.ModeRecord, cassette.ModePassthrough} {
			t.Run(tc.name+"/"+mode.String(), func(t *testing.T) {
				swapDefaultTransport(t, tc.replaced)
				r := newRec(t, nil, cassette.Config{Mode: mode})
				got, err := get(t, r, "GET", srv.URL+"/x", "")
				if err != nil || got != "from the server" {
					t.Errorf("got %q, %v; want the server's answer (%s)", got, err, tc.reason)
				}
			})
		}
	}
}
