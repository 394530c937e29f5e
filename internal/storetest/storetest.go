// Package storetest holds what the tests of every cassette.Store share:
// an upstream to record, a GET, and the benchmark of a store, the same for
// a folder, memory, Redis and S3.
package storetest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// benchCassette is a cassette of 20 interactions with 1 KiB bodies.
func benchCassette() *cassette.Cassette {
	var ins []cassette.Interaction
	for i := range 20 {
		ins = append(ins, cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "http://bench.test/item/" + strconv.Itoa(i)},
			Response: &cassette.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(strings.Repeat("x", 1024))},
		})
	}
	return cassette.New(ins...)
}

// Bench measures, for s, Use+replay (load the cassette, make a
// replaying recorder, replay one request) and a save (of a cassette that
// moves on to its own version).
func Bench(b *testing.B, s cassette.Store) {
	ctx := context.Background()
	const name = "bench/store.dvd.json"
	if err := benchCassette().SaveTo(ctx, s, name); err != nil {
		b.Fatal(err)
	}
	b.Run("use+replay", func(b *testing.B) {
		req, _ := http.NewRequest("GET", "http://bench.test/item/7", nil)
		for b.Loop() {
			c, err := cassette.LoadFrom(ctx, s, name)
			if err != nil {
				b.Fatal(err)
			}
			rec, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeReplay})
			if err != nil {
				b.Fatal(err)
			}
			resp, err := rec.RoundTrip(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.Run("save", func(b *testing.B) {
		c, err := cassette.LoadFrom(ctx, s, name)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := c.SaveTo(ctx, s, name); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Upstream returns a server that answers every request with its path,
// closed at the test's end.
func Upstream(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "answer to "+r.URL.Path) }))
	t.Cleanup(srv.Close)
	return srv
}

// Get returns the body c gets for url, failing the test on an error.
func Get(t testing.TB, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
