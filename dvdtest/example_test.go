package dvdtest_test

// Each example holds the test it shows, written as you would write it,
// but as a func(t testing.TB) closure: in a _test.go file it is
// func TestX(t *testing.T). runTest, below, runs it the way go test runs a
// test function, and chdirTemp gives it a temporary directory that stands
// for the package directory, where testdata/ is. pkg.go.dev shows each
// example with the helpers of this file that it uses, as a whole program;
// TestExamplesAreWholePrograms keeps it so.
//
// Every test states its mode with dvdtest.WithMode: without it, the mode
// would be ModeReplay wherever the CI environment variable is set, and a
// test that has not recorded its cassette yet fails there.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/match"
)

// The first run of a test records its requests in a cassette, and later
// runs replay them, even with the server gone.
func ExampleUse() {
	// api stands for the HTTP API that the code under test calls.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello, %s", r.URL.Query().Get("name"))
	}))

	// The test. In a _test.go file it reads func TestGreeting(t *testing.T);
	// here runTest, below, runs it as go test would.
	TestGreeting := func(t testing.TB) {
		// No mode: a test records when its cassette is missing and replays
		// when it is there (in CI, CI=true makes it replay only).
		d := dvdtest.Use(t, "greeting") // testdata/greeting.dvd.json
		body := getBody(t, d.Client(), api.URL+"/greet?name=dvd")
		fmt.Printf("%s (recording: %v)\n", body, d.Recording())
	}

	restore := chdirTemp() // a temporary directory stands for the package's
	defer restore()

	runTest("TestGreeting", TestGreeting) // records, and saves the cassette when the test passes
	api.Close()                           // from now on only the cassette answers
	runTest("TestGreeting", TestGreeting) // replays
	// Output:
	// hello, dvd (recording: true)
	// hello, dvd (recording: false)
}

// ModeAppend replays what the cassette has and records what it lacks.
func ExampleWithMode() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.URL.Path)
	}))
	defer api.Close()
	restore := chdirTemp()
	defer restore()

	TestFirstPage := func(t testing.TB) {
		d := dvdtest.Use(t, "pages", dvdtest.WithMode(cassette.ModeRecord))
		getBody(t, d.Client(), api.URL+"/page/1")
	}
	TestTwoPages := func(t testing.TB) {
		d := dvdtest.Use(t, "pages", dvdtest.WithMode(cassette.ModeAppend))
		for _, page := range []string{"/page/1", "/page/2"} {
			resp, err := d.Client().Get(api.URL + page)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			fmt.Println(page, "replayed:", d.Replayed(resp))
		}
	}

	runTest("TestPages", TestFirstPage)
	runTest("TestPages", TestTwoPages)

	c := loadCassette("testdata/pages.dvd.json")
	fmt.Println("interactions:", c.Len())
	// Output:
	// /page/1 replayed: true
	// /page/2 replayed: false
	// interactions: 2
}

// MatchOn chooses what identifies a request. Here the JSON body counts too,
// compared as JSON: key order and spacing do not matter.
func ExampleMatchOn() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "created %s", b)
	}))
	restore := chdirTemp()
	defer restore()

	// post sends a JSON body to /users and returns the response body.
	post := func(t testing.TB, c *http.Client, body string) string {
		resp, err := c.Post(api.URL+"/users", "application/json", strings.NewReader(body))
		return readBody(t, resp, err)
	}

	runTest("TestCreate", func(t testing.TB) {
		d := dvdtest.Use(t, "create", dvdtest.WithMode(cassette.ModeRecord),
			dvdtest.MatchOn(match.Method, match.Path, match.JSONBody))
		post(t, d.Client(), `{"name":"ada","admin":false}`)
		post(t, d.Client(), `{"name":"bob","admin":true}`)
	})
	api.Close()
	runTest("TestCreate", func(t testing.TB) {
		d := dvdtest.Use(t, "create", dvdtest.WithMode(cassette.ModeReplay),
			dvdtest.MatchOn(match.Method, match.Path, match.JSONBody))
		fmt.Println(post(t, d.Client(), `{ "admin": true, "name": "bob" }`))
		fmt.Println(post(t, d.Client(), `{"admin":false,"name":"ada"}`))
	})
	// Output:
	// created {"name":"bob","admin":true}
	// created {"name":"ada","admin":false}
}

