package replayed

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

type markedBody struct {
	Mark
	io.ReadCloser
}

func TestIs(t *testing.T) {
	tests := []struct {
		name, reason string
		resp         *http.Response
		want         bool
	}{
		{"nil", "", nil, false},
		{"from the network", "", &http.Response{Body: io.NopCloser(strings.NewReader("x"))}, false},
		{"marked", "", &http.Response{Body: markedBody{ReadCloser: http.NoBody}}, true},
		{"wrapped", "a body wrapped over a marked one is not recognised", &http.Response{Body: io.NopCloser(markedBody{ReadCloser: http.NoBody})}, false},
	}
	for _, tt := range tests {
		if got := Is(tt.resp); got != tt.want {
			t.Errorf("%s: Is = %v, want %v %s", tt.name, got, tt.want, tt.reason)
		}
	}
}
