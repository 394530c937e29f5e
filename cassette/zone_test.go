package cassette_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the child processes, on any machine

	"github.com/dvdrw/dvd/cassette"
)

// TestClockKeepsItsZone records, in a process whose zone is Europe/Berlin,
// a test that puts the time with its offset into a URL; it replays in
// processes in UTC and in America/New_York: the readings are the same
// instant in the same offset and zone name, so the URL is the same and
// matches. Each step runs in a child process of its own zone (TZ).
func TestClockKeepsItsZone(t *testing.T) {
	if step := os.Getenv("DVD_ZONE_STEP"); step != "" {
		zoneStep(t, step, os.Getenv("DVD_ZONE_FILE"))
		return
	}
	file := filepath.Join(t.TempDir(), "zone.dvd.json")
	run := func(step, tz string) string {
		cmd := exec.Command(os.Args[0], "-test.run=^TestClockKeepsItsZone$", "-test.v")
		cmd.Env = append(os.Environ(), "DVD_ZONE_STEP="+step, "DVD_ZONE_FILE="+file, "TZ="+tz)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s in %s: %v\n%s", step, tz, err, out)
		}
		_, stamp, _ := strings.Cut(string(out), "stamp: ")
		stamp, _, _ = strings.Cut(stamp, "\n")
		return stamp
	}
	want := run("record", "Europe/Berlin")
	if !strings.HasSuffix(want, "+01:00 CET") && !strings.HasSuffix(want, "+02:00 CEST") {
		t.Fatalf("while recording in Europe/Berlin, Now reads %q, want the local zone", want)
	}
	data, _ := os.ReadFile(file)
	if !strings.Contains(string(data), strings.Fields(want)[1]+`"`) {
		t.Errorf("the file does not keep the reading's zone:\n%s", data)
	}
	for _, tz := range []string{"UTC", "America/New_York"} {
		if got := run("replay", tz); got != want {
			t.Errorf("replayed in %s: %q, want %q", tz, got, want)
		}
	}
}

// zoneStep is one step of TestClockKeepsItsZone, in a child process: it
// records into file, or replays from it, and prints what Now read.
func zoneStep(t *testing.T, step, file string) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	var c *cassette.Cassette
	mode := cassette.ModeRecord
	if step == "replay" {
		var err error
		if c, err = cassette.Load(file); err != nil {
			t.Fatal(err)
		}
		mode = cassette.ModeReplay
	}
	rec := mustRecorder(t, c, cassette.Config{Mode: mode})
	now := rec.Now()
	req, _ := http.NewRequest("GET", srv.URL+"/events?since="+url.QueryEscape(now.Format(time.RFC3339)), nil)
	send(t, rec, req)
	fmt.Printf("stamp: %s %s\n", now.Format(time.RFC3339Nano), now.Format("MST"))
	rec.Close()
	if step == "record" {
		if err := rec.Cassette().Save(file); err != nil {
			t.Fatal(err)
		}
	}
}

// TestClockReadingsInTheFile reads readings written by hand: in UTC, with
// an offset, with an offset and a zone name; and refuses a zone name that
// is no abbreviation.
func TestClockReadingsInTheFile(t *testing.T) {
	doc := func(reading string) string {
		return `{"version": 1, "clock": {"readings": ["` + reading + `"]}, "interactions": []}`
	}
	for _, tt := range []struct{ reading, want string }{
		{"2026-11-22T09:30:00Z", "2026-11-22T09:30:00Z UTC"},
		{"2026-11-22T10:30:00+01:00", "2026-11-22T10:30:00+01:00 +0100"},
		{"2026-11-22T10:30:00.5+01:00 CET", "2026-11-22T10:30:00.5+01:00 CET"},
	} {
		c, err := cassette.Unmarshal([]byte(doc(tt.reading)))
		if err != nil {
			t.Errorf("%s: %v", tt.reading, err)
			continue
		}
		rec := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay})
		now := rec.Now()
		if got := now.Format(time.RFC3339Nano) + " " + now.Format("MST"); got != tt.want {
			t.Errorf("%s reads %s, want %s", tt.reading, got, tt.want)
		}
	}
	if _, err := cassette.Unmarshal([]byte(doc("2026-11-22T10:30:00+01:00 C E T"))); err == nil || !strings.Contains(err.Error(), "is not an RFC 3339 time") {
		t.Errorf("a reading with a bad zone name: %v", err)
	}
}
