package cassette_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
)

// TestSetRecordedAt: a cassette rebuilt with New keeps the time it is given,
// in UTC to the second, through a save and a load.
func TestSetRecordedAt(t *testing.T) {
	c := cassette.New(cassette.Interaction{
		Request:  cassette.Request{Method: "GET", URL: "http://x.test/"},
		Response: &cassette.Response{StatusCode: 200},
	})
	at := time.Date(2026, 11, 21, 10, 30, 0, 500, time.FixedZone("CET", 3600))
	c.SetRecordedAt(at)
	path := t.TempDir() + "/c" + cassette.Ext
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := cassette.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)
	if got := back.RecordedAt(); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("RecordedAt = %v, want %v", got, want)
	}
}

// A cassette rewritten with With keeps the recording time and the clock of
// the one it rewrites, through a save and a load, and holds the given
// interactions, not the old ones.
func TestWithKeepsTimeAndClock(t *testing.T) {
	data := []byte(`{
  "version": 2,
  "recorded_at": "2026-11-21T09:30:00Z",
  "clock": {
    "values": {
      "bucket": "tf-acc-8f3a2c"
    },
    "seed": "0101010101010101010101010101010101010101010101010101010101010101",
    "readings": [
      "2026-11-21T09:30:00.5Z"
    ]
  },
  "interactions": [
    {
      "request": {
        "method": "GET",
        "url": "http://x.test/old"
      },
      "response": {
        "code": 200
      }
    }
  ]
}
`)
	old, err := cassette.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	in := []cassette.Interaction{{
		Request:  cassette.Request{Method: "GET", URL: "http://x.test/new"},
		Response: &cassette.Response{StatusCode: 200},
	}}
	c := old.With(in...)
	in[0].Request.URL = "http://x.test/changed" // With copies the slice
	got, err := cassette.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(string(data), "http://x.test/old", "http://x.test/new", 1)
	if string(got) != want {
		t.Errorf("Marshal(With) =\n%s\nwant\n%s", got, want)
	}
	if old.Len() != 1 || old.Interactions()[0].Request.URL != "http://x.test/old" {
		t.Error("With changed the cassette it rewrites")
	}
}
