package cassette_test

import (
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