// A multipart upload gets a new random boundary on every run, so its body
// is never the same twice; match.Form compares its fields and files
// instead, and the upload replays.
func ExampleMatchOn_upload() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, h, err := r.FormFile("file")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "stored %s, %d bytes", h.Filename, h.Size)
	}))
	restore := chdirTemp()
	defer restore()

	// upload sends a file as a browser form does, with mime/multipart.
	upload := func(t testing.TB, c *http.Client, name, content string) string {
		var body bytes.Buffer
		w := multipart.NewWriter(&body) // a new random boundary each time
		w.WriteField("title", "Quarterly report")
		f, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, content)
		w.Close()
		resp, err := c.Post(api.URL+"/upload", w.FormDataContentType(), &body)
		return readBody(t, resp, err)
	}

	TestUpload := func(t testing.TB) {
		d := dvdtest.Use(t, "upload",
			dvdtest.MatchOn(match.Method, match.Path, match.Form))
		fmt.Println(upload(t, d.Client(), "report.csv", "a,b\n1,2\n"), "- recording:", d.Recording())
	}
	runTest("TestUpload", TestUpload) // records
	api.Close()
	runTest("TestUpload", TestUpload) // replays, with another boundary
	// Output:
	// stored report.csv, 8 bytes - recording: true
	// stored report.csv, 8 bytes - recording: false
}

// Compress stores the cassette compressed; loading recognises the
// compression by itself.
func ExampleCompress() {
	api := textServer(strings.Repeat("all work and no play ", 100))
	defer api.Close()
	restore := chdirTemp()
	defer restore()

	runTest("TestBig", func(t testing.TB) {
		d := dvdtest.Use(t, "big", dvdtest.WithMode(cassette.ModeRecord), dvdtest.Compress(codec.Zstd))
		getBody(t, d.Client(), api.URL)
	})

	entries, err := os.ReadDir("testdata")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		fmt.Println(e.Name())
	}
	c := loadCassette("testdata/big.dvd.json.zst")
	fmt.Println("interactions:", c.Len())
	// Output:
	// big.dvd.json.zst
	// interactions: 1
}

// AllowRepeats lets one recorded response answer any number of identical
// requests, such as a health check polled in a loop.
func ExampleAllowRepeats() {
	api := textServer("ok")
	restore := chdirTemp()
	defer restore()

	// The run that recorded checked the health once...
	runTest("TestPoll", func(t testing.TB) {
		d := dvdtest.Use(t, "poll", dvdtest.WithMode(cassette.ModeRecord))
		getBody(t, d.Client(), api.URL+"/health")
	})
	api.Close()
	// ...and the one recorded answer serves every check of the replay.
	runTest("TestPoll", func(t testing.TB) {
		d := dvdtest.Use(t, "poll", dvdtest.WithMode(cassette.ModeReplay), dvdtest.AllowRepeats())
		for range 3 {
			fmt.Println(getBody(t, d.Client(), api.URL+"/health"))
		}
	})
	// Output:
	// ok
	// ok
	// ok
}

