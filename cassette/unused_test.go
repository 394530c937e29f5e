package cassette_test

import (
	"slices"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

func TestUnused(t *testing.T) {
	c := newCounter(t)
	cas := record(t, c.srv.URL, "GET /a", "GET /b", "GET /a", "POST /c", "GET /d")
	tests := []struct {
		name   string
		reason string
		mode   cassette.Mode
		replay []string
		want   []int
	}{
		{name: "none replayed", mode: cassette.ModeReplay, want: []int{1, 2, 3, 4, 5}},
		{name: "identical requests", reason: "the first GET /a replays first, so the second is unused", mode: cassette.ModeReplay,
			replay: []string{"/a", "/d"}, want: []int{2, 3, 4}},
		{name: "all replayed", mode: cassette.ModeReplay, replay: []string{"/a", "/a", "/b", "/d"}, want: []int{4}},
		{name: "record", reason: "nothing replays, so nothing is unused", mode: cassette.ModeRecord, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRecorder(t, cas, cassette.Config{Mode: tt.mode})
			for _, p := range tt.replay {
				if _, err := get(t, r, "GET", c.srv.URL+p, ""); err != nil {
					t.Fatal(err)
				}
			}
			r.Close()
			if got, _ := r.Unused(); !slices.Equal(got, tt.want) {
				t.Errorf("Unused() = %v, want %v (%s)", got, tt.want, tt.reason)
			}
		})
	}
}
