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
	"github.com/dvdrw/dvd/dvdtest"
)

// show prints the lines of a cassette that contain one of the words,
// trimmed, with the test server's address replaced by "server".
func show(file, serverURL string, words ...string) {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(string(data), "\n") {
		for _, w := range words {
			if strings.Contains(line, w) {
				fmt.Println(strings.ReplaceAll(strings.TrimSpace(line), serverURL, "http://server"))
				break
			}
		}
	}
}

// Credentials never reach the cassette: by default Authorization, cookies,
// API keys and tokens in the query are redacted.
func ExampleUse_secrets() {
	inFolder(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "c2Vzc2lvbg", Path: "/"})
			fmt.Fprint(w, "hello")
		}))
		defer srv.Close()
		runTest("TestMe", func(t testing.TB) {
			d := dvdtest.Use(t, "me")
			req, _ := http.NewRequest("GET", srv.URL+"/me?access_token=ghp_x1y2z3&page=1", nil)
			req.Header.Set("Authorization", "Bearer ghp_x1y2z3")
			resp, err := d.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		})
		show("testdata/me.dvd.json", srv.URL, "url", "Authorization", "Set-Cookie")
	})
	// Output:
	// "url": "http://server/me?access_token=REDACTED&page=1",
	// "Authorization": ["Bearer REDACTED"]
	// "Set-Cookie": ["session=REDACTED; Path=/"]
}

// A placeholder keeps a value out of the cassette, and replay gives it
// back to the client.
func ExamplePlaceholder() {
	inFolder(func() {
		account := "acct-93f0c2" // in a real test: os.Getenv("ACCOUNT_ID")
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"id":%q,"plan":"pro"}`, strings.TrimPrefix(r.URL.Path, "/accounts/"))
		}))
		opt := dvdtest.Placeholder("ACCOUNT_ID", account)
		runTest("TestAccount", func(t testing.TB) {
			d := dvdtest.Use(t, "account", opt)
			fetchBody(d.Client(), srv.URL+"/accounts/"+account)
		})
		show("testdata/account.dvd.json", srv.URL, "url", "body_json")
		srv.Close()
		runTest("TestAccount", func(t testing.TB) {
			d := dvdtest.Use(t, "account", opt)
			fmt.Println(fetchBody(d.Client(), srv.URL+"/accounts/"+account))
		})
	})
	// Output:
	// "url": "http://server/accounts/<ACCOUNT_ID>"
	// "body_json": {"id":"<ACCOUNT_ID>","plan":"pro"}
	// {"id":"acct-93f0c2","plan":"pro"}
}

// RedactJSON removes fields of JSON bodies by path; the rest of the body
// stays as it was.
func ExampleRedactJSON() {
	inFolder(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"user":{"name":"ada","token":"tok_123"}}`)
		}))
		defer srv.Close()
		runTest("TestLogin", func(t testing.TB) {
			d := dvdtest.Use(t, "login", dvdtest.RedactJSON("password", "user.token"))
			resp, err := d.Client().Post(srv.URL+"/login", "application/json", strings.NewReader(`{"name":"ada","password":"hunter2"}`))
			if err != nil {
				t.Fatal(err)
			}
			io.ReadAll(resp.Body)
			resp.Body.Close()
		})
		show("testdata/login.dvd.json", srv.URL, "password", "token")
	})
	// Output:
	// "body_json": {"name":"ada","password":"REDACTED"}
	// "body_json": {"user":{"name":"ada","token":"REDACTED"}}
}

// RecordIf chooses what is stored: here no server errors, so a flaky 503
// is not frozen into the cassette.
func ExampleRecordIf() {
	inFolder(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/flaky" {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		}))
		defer srv.Close()
		runTest("TestNoErrors", func(t testing.TB) {
			d := dvdtest.Use(t, "noerrors", dvdtest.RecordIf(func(in *cassette.Interaction) bool {
				return in.Response != nil && in.Response.StatusCode < 500
			}))
			fetchBody(d.Client(), srv.URL+"/ok")
			fetchBody(d.Client(), srv.URL+"/flaky")
		})
		c, _ := cassette.Load("testdata/noerrors.dvd.json")
		for _, in := range c.Interactions() {
			fmt.Println(in.Response.StatusCode, strings.TrimPrefix(in.Request.URL, srv.URL))
		}
	})
	// Output:
	// 200 /ok
}

// BeforeSave edits what is stored, here dropping a header that changes on
// every run.
func ExampleBeforeSave() {
	inFolder(func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "7d1f")
			fmt.Fprint(w, "ok")
		}))
		defer srv.Close()
		runTest("TestQuiet", func(t testing.TB) {
			d := dvdtest.Use(t, "quiet", dvdtest.BeforeSave(func(in *cassette.Interaction) {
				in.Response.Header.Del("Date")
				in.Response.Header.Del("X-Request-Id")
			}))
			fetchBody(d.Client(), srv.URL)
		})
		c, _ := cassette.Load("testdata/quiet.dvd.json")
		fmt.Println(c.Interactions()[0].Response.Header)
	})
	// Output:
	// map[Content-Length:[2] Content-Type:[text/plain; charset=utf-8]]
}

// PassthroughHosts sends some requests to the network in every mode, such
// as those to a local service the test starts itself.
func ExamplePassthroughHosts() {
	inFolder(func() {
		local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "live")
		}))
		defer local.Close()
		runTest("TestLocal", func(t testing.TB) {
			d := dvdtest.Use(t, "local", dvdtest.PassthroughHosts("127.0.0.1"))
			fmt.Println(fetchBody(d.Client(), local.URL), d.Recording())
		})
		c, _ := cassette.Load("testdata/local.dvd.json")
		fmt.Println("recorded:", c.Len())
	})
	// Output:
	// live true
	// recorded: 0
}
