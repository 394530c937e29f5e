package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/internal/testsupport"
)

// inspectServer answers /json with JSON, /text with text, /png with bytes
// that are not text, and /down with a 503.
func inspectServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/json":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":7,"items":["a","b"],"token":"tok-from-server-991"}`)
		case "/text":
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "line one\nline two\n")
		case "/png":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte{0x89, 'P', 'N', 'G', 0, 1, 2, 3, 0xff})
		case "/gz":
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			fmt.Fprint(zw, `{"greeting":"hello from gzip"}`)
			zw.Close()
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(buf.Bytes())
		case "/down":
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestInspectTable: the table lists every interaction of a cassette
// recorded through dvd, one a line, in columns that split on spaces.
func TestInspectTable(t *testing.T) {
	srv := inspectServer(t)
	path := filepath.Join(t.TempDir(), "inspect.dvd.json")
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close() // nothing listens there any more: connection refused
	record(t, path, cassette.Config{},
		newRequest(t, "GET", srv.URL+"/json?access_token=query-secret-123", ""),
		newRequest(t, "POST", srv.URL+"/text", "hello"),
		newRequest(t, "GET", srv.URL+"/png", ""),
		newRequest(t, "GET", srv.URL+"/down", ""),
		newRequest(t, "GET", dead.URL+"/gone", ""),
	)
	r := runDVD(t, "inspect", path)
	r.check(t, exitOK, nil, "query-secret-123", "tok-from-server-991")
	want := [][]string{
		{"#", "METHOD", "URL", "STATUS", "BODY", "DURATION", "TIMES"},
		{"1", "GET", srv.URL + "/json?access_token=REDACTED", "200", "47"}, // the token redacted,
		{"2", "POST", srv.URL + "/text", "200", "18"},
		{"3", "GET", srv.URL + "/png", "200", "9"},
		{"4", "GET", srv.URL + "/down", "503", "12"},
		{"5", "GET", dead.URL + "/gone", "refused", "-"},
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("inspect printed %d lines, want %d:\n%s", len(lines), len(want), r.stdout)
	}
	for i, line := range lines {
		got := strings.Fields(line)
		if len(got) != 7 {
			t.Errorf("line %d has %d columns, want 7: %q", i+1, len(got), line)
			continue
		}
		for j, w := range want[i] {
			if redact.Unnumbered(got[j]) != w {
				t.Errorf("line %d, column %s: %q, want %q", i+1, want[0][j], got[j], w)
			}
		}
		if i > 0 && got[6] != "1" {
			t.Errorf("line %d: TIMES %q, want 1", i+1, got[6])
		}
	}
	// The columns are aligned: URL starts at the same offset on every line.
	at := strings.Index(lines[0], "URL")
	for i, line := range lines[1:] {
		if !strings.HasPrefix(line[at:], "http://") {
			t.Errorf("line %d: the URL does not start under the header: %q", i+2, line)
		}
	}
}

// TestInspectOne: -n shows one interaction whole: JSON indented, text as
// text, binary as a note, the error of a failed request, and never a value
// that the default redaction removes, even from a file written by hand.
func TestInspectOne(t *testing.T) {
	srv := inspectServer(t)
	dir := t.TempDir()
	recorded := filepath.Join(dir, "recorded.dvd.json")
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	record(t, recorded, cassette.Config{},
		newRequest(t, "GET", srv.URL+"/json", ""),
		newRequest(t, "POST", srv.URL+"/text", "posted text"),
		newRequest(t, "GET", srv.URL+"/png", ""),
		newRequest(t, "GET", dead.URL+"/gone", ""),
	)
	byHand := filepath.Join(dir, "hand.dvd.json.gz")
	in := get("https://user:hand-password-5@api.test/me?api_key=hand-key-77&page=2", 200,
		`{"user":{"name":"ada","password":"hand-password-6"}}`,
		"Content-Type", "application/json", "Set-Cookie", "session=hand-cookie-88; Path=/")
	in.Request.Header = http.Header{"Authorization": {"Bearer hand-bearer-99"}, "Accept": {"application/json"}}
	save(t, byHand, in)

	cases := []struct {
		name   string
		args   []string
		has    []string
		hasNot []string
	}{
		{
			name: "JSON response",
			args: []string{"inspect", "-n", "1", recorded},
			has: []string{"Interaction 1 of 4", "Request\n  GET " + srv.URL + "/json\n", "Response\n  HTTP/1.1 200 OK\n",
				"  Content-Type: application/json\n", "\n  {\n    \"id\": 7,\n    \"items\": [\n      \"a\",\n      \"b\"\n    ],\n    \"token\": \"REDACTED\"\n  }\n",
				"Duration: ", "Times: 1"},
			hasNot: []string{"tok-from-server-991"},
		},
		{
			name: "text bodies",
			args: []string{"inspect", "-n", "2", recorded},
			has:  []string{"POST " + srv.URL + "/text", "\n  posted text\n", "\n  line one\n  line two\n"},
		},
		{
			name:   "binary body",
			args:   []string{"inspect", "-n", "3", recorded},
			has:    []string{"(image/png body, 9 bytes, not shown)"},
			hasNot: []string{"PNG"},
		},
		{
			name:   "recorded error",
			args:   []string{"inspect", "-n", "4", recorded},
			has:    []string{"Error\n  refused: ", "connection refused"},
			hasNot: []string{"Response"},
		},
		{
			name: "secrets written by hand",
			args: []string{"inspect", "-n", "1", byHand},
			has: []string{"GET https://REDACTED@api.test/me?api_key=REDACTED&page=2", "Authorization: Bearer REDACTED",
				"Set-Cookie: session=REDACTED; Path=/", `"password": "REDACTED"`, `"name": "ada"`},
			hasNot: []string{"hand-password-5", "hand-key-77", "hand-password-6", "hand-cookie-88", "hand-bearer-99"},
		},
		{
			name:   "secrets written by hand, in the table",
			args:   []string{"inspect", byHand},
			has:    []string{"https://REDACTED@api.test/me?api_key=REDACTED&page=2"},
			hasNot: []string{"hand-password-5", "hand-key-77"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runDVD(t, tc.args...)
			r.stdout = redact.Unnumbered(r.stdout) // which marker is not the point here
			r.check(t, exitOK, tc.has, tc.hasNot...)
		})
	}
}

// TestInspectAsCame: a body stored as the bytes that came, in a content
// coding, is shown decoded.
func TestInspectAsCame(t *testing.T) {
	srv := inspectServer(t)
	path := filepath.Join(t.TempDir(), "gz.dvd.json")
	req := newRequest(t, "GET", srv.URL+"/gz", "")
	req.Header.Set("Accept-Encoding", "gzip")
	record(t, path, cassette.Config{}, req)
	runDVD(t, "inspect", "-n", "1", path).check(t, exitOK,
		[]string{"(stored as it came, ", " bytes in Content-Encoding gzip; shown decoded)\n", `"greeting": "hello from gzip"`})
}

// TestInspectBroken: bad input gives an error that names the file, or a
// usage error.
func TestInspectBroken(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.dvd.json")
	save(t, good, get("http://api.test/", 200, "ok"))
	corrupt := filepath.Join(dir, "corrupt.dvd.json")
	testsupport.WriteFile(t, corrupt, []byte(`{"version": 1, "interactions": [`))
	newer := filepath.Join(dir, "newer.dvd.json")
	testsupport.WriteFile(t, newer, []byte(`{"version": 99, "interactions": []}`))
	missing := filepath.Join(dir, "missing.dvd.json")

	cases := []struct {
		name string
		args []string
		code int
		has  []string
	}{
		{"missing file", []string{"inspect", missing}, exitFailure, []string{"dvd inspect: " + missing + ": cannot read the cassette: no such file"}},
		{"corrupt file", []string{"inspect", corrupt}, exitFailure, []string{"dvd inspect: " + corrupt + ": cannot read the cassette: truncated"}},
		{"newer version", []string{"inspect", newer}, exitFailure, []string{newer, "99"}},
		{"n out of range", []string{"inspect", "-n", "2", good}, exitFailure, []string{good + " holds 1 interaction: -n takes a number from 1 to 1"}},
		{"negative n", []string{"inspect", "-n", "-1", good}, exitUsage, []string{"interactions are numbered from 1", "usage: dvd inspect"}},
		{"no file", []string{"inspect"}, exitUsage, []string{"inspect takes one cassette file, got 0 arguments"}},
		{"two files", []string{"inspect", good, good}, exitUsage, []string{"got 2 arguments"}},
		{"bad flag", []string{"inspect", "-x", good}, exitUsage, []string{"flag provided but not defined: -x"}},
		{"help", []string{"help", "inspect"}, exitOK, []string{"usage: dvd inspect [flags] FILE", "Example:", "Exit status:", "-n N"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runDVD(t, tc.args...).check(t, tc.code, tc.has)
		})
	}
}
