package cassette_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/dvdrw/dvd/cassette"
)

// A recorder over a store is a caching transport outside tests: ModeAppend
// replays what it has and records what it lacks, and an age limit read
// from the cassette (RecordedAt) records anew once it is stale. Any store
// serves: a folder, Redis or S3 shared by several machines, or memory.
func ExampleLoadFrom_cache() {
	calls := 0
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		fmt.Fprintf(w, "rates for %s", r.URL.Query().Get("day"))
	}))
	defer api.Close()

	ctx := context.Background()
	store := cassette.MemoryStore()
	const name, maxAge = "cache/rates.dvd.json.zst", 24 * time.Hour

	// fetch opens the cache, gets the URLs through it and saves it.
	fetch := func(urls ...string) {
		c, err := cassette.LoadFrom(ctx, store, name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			panic(err)
		}
		mode := cassette.ModeAppend
		if c.Len() > 0 && time.Since(c.RecordedAt()) > maxAge {
			mode = cassette.ModeRecord // stale: fetch everything anew
		}
		rec, err := cassette.NewRecorder(c, cassette.Config{Mode: mode})
		if err != nil {
			panic(err)
		}
		client := &http.Client{Transport: rec}
		for _, u := range urls {
			resp, err := client.Get(u)
			if err != nil {
				panic(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			fmt.Printf("%s (API calls so far: %d)\n", body, calls)
		}
		rec.Close()
		if out := rec.Cassette(); out != nil {
			if err := out.SaveTo(ctx, store, name); err != nil {
				panic(err)
			}
		}
	}
	fetch(api.URL + "/rates?day=mon")
	fetch(api.URL+"/rates?day=mon", api.URL+"/rates?day=tue")
	// Output:
	// rates for mon (API calls so far: 1)
	// rates for mon (API calls so far: 1)
	// rates for tue (API calls so far: 2)
}
