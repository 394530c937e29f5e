package index

import (
	"net/url"
	"reflect"
	"testing"
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