// The options that every test of one API needs are written once, as a set;
// each test adds its own. Here both tests redact the API's session and
// request id, and the second also keeps the user's name out of its
// cassette. Each test runs twice: it records, then replays with the server
// gone.
func ExampleOptions() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-8f2e")
		fmt.Fprintf(w, `{"path":%q,"session":"s3cr3t"}`, r.URL.Path)
	}))
	restore := chdirTemp()
	defer restore()

	// The options of every test that talks to this API.
	api := dvdtest.Options{
		dvdtest.RedactHeaders("X-Request-Id"),
		dvdtest.RedactJSON("session"),
	}

	TestProfile := func(t testing.TB) {
		d := dvdtest.Use(t, "profile", api)
		fmt.Println(getBody(t, d.Client(), srv.URL+"/profile"))
	}
	TestUser := func(t testing.TB) {
		d := dvdtest.Use(t, "user", api,
			dvdtest.Placeholder("USER", "ada"))
		fmt.Println(getBody(t, d.Client(), srv.URL+"/users/ada"))
	}

	runTest("TestProfile", TestProfile)
	runTest("TestUser", TestUser)
	srv.Close() // from now on only the cassettes answer
	runTest("TestProfile", TestProfile)
	runTest("TestUser", TestUser)

	for _, name := range []string{"testdata/profile.dvd.json", "testdata/user.dvd.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			panic(err)
		}
		s := string(data)
		fmt.Printf("%s: secrets %v, <USER> %v\n", name,
			strings.Contains(s, "s3cr3t") || strings.Contains(s, "req-8f2e"), strings.Contains(s, "/users/<USER>"))
	}
	// Output:
	// {"path":"/profile","session":"s3cr3t"}
	// {"path":"/users/ada","session":"s3cr3t"}
	// {"path":"/profile","session":"REDACTED~2"}
	// {"path":"/users/ada","session":"REDACTED~2"}
	// testdata/profile.dvd.json: secrets false, <USER> false
	// testdata/user.dvd.json: secrets false, <USER> true
}

// Credentials never reach the cassette: by default Authorization, cookies,
// API keys and tokens in the query are redacted. Each secret gets a marker
// of its own, the same wherever it appears: the token sent in the query and
// in the header is REDACTED~1 in both.
func ExampleUse_secrets() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "c2Vzc2lvbg", Path: "/"})
		fmt.Fprint(w, "hello")
	}))
	defer api.Close()
	restore := chdirTemp()
	defer restore()

	runTest("TestMe", func(t testing.TB) {
		d := dvdtest.Use(t, "me", dvdtest.WithMode(cassette.ModeRecord))
		req, err := http.NewRequest("GET", api.URL+"/me?access_token=ghp_x1y2z3&page=1", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer ghp_x1y2z3")
		resp, err := d.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})

	show("testdata/me.dvd.json", api.URL, "url", "Authorization", "Set-Cookie")
	// Output:
	// "url": "http://api/me?access_token=REDACTED~1&page=1",
	// "Authorization": ["Bearer REDACTED~1"]
	// "Set-Cookie": ["session=REDACTED~2; Path=/"]
}

