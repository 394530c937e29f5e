package dvdtest_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/dvdtest"
)

// A body dvd cannot decode is stored as it came, and the test log says so,
// naming the request redacted; a gzip body is stored decoded and redacted.
// A body that the test left open is stored by the cleanup, and its warning
// still reaches the log.
func TestEncodedBodiesLogged(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, `{"token":"s3cr3t-nested"}`)
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/gzip":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz.Bytes())
		default:
			w.Header().Set("Content-Encoding", "br")
			w.Write([]byte("\x8b\x05\x80\x03"))
		}
	}))
	defer srv.Close()
	tests := []struct {
		name, reason string
		leaveOpen    bool
	}{
		{"read", "", false},
		{"left open", "the cleanup stores the bodies, after the test's body returned", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			tb := newFakeTB("TestEncoded")
			tb.run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "encoded")
				for _, path := range []string{"/gzip", "/br"} {
					req, _ := http.NewRequest("GET", srv.URL+path+"?access_token=s3cr3t-query", nil)
					req.Header.Set("Accept-Encoding", "gzip, br")
					resp, err := d.Client().Do(req)
					if err != nil {
						tb.Fatalf("%v", err)
					}
					if tt.leaveOpen {
						// All of it, short of the end: it is stored whole at Close.
						io.ReadFull(resp.Body, make([]byte, resp.ContentLength))
						continue
					}
					io.ReadAll(resp.Body)
					resp.Body.Close()
				}
			})
			out := tb.output()
			want := "cassette: GET " + srv.URL + "/br?access_token=REDACTED: the response body is encoded with br, which dvd does not decode; it is stored as it came, and not redacted"
			if !strings.Contains(out, want) || strings.Count(out, "not redacted") != 1 {
				t.Errorf("the log:\n%s\nwant one warning, holding:\n%s", out, want)
			}
			if tb.lateCall != "" {
				t.Errorf("dvdtest used the finished test's t: %s", tb.lateCall)
			}
			data, err := os.ReadFile(filepath.Join("testdata", "encoded.dvd.json"))
			if err != nil {
				t.Fatalf("%v\nthe log:\n%s", err, out)
			}
			if l := leaks(out + string(data)); len(l) > 0 {
				t.Errorf("%q leaked into the log or the file:\n%s\n%s", l, out, data)
			}
			if !bytes.Contains(data, []byte(`"encoded": "gzip"`)) {
				t.Errorf("the file does not hold the gzip body decoded:\n%s", data)
			}
		})
	}
}
