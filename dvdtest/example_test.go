package dvdtest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/match"
)

func fetchBody(c *http.Client, url string) string {
	resp, err := c.Get(url)
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// The first run records from the server; later runs replay, even with the
// server gone.
func ExampleUse() {
	inFolder(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "hello, %s", r.URL.Query().Get("name"))
		}))

		runTest("TestGreeting", func(t testing.TB) {
			d := dvdtest.Use(t, "greeting") // testdata/greeting.dvd.json
			fmt.Println("recording:", d.Recording())
			fmt.Println(fetchBody(d.Client(), srv.URL+"/greet?name=dvd"))
		})

		srv.Close() // from now on only the cassette answers

		runTest("TestGreeting", func(t testing.TB) {
			d := dvdtest.Use(t, "greeting")
			fmt.Println("recording:", d.Recording())
			fmt.Println(fetchBody(d.Client(), srv.URL+"/greet?name=dvd"))
		})
	})
	// Output:
	// recording: true
	// hello, dvd
	// recording: false
	// hello, dvd
}

// ModeAppend replays what the cassette has and records what it lacks.
func ExampleWithMode() {
	inFolder(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, r.URL.Path)
		}))
		defer srv.Close()

		runTest("TestPages", func(t testing.TB) {
			d := dvdtest.Use(t, "pages")
			fetchBody(d.Client(), srv.URL+"/page/1")
		})
		runTest("TestPages", func(t testing.TB) {
			d := dvdtest.Use(t, "pages", dvdtest.WithMode(cassette.ModeAppend))
			fetchBody(d.Client(), srv.URL+"/page/1") // replayed
			fetchBody(d.Client(), srv.URL+"/page/2") // recorded
		})
		c, err := cassette.Load("testdata/pages.dvd.json")
		if err != nil {
			panic(err)
		}
		fmt.Println("interactions:", c.Len())
	})
	// Output:
	// interactions: 2
}

// MatchOn chooses what identifies a request. Here the JSON body counts too,
// compared as JSON: key order and spacing do not matter.
func ExampleMatchOn() {
	inFolder(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "created %s", b)
		}))
		opts := []dvdtest.Option{dvdtest.MatchOn(match.Method, match.Path, match.JSONBody)}
		post := func(c *http.Client, body string) string {
			resp, err := c.Post(srv.URL+"/users", "application/json", strings.NewReader(body))
			if err != nil {
				return err.Error()
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		}

		runTest("TestCreate", func(t testing.TB) {
			d := dvdtest.Use(t, "create", opts...)
			post(d.Client(), `{"name":"ada","admin":false}`)
			post(d.Client(), `{"name":"bob","admin":true}`)
		})
		srv.Close()
		runTest("TestCreate", func(t testing.TB) {
			d := dvdtest.Use(t, "create", opts...)
			fmt.Println(post(d.Client(), `{ "admin": true, "name": "bob" }`))
			fmt.Println(post(d.Client(), `{"admin":false,"name":"ada"}`))
		})
	})
	// Output:
	// created {"name":"bob","admin":true}
	// created {"name":"ada","admin":false}
}

// Compress stores the cassette compressed; loading recognises the
// compression by itself.
func ExampleCompress() {
	inFolder(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, strings.Repeat("all work and no play ", 100))
		}))
		defer srv.Close()
		runTest("TestBig", func(t testing.TB) {
			d := dvdtest.Use(t, "big", dvdtest.Compress(codec.Zstd))
			fetchBody(d.Client(), srv.URL)
		})
		entries, _ := os.ReadDir("testdata")
		for _, e := range entries {
			fmt.Println(e.Name())
		}
		c, _ := cassette.Load("testdata/big.dvd.json.zst")
		fmt.Println("interactions:", c.Len())
	})
	// Output:
	// big.dvd.json.zst
	// interactions: 1
}

// AllowRepeats lets one recorded response answer any number of identical
// requests, such as a health check polled in a loop.
func ExampleAllowRepeats() {
	inFolder(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "ok")
		}))
		runTest("TestPoll", func(t testing.TB) {
			d := dvdtest.Use(t, "poll", dvdtest.AllowRepeats())
			fetchBody(d.Client(), srv.URL+"/health")
		})
		srv.Close()
		runTest("TestPoll", func(t testing.TB) {
			d := dvdtest.Use(t, "poll", dvdtest.AllowRepeats())
			for range 3 {
				fmt.Println(fetchBody(d.Client(), srv.URL+"/health"))
			}
		})
	})
	// Output:
	// ok
	// ok
	// ok
}
