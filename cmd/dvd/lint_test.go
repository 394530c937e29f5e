package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/testsupport"
)

// TestLintFindings: each sort of finding, in a cassette written by hand
// (which bypasses redaction) or recorded through dvd, gives its line and
// the exit status, and no line ever holds a planted secret.
func TestLintFindings(t *testing.T) {
	secrets := []string{"s3cret-header-1", "s3cret-query-2", "s3cret-json-3", "s3cret-form-4", "s3cret-user-5", "s3cret-nested-6", "s3cret-cookie-7", "s3cret-custom-8", "s3cret-ndjson-9", "s3cret-multi-10"}
	withHeader := func(in cassette.Interaction, k, v string) cassette.Interaction {
		if in.Request.Header == nil {
			in.Request.Header = http.Header{}
		}
		in.Request.Header.Set(k, v)
		return in
	}
	post := func(url, ctype, body string) cassette.Interaction {
		in := get(url, 200, "ok")
		in.Request.Method = "POST"
		in.Request.Header = http.Header{"Content-Type": {ctype}}
		in.Request.Body = []byte(body)
		return in
	}
	failed := func(e neterr.Record) cassette.Interaction {
		return cassette.Interaction{Request: cassette.Request{Method: "GET", URL: "http://api.test/down?token=s3cret-query-2"}, Error: neterr.Recorded(e)}
	}
	truncated := get("http://api.test/big", 200, "first part")
	truncated.Response.Truncated = true
	truncated.Response.ContentLength = -1

	cases := []struct {
		name  string
		in    []cassette.Interaction
		flags []string
		code  int
		want  []string // the lines of stdout, after "FILE: "
	}{
		{name: "clean", in: []cassette.Interaction{get("http://api.test/a?page=1", 200, `{"token":"REDACTED"}`, "Authorization", "Bearer REDACTED")}, code: exitOK},
		{
			name: "request header",
			in:   []cassette.Interaction{withHeader(get("http://api.test/a", 200, "ok"), "Authorization", "Bearer s3cret-header-1")},
			code: exitFailure,
			want: []string{"#1: credential left in request header Authorization"},
		},
		{
			name: "query, user information and fragment",
			in: []cassette.Interaction{get("http://ok.test/", 200, "ok"),
				get("https://bot:s3cret-user-5@api.test/a?page=2&access_token=s3cret-query-2#id_token=s3cret-nested-6", 200, "ok")},
			code: exitFailure,
			want: []string{
				"#2: credential left in request URL user information",
				"#2: credential left in request URL query access_token",
				"#2: credential left in request URL fragment id_token",
			},
		},
		{
			name: "response JSON fields and cookie",
			in: []cassette.Interaction{get("http://api.test/login", 200,
				`{"user":{"name":"ada","password":"s3cret-json-3"},"items":[{"id":1,"token":"s3cret-nested-6"},{"id":2,"token":"s3cret-nested-6"}]}`,
				"Content-Type", "application/json", "Set-Cookie", "sid=s3cret-cookie-7; Path=/")},
			code: exitFailure,
			want: []string{
				"#1: credential left in response header Set-Cookie",
				"#1: credential left in response body field $.items[*].token",
				"#1: credential left in response body field $.user.password",
			},
		},
		{
			name: "JSON lines",
			in:   []cassette.Interaction{post("http://api.test/bulk", "application/x-ndjson", "{\"id\":1}\n{\"secret\":\"s3cret-ndjson-9\"}\n")},
			code: exitFailure,
			want: []string{"#1: credential left in request body field $.secret"},
		},
		{
			name: "url-encoded form",
			in:   []cassette.Interaction{post("http://api.test/oauth/token", "application/x-www-form-urlencoded", "grant_type=client_credentials&client_secret=s3cret-form-4")},
			code: exitFailure,
			want: []string{"#1: credential left in request body form field client_secret"},
		},
		{
			name: "multipart form",
			in: []cassette.Interaction{post("http://api.test/upload", "multipart/form-data; boundary=XyZ",
				"--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhi\r\n--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\ns3cret-multi-10\r\n--XyZ--\r\n")},
			code: exitFailure,
			want: []string{"#1: credential left in request body form field password"},
		},
		{
			name:  "a header named with -header",
			in:    []cassette.Interaction{withHeader(get("http://api.test/a", 200, "ok"), "X-Tenant-Ref", "s3cret-custom-8")},
			flags: []string{"-header", "X-Tenant-Ref"},
			code:  exitFailure,
			want:  []string{"#1: credential left in request header X-Tenant-Ref"},
		},
		{
			name: "a header the defaults do not cover, without -header",
			in:   []cassette.Interaction{withHeader(get("http://api.test/a", 200, "ok"), "X-Tenant-Ref", "s3cret-custom-8")},
			code: exitOK,
		},
		{
			name: "truncated body",
			in:   []cassette.Interaction{truncated},
			code: exitFailure,
			want: []string{"#1: GET http://api.test/big: the response body is truncated: the client closed it after 10 bytes while recording, and replay gives no more"},
		},
		{
			name: "failures to connect",
			in: []cassette.Interaction{
				failed(neterr.Record{Kind: neterr.Refused, Message: "dial tcp 127.0.0.1:1: connect: connection refused", Op: "dial"}),
				failed(neterr.Record{Kind: neterr.DNS, Message: "lookup api.test: no such host"}),
				failed(neterr.Record{Kind: neterr.Other, Message: "dial tcp: connect: network is unreachable", Op: "dial"}),
				failed(neterr.Record{Kind: neterr.Certificate, Message: "x509: certificate signed by unknown authority"}),
				failed(neterr.Record{Kind: neterr.Timeout, Message: "timeout awaiting response headers", Timeout: true}),
				failed(neterr.Record{Kind: neterr.Reset, Message: "read: connection reset by peer", Op: "read"}),
			},
			code: exitFailure,
			want: []string{
				"#1: GET http://api.test/down?token=REDACTED could not connect (refused): the server was likely unreachable while recording; record it again where it is reachable",
				"#2: GET http://api.test/down?token=REDACTED could not connect (dns): the server was likely unreachable while recording; record it again where it is reachable",
				"#3: GET http://api.test/down?token=REDACTED could not connect (other): the server was likely unreachable while recording; record it again where it is reachable",
				"#4: GET http://api.test/down?token=REDACTED could not connect (certificate): the server was likely unreachable while recording; record it again where it is reachable",
				"#1: credential left in request URL query token", // the six lines of the URL, sorted here
				"#2: credential left in request URL query token",
				"#3: credential left in request URL query token",
				"#4: credential left in request URL query token",
				"#5: credential left in request URL query token",
				"#6: credential left in request URL query token",
			},
		},
		{
			name: "a URL quoted in a recorded error",
			in: []cassette.Interaction{{Request: cassette.Request{Method: "GET", URL: "http://api.test/x"},
				Error: neterr.Recorded(neterr.Record{Kind: neterr.EOF, Message: `Get "http://api.test/x?token=s3cret-query-2": EOF`})}},
			code: exitFailure,
			want: []string{"#1: credential left in error message"},
		},
		{
			name:  "failures to connect, left out",
			in:    []cassette.Interaction{failed(neterr.Record{Kind: neterr.Refused, Message: "connection refused", Op: "dial"})},
			flags: []string{"-failures=false"},
			code:  exitFailure, // the token in its URL is still a finding
			want:  []string{"#1: credential left in request URL query token"},
		},
		{
			name: "5xx is a warning",
			in:   []cassette.Interaction{get("http://api.test/a", 503, "down"), get("http://api.test/b", 500, "oops")},
			code: exitOK,
			want: []string{"#1: warning: GET http://api.test/a answered 503: a server error, recorded as it was", "#2: warning: GET http://api.test/b answered 500: a server error, recorded as it was"},
		},
		{
			name:  "5xx with -strict",
			in:    []cassette.Interaction{get("http://api.test/a", 502, "down")},
			flags: []string{"-strict"},
			code:  exitFailure,
			want:  []string{"#1: warning: GET http://api.test/a answered 502: a server error, recorded as it was"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.dvd.json")
			save(t, path, tc.in...)
			r := runDVD(t, append(append([]string{"lint"}, tc.flags...), path)...)
			r.check(t, tc.code, nil, secrets...)
			got := lines(r.stdout)
			var want []string
			for _, w := range tc.want {
				want = append(want, path+": "+w)
			}
			if !sameSet(got, want) {
				t.Errorf("lint printed:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
			if strings.Contains(strings.Join(tc.want, ""), "credential") {
				if !strings.Contains(r.stderr, "dvd scrub ") || !strings.Contains(r.stderr, path) {
					t.Errorf("stderr does not say how to scrub %s:\n%s", path, r.stderr)
				}
			} else if r.stderr != "" {
				t.Errorf("stderr: %s", r.stderr)
			}
		})
	}
}

// lines splits output into its lines.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// sameSet reports whether a and b hold the same lines, in any order.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		count[s]--
		if count[s] < 0 {
			return false
		}
	}
	return true
}

