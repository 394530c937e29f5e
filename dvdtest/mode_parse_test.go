package dvdtest

import (
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

func TestParseModeReadsEveryModeName(t *testing.T) {
	for m := cassette.ModeOnce; m <= cassette.ModePassthrough; m++ {
		if got, ok := parseMode(m.String()); !ok || got != m {
			t.Errorf("parseMode(%q) = %v, %v; want %v, true", m.String(), got, ok, m)
		}
	}
	for _, s := range []string{"", "Once", "replay ", "Mode(5)", "rec"} {
		if got, ok := parseMode(s); ok {
			t.Errorf("parseMode(%q) = %v, true; want no mode: DVD_MODE takes the names Mode.String writes, lower case and trimmed by the caller", s, got)
		}
	}
}
