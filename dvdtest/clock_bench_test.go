package dvdtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

// clockDVD returns a DVD replaying a cassette whose clock holds one
// reading.
func clockDVD(b *testing.B) *dvdtest.DVD {
	b.Helper()
	b.Chdir(b.TempDir())
	c, err := cassette.Unmarshal([]byte(`{"version": 2, "clock": {"readings": ["2026-11-22T09:30:00Z"]}, "interactions": []}`))
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Save("testdata/clock" + cassette.Ext); err != nil {
		b.Fatal(err)
	}
	return dvdtest.Use(b, "clock", dvdtest.WithMode(cassette.ModeReplay))
}

// DVD.Sleep and DVD.Now on replay, as the code under test calls them: well
// under a microsecond each.
func BenchmarkDVDReplaySleep(b *testing.B) {
	d := clockDVD(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Sleep(ctx, 30*time.Second); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDVDReplayNow(b *testing.B) {
	d := clockDVD(b)
	b.ReportAllocs()
	for b.Loop() {
		d.Now()
	}
}