// TestLintRecorded: a cassette recorded through dvd from a real server
// holds no credential, whatever the client sent and the server answered;
// its 5xx is a warning.
func TestLintRecorded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "server-cookie-42"})
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusBadGateway)
		}
		fmt.Fprint(w, `{"access_token":"server-token-43","ok":true}`)
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "sub", "rec.dvd.json.zst")
	record(t, path, cassette.Config{},
		newRequest(t, "GET", srv.URL+"/me?api_key=client-key-44", "", "Authorization", "token client-token-45"),
		newRequest(t, "GET", srv.URL+"/fail", ""),
	)
	r := runDVD(t, "lint", filepath.Dir(filepath.Dir(path)))
	r.check(t, exitOK, []string{path + ": #2: warning: GET " + srv.URL + "/fail answered 502"},
		"server-cookie-42", "server-token-43", "client-key-44", "client-token-45", "credential")
	if n := len(lines(r.stdout)); n != 1 {
		t.Errorf("lint printed %d lines, want 1", n)
	}
}

// TestLintBroken: files that do not load are findings that name the file
// and the reason; paths that do not exist or hold no cassette are errors;
// the other files are linted all the same.
func TestLintBroken(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "tree", "good.dvd.json")
	save(t, good, get("http://api.test/", 200, "ok"))
	corrupt := filepath.Join(dir, "tree", "corrupt.dvd.json.gz")
	testsupport.WriteFile(t, corrupt, []byte("not gzip, not JSON"))
	newer := filepath.Join(dir, "tree", "deep", "newer.dvd.json")
	testsupport.WriteFile(t, newer, []byte(`{"version": 99, "interactions": []}`))
	hidden := filepath.Join(dir, "tree", ".git", "skipped.dvd.json")
	testsupport.WriteFile(t, hidden, []byte("corrupt, but in a folder lint skips"))
	other := filepath.Join(dir, "tree", "notes.json")
	testsupport.WriteFile(t, other, []byte("not a cassette by its name"))
	empty := filepath.Join(dir, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")

	cases := []struct {
		name   string
		args   []string
		code   int
		has    []string
		hasNot []string
	}{
		{
			name:   "a folder with broken files",
			args:   []string{"lint", filepath.Join(dir, "tree")},
			code:   exitFailure,
			has:    []string{corrupt + ": cannot be read: ", newer + ": cannot be read: ", "99"},
			hasNot: []string{good, hidden, other},
		},
		{
			name: "a folder with no cassettes",
			args: []string{"lint", empty},
			code: exitFailure,
			has:  []string{"dvd lint: " + empty + ": no cassettes in this folder or below it (*.dvd.json, *.dvd.json.zst, *.dvd.json.gz); check the path"},
		},
		{
			name:   "a missing path, with a good file",
			args:   []string{"lint", missing, good},
			code:   exitFailure,
			has:    []string{"dvd lint: " + missing + ": no such file or directory"},
			hasNot: []string{good},
		},
		{"a good file", []string{"lint", good}, exitOK, nil, nil},
		{"a file named otherwise, given by name", []string{"lint", other}, exitFailure, []string{other + ": cannot be read: "}, nil},
		{"no path", []string{"lint"}, exitUsage, []string{"lint takes at least one cassette file or folder", "usage: dvd lint"}, nil},
		{"bad flag", []string{"lint", "-bogus", good}, exitUsage, []string{"flag provided but not defined: -bogus"}, nil},
		{"empty -header", []string{"lint", "-header", "", good}, exitUsage, []string{"an empty name"}, nil},
		{"bad -json path", []string{"lint", "-json", "a..b", good}, exitUsage, []string{"a..b"}, nil},
		{"missing used list", []string{"lint", "-used", filepath.Join(dir, "used.txt"), good}, exitFailure,
			[]string{filepath.Join(dir, "used.txt") + ": cannot read the list of used cassettes: no such file or directory; write it by running the tests with DVD_USED set, as in DVD_USED=$PWD/used.txt go test -count=1 ./... in the module, and run lint again"}, nil},
		{"help", []string{"help", "lint"}, exitOK, []string{"usage: dvd lint [flags] PATH...", "Example:", "Exit status:", "-strict", "-used LIST", "DVD_USED"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runDVD(t, tc.args...).check(t, tc.code, tc.has, tc.hasNot...)
		})
	}
}

