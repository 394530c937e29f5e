package dvdtest_test

// Regression tests for the defects of issue #7.

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// A test that mocked http.DefaultTransport can still record: Use does not
// depend on the global.
func TestUseWithDefaultTransportReplaced(t *testing.T) {
	cleanEnv(t)
	srv := newServer(t)
	old := http.DefaultTransport
	// As httpmock's Activate does: a RoundTripper that is no *http.Transport.
	http.DefaultTransport = roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("mock: no responder")
	})
	t.Cleanup(func() { http.DefaultTransport = old })

	tb, got := session(t, "mocked", srv.URL, nil, "pass", "/a")
	if tb.Failed() || len(got) != 1 || got[0] != "hit 1 /a" {
		t.Fatalf("recording with a mocked http.DefaultTransport got %q:\n%s", got, tb.output())
	}
	if !strings.Contains(tb.output(), "recorded 1 interaction") {
		t.Errorf("the cassette was not saved:\n%s", tb.output())
	}
}
