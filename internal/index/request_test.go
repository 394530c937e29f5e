package index

import (
	"net/http"
	"testing"

	"github.com/dvdrw/dvd/match"
)

func TestReadURLOnly(t *testing.T) {
	tenant := match.Custom(func(r *http.Request, _ []byte) match.Feature {
		return match.Feature{Name: "Tenant", Value: r.Header.Get("X-Tenant")}
	})
	for _, tc := range []struct {
		name     string
		matchers []match.Matcher
		want     bool
	}{
		{"default", defaultMatchers(), true},
		{"query ignoring", []match.Matcher{match.Method, match.Path, match.QueryIgnoring("since")}, true},
		{"header", append(defaultMatchers(), match.Header("Accept")), false},
		{"body", append(defaultMatchers(), match.Body), false},
		{"json body", []match.Matcher{match.Method, match.JSONBody}, false},
		{"own", []match.Matcher{match.Method, tenant}, false},
		{"nil", []match.Matcher{{}}, false},
	} {
		if got := readURLOnly(tc.matchers); got != tc.want {
			t.Errorf("%s: readURLOnly = %v, want %v", tc.name, got, tc.want)
		}
	}
}