// TestLintUsed: tests run with DVD_USED list the cassettes they use, and
// lint -used reports the others, whatever their compression, through a
// symbolic link to the folder too.
func TestLintUsed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hi") }))
	defer srv.Close()
	root := t.TempDir()
	t.Chdir(root)
	list := filepath.Join(root, "used.txt")
	t.Setenv("DVD_USED", list)
	t.Setenv("DVD_MODE", "record") // whatever CI says
	for _, tc := range []struct {
		name string
		opts []dvdtest.Option
	}{
		{"api/users", nil},
		{"api/orders", []dvdtest.Option{dvdtest.Compress(codec.Zstd)}},
		{"api/users", nil}, // used twice: listed twice
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := dvdtest.Use(t, tc.name, tc.opts...)
			resp, err := d.Client().Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body) // read whole: not truncated
			resp.Body.Close()
		})
	}
	users := filepath.Join("testdata", "api", "users.dvd.json")
	orders := filepath.Join("testdata", "api", "orders.dvd.json.zst")
	for _, f := range []string{users, orders} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("the test did not save its cassette: %v", err)
		}
	}
	// Orphans: a renamed test's cassette, and a cassette saved with
	// another compression than the test now asks for, which is the same
	// cassette and so used.
	orphan := filepath.Join("testdata", "api", "old_users.dvd.json")
	save(t, orphan, get("http://api.test/", 200, "ok"))
	gz := filepath.Join("testdata", "api", "users.dvd.json.gz")
	save(t, gz, get("http://api.test/", 200, "ok"))
	if err := os.Symlink(filepath.Join(root, "testdata"), filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}

	r := runDVD(t, "lint", "-used", "used.txt", "testdata")
	r.check(t, exitFailure, nil)
	if want := []string{orphan + ": not used by any test in used.txt"}; !sameSet(lines(r.stdout), want) {
		t.Errorf("lint printed:\n%s\nwant:\n%s", r.stdout, strings.Join(want, "\n"))
	}

	r = runDVD(t, "lint", "-used", "used.txt", filepath.Join("link", "api"))
	if want := []string{filepath.Join("link", "api", "old_users.dvd.json") + ": not used by any test in used.txt"}; !sameSet(lines(r.stdout), want) {
		t.Errorf("through a link, lint printed:\n%s\nwant:\n%s", r.stdout, strings.Join(want, "\n"))
	}

	// A second list, as a run with other build tags would write, that
	// uses the orphan: now nothing is reported.
	testsupport.WriteFile(t, "other.txt", []byte("\n"+filepath.Join(root, orphan)+"\n"))
	runDVD(t, "lint", "-used", "used.txt", "-used", "other.txt", "testdata").check(t, exitOK, nil, "not used")

	// An empty list: every cassette is unused, named with the list.
	testsupport.WriteFile(t, "none.txt", nil)
	r = runDVD(t, "lint", "-used", "none.txt", "testdata")
	r.check(t, exitFailure, []string{users + ": not used by any test in none.txt", orders + ": not used by any test in none.txt"})
}