// A placeholder keeps a value out of the cassette, and replay gives it
// back to the client.
func ExamplePlaceholder() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"id":%q,"plan":"pro"}`, strings.TrimPrefix(r.URL.Path, "/accounts/"))
	}))
	restore := chdirTemp()
	defer restore()

	TestAccount := func(t testing.TB) {
		account := "acct-93f0c2" // in a real test: os.Getenv("ACCOUNT_ID")
		d := dvdtest.Use(t, "account",
			dvdtest.Placeholder("ACCOUNT_ID", account))
		fmt.Println(getBody(t, d.Client(), api.URL+"/accounts/"+account))
	}

	runTest("TestAccount", TestAccount)
	show("testdata/account.dvd.json", api.URL, "url", "body_json")
	api.Close()
	runTest("TestAccount", TestAccount)
	// Output:
	// {"id":"acct-93f0c2","plan":"pro"}
	// "url": "http://api/accounts/<ACCOUNT_ID>"
	// "body_json": {"id":"<ACCOUNT_ID>","plan":"pro"}
	// {"id":"acct-93f0c2","plan":"pro"}
}

// RedactJSON removes fields of JSON bodies by path; the rest of the body
// stays as it was.
func ExampleRedactJSON() {
	api := textServer(`{"user":{"name":"ada","token":"tok_123"}}`)
	defer api.Close()
	restore := chdirTemp()
	defer restore()

	runTest("TestLogin", func(t testing.TB) {
		d := dvdtest.Use(t, "login", dvdtest.WithMode(cassette.ModeRecord),
			dvdtest.RedactJSON("password", "user.token"))
		resp, err := d.Client().Post(api.URL+"/login", "application/json",
			strings.NewReader(`{"name":"ada","password":"hunter2"}`))
		readBody(t, resp, err)
	})

	show("testdata/login.dvd.json", api.URL, "password", "token")
	// Output:
	// "body_json": {"name":"ada","password":"REDACTED~1"}
	// "body_json": {"user":{"name":"ada","token":"REDACTED~2"}}
}

// KeepFields keeps a field whose name the defaults redact but which holds
// no secret: here a firewall rule's password field, an expression.
func ExampleKeepFields() {
	api := textServer(`{"rule":{"password":"http.host eq \"a\"","api_token":"tok_123"}}`)
	defer api.Close()
	restore := chdirTemp()
	defer restore()

	runTest("TestRules", func(t testing.TB) {
		d := dvdtest.Use(t, "rules", dvdtest.WithMode(cassette.ModeRecord),
			dvdtest.KeepFields("password"))
		resp, err := d.Client().Get(api.URL + "/rules")
		readBody(t, resp, err)
	})

	show("testdata/rules.dvd.json", api.URL, "password")
	// Output:
	// "body_json": {"rule":{"password":"http.host eq \"a\"","api_token":"REDACTED~1"}}
}

// RecordIf chooses what is stored: here no server errors, so a flaky 503
// is not frozen into the cassette.
func ExampleRecordIf() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/flaky" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer api.Close()
	restore := chdirTemp()
	defer restore()

	runTest("TestNoErrors", func(t testing.TB) {
		d := dvdtest.Use(t, "noerrors", dvdtest.WithMode(cassette.ModeRecord),
			dvdtest.RecordIf(func(in *cassette.Interaction) bool {
				return in.Response != nil && in.Response.StatusCode < 500
			}))
		getBody(t, d.Client(), api.URL+"/ok")
		getBody(t, d.Client(), api.URL+"/flaky")
	})

	c := loadCassette("testdata/noerrors.dvd.json")
	for _, in := range c.Interactions() {
		fmt.Println(in.Response.StatusCode, strings.TrimPrefix(in.Request.URL, api.URL))
	}
	// Output:
	// 200 /ok
}

// BeforeSave edits what is stored, here dropping headers that change on
// every run.
func ExampleBeforeSave() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "7d1f")
		fmt.Fprint(w, "ok")
	}))
	defer api.Close()
	restore := chdirTemp()
	defer restore()

	runTest("TestQuiet", func(t testing.TB) {
		d := dvdtest.Use(t, "quiet", dvdtest.WithMode(cassette.ModeRecord),
			dvdtest.BeforeSave(func(in *cassette.Interaction) {
				in.Response.Header.Del("Date")
				in.Response.Header.Del("X-Request-Id")
			}))
		getBody(t, d.Client(), api.URL)
	})

	c := loadCassette("testdata/quiet.dvd.json")
	fmt.Println(c.Interactions()[0].Response.Header)
	// Output:
	// map[Content-Length:[2] Content-Type:[text/plain; charset=utf-8]]
}

// PassthroughHosts sends some requests to the network in every mode, such
// as those to a local service the test starts itself: they are never
// recorded, and never replayed.
func ExamplePassthroughHosts() {
	restore := chdirTemp()
	defer restore()

	runTest("TestLocal", func(t testing.TB) {
		local := textServer("live")
		defer local.Close()
		d := dvdtest.Use(t, "local", dvdtest.WithMode(cassette.ModeRecord),
			dvdtest.PassthroughHosts("127.0.0.1"))
		fmt.Println(getBody(t, d.Client(), local.URL))
	})

	c := loadCassette("testdata/local.dvd.json")
	fmt.Println("recorded:", c.Len())
	// Output:
	// live
	// recorded: 0
}

// Main keeps a cassette from being saved when a check that runs after the
// DVD's cleanup fails the test: a mock controller's Finish, say, which
// gomock.NewController(t) registers with t.Cleanup, before Use here. In a
// _test.go file, TestMain hands dvdtest.Main the *testing.M:
//
//	func TestMain(m *testing.M) {
//		os.Exit(dvdtest.Main(m))
//	}
func ExampleMain() {
	version := "v1"
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, version)
	}))
	defer api.Close()
	restore := chdirTemp()
	defer restore()

	broken := false // the code under test, broken by the second change
	TestUsers := func(t testing.TB) {
		t.Cleanup(func() { // registered before Use: runs after the DVD's cleanup
			if broken {
				fmt.Println("check: missing call to Store.Save")
				t.Fail()
			}
		})
		d := dvdtest.Use(t, "users", dvdtest.WithMode(cassette.ModeRecord))
		getBody(t, d.Client(), api.URL+"/users")
	}
	tests := exampleM{{"TestUsers", TestUsers}}

	fmt.Println("exit code", dvdtest.Main(tests)) // records v1 and saves it
	version, broken = "v2", true
	fmt.Println("exit code", dvdtest.Main(tests)) // records v2, and the check fails the test

	c := loadCassette("testdata/users.dvd.json")
	fmt.Printf("the cassette holds %s\n", c.Interactions()[0].Response.Body)
	// Output:
	// dvdtest: recorded 1 interaction to testdata/users.dvd.json (dvdtest.WithMode), for TestUsers
	// exit code 0
	// check: missing call to Store.Save
	// dvdtest: testdata/users.dvd.json not saved: TestUsers failed after dvdtest closed the cassette, in a cleanup that ran after dvdtest's (one registered before dvdtest.Use), so the cassette on disk is unchanged
	// exit code 1
	// the cassette holds v1
}

// Clock is what code under test takes in place of the time package,
// wherever it waits or reads the time: a small interface declared in the
// code's own package, which a *dvdtest.DVD satisfies in tests and
// RealClock in production. Production code should not import dvdtest,
// which imports testing: it declares the interface, and its tests pass
// the DVD.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the Clock of production: the time package.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits for d, or until ctx is done.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var (
	_ Clock = (*dvdtest.DVD)(nil)
	_ Clock = RealClock{}
)

// waitReady polls url every interval until it answers "ready", or until
// timeout has passed on clock. It returns how many times it polled.
func waitReady(ctx context.Context, clock Clock, client *http.Client, url string, interval, timeout time.Duration) (int, error) {
	deadline := clock.Now().Add(timeout)
	for polls := 1; ; polls++ {
		state, err := getState(ctx, client, url)
		if err != nil || state == "ready" {
			return polls, err
		}
		if clock.Now().After(deadline) {
			return polls, fmt.Errorf("%s: not ready after %v", url, timeout)
		}
		if err := clock.Sleep(ctx, interval); err != nil {
			return polls, err
		}
	}
}

// getState returns the body of url, or an error for a status other than
// 200 OK.
func getState(ctx context.Context, client *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s: %s", url, resp.Status)
	}
	return string(body), err
}

// A poller that waits between polls records at the pace of the real
// server and replays without waiting: the DVD's Sleep returns at once on
// replay. The cassette does not store the sleeps, so here the recording
// waits 50 ms between polls, and the replay, whose poller waits 30 s
// between polls as in production, ends long before its 10 s deadline.
func ExampleDVD_Sleep() {
	api := statesServer("pending", "pending", "ready")
	restore := chdirTemp()
	defer restore()

	TestCreateCluster := func(interval time.Duration) func(t testing.TB) {
		return func(t testing.TB) {
			d := dvdtest.Use(t, "cluster")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			n, err := waitReady(ctx, d, d.Client(), api.URL+"/clusters/c1", interval, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("ready after %d polls (recording: %v)\n", n, d.Recording())
		}
	}

	runTest("TestCreateCluster", TestCreateCluster(50*time.Millisecond))
	api.Close()
	runTest("TestCreateCluster", TestCreateCluster(30*time.Second))
	// Output:
	// ready after 3 polls (recording: true)
	// ready after 3 polls (recording: false)
}

// getWithRetry gets url, and retries a 503 Service Unavailable up to
// attempts times in all, waiting base, then twice as long each time, on
// clock. It returns the body and the number of attempts.
func getWithRetry(ctx context.Context, clock Clock, client *http.Client, url string, attempts int, base time.Duration) (string, int, error) {
	wait := base
	for n := 1; ; n++ {
		body, err := getState(ctx, client, url)
		if err == nil || n == attempts || !strings.Contains(err.Error(), "503") {
			return body, n, err
		}
		if err := clock.Sleep(ctx, wait); err != nil {
			return "", n, err
		}
		wait *= 2
	}
}

// A retry loop with back-off waits on the clock it is given: on replay the
// back-off costs nothing, and the retries replay in the order recorded.
func Example_retry() {
	var failures atomic.Int32
	failures.Store(2)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failures.Add(-1) >= 0 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	restore := chdirTemp()
	defer restore()

	TestFetch := func(t testing.TB) {
		d := dvdtest.Use(t, "retry")
		body, attempts, err := getWithRetry(context.Background(), d, d.Client(), api.URL+"/report", 5, 20*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%s after %d attempts (recording: %v)\n", body, attempts, d.Recording())
	}

	runTest("TestFetch", TestFetch)
	api.Close()
	runTest("TestFetch", TestFetch)
	// Output:
	// ok after 3 attempts (recording: true)
	// ok after 3 attempts (recording: false)
}

// StateChangeConf has the shape of the waiter of Terraform providers
// (retry.StateChangeConf of terraform-plugin-sdk): it refreshes a
// resource's state until it reaches a target, waiting between refreshes.
// What makes it replay at full speed is its Clock: the provider keeps one
// in the meta it gives every resource, RealClock in production and the
// DVD in acceptance tests.
type StateChangeConf struct {
	Pending      []string
	Target       []string
	Refresh      func(ctx context.Context) (state string, err error)
	Timeout      time.Duration
	PollInterval time.Duration
	Clock        Clock // nil means RealClock
}

// WaitForStateContext refreshes until the state is a target one, and
// fails on a state that is neither pending nor a target, or on timeout.
func (c *StateChangeConf) WaitForStateContext(ctx context.Context) (string, error) {
	clock := c.Clock
	if clock == nil {
		clock = RealClock{}
	}
	deadline := clock.Now().Add(c.Timeout)
	for {
		state, err := c.Refresh(ctx)
		switch {
		case err != nil:
			return "", err
		case slices.Contains(c.Target, state):
			return state, nil
		case !slices.Contains(c.Pending, state):
			return state, fmt.Errorf("unexpected state %q, wanted one of %q", state, c.Target)
		case clock.Now().After(deadline):
			return state, fmt.Errorf("timeout while waiting for state to become %q (last state: %q)", c.Target, state)
		}
		if err := clock.Sleep(ctx, c.PollInterval); err != nil {
			return state, err
		}
	}
}

// A Terraform provider's resource waits for the cloud with a
// StateChangeConf. Its acceptance test configures the provider with the
// DVD as both the HTTP transport and the clock, so the waits replay at
// full speed.
func Example_stateChangeConf() {
	api := statesServer("creating", "creating", "creating", "available")
	restore := chdirTemp()
	defer restore()

	// meta is what the provider's ConfigureContextFunc returns to every
	// resource: in production {http.DefaultClient, RealClock{}}; in
	// acceptance tests, the ProviderFactories configure it with the DVD.
	type meta struct {
		client *http.Client
		clock  Clock
	}
	// createInstance is the resource's CreateContext, after the create
	// call: it waits for the instance to be available.
	createInstance := func(ctx context.Context, m *meta, id string) (string, error) {
		conf := &StateChangeConf{
			Pending: []string{"creating"},
			Target:  []string{"available"},
			Refresh: func(ctx context.Context) (string, error) {
				return getState(ctx, m.client, api.URL+"/instances/"+id)
			},
			Timeout:      40 * time.Minute,
			PollInterval: 20 * time.Millisecond, // 10 s in a real provider: the recording waits for real
			Clock:        m.clock,
		}
		return conf.WaitForStateContext(ctx)
	}

	TestAccInstance_basic := func(t testing.TB) {
		d := dvdtest.Use(t, "instance")
		m := &meta{client: d.Client(), clock: d}
		state, err := createInstance(context.Background(), m, "i-1")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%s (recording: %v)\n", state, d.Recording())
	}

	runTest("TestAccInstance_basic", TestAccInstance_basic)
	api.Close()
	runTest("TestAccInstance_basic", TestAccInstance_basic)
	// Output:
	// available (recording: true)
	// available (recording: false)
}

// Now gives on replay the readings it gave while recording, in the same
// order, so a request that carries a time (here, events of the last day)
// matches its recording.
func ExampleDVD_Now() {
	api := textServer("3 events")
	restore := chdirTemp()
	defer restore()

	var readings []time.Time
	TestRecentEvents := func(t testing.TB) {
		d := dvdtest.Use(t, "events")
		now := d.Now()
		readings = append(readings, now)
		since := now.Add(-24 * time.Hour).Format(time.RFC3339)
		fmt.Println(getBody(t, d.Client(), api.URL+"/events?since="+since))
	}

	runTest("TestRecentEvents", TestRecentEvents)
	api.Close()
	runTest("TestRecentEvents", TestRecentEvents)
	fmt.Println("the same reading on replay:", readings[0] == readings[1])
	// Output:
	// 3 events
	// 3 events
	// the same reading on replay: true
}

// Rand draws the same numbers on replay as while recording, so a request
// made of random numbers (here, an id) matches its recording.
func ExampleDVD_Rand() {
	api := textServer("created")
	restore := chdirTemp()
	defer restore()

	var ids []int
	TestUpload := func(t testing.TB) {
		d := dvdtest.Use(t, "upload")
		id := d.Rand().IntN(1_000_000)
		ids = append(ids, id)
		resp, err := d.Client().Post(fmt.Sprintf("%s/items/%d", api.URL, id), "text/plain", strings.NewReader("data"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println("replayed:", d.Replayed(resp))
	}

	runTest("TestUpload", TestUpload)
	api.Close()
	runTest("TestUpload", TestUpload)
	fmt.Println("the same id on replay:", ids[0] == ids[1])
	// Output:
	// replayed: false
	// replayed: true
	// the same id on replay: true
}

// Value makes a value up while recording and gives the same on replay:
// here a bucket name, and an account id of the environment that is set
// where the test records but not in CI. A Placeholder keeps the account
// id out of the cassette, in the value and in the requests alike.
func ExampleDVD_Value() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "created "+r.URL.Path)
	}))
	restore := chdirTemp()
	defer restore()

	env := map[string]string{"ACCOUNT_ID": "123456789012"} // os.Getenv in a real test
	made := 0
	TestCreateBucket := func(t testing.TB) {
		d := dvdtest.Use(t, "bucket",
			dvdtest.Placeholder("ACCOUNT_ID", env["ACCOUNT_ID"]))
		account := d.Value("account", func() string { return env["ACCOUNT_ID"] })
		bucket := d.Value("bucket", func() string { made++; return fmt.Sprintf("tf-acc-%d", made) })
		fmt.Println(getBody(t, d.Client(), api.URL+"/"+account+"/buckets/"+bucket))
	}

	runTest("TestCreateBucket", TestCreateBucket)
	api.Close()
	env = nil // as in CI
	runTest("TestCreateBucket", TestCreateBucket)
	fmt.Println("bucket names made:", made)
	show("testdata/bucket.dvd.json", api.URL, `"account"`, `"bucket"`, `"url"`)
	// Output:
	// created /123456789012/buckets/tf-acc-1
	// created /<ACCOUNT_ID>/buckets/tf-acc-1
	// bucket names made: 1
	// "account": "<ACCOUNT_ID>",
	// "bucket": "tf-acc-1"
	// "url": "http://api/<ACCOUNT_ID>/buckets/tf-acc-1"
}

// textServer starts a server that stands for an API, and answers every
// request with body.
func textServer(body string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, body)
	}))
}

// statesServer starts a server that stands for an API reporting the state
// of a resource: it answers each request with the next of states, and
// with the last one from then on.
func statesServer(states ...string) *httptest.Server {
	var served atomic.Int32
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(served.Add(1))
		fmt.Fprint(w, states[min(n, len(states))-1])
	}))
}

// getBody sends a GET request through client and returns the response body.
func getBody(t testing.TB, client *http.Client, url string) string {
	t.Helper()
	resp, err := client.Get(url)
	return readBody(t, resp, err)
}

// readBody returns the body of resp, the response to a request whose
// error was err, or fails the test.
func readBody(t testing.TB, resp *http.Response, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// loadCassette loads the cassette file, or panics.
func loadCassette(file string) *cassette.Cassette {
	c, err := cassette.Load(file)
	if err != nil {
		panic(err)
	}
	return c
}

// show prints the lines of a cassette file that hold one of the words,
// trimmed, with the test server's address replaced by http://api.
func show(file, serverURL string, words ...string) {
	data, err := os.ReadFile(file)
	if err != nil {
		panic(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		for _, w := range words {
			if strings.Contains(line, w) {
				fmt.Println(strings.ReplaceAll(strings.TrimSpace(line), serverURL, "http://api"))
				break
			}
		}
	}
}

// runTest runs test as go test runs a test function named name on a
// developer's machine: the test, then its cleanups, last registered first.
// dvdtest saves the cassette in one of them, if the test passed. It reports
// whether the test passed. The environment variables that choose dvd's
// mode (CI, DVD_MODE) are unset while it runs, so that the examples show
// the default mode whatever machine runs them.
func runTest(name string, test func(t testing.TB)) bool {
	for _, k := range []string{"CI", "DVD_MODE"} {
		if v, ok := os.LookupEnv(k); ok {
			os.Unsetenv(k)
			defer os.Setenv(k, v)
		}
	}
	t := &exampleT{name: name}
	test(t)
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
	return !t.failed
}

// exampleM is as much of a *testing.M as dvdtest.Main uses: Run runs the
// tests, in order, with runTest, and returns the exit code, 1 if a test
// failed.
type exampleM []struct {
	name string
	test func(t testing.TB)
}

func (m exampleM) Run() int {
	code := 0
	for _, tt := range m {
		if !runTest(tt.name, tt.test) {
			code = 1
		}
	}
	return code
}

// exampleT is as much of a *testing.T as these tests and dvdtest use. Its
// embedded testing.TB is nil, so any other method panics; so does a
// failure reported with Errorf or Fatal, which fails the example, while
// Fail marks the test failed, as a check that fails on purpose does. It
// drops the log, as go test does for a test that passes, unless -v.
type exampleT struct {
	testing.TB
	name     string
	cleanups []func()
	failed   bool
}

func (t *exampleT) Name() string                    { return t.name }
func (t *exampleT) Helper()                         {}
func (t *exampleT) Cleanup(f func())                { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Fail()                           { t.failed = true }
func (t *exampleT) Failed() bool                    { return t.failed }
func (t *exampleT) Skipped() bool                   { return false }
func (t *exampleT) Logf(format string, args ...any) {}

func (t *exampleT) Errorf(format string, args ...any) {
	panic(t.name + ": " + fmt.Sprintf(format, args...))
}
func (t *exampleT) Fatalf(format string, args ...any) { t.Errorf(format, args...) }
func (t *exampleT) Fatal(args ...any)                 { t.Errorf("%s", fmt.Sprint(args...)) }

// chdirTemp moves into a new temporary directory, which stands for the
// package directory that go test runs the tests in, and returns the
// function that moves back and removes it.
func chdirTemp() (restore func()) {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "dvd-example-")
	if err != nil {
		panic(err)
	}
	if err := os.Chdir(dir); err != nil {
		panic(err)
	}
	return func() {
		os.Chdir(wd)
		os.RemoveAll(dir)
	}
}
