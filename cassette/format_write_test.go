package cassette_test

import (
	"bytes"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/testsupport"
)

// TestMarshalRefusesWhatUnmarshalRefuses: the writer applies the reader's
// rules, so that no cassette is saved that cannot be loaded again. The
// error names the interaction, and Save leaves the file on disk as it was.
func TestMarshalRefusesWhatUnmarshalRefuses(t *testing.T) {
	ok := func() cassette.Interaction {
		return cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: "https://api.example.com/ok"},
			Response: &cassette.Response{StatusCode: 200, Body: []byte("fine")},
		}
	}
	broken := func(edit func(in *cassette.Interaction)) []cassette.Interaction {
		in := ok()
		in.Request.URL = "https://api.example.com/broken"
		edit(&in)
		return []cassette.Interaction{ok(), ok(), ok(), in}
	}
	tests := []struct {
		name         string
		reason       string
		interactions []cassette.Interaction
		recordedAt   time.Time
		wantErr      string
	}{
		{"no response and no error", "a BeforeSave hook may drop the response",
			broken(func(in *cassette.Interaction) { in.Response = nil }),
			time.Time{}, `interaction 4 (GET https://api.example.com/broken): it needs exactly one of "response" and "error"`},
		{"response and error", "",
			broken(func(in *cassette.Interaction) { in.Error = neterr.Recorded(neterr.Record{Kind: neterr.EOF}) }),
			time.Time{}, `interaction 4 (GET https://api.example.com/broken): it needs exactly one of "response" and "error"`},
		{"empty method", "", broken(func(in *cassette.Interaction) { in.Request.Method = "" }),
			time.Time{}, `interaction 4 (https://api.example.com/broken): request: it needs a "method"`},
		{"empty url", "", broken(func(in *cassette.Interaction) { in.Request.URL = "" }),
			time.Time{}, `interaction 4 (GET): request: it needs a "url"`},
		{"status code 0", "a Response built by hand may lack one", broken(func(in *cassette.Interaction) { in.Response.StatusCode = 0 }),
			time.Time{}, `interaction 4 (GET https://api.example.com/broken): response: code: 0 is not an HTTP status code: they run from 100 to 999`},
		{"encoded br", "a BeforeSave func may set what replay could not encode", broken(func(in *cassette.Interaction) { in.Response.Encoded = "br" }),
			time.Time{}, `interaction 4 (GET https://api.example.com/broken): response: encoded: "br" is not a content coding dvd encodes`},
		{"status code 1000", "", broken(func(in *cassette.Interaction) { in.Response.StatusCode = 1000 }),
			time.Time{}, `interaction 4 (GET https://api.example.com/broken): response: code: 1000 is not an HTTP status code`},
		{"header name not UTF-8", "a name is a JSON key, which holds only text: it would read back altered",
			broken(func(in *cassette.Interaction) { in.Response.Header = http.Header{"X-\xff": {"1"}} }),
			time.Time{}, `interaction 4 (GET https://api.example.com/broken): response: headers: header name "X-\xff" is not valid UTF-8`},
		{"recorded after year 9999", "RFC 3339 has four-digit years", []cassette.Interaction{ok()},
			time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), `recorded_at: 10000-01-01 00:00:00 +0000 UTC is outside the years 0000 to 9999`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cassette.New(tt.interactions...)
			cassette.SetRawRecordedAt(c, tt.recordedAt)
			data, err := cassette.Marshal(c)
			var fe *cassette.FormatError
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "cassette: "+tt.wantErr) {
				t.Fatalf("Marshal = %v; want a *FormatError that starts with %q\n%s", err, "cassette: "+tt.wantErr, data)
			}
			if !strings.Contains(err.Error(), "BeforeSave") {
				t.Errorf("Marshal = %v; want it to say what to fix", err)
			}

			path := filepath.Join(t.TempDir(), "c"+cassette.Ext)
			if err := cassette.New(ok()).Save(path); err != nil {
				t.Fatal(err)
			}
			before := testsupport.ReadFile(t, path)
			err = c.Save(path)
			if want := "cassette: " + path + ": " + tt.wantErr; err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Save = %v; want an error that starts with %q", err, want)
			}
			if after := testsupport.ReadFile(t, path); !bytes.Equal(after, before) {
				t.Errorf("Save changed the file on disk:\n%s\nthen\n%s", before, after)
			}
			if names := testsupport.DirNames(t, filepath.Dir(path)); len(names) != 1 {
				t.Errorf("Save left %v in the folder, want only the cassette", names)
			}
		})
	}
}
