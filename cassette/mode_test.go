package cassette_test

import (
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

func TestModeValid(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		mode   cassette.Mode
		want   bool
	}{
		{name: "zero", reason: "the zero Mode is ModeOnce", mode: 0, want: true},
		{name: "last", reason: "ModePassthrough is the last mode", mode: cassette.ModePassthrough, want: true},
		{name: "past the end", reason: "one past the last mode is no mode", mode: cassette.ModePassthrough + 1, want: false},
		{name: "negative", reason: "no mode is negative", mode: -1, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.mode.Valid(); got != tt.want {
				t.Errorf("%v.Valid() = %v, want %v (%s)", tt.mode, got, tt.want, tt.reason)
			}
			if _, err := cassette.ParseMode(tt.mode.String()); (err == nil) != tt.want {
				t.Errorf("ParseMode(%q) error %v disagrees with Valid() = %v", tt.mode.String(), err, tt.want)
			}
		})
	}
}
