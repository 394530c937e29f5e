package index

import (
	"net/http"
	"strings"
	"testing"
	"unsafe"

	"github.com/zeebo/xxh3"

	"github.com/dvdrw/dvd/match"
)

// A hash collision puts different requests in one bucket; the comparison of
// features must still pick the right one.
func TestIndexCollision(t *testing.T) {
	recs := []Request{{Method: "GET", URL: "http://x/a"}, {Method: "GET", URL: "http://x/b"}}
	bodies := []string{"a", "b"}
	ix, err := New(Config{Matchers: defaultMatchers()}, len(recs),
		func(i int) Request { return recs[i] },
		func(i int, v *string) { *v = bodies[i] })
	if err != nil {
		t.Fatal(err)
	}
	ha, hb := xxh3.HashString(ix.entries[0].canon()), xxh3.HashString(ix.entries[1].canon())
	// Force the collision: both entries go in one group under a's hash,
	// b's first.
	ix.list = append(ix.list, group{first: 1, more: []int32{0}})
	ix.groups[ha] = -int32(len(ix.list))
	delete(ix.groups, hb)
	for _, tc := range []struct{ url, want string }{{"http://x/a", "a"}, {"http://x/a", ""}} {
		req, _ := http.NewRequest("GET", tc.url, nil)
		e := ix.Lookup(req, nil)
		got := ""
		if e != nil {
			got = e.Value
		}
		if got != tc.want {
			t.Errorf("lookup %s = %q, want %q", tc.url, got, tc.want)
		}
	}
	if u := ix.Unused(); len(u) != 1 || u[0].Position() != 1 {
		t.Errorf("unused = %v, want only interaction 1", u)
	}
}

func TestCanonicalValuesRoundTrip(t *testing.T) {
	req, _ := http.NewRequest("GET", "http://h:1/p?b=2&a=1", nil)
	canon := canonical(nil, defaultMatchers(), req, nil)
	got := values(string(canon))
	want := []string{"GET", "http", "h:1", "/p", "a=1&b=2"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("values = %q, want %q", got, want)
	}
}

// The index's own part of an entry is 96 bytes, so that with the caller's
// data of a replay it fills three cache lines (see cassette's entry).
func TestEntryOverhead(t *testing.T) {
	var e Entry[int64]
	if at := unsafe.Offsetof(e.Value); at != 96 && unsafe.Sizeof(uintptr(0)) == 8 {
		t.Errorf("an index entry's data starts at byte %d, want 96", at)
	}
}

// defaultMatchers are the matchers a cassette.Config without any uses.
func defaultMatchers() []match.Matcher {
	return []match.Matcher{match.Method, match.Scheme, match.Host, match.Path, match.Query}
}