// TestLintEncodedBodies lints bodies stored in a content coding, not
// decoded: a gzip body cut short, whose start decodes and holds a token;
// a whole gzip request body; a body in br, which dvd does not decode.
func TestLintEncodedBodies(t *testing.T) {
	gz := func(s string) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	cut := gz(`{"access_token":"GZCUTSECRET1","n":1}`)
	cut = cut[:len(cut)-8] // no trailer: it does not decode whole
	path := filepath.Join(t.TempDir(), "enc.dvd.json")
	resp := get("http://127.0.0.1:1/a", 200, "", "Content-Encoding", "gzip", "Content-Type", "application/json")
	resp.Response.Body = cut
	req := get("http://127.0.0.1:1/b", 200, "ok")
	req.Request.Method = "POST"
	req.Request.Header = http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"application/x-www-form-urlencoded"}}
	req.Request.Body = gz("password=GZFORMSECRET2&x=1")
	br := get("http://127.0.0.1:1/c", 200, "", "Content-Encoding", "br")
	br.Response.Body = []byte{0x1b, 0x2f, 0x00, 0xf8, 0x25, 0x00, 0x12, 0x42}
	save(t, path, resp, req, br)
	secrets := []string{"GZCUTSECRET1", "GZFORMSECRET2"}
	r := runDVD(t, "lint", path)
	r.check(t, 1, []string{
		path + ": #1: credential left in response body field $.access_token, in the body stored encoded (gzip)",
		path + ": #2: credential left in request body form field password, in the body stored encoded (gzip)",
		path + ": #3: warning: response body stored encoded (br): not checked for credentials",
	}, secrets...)
}

