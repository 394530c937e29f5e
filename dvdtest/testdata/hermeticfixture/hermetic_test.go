// Package hermeticfixture holds the tests that TestHermetic runs with the
// real go tool, to see dvdtest.Main refuse a request that bypasses every
// DVD. Run on their own, without HERMETIC_FIXTURE, they skip.
package hermeticfixture

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

// TestMain puts a dialer that dials nothing in http.DefaultTransport, so
// that a request let through says so instead of resolving a name, then
// runs the tests through dvdtest.Main.
func TestMain(m *testing.M) {
	http.DefaultTransport.(*http.Transport).DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, errors.New("fixture: dialed " + addr)
	}
	os.Exit(dvdtest.Main(m))
}

// TestBypass opens a DVD and then sends a request past it with http.Get.
func TestBypass(t *testing.T) {
	if os.Getenv("HERMETIC_FIXTURE") == "" {
		t.Skip("run by dvdtest's TestHermetic")
	}
	dvdtest.Use(t, "", dvdtest.WithStore(cassette.MemoryStore()), dvdtest.WithMode(cassette.ModeRecord))
	_, err := http.Get("https://api.example.test/v1/things")
	t.Logf("fixture: %v", err)
	if _, ok := http.DefaultTransport.(*http.Transport); !ok {
		t.Errorf("fixture: http.DefaultTransport is no *http.Transport any more")
	}
	c := http.DefaultTransport.(*http.Transport).Clone()
	_, err = (&http.Client{Transport: c}).Get("http://api.example.test/clone")
	t.Logf("fixture: clone: %v", err)
}
