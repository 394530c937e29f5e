package match

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzQuery checks that the canonical form of a query is stable: it is its
// own canonical form, and the parameter order does not change it.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{"", "a=1", "b=2&a=1", "a=1&a=2", "q=a+b&q=a%20b", "%zz=1", "&&a", "a==b", "x=%E2%82%AC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c := canonicalQuery(raw, nil)
		if again := canonicalQuery(c, nil); again != c {
			t.Errorf("canonicalQuery(%q) = %q, but canonicalQuery of that = %q", raw, c, again)
		}
		r := &http.Request{URL: &url.URL{RawQuery: raw}}
		if got := Query.Feature(r, nil).Value; got != c {
			t.Errorf("Query = %q, want %q", got, c)
		}
	})
}

// FuzzJSONBody checks that canonical JSON is stable and that spacing never
// changes it.
func FuzzJSONBody(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"b":1,"a":[1,2,{"d":null,"c":true}]}`, `"x"`, `1e400`, `{"a":"\u00e9"}`, `not json`, ``, `{"a":1}{"b":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c, ok := canonicalJSON(body)
		if !ok {
			return
		}
		again, ok := canonicalJSON([]byte(c))
		if !ok || again != c {
			t.Errorf("canonicalJSON(%q) = %q, but canonicalJSON of that = %q, %v", body, c, again, ok)
		}
		spaced := append([]byte(" \n"), body...)
		if s, _ := canonicalJSON(append(spaced, '\t')); s != c {
			t.Errorf("spacing changed the canonical form: %q vs %q", s, c)
		}
	})
}

// The fast path must agree with the full canonical form.
func FuzzCanonicalFastPath(f *testing.F) {
	for _, s := range []string{"a=1&b=2", "b=1&a=2", "a=1&a=0", "a", "a=", "=1", "a=%20", "a.b=c~d", "a=1&&b=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if isCanonicalQuery(raw) {
			if slow := canonicalSlow(raw, nil, false); slow != raw {
				t.Errorf("%q takes the fast path, but its canonical form is %q", raw, slow)
			}
		}
	})
}

// FuzzQueryIgnoring checks the canonical form without some parameters: it is
// stable, holds none of them, and does not depend on the parameters' order.
func FuzzQueryIgnoring(f *testing.F) {
	for _, s := range [][2]string{{"since=1&a=2", "since"}, {"a=1&ts=2&ts=3", "ts"}, {"n%6Fnce=1", "nonce"}, {"X-Amz-Date=1&X-Amz-Signature=s", ""}, {"a", "a"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, raw, name string) {
		ignore := []string{name}
		c := canonicalQuery(raw, ignore)
		if again := canonicalQuery(c, ignore); again != c {
			t.Errorf("canonicalQuery(%q) = %q, but again %q", raw, c, again)
		}
		for part := range strings.SplitSeq(c, "&") {
			if k, _, _ := strings.Cut(part, "="); part != "" && unescape(k) == name {
				t.Errorf("canonicalQuery(%q) without %q = %q, which holds it", raw, name, c)
			}
		}
		parts := strings.Split(raw, "&")
		slices.Reverse(parts)
		if r := canonicalQuery(strings.Join(parts, "&"), ignore); r != c && !repeats(raw) {
			t.Errorf("the order of parameters changed the canonical form of %q: %q vs %q", raw, c, r)
		}
	})
}

// repeats reports whether a query names a parameter twice, whose values
// keep their order.
func repeats(raw string) bool {
	seen := map[string]bool{}
	for part := range strings.SplitSeq(raw, "&") {
		k, _, _ := strings.Cut(part, "=")
		if k = unescape(k); seen[k] {
			return true
		}
		seen[k] = true
	}
	return false
}
