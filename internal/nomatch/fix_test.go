package nomatch

import (
	"net/http"
	"testing"

	"github.com/dvdrw/dvd/match"
)

// A matcher of package match is written back as the Go code that makes it,
// from its data; one of the test's own cannot be.
func TestGoExpr(t *testing.T) {
	own := match.Custom(func(*http.Request, []byte) match.Feature { return match.Feature{Name: "Method"} })
	for _, tt := range []struct {
		name, reason string
		m            match.Matcher
		want         string
		ok           bool
	}{
		{"variable", "a built-in without arguments", match.Method, "match.Method", true},
		{"form", "", match.Form, "match.Form", true},
		{"header", "names in canonical form", match.Header("accept", "x-tenant"), `match.Header("Accept", "X-Tenant")`, true},
		{"query ignoring none", "a func without arguments is still called", match.QueryIgnoring(), "match.QueryIgnoring()", true},
		{"query ignoring", "names quoted as Go strings", match.QueryIgnoring("since", `a"b`), `match.QueryIgnoring("since", "a\"b")`, true},
		{"json ignoring", "", match.JSONBodyIgnoring("items.*.id"), `match.JSONBodyIgnoring("items.*.id")`, true},
		{"own", "a func of the test's own, even named as a built-in", own, "", false},
	} {
		got, ok := goExpr(tt.m)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: goExpr = %q, %v; want %q, %v (%s)", tt.name, got, ok, tt.want, tt.ok, tt.reason)
		}
	}
}

// A built-in matcher's kind comes from its data; a matcher of the test's
// own is taken for a built-in one when its feature is named as one.
func TestKindOf(t *testing.T) {
	own := func(name string) match.Matcher {
		return match.Custom(func(*http.Request, []byte) match.Feature { return match.Feature{Name: name} })
	}
	for _, tt := range []struct {
		name, reason string
		m            match.Matcher
		feature      string
		want         kind
	}{
		{"query ignoring", "", match.QueryIgnoring("a"), `QueryIgnoring("a")`, kindQuery},
		{"json ignoring", "a JSON body is a body", match.JSONBodyIgnoring("a"), `JSONBodyIgnoring("a")`, kindBody},
		{"header", "", match.Header("Accept"), "Header(Accept)", kindHeader},
		{"form", "", match.Form, "Form", kindForm},
		{"own query", "named as a query, redacted as one", own("Query"), "Query", kindQuery},
		{"own body", "a name that holds Body", own("RawBody"), "RawBody", kindBody},
		{"own form-like", "only Form itself is split by field", own("FormData"), "FormData", kindBody},
		{"own", "", own("Tenant"), "Tenant", kindOther},
	} {
		if got := kindOf(tt.m, tt.feature); got != tt.want {
			t.Errorf("%s: kindOf = %d, want %d (%s)", tt.name, got, tt.want, tt.reason)
		}
	}
}
