// Package storetest holds what the tests of every cassette.Store share:
// an upstream to record, a GET, the race of two machines saving one
// cassette, a store stopped mid-test, and the benchmark of a store, the
// same for a folder, memory, Redis and S3.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
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

// Race has two machines, each with a store of its own from machine, record
// a cassette named name at once and save it, in each of ModeAppend,
// ModeRecord and ModeOnce: in ModeAppend both recordings are kept, after
// the one already saved; otherwise one save fails with ErrChanged, naming
// the cassette (where is the store's URL of the folder machine's stores
// save under, with a slash at its end) and both recordings, and the
// other's recording stays.
func Race(t *testing.T, machine func() cassette.Store, where, name string) {
	srv := Upstream(t)
	ctx := context.Background()
	for _, mode := range []cassette.Mode{cassette.ModeAppend, cassette.ModeRecord, cassette.ModeOnce} {
		t.Run(mode.String(), func(t *testing.T) {
			name := mode.String() + "-" + name
			if mode == cassette.ModeAppend {
				c := cassette.New(cassette.Interaction{Request: cassette.Request{Method: "GET", URL: srv.URL + "/seed"},
					Response: &cassette.Response{StatusCode: 200, Body: []byte("seed")}})
				if err := c.SaveTo(ctx, machine(), name); err != nil {
					t.Fatal(err)
				}
			}
			var ready, wg sync.WaitGroup
			errs := make([]error, 2)
			ready.Add(2)
			start := make(chan struct{})
			for i := range 2 {
				wg.Go(func() {
					s := machine()
					c, _ := cassette.LoadFrom(ctx, s, name)
					rec, err := cassette.NewRecorder(c, cassette.Config{Mode: mode, Upstream: srv.Client().Transport})
					if err != nil {
						errs[i] = err
						ready.Done()
						return
					}
					Get(t, &http.Client{Transport: rec}, srv.URL+"/m"+strconv.Itoa(i))
					rec.Close()
					ready.Done()
					<-start
					errs[i] = rec.Cassette().SaveTo(ctx, s, name)
				})
			}
			ready.Wait()
			close(start)
			wg.Wait()
			got, err := cassette.LoadFrom(ctx, machine(), name)
			if err != nil {
				t.Fatal(err)
			}
			var urls []string
			for _, in := range got.Interactions() {
				urls = append(urls, in.Request.URL[len(srv.URL):])
			}
			all := strings.Join(urls, " ")
			if mode == cassette.ModeAppend {
				if errors.Join(errs...) != nil || got.Len() != 3 || urls[0] != "/seed" {
					t.Errorf("the store holds %s (%v); want /seed, /m0 and /m1", all, errors.Join(errs...))
				}
				return
			}
			failed := 0
			for _, err := range errs {
				if err != nil {
					failed++
					if !errors.Is(err, cassette.ErrChanged) || !strings.Contains(err.Error(), where+name) || !strings.Contains(err.Error(), "recorded at") {
						t.Errorf("the failed save says: %v; want ErrChanged naming %s and both recordings", err, where+name)
					}
				}
			}
			if failed != 1 || got.Len() != 1 {
				t.Errorf("%d of 2 saves failed, the store holds %s; want one failed and the other's recording kept", failed, all)
			}
		})
	}
}

// Stopped records a cassette named name into s, runs stop (which stops the
// store's server), and returns what the save, and then a load, of the
// cassette return, for the caller to check that each names the store and
// says what to check.
func Stopped(t *testing.T, s cassette.Store, name string, stop func()) (saveErr, loadErr error) {
	t.Helper()
	srv := Upstream(t)
	ctx := context.Background()
	c, _ := cassette.LoadFrom(ctx, s, name)
	rec, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeOnce, Upstream: srv.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	Get(t, &http.Client{Transport: rec}, srv.URL+"/x")
	rec.Close()
	stop()
	saveErr = rec.Cassette().SaveTo(ctx, s, name)
	_, loadErr = cassette.LoadFrom(ctx, s, name)
	return saveErr, loadErr
}
