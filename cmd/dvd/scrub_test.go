package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/replayed"
	"github.com/dvdrw/dvd/internal/testsupport"
)

// TestScrubThenReplay: a secret that the default redaction does not cover,
// recorded through dvd, and a raw Authorization in a cassette written by
// hand: lint finds both without printing them, scrub removes them in
// place (compression, mode and link kept), lint is then clean, and the
// same requests still replay from the scrubbed cassette with the server
// stopped.
func TestScrubThenReplay(t *testing.T) {
	const session, bearer = "sess-4f9a11c2", "ghp_hand0written0token77"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Tenant-Ref", session)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path":%q,"tenant":%q}`, r.URL.Path, "ok")
	}))
	dir := t.TempDir()
	real := filepath.Join(dir, "store", "api.dvd.json.zst")
	reqs := func() []*http.Request {
		return []*http.Request{
			newRequest(t, "GET", srv.URL+"/one", "", "X-Tenant-Ref", session),
			newRequest(t, "POST", srv.URL+"/two", `{"n":2}`, "X-Tenant-Ref", session, "Content-Type", "application/json"),
		}
	}
	recorded := record(t, real, cassette.Config{}, reqs()...)
	// Add, as by hand, a request with a raw Authorization: Save does not
	// redact.
	hand := get(srv.URL+"/three", 200, "three", "Content-Type", "text/plain")
	hand.Request.Header = http.Header{"Authorization": {"Bearer " + bearer}}
	c := cassette.New(append(recorded.Interactions(), hand)...)
	c.SetRecordedAt(time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC))
	if err := c.Save(real); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(real, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "api.dvd.json.zst")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	srv.Close() // from here on only the cassette answers

	r := runDVD(t, "lint", "-header", "X-Tenant-Ref", link)
	r.check(t, exitFailure, []string{
		link + ": #1: credential left in request header X-Tenant-Ref",
		link + ": #1: credential left in response header X-Tenant-Ref",
		link + ": #2: credential left in request header X-Tenant-Ref",
		link + ": #3: credential left in request header Authorization",
		"dvd scrub -header X-Tenant-Ref " + link,
	}, session, bearer)

	r = runDVD(t, "scrub", "-header", "X-Tenant-Ref", link)
	r.check(t, exitOK, nil, session, bearer)
	if want := link + ": scrubbed 3 interactions\n"; r.stdout != want {
		t.Errorf("scrub printed %q, want %q", r.stdout, want)
	}

	info, err := os.Lstat(link)
	if err != nil || info.Mode().Type() != os.ModeSymlink {
		t.Errorf("the link was replaced: %v, %v", info, err)
	}
	info, err = os.Stat(real)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the file's mode changed: %v, %v", info, err)
	}
	raw, err := os.ReadFile(real)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		t.Errorf("the scrubbed file is not zstd any more: % x", raw[:min(4, len(raw))])
	}
	scrubbed, err := cassette.Load(real)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := cassette.Marshal(scrubbed)
	if bytes.Contains(data, []byte(session)) || bytes.Contains(data, []byte(bearer)) {
		t.Errorf("the scrubbed cassette still holds a secret:\n%s", data)
	}
	if got := scrubbed.RecordedAt(); !got.Equal(c.RecordedAt()) {
		t.Errorf("recorded_at is %v after the scrub, want %v", got, c.RecordedAt())
	}

	runDVD(t, "lint", "-header", "X-Tenant-Ref", link).check(t, exitOK, nil)
	r = runDVD(t, "scrub", "-header", "X-Tenant-Ref", link)
	r.check(t, exitOK, []string{link + ": nothing to scrub"})

	// Replay the same requests, with the real secrets, from the scrubbed
	// file: both sides of a match are redacted alike.
	rec, err := cassette.NewRecorder(scrubbed, cassette.Config{Mode: cassette.ModeReplay})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	client := &http.Client{Transport: rec}
	third := newRequest(t, "GET", srv.URL+"/three", "", "Authorization", "Bearer "+bearer)
	for i, req := range append(reqs(), third) {
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request %d does not replay after the scrub: %v", i+1, err)
		}
		if !replayed.Is(resp) {
			t.Errorf("request %d was not served from the cassette", i+1)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := []string{`{"path":"/one","tenant":"ok"}`, `{"path":"/two","tenant":"ok"}`, "three"}[i]
		if string(body) != want {
			t.Errorf("request %d replayed %q, want %q", i+1, body, want)
		}
	}
}

// TestScrubBroken: a file that cannot be read is left as it was, byte for
// byte, with an error that names it, and the others are scrubbed all the
// same; bad flags are usage errors.
func TestScrubBroken(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "a", "corrupt.dvd.json")
	corruptData := []byte(`{"version": 1, "interactions": [{"request": {"method": "GET", "url": "http://x.test/?token=kept-as-it-was"`)
	testsupport.WriteFile(t, corrupt, corruptData)
	dirty := filepath.Join(dir, "a", "dirty.dvd.json.gz")
	save(t, dirty, get("http://api.test/?page=1", 200, "ok"), get("http://api.test/?access_token=dirty-token-1", 200, "ok"))
	clean := filepath.Join(dir, "a", "clean.dvd.json")
	save(t, clean, get("http://api.test/", 200, "ok"))
	cleanData, err := os.ReadFile(clean)
	if err != nil {
		t.Fatal(err)
	}

	r := runDVD(t, "scrub", filepath.Join(dir, "a"))
	r.check(t, exitFailure, []string{
		"dvd scrub: " + corrupt + ": cannot read the cassette, left as it is: truncated",
		dirty + ": scrubbed 1 interaction\n",
		clean + ": nothing to scrub\n",
	}, "dirty-token-1", "kept-as-it-was")
	if got, _ := os.ReadFile(corrupt); !bytes.Equal(got, corruptData) {
		t.Errorf("scrub changed the file it could not read:\n%s", got)
	}
	if got, _ := os.ReadFile(clean); !bytes.Equal(got, cleanData) {
		t.Errorf("scrub rewrote a file with nothing to scrub:\n%s", got)
	}
	runDVD(t, "lint", dirty).check(t, exitOK, nil)

	cases := []struct {
		name string
		args []string
		code int
		has  []string
	}{
		{"no file", []string{"scrub"}, exitUsage, []string{"scrub takes at least one cassette file or folder", "usage: dvd scrub"}},
		{"empty header", []string{"scrub", "-header", " ", clean}, exitUsage, []string{`invalid value " " for flag -header: an empty name`}},
		{"bad JSON path", []string{"scrub", "-json", "a..b", clean}, exitUsage, []string{"a..b"}},
		{"bad flag", []string{"scrub", "-x", clean}, exitUsage, []string{"flag provided but not defined: -x"}},
		{"missing file", []string{"scrub", filepath.Join(dir, "nope.dvd.json")}, exitFailure, []string{"dvd scrub: " + filepath.Join(dir, "nope.dvd.json") + ": no such file or directory"}},
		{"empty folder", []string{"scrub", t.TempDir()}, exitFailure, []string{"no cassettes in this folder or below it"}},
		{"help", []string{"help", "scrub"}, exitOK, []string{"usage: dvd scrub [flags] PATH...", "Example:", "Exit status:", "-header NAME", "-query NAME", "-json PATH"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runDVD(t, tc.args...).check(t, tc.code, tc.has)
		})
	}
	if got, _ := os.ReadFile(clean); !bytes.Equal(got, cleanData) {
		t.Errorf("a usage error changed %s", clean)
	}
}

// TestScrubLength scrubs a body that redaction shortens: the length the
// response announces is the new body's, not the old one that tells the
// secret's length.
func TestScrubLength(t *testing.T) {
	path := filepath.Join(t.TempDir(), "len.dvd.json")
	body := `{"token":"A-SECRET-OF-FORTY-TWO-CHARACTERS-LONG-XYZW","n":1}`
	save(t, path, get("http://127.0.0.1:1/t", 200, body, "Content-Type", "application/json", "Content-Length", strconv.Itoa(len(body))))
	runDVD(t, "scrub", path).check(t, 0, []string{"scrubbed 1 interaction"}, "A-SECRET")
	c, err := cassette.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Interactions()[0].Response
	n := len(r.Body)
	if n == len(body) {
		t.Fatalf("the body kept its length %d", n)
	}
	if r.ContentLength != int64(n) || r.Header.Get("Content-Length") != strconv.Itoa(n) {
		t.Errorf("content_length %d, Content-Length %q; want %d, the scrubbed body's", r.ContentLength, r.Header.Get("Content-Length"), n)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(strconv.Itoa(len(body)))) || bytes.Contains(data, []byte("A-SECRET")) {
		t.Errorf("the file still tells the secret or its length:\n%s", data)
	}
}
