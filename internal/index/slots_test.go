package index

import (
	"net/http"
	"net/url"
	"testing"
)

func TestTemplates(t *testing.T) {
	for _, tt := range []struct {
		recorded, incoming, want string // want "" for no fit
	}{
		{"/keys/REDACTED/info", "/keys/abc/info", "/keys/REDACTED/info"},
		{"/keys/REDACTED/info", "/keys/abc/def/info", ""},
		{"/bot42:REDACTED/send", "/bot42:xyz/send", "/bot42:REDACTED/send"},
		{"/bot42:REDACTED/send", "/bot7:xyz/send", ""},
		{"/x?ref=REDACTED&page=2", "/x?page=2&ref=abc", "/x?page=2&ref=REDACTED"},
		{"/x?ref=REDACTED", "/x?page=2", ""},
		{"/a%2Fb/REDACTED", "/a%2Fb/c%20d", "/a%2Fb/REDACTED"},
	} {
		ru, _ := url.Parse(tt.recorded)
		tp, ok := templateOf(ru)
		if !ok {
			t.Errorf("%s: no template", tt.recorded)
			continue
		}
		iu, _ := url.Parse(tt.incoming)
		got := tp.apply(&http.Request{URL: iu})
		switch {
		case tt.want == "" && got != nil:
			t.Errorf("%s applied to %s: %s, want no fit", tt.recorded, tt.incoming, got.URL)
		case tt.want != "" && (got == nil || got.URL.String() != tt.want):
			t.Errorf("%s applied to %s: %v, want %s", tt.recorded, tt.incoming, got, tt.want)
		}
	}
	if _, ok := templateOf(&url.URL{Path: "/plain"}); ok {
		t.Errorf("a URL without a marker has a template")
	}
}
