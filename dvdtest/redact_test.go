package dvdtest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/internal/testsupport"
	"github.com/dvdrw/dvd/match"
)

// The secrets of these tests: none may reach a file, an error or a log.
var secrets = []string{
	"s3cr3t-bearer", "s3cr3t-cookie", "s3cr3t-apikey", "s3cr3t-query", "s3cr3t-setcookie",
	"s3cr3t-authtoken", "s3cr3t-custom", "s3cr3t-json", "s3cr3t-nested", "s3cr3t-pw",
	"s3cr3t-session", "s3cr3t-tenant",
}

// leaks returns the secrets found in s.
func leaks(s string) []string {
	var found []string
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			found = append(found, sec)
		}
	}
	return found
}

// secretServer answers with secrets in headers and the body, and echoes
// the request body.
func secretServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cr3t-setcookie", Path: "/"})
		w.Header().Set("X-Auth-Token", "s3cr3t-authtoken")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"user":{"name":"ada","token":"s3cr3t-nested"},"password":"s3cr3t-pw","path":%q}`, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func secretRequest(t *testing.T, c *http.Client, url string, token string) (string, error) {
	t.Helper()
	req, err := http.NewRequest("POST", url+"?access_token=s3cr3t-query&page=1&session_id=s3cr3t-session&tenant=s3cr3t-tenant", strings.NewReader(`{"password":"s3cr3t-json","n":1}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Cookie", "session=s3cr3t-cookie")
	req.Header.Set("X-Api-Key", "s3cr3t-apikey")
	req.Header.Set("X-Custom", "s3cr3t-custom")
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

var redactOpts = []dvdtest.Option{
	dvdtest.RedactHeaders("X-Custom"),
	dvdtest.RedactQuery("session_id"),
	dvdtest.Placeholder("TENANT", "s3cr3t-tenant"),
	dvdtest.RedactJSON("password", "user.token"),
	dvdtest.MatchOn(match.Method, match.Path, match.Query, match.Header("Authorization"), match.JSONBody),
}

func TestRedactedByDefaultAndByOptions(t *testing.T) {
	cleanEnv(t)
	srv := secretServer(t)
	tb := newFakeTB("TestSecrets")
	tb.run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "secrets", redactOpts...)
		if _, err := secretRequest(t, d.Client(), srv.URL+"/me", "s3cr3t-bearer"); err != nil {
			t.Fatal(err)
		}
	})
	data, err := os.ReadFile(filepath.Join("testdata", "secrets.dvd.json"))
	if err != nil {
		t.Fatal(err)
	}
	if l := leaks(string(data)); len(l) > 0 {
		t.Errorf("the cassette holds %v:\n%s", l, data)
	}
	for _, want := range []string{`"Bearer REDACTED"`, `session=REDACTED; Path=/`, `access_token=REDACTED&page=1`, `"password":"REDACTED"`, `"token":"REDACTED"`} {
		// The body's layout may space its members.
		if plain := redact.Unnumbered(string(data)); !strings.Contains(plain, want) && !strings.Contains(plain, strings.ReplaceAll(want, `":"`, `": "`)) {
			t.Errorf("the cassette lacks %s:\n%s", want, data)
		}
	}
	if l := leaks(tb.output()); len(l) > 0 {
		t.Errorf("the log holds %v:\n%s", l, tb.output())
	}

	// Replay matches although the secrets were redacted, and even with
	// another token: it is redacted the same way before matching.
	srv.Close()
	tb = newFakeTB("TestSecrets")
	tb.run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "secrets", redactOpts...)
		body, err := secretRequest(t, d.Client(), srv.URL+"/me", "another-token")
		if err != nil {
			t.Fatalf("replay: %v", err)
		}
		if !strings.Contains(body, `"name":"ada"`) {
			t.Errorf("replayed body %s", body)
		}
		// A miss: the error and the log must not show the secrets. (The
		// test asks the DVD itself: an http.Client adds the URL, as the
		// caller wrote it, to the errors it returns.)
		req, _ := http.NewRequest("GET", srv.URL+"/other?access_token=s3cr3t-query&session_id=s3cr3t-session&tenant=s3cr3t-tenant", nil)
		req.Header.Set("Authorization", "Bearer s3cr3t-bearer")
		_, err = d.RoundTrip(req)
		if !errors.Is(err, cassette.ErrNoMatch) {
			t.Fatalf("miss: %v, want ErrNoMatch", err)
		}
		if l := leaks(err.Error()); len(l) > 0 {
			t.Errorf("the no-match error holds %v:\n%v", l, err)
		}
	})
	if l := leaks(tb.output()); len(l) > 0 {
		t.Errorf("the log holds %v:\n%s", l, tb.output())
	}
	if !strings.Contains(tb.output(), "access_token=REDACTED") || !strings.Contains(tb.output(), "session_id=REDACTED") || !strings.Contains(tb.output(), "tenant=<TENANT>") {
		t.Errorf("the no-match report does not show the redacted request:\n%s", tb.output())
	}
}