// TestJSONPathFlag gives -json the path that lint prints: it matches, in
// lint and in scrub. An invalid path is a usage error.
func TestJSONPathFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pins.dvd.json")
	save(t, path, get("http://127.0.0.1:1/p", 200, `{"items":[{"pin":"PINSECRET1"},{"pin":"PINSECRET2"}]}`, "Content-Type", "application/json"))
	for _, p := range []string{"$.items[*].pin", "items.*.pin", "$.items.*.pin"} {
		runDVD(t, "lint", "-json", p, path).check(t, 1, []string{"#1: credential left in response body field $.items[*].pin", "dvd scrub -json 'items.*.pin'"}, "PINSECRET")
	}
	for _, p := range []string{"$.bad[", "a..b", "$", "items[0].pin", `$["a"]`} {
		runDVD(t, "lint", "-json", p, path).check(t, 2, []string{"not a JSON field path"}, "PINSECRET")
		runDVD(t, "scrub", "-json", p, path).check(t, 2, []string{"not a JSON field path"}, "PINSECRET")
	}
	runDVD(t, "scrub", "-json", "$.items[*].pin", path).check(t, 0, []string{"scrubbed 1 interaction"}, "PINSECRET")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("PINSECRET")) {
		t.Errorf("scrub left a pin:\n%s", data)
	}
}
