package cassette

import (
	"net/http"
	"strings"
	"testing"

	"github.com/zeebo/xxh3"

	"github.com/dvdrw/dvd/match"
)

// A hash collision puts different requests in one bucket; the comparison of
// features must still pick the right one.
func TestIndexCollision(t *testing.T) {
	ins := []Interaction{
		{Request: Request{Method: "GET", URL: "http://x/a"}, Response: &Response{StatusCode: 200, Body: []byte("a")}},
		{Request: Request{Method: "GET", URL: "http://x/b"}, Response: &Response{StatusCode: 200, Body: []byte("b")}},
	}
	ix, err := newIndex(ins, match.Default(), nil, false, nil)
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
		e := ix.lookup(req, nil)
		got := ""
		if e != nil {
			got = string(e.in.Response.Body)
		}
		if got != tc.want {
			t.Errorf("lookup %s = %q, want %q", tc.url, got, tc.want)
		}
	}
	if u := ix.unused(); len(u) != 1 || u[0].n != 1 {
		t.Errorf("unused = %v, want only interaction 1", u)
	}
}

func TestCanonicalValuesRoundTrip(t *testing.T) {
	req, _ := http.NewRequest("GET", "http://h:1/p?b=2&a=1", nil)
	canon := canonical(nil, match.Default(), req, nil)
	got := values(string(canon))
	want := []string{"GET", "http", "h:1", "/p", "a=1&b=2"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("values = %q, want %q", got, want)
	}
}
