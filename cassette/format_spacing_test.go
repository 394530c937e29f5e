package cassette_test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// spacedBodies are JSON bodies spaced as encoders other than Go's space
// them, or as none does.
var spacedBodies = []struct{ name, body string }{
	{"Python's json.dumps", `{"id": 1, "tags": ["a", "b"], "owner": {"login": "octocat", "ids": [1, 2, 3]}}`},
	{"Python, then a newline", `[{"id": 1}, {"id": 2}]` + "\n"},
	{"colons only", `{"id": 1,"tags": ["a","b"]}`},
	{"tabs, CRLF and spaces before colons", "{\r\n\t\"a\" : [ 1 ,\t2 ],\r\n\t\"b\" :\t{ }\r\n}\r\n"},
	{"nested empty", `{"a": {}, "b": [], "c": [{}, [[]], {"d": {}}]}`},
	{"unicode escapes", `{"name": "Zo\u00eb \"Z\"", "sep": "\u2028, :", "emoji": "\ud83d\ude00", "raw": "é"}`},
	{"long Python listing", pythonListing(40)},
}

// pythonListing is a page of n objects as Python's json.dumps writes it:
// long enough to be laid out in the file.
func pythonListing(n int) string {
	var b strings.Builder
	b.WriteString(`{"data": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `{"id": %d, "label": "item %d", "state": {"enabled": true, "days": %d}}`, i, i, i%365)
	}
	b.WriteString(`], "page": 1}`)
	return b.String()
}

// TestSpacedJSONRecordReplay records bodies of every spacing from a
// server, saves the cassette to a file and loads it, and replays each body
// byte for byte; the file holds them as JSON.
func TestSpacedJSONRecordReplay(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/"), &i)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, spacedBodies[i].body)
	}))
	defer srv.Close()

	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	for i, tt := range spacedBodies {
		if got, err := get(t, rec, "POST", fmt.Sprint(srv.URL, "/", i), tt.body); err != nil || got != tt.body {
			t.Fatalf("%s: recording got %.80q, %v", tt.name, got, err)
		}
	}
	rec.Close()
	path := filepath.Join(t.TempDir(), "spaced"+cassette.Ext)
	if err := rec.Cassette().Save(path); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), `"body_json": `); n != 2*len(spacedBodies) || strings.Contains(string(data), `"body": `) {
		t.Errorf("the file holds %d bodies as JSON, want all %d:\n%.3000s", n, 2*len(spacedBodies), data)
	}
	if !strings.HasPrefix(string(data), "{\n  \"version\": 2,\n") {
		t.Errorf("the file is not of version 2:\n%.100s", data)
	}

	c, err := cassette.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	play := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay})
	for i, tt := range spacedBodies {
		got, err := get(t, play, "POST", fmt.Sprint(srv.URL, "/", i), tt.body)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.body {
			t.Errorf("%s: replayed %q, want %q", tt.name, got, tt.body)
		}
		if in := c.Interactions()[i]; string(in.Request.Body) != tt.body {
			t.Errorf("%s: the request body loaded as %q", tt.name, in.Request.Body)
		}
	}
}

// TestSpacedJSONRedacted checks that a token in a body spaced as Python
// spaces it is redacted, and that the file holds the body as JSON.
func TestSpacedJSONRedacted(t *testing.T) {
	var raw [24]byte
	rand.Read(raw[:])
	secret := hex.EncodeToString(raw[:])
	body := `{"access_token": "` + secret + `", "token_type": "bearer", "expires_in": 3600}` + "\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}))
	defer srv.Close()

	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	if got, err := get(t, rec, "POST", srv.URL+"/oauth/token", ""); err != nil || got != body {
		t.Fatalf("recording: the client did not get the body as sent (%v)", err)
	}
	rec.Close()
	path := filepath.Join(t.TempDir(), "token"+cassette.Ext)
	if err := rec.Cassette().Save(path); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), secret) {
		t.Fatal("the token reached the file")
	}
	want := `"body_json": {"access_token":"REDACTED~1","token_type":"bearer","expires_in":3600},` + "\n" +
		`        "body_json_comma": ", ",` + "\n" +
		`        "body_json_colon": ": ",` + "\n" +
		`        "body_json_trailing": "\n"`
	if !strings.Contains(string(data), want) {
		t.Errorf("the file does not hold the body as JSON, redacted, as\n%s\nit holds:\n%s", want, data)
	}
	c, err := cassette.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(c.Interactions()[0].Response.Body); got != strings.Replace(body, secret, "REDACTED~1", 1) {
		t.Errorf("the body loaded as %q", got)
	}
}
