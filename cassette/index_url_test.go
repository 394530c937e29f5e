package cassette

import (
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"unsafe"

	"github.com/dvdrw/dvd/match"
)

var urlSeeds = []string{
	"http://api.example.com/items/1?page=1",
	"https://management.cloud.example/subscriptions/x/resourceGroups/rg?api-version=2023-01-01",
	"http://h:1/p?b=2&a=1", "http://h:/p", "http://:80/", "http://h", "http://h?x=1", "http://h/?",
	"HTTP://h/p", "http://H.Example.COM/A/B", "http://h/a%2Fb", "http://h/a b", "http://h/a?b c",
	"http://u:p@h/", "http://[::1]:80/", "http://h/p#frag", "http://h/p?q#frag", "http://h:8a/",
	"http://h:1:2/", "http://h/$&+,:;=@-_.~", "http://h/!*'()", "http://h/p?%zz", "http://h/p?a=\x7f",
	"https://h/p?a=é", "http://h/é", "ftp://h/", "http:/h", "http://", "http://h/p??x", "http://h.-/",
}

// simpleURL gives exactly what url.Parse gives, whenever it takes a URL.
func checkSimpleURL(t *testing.T, s string) {
	var u url.URL
	if !simpleURL(s, &u) {
		return
	}
	want, err := url.Parse(s)
	if err != nil {
		t.Fatalf("simpleURL took %q, which url.Parse refuses: %v", s, err)
	}
	if !reflect.DeepEqual(&u, want) {
		t.Fatalf("simpleURL(%q) = %#v, url.Parse gives %#v", s, u, *want)
	}
	if u.EscapedPath() != want.EscapedPath() || u.String() != want.String() {
		t.Fatalf("simpleURL(%q) escapes as %q, %q; url.Parse's as %q, %q", s, u.EscapedPath(), u.String(), want.EscapedPath(), want.String())
	}
}

func TestSimpleURL(t *testing.T) {
	took := 0
	for _, s := range urlSeeds {
		checkSimpleURL(t, s)
		var u url.URL
		if simpleURL(s, &u) {
			took++
		}
	}
	if took < 8 {
		t.Errorf("simpleURL took only %d of the seeds", took)
	}
	// Every byte in every place.
	for c := 0; c < 256; c++ {
		b := string(rune(c))
		if c >= 0x80 {
			b = string([]byte{byte(c)})
		}
		for _, s := range []string{"http://h" + b + "/p", "http://h:" + b + "/", "http://h/p" + b, "http://h/p?q" + b, "http://h/" + b + "?q"} {
			checkSimpleURL(t, s)
		}
	}
}

func FuzzSimpleURL(f *testing.F) {
	for _, s := range urlSeeds {
		f.Add(s)
	}
	f.Fuzz(checkSimpleURL)
}

// An entry fills three cache lines exactly: a lookup in a large cassette
// touches as few as it can.
func TestEntrySize(t *testing.T) {
	if size := unsafe.Sizeof(entry{}); size != 192 && unsafe.Sizeof(uintptr(0)) == 8 {
		t.Errorf("an index entry is %d bytes, want 192", size)
	}
}

func TestReadURLOnly(t *testing.T) {
	tenant := func(r *http.Request, _ []byte) match.Feature {
		return match.Feature{Name: "Tenant", Value: r.Header.Get("X-Tenant")}
	}
	for _, tc := range []struct {
		name     string
		matchers []match.Matcher
		want     bool
	}{
		{"default", match.Default(), true},
		{"query ignoring", []match.Matcher{match.Method, match.Path, match.QueryIgnoring("since")}, true},
		{"header", append(match.Default(), match.Header("Accept")), false},
		{"body", append(match.Default(), match.Body), false},
		{"json body", []match.Matcher{match.Method, match.JSONBody}, false},
		{"own", []match.Matcher{match.Method, tenant}, false},
		{"nil", []match.Matcher{nil}, false},
	} {
		if got := readURLOnly(tc.matchers); got != tc.want {
			t.Errorf("%s: readURLOnly = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Header pairs survive crossing chunks, whatever the header's size.
func TestPairsAcrossChunks(t *testing.T) {
	var p pairs
	var hs []http.Header
	var kvs [][]string
	for i := range 3000 {
		h := http.Header{"A": {"1"}, "B": {"2", "3"}}
		if i%700 == 0 {
			for j := range pairsChunk {
				h.Add("Big", strconv.Itoa(j))
			}
		}
		if i%900 == 0 {
			h["Empty"] = []string{}
		}
		kv, noValues := p.add(h)
		if noValues != (i%900 == 0) {
			t.Fatalf("header %d: noValues = %v", i, noValues)
		}
		hs, kvs = append(hs, h), append(kvs, kv)
	}
	for i, h := range hs {
		got := http.Header{}
		for j := 0; j < len(kvs[i]); j += 2 {
			got[kvs[i][j]] = append(got[kvs[i][j]], kvs[i][j+1])
		}
		delete(h, "Empty")
		if !reflect.DeepEqual(got, h) {
			t.Fatalf("header %d: pairs give %d keys, want %d", i, len(got), len(h))
		}
	}
}
