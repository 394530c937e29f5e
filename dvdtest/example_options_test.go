package dvdtest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/dvdtest"
)

// The options that every test of one API needs are written once, as a set;
// each test adds its own. Here both tests redact the API's session and
// request id, and the second also keeps the user's name out of its
// cassette. Each test runs twice: it records, then replays with the server
// gone.
func ExampleOptions() {
	inFolder(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", "req-8f2e")
			fmt.Fprintf(w, `{"path":%q,"session":"s3cr3t"}`, r.URL.Path)
		}))

		// The options of every test that talks to this API.
		api := dvdtest.Options{
			dvdtest.RedactHeaders("X-Request-Id"),
			dvdtest.RedactJSON("session"),
		}

		testProfile := func(t testing.TB) {
			d := dvdtest.Use(t, "profile", api)
			fmt.Println(fetchBody(d.Client(), srv.URL+"/profile"))
		}
		testUser := func(t testing.TB) {
			d := dvdtest.Use(t, "user", api, dvdtest.Placeholder("USER", "ada"))
			fmt.Println(fetchBody(d.Client(), srv.URL+"/users/ada"))
		}

		runTest("TestProfile", testProfile)
		runTest("TestUser", testUser)
		srv.Close() // from now on only the cassettes answer
		runTest("TestProfile", testProfile)
		runTest("TestUser", testUser)

		for _, name := range []string{"testdata/profile.dvd.json", "testdata/user.dvd.json"} {
			data, err := os.ReadFile(name)
			if err != nil {
				panic(err)
			}
			s := string(data)
			fmt.Printf("%s: secrets %v, <USER> %v\n", name,
				strings.Contains(s, "s3cr3t") || strings.Contains(s, "req-8f2e"), strings.Contains(s, "/users/<USER>"))
		}
	})
	// Output:
	// {"path":"/profile","session":"s3cr3t"}
	// {"path":"/users/ada","session":"s3cr3t"}
	// {"path":"/profile","session":"REDACTED"}
	// {"path":"/users/ada","session":"REDACTED"}
	// testdata/profile.dvd.json: secrets false, <USER> false
	// testdata/user.dvd.json: secrets false, <USER> true
}
