package cassette

import (
	"net/http"
	"strings"
	"testing"
)

func TestModeValid(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		mode   Mode
		want   bool
	}{
		{name: "zero", reason: "the zero Mode is ModeOnce", mode: 0, want: true},
		{name: "last", reason: "ModePassthrough is the last mode", mode: ModePassthrough, want: true},
		{name: "past the end", reason: "one past the last mode is no mode", mode: ModePassthrough + 1, want: false},
		{name: "negative", reason: "no mode is negative", mode: -1, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.mode.valid(); got != tt.want {
				t.Errorf("%v.valid() = %v, want %v (%s)", tt.mode, got, tt.want, tt.reason)
			}
			if got := strings.HasPrefix(tt.mode.String(), "Mode("); got == tt.want {
				t.Errorf("%v.String() = %q, which disagrees with valid() = %v", tt.mode, tt.mode.String(), tt.want)
			}
			if err := (Config{Mode: tt.mode}).Validate(); (err == nil) != tt.want {
				t.Errorf("Config{Mode: %v}.Validate() = %v, which disagrees with valid() = %v", tt.mode, err, tt.want)
			}
		})
	}
}

func TestDefaultMatchers(t *testing.T) {
	var names []string
	r, err := http.NewRequest("GET", "http://x/", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range defaultMatchers() {
		names = append(names, m.Feature(r, nil).Name)
	}
	if got, want := strings.Join(names, ","), "Method,Scheme,Host,Path,Query"; got != want {
		t.Errorf("defaultMatchers() features = %s, want %s: a request is its method and URL, as the Config doc says", got, want)
	}
}
