package cassette_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/dvdrw/dvd/cassette"
)

// A Recorder works without testing: record through it, keep the cassette,
// and replay from it once the server is gone.
func ExampleNewRecorder() {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		fmt.Fprint(w, "pong")
	}))
	get := func(rt http.RoundTripper) string {
		resp, err := (&http.Client{Transport: rt}).Get(srv.URL + "/ping")
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("%s (server hits: %d)", b, hits)
	}

	rec, _ := cassette.NewRecorder(nil, cassette.Config{Mode: cassette.ModeRecord})
	fmt.Println(get(rec))
	rec.Close()
	recorded := rec.Cassette() // rec.Cassette().Save(path) writes it to a file

	srv.Close()
	play, _ := cassette.NewRecorder(recorded, cassette.Config{Mode: cassette.ModeReplay})
	fmt.Println(get(play))
	// Output:
	// pong (server hits: 1)
	// pong (server hits: 1)
}