func TestRedactedTransportError(t *testing.T) {
	cleanEnv(t)
	failing := testsupport.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("upstream refused %s", r.URL)
	})
	tb := newFakeTB("TestErr")
	tb.run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "err", dvdtest.Upstream(failing))
		d.Client().Get("http://127.0.0.1:1/x?token=s3cr3t-query")
	})
	data, _ := os.ReadFile(filepath.Join("testdata", "err.dvd.json"))
	if l := leaks(string(data)); len(l) > 0 || !strings.Contains(string(data), "upstream refused") {
		t.Errorf("recorded error leaks %v or is missing:\n%s", l, data)
	}
}

func TestPlaceholder(t *testing.T) {
	cleanEnv(t)
	const acct = "acct-7f3a9c21"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "/accounts/"+acct)
		fmt.Fprintf(w, `{"account":%q,"path":%q}`, acct, r.URL.Path)
	}))
	opts := []dvdtest.Option{dvdtest.Placeholder("ACCOUNT_ID", acct)}
	_, rec := session(t, "ph", srv.URL, opts, "pass", "/accounts/"+acct)
	data, _ := os.ReadFile(filepath.Join("testdata", "ph.dvd.json"))
	if strings.Contains(string(data), acct) || !strings.Contains(string(data), "/accounts/<ACCOUNT_ID>") {
		t.Errorf("the cassette should hold <ACCOUNT_ID> instead of the value:\n%s", data)
	}
	srv.Close()
	tb, got := session(t, "ph", srv.URL, opts, "pass", "/accounts/"+acct)
	if tb.Failed() || got[0] != rec[0] || !strings.Contains(got[0], acct) {
		t.Errorf("replay gave %q, want %q with the value put back\n%s", got, rec, tb.output())
	}
}

func TestBeforeSaveAndRecordIf(t *testing.T) {
	cleanEnv(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/boom" {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, "fine")
	}))
	defer srv.Close()
	opts := []dvdtest.Option{
		dvdtest.BeforeSave(func(in *cassette.Interaction) { in.Response.Header.Del("Date") }),
		dvdtest.RecordIf(func(in *cassette.Interaction) bool { return in.Response != nil && in.Response.StatusCode < 500 }),
	}
	_, got := session(t, "hooks", srv.URL, opts, "pass", "/ok", "/boom")
	if got[1] != "boom\n" {
		t.Errorf("the client got %q for /boom, want the real answer", got[1])
	}
	c, err := cassette.Load(filepath.Join("testdata", "hooks.dvd.json"))
	if err != nil {
		t.Fatal(err)
	}
	ins := c.Interactions()
	if len(ins) != 1 || !strings.HasSuffix(ins[0].Request.URL, "/ok") {
		t.Fatalf("stored %d interactions, want only GET /ok", len(ins))
	}
	if _, ok := ins[0].Response.Header["Date"]; ok {
		t.Error("BeforeSave did not drop the Date header")
	}
}

func TestPassthrough(t *testing.T) {
	srv := cleanServer(t)
	session(t, "pt", srv.URL, nil, "pass", "/recorded")
	srv.hits.Store(0)
	opts := []dvdtest.Option{dvdtest.WithMode(cassette.ModeReplay), dvdtest.Passthrough(func(r *http.Request) bool { return r.URL.Path == "/live" })}
	before, _ := os.ReadFile(filepath.Join("testdata", "pt.dvd.json"))
	tb, got := session(t, "pt", srv.URL, opts, "pass", "/recorded", "/live", "/live")
	if tb.Failed() || srv.hits.Load() != 2 || got[0] != "hit 1 /recorded" || got[2] != "hit 2 /live" {
		t.Errorf("hits %d, bodies %q: want /recorded replayed and /live sent twice\n%s", srv.hits.Load(), got, tb.output())
	}
	after, _ := os.ReadFile(filepath.Join("testdata", "pt.dvd.json"))
	if string(before) != string(after) {
		t.Error("a passthrough request changed the cassette")
	}

	// PassthroughHosts, while recording: nothing is stored.
	srv.hits.Store(0)
	session(t, "pthosts", srv.URL, []dvdtest.Option{dvdtest.PassthroughHosts("127.0.0.1")}, "pass", "/a")
	if c, err := cassette.Load(filepath.Join("testdata", "pthosts.dvd.json")); err != nil || c.Len() != 0 || srv.hits.Load() != 1 {
		t.Errorf("PassthroughHosts: err %v, hits %d; want an empty cassette and one hit", err, srv.hits.Load())
	}
}

