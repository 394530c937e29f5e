package cassette_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/testsupport"
	"github.com/dvdrw/dvd/match"
)

// TestTextsThatAreNotUTF8 checks that header values (and other texts) that
// are not UTF-8 are stored as {"latin1": "…"} and read back byte for byte,
// while UTF-8 ones stay plain strings.
func TestTextsThatAreNotUTF8(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		value  string
		shown  string // the value as the file shows it
	}{
		{"latin-1 file name", "a Content-Disposition from a server that speaks ISO 8859-1",
			"attachment; filename=\"r\xe9sum\xe9.pdf\"", `{"latin1": "attachment; filename=\"résumé.pdf\""}`},
		{"utf-8", "valid UTF-8 stays a plain string, so existing files do not change", "attachment; filename=\"résumé.pdf\"", `"attachment; filename=\"résumé.pdf\""`},
		{"utf-8 with one bad byte", "lossless, if less readable", "caf\xc3\xa9 \xff", `{"latin1": "cafÃ© ÿ"}`},
		{"control bytes", "escaped, so that none hides in the file", "\x00\x1b\t\x7f\x80\x9f\xa0\xff", `{"latin1": "\u0000\u001b\u0009\u007f\u0080\u009f\u00a0ÿ"}`},
		{"quote and backslash", "", "\"\\\xe9", `{"latin1": "\"\\é"}`},
		{"lone continuation byte", "", "\x80", `{"latin1": "\u0080"}`},
		{"encoded surrogate", "not valid UTF-8", "\xed\xa0\x80", `{"latin1": "í\u00a0\u0080"}`},
		{"invisible characters", "no-break space and soft hyphen are escaped too", "a\xa0b\xadc\xe9", `{"latin1": "a\u00a0b\u00adcé"}`},
		{"truncated rune", "", "\xe2\x82", `{"latin1": "â\u0082"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &File{Version: cassette.Version, Interactions: []cassette.Interaction{{
				Request: cassette.Request{Method: "GET", URL: "http://x/", Header: http.Header{"X-Value": {tt.value, "plain"}}},
				Response: &cassette.Response{
					Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1",
					Header:  http.Header{"Content-Disposition": {tt.value}},
					Trailer: http.Header{"X-Trailer": {tt.value}},
				},
			}, {
				Request: cassette.Request{Method: "GET", URL: "http://x/" + tt.value},
				Error:   neterr.Recorded(neterr.Record{Kind: neterr.Other, Message: "failed: " + tt.value}),
			}}}
			data := marshal(f)
			if n := bytes.Count(data, []byte(tt.shown)); n < 3 {
				t.Errorf("the file shows the value as %s %d times, want 3 (request, response, trailer):\n%s", tt.shown, n, data)
			}
			got, err := unmarshal(data)
			if err != nil {
				t.Fatalf("Unmarshal: %v\n%s", err, data)
			}
			in := got.Interactions
			for what, v := range map[string]string{
				"request header":  in[0].Request.Header.Get("X-Value"),
				"response header": in[0].Response.Header.Get("Content-Disposition"),
				"trailer":         in[0].Response.Trailer.Get("X-Trailer"),
				"url":             strings.TrimPrefix(in[1].Request.URL, "http://x/"),
				"error message":   strings.TrimPrefix(in[1].Error.Error(), "failed: "),
			} {
				if v != tt.value {
					t.Errorf("%s = %q, want %q", what, v, tt.value)
				}
			}
			if again := marshal(got); !bytes.Equal(again, data) {
				t.Errorf("Marshal of the decoded file differs:\n%s\nthen\n%s", data, again)
			}
		})
	}
}

// FuzzHeaderValueRoundTrip checks that any bytes in a header value read back
// as they were, and that a UTF-8 value is written as a plain string.
func FuzzHeaderValueRoundTrip(f *testing.F) {
	for _, s := range []string{"", "plain", "r\xe9sum\xe9", "\x00\xff\"\\", "caf\xc3\xa9\xc3", "\u2028\ufffd\xef\xbf\xbd"} {
		f.Add(s, "second")
	}
	f.Fuzz(func(t *testing.T, v1, v2 string) {
		h := http.Header{"X-A": {v1, v2}, "X-B": {v2}}
		c := cassette.New(cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "http://x/", Header: h},
			Response: &cassette.Response{StatusCode: 200, Header: h},
		})
		data, err := cassette.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := cassette.Unmarshal(data)
		if err != nil {
			t.Fatalf("Unmarshal: %v\n%s", err, data)
		}
		in := got.Interactions()[0]
		for _, g := range []http.Header{in.Request.Header, in.Response.Header} {
			if a, b := g["X-A"], g["X-B"]; len(a) != 2 || a[0] != v1 || a[1] != v2 || len(b) != 1 || b[0] != v2 {
				t.Fatalf("header read back as %q, want %q\n%s", g, h, data)
			}
		}
		if !bytes.Contains(data, []byte(`"latin1"`)) != (isUTF8(v1) && isUTF8(v2)) {
			t.Errorf("latin1 is used when a value is not UTF-8, and only then:\n%s", data)
		}
	})
}

func isUTF8(s string) bool { return strings.ToValidUTF8(s, "\x00invalid") == s }

// TestNotUTF8HeaderRecordAndReplay records a server that sends a Latin-1
// header and a client that sends one, saves the cassette to a file, and
// replays it: the response carries the same bytes, and a request carrying
// the header matches on it.
func TestNotUTF8HeaderRecordAndReplay(t *testing.T) {
	const (
		disposition = "attachment; filename=\"r\xe9sum\xe9.pdf\""
		name        = "Jos\xe9"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("X-Name"); got != name {
			t.Errorf("the server got X-Name %q, want %q", got, name)
		}
		w.Header().Set("Content-Disposition", disposition)
		io.WriteString(w, "%PDF-1.4")
	}))
	defer srv.Close()
	matchers := []match.Matcher{match.Method, match.Path, match.Header("X-Name")}
	get := func(rt http.RoundTripper, name string) (*http.Response, error) {
		req, err := http.NewRequest("GET", srv.URL+"/cv", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Name", name)
		resp, err := rt.RoundTrip(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return resp, err
	}

	rec, err := cassette.NewRecorder(nil, cassette.Config{Mode: cassette.ModeRecord, Matchers: matchers})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := get(rec, name)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("Content-Disposition"); got != disposition {
		t.Fatalf("recording: Content-Disposition = %q, want %q", got, disposition)
	}
	rec.Close()
	path := filepath.Join(t.TempDir(), "latin1"+cassette.Ext)
	if err := rec.Cassette().Save(path); err != nil {
		t.Fatal(err)
	}
	srv.Close()

	c, err := cassette.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	play, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeReplay, Matchers: matchers})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = get(play, name)
	if err != nil {
		t.Fatalf("replaying a request with X-Name %q: %v\nthe file holds:\n%s", name, err, testsupport.ReadFile(t, path))
	}
	if got := resp.Header.Get("Content-Disposition"); got != disposition {
		t.Errorf("replay: Content-Disposition = %q, want %q", got, disposition)
	}
	if _, err := get(play, "Jos\ufffd"); !errors.Is(err, cassette.ErrNoMatch) {
		t.Errorf("a request whose header has U+FFFD instead of the byte matched: %v", err)
	}
}
