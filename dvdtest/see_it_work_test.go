package dvdtest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"

	"github.com/dvdrw/dvd/dvdtest"
)

// TestSeeItWork shows dvd at work, step by step, to someone who has just
// cloned it:
//
//	go test -v -run '^TestSeeItWork$' ./dvdtest
//
// One test function runs twice, as on two days: the first run records its
// requests to a local server in a cassette, the server stops, and the
// second run replays them. README.md shows the output.
func TestSeeItWork(t *testing.T) {
	t.Setenv("CI", "") // the default mode of a developer's machine, even in CI
	t.Setenv("DVD_MODE", "")
	t.Chdir(t.TempDir()) // a testdata/ of its own, removed at the end

	var requests atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		fmt.Fprintf(w, "hello, %s", r.URL.Query().Get("name"))
	}))
	defer api.Close()
	t.Log("started a local server that greets whoever is named in the query")

	// The test as a user writes it: func TestGreeting(t *testing.T).
	TestGreeting := func(t *testing.T) {
		d := dvdtest.Use(t, "greeting") // testdata/greeting.dvd.json
		t.Logf("%s: mode %v, recording: %v", d.Path(), d.Mode(), d.Recording())
		for _, name := range []string{"ada", "bob"} {
			resp, err := d.Client().Get(api.URL + "/greet?name=" + name)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			from := "the server"
			if d.Replayed(resp) {
				from = "the cassette"
			}
			t.Logf("GET /greet?name=%s: %d %q, from %s", name, resp.StatusCode, body, from)
		}
	}

	t.Run("TestGreeting_first_run", TestGreeting)
	if t.Failed() {
		return
	}
	info, err := os.Stat("testdata/greeting.dvd.json")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("testdata/greeting.dvd.json is saved (%d bytes); the server answered %d requests", info.Size(), requests.Load())

	api.Close()
	t.Log("server stopped: from now on only the cassette can answer")

	t.Run("TestGreeting_second_run", TestGreeting)
	if n := requests.Load(); n != 2 {
		t.Errorf("the server answered %d requests, want the 2 of the first run", n)
	}
}