func TestUnused(t *testing.T) {
	srv := cleanServer(t)
	session(t, "unused", srv.URL+"", nil, "pass", "/a", "/b?token=s3cr3t-query")
	tb, _ := session(t, "unused", srv.URL, nil, "pass", "/a")
	if tb.Failed() || !strings.Contains(tb.output(), "1 recorded interaction never replayed") {
		t.Errorf("without FailOnUnused: failed %v, log:\n%s", tb.Failed(), tb.output())
	}
	tb, _ = session(t, "unused", srv.URL, []dvdtest.Option{dvdtest.FailOnUnused()}, "pass", "/a")
	out := tb.output()
	if !tb.Failed() || !strings.Contains(out, "/b?token=REDACTED") || len(leaks(out)) > 0 {
		t.Errorf("with FailOnUnused: failed %v, want a failure listing GET /b redacted:\n%s", tb.Failed(), out)
	}
}

func TestMaxAge(t *testing.T) {
	srv := cleanServer(t)
	file := filepath.Join("testdata", "age.dvd.json")
	session(t, "age", srv.URL, nil, "pass", "/a")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	data = regexp.MustCompile(`"recorded_at": "[^"]*"`).ReplaceAll(data, []byte(`"recorded_at": "`+old+`"`))
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	srv.hits.Store(0)

	// Replay-only: stale, logged, replayed.
	tb, _ := session(t, "age", srv.URL, []dvdtest.Option{dvdtest.MaxAge(24 * time.Hour), dvdtest.WithMode(cassette.ModeReplay)}, "pass", "/a")
	if tb.Failed() || srv.hits.Load() != 0 || !strings.Contains(tb.output(), "stale") {
		t.Errorf("replay mode: hits %d, log:\n%s", srv.hits.Load(), tb.output())
	}
	// Once: re-recorded.
	tb, _ = session(t, "age", srv.URL, []dvdtest.Option{dvdtest.MaxAge(24 * time.Hour)}, "pass", "/a")
	g, err := cassette.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Failed() || srv.hits.Load() != 1 || time.Since(g.RecordedAt()) > time.Hour {
		t.Errorf("once mode: hits %d, recorded at %v; want a re-record\n%s", srv.hits.Load(), g.RecordedAt(), tb.output())
	}
}

func TestReplayLatency(t *testing.T) {
	cleanEnv(t)
	file := filepath.Join("testdata", "slow.dvd.json")
	slow := func(d time.Duration) *cassette.Cassette {
		return cassette.New(cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "http://127.0.0.1:1/slow"},
			Response: &cassette.Response{Status: "200 OK", StatusCode: 200, Body: []byte("late"), ContentLength: 4},
			Duration: d,
		})
	}
	if err := slow(300 * time.Millisecond).Save(file); err != nil {
		t.Fatal(err)
	}
	if err := slow(time.Hour).Save(filepath.Join("testdata", "forever.dvd.json")); err != nil {
		t.Fatal(err)
	}
	timed := func(name string, opts ...dvdtest.Option) (time.Duration, error) {
		var elapsed time.Duration
		var err error
		tb := newFakeTB("TestSlow")
		tb.run(func(tb testing.TB) {
			d := dvdtest.Use(tb, name, opts...)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if len(opts) > 1 {
				ctx, cancel = context.WithTimeout(context.Background(), 10*time.Millisecond)
				defer cancel()
			}
			req, _ := http.NewRequestWithContext(ctx, "GET", "http://127.0.0.1:1/slow", nil)
			start := time.Now()
			_, err = d.Client().Do(req)
			elapsed = time.Since(start)
		})
		return elapsed, err
	}
	// Without the option replay does not wait: an hour-long recording
	// answers well within a 5s deadline.
	tb := newFakeTB("TestForever")
	tb.run(func(tb testing.TB) {
		d := dvdtest.Use(tb, "forever")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://127.0.0.1:1/slow", nil)
		if _, err := d.Client().Do(req); err != nil {
			t.Errorf("without ReplayLatency: %v, want an answer at once", err)
		}
	})
	// Lower bounds only: a loaded machine makes things slower, never faster.
	if el, err := timed("slow", dvdtest.ReplayLatency()); err != nil || el < 300*time.Millisecond {
		t.Errorf("with ReplayLatency: %v after %v, want the answer after at least 300ms", err, el)
	}
	if _, err := timed("forever", dvdtest.ReplayLatency(), dvdtest.WithMode(cassette.ModeReplay)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("with ReplayLatency, an hour-long recording and a 10ms deadline: %v, want context.DeadlineExceeded", err)
	}
}
