package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// dvdRun is what one run of the dvd command did.
type dvdRun struct {
	code           int
	stdout, stderr string
}

// runDVD runs dvd in process with args and no input.
func runDVD(t *testing.T, args ...string) dvdRun {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return dvdRun{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// check reports, as test errors, an exit status other than code, a string
// of has missing from stdout and stderr together, and a string of hasNot
// present in either.
func (r dvdRun) check(t *testing.T, code int, has []string, hasNot ...string) {
	t.Helper()
	all := r.stdout + r.stderr
	if r.code != code {
		t.Errorf("exit status %d, want %d", r.code, code)
	}
	for _, s := range has {
		if !strings.Contains(all, s) {
			t.Errorf("the output lacks %q", s)
		}
	}
	for _, s := range hasNot {
		if strings.Contains(all, s) {
			t.Errorf("the output holds %q", s)
		}
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}

// record sends reqs through a recorder in record mode, reading each
// response whole, and saves what it recorded to path. It returns the
// recorded cassette.
func record(t *testing.T, path string, cfg cassette.Config, reqs ...*http.Request) *cassette.Cassette {
	t.Helper()
	cfg.Mode = cassette.ModeRecord
	rec, err := cassette.NewRecorder(nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: rec}
	for _, req := range reqs {
		resp, err := client.Do(req)
		if err != nil {
			continue // a transport error is recorded too
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	rec.Close()
	c := rec.Cassette()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	return c
}

// newRequest returns a request or fails the test.
func newRequest(t *testing.T, method, url, body string, header ...string) *http.Request {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// save writes a cassette of the given interactions to path, as a file
// written by hand or by another tool would be: nothing is redacted.
func save(t *testing.T, path string, in ...cassette.Interaction) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := cassette.New(in...).Save(path); err != nil {
		t.Fatal(err)
	}
}

// get returns an interaction of a GET of url answered with status and
// body.
func get(url string, status int, body string, header ...string) cassette.Interaction {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	return cassette.Interaction{
		Request:  cassette.Request{Method: "GET", URL: url},
		Response: &cassette.Response{StatusCode: status, Header: h, Body: []byte(body), ContentLength: int64(len(body))},
	}
}
