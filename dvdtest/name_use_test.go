package dvdtest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
)

// TestUseNames checks that a name no system can take everywhere fails the
// test at Use, before a request is sent, and that the default name,
// t.Name(), is held to the same rules.
func TestUseNames(t *testing.T) {
	tests := []struct {
		name     string
		reason   string
		testName string // what t.Name() returns
		give     string
		opts     []dvdtest.Option
		want     string // the path, or a fragment of the failure
	}{
		{"portable default", "an empty name is t.Name()", "TestX/a_b", "", nil, "testdata/TestX/a_b.dvd.json"},
		{"default with a colon", "t.Run(\"a:b\") names a test TestX/a:b; Windows cannot store it", "TestX/a:b", "", nil, `cassette name "TestX/a:b" holds ':'`},
		{"default with a question mark", "subtests named after URLs are common", "TestX/GET_/users?page=2", "", nil, "pass Use a name of your own"},
		{"the way out", "a test whose name is not portable passes a name of its own", "TestX/a:b", "x", nil, "testdata/x.dvd.json"},
		{"reserved", "", "TestX", "github/aux", nil, `"aux", which Windows reserves`},
		{"longest", "222 bytes: the cassette and its temporary file fit in 255", "TestX", strings.Repeat("a", 222), []dvdtest.Option{dvdtest.Compress(codec.Zstd)}, "testdata/" + strings.Repeat("a", 222) + ".dvd.json.zst"},
		{"too long", "223 bytes would fail when the recording is saved", "TestX", strings.Repeat("a", 223), []dvdtest.Option{dvdtest.Compress(codec.Zstd)}, "is too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cleanServer(t)
			tb := newFakeTB(tt.testName)
			opts := append([]dvdtest.Option{dvdtest.WithMode(cassette.ModeRecord)}, tt.opts...)
			var path string
			completed := tb.run(func(tb testing.TB) {
				d := dvdtest.Use(tb, tt.give, opts...)
				path = filepath.ToSlash(d.Path())
				if _, err := fetch(tb, d.Client(), srv.URL+"/a"); err != nil {
					tb.Errorf("fetch: %v", err)
				}
			})
			if strings.HasPrefix(tt.want, "testdata/") {
				if !completed || tb.Failed() || path != tt.want {
					t.Fatalf("Use(%q) in %s: path %q, failed %v; want %q (%s)\n%s", tt.give, tt.testName, path, tb.Failed(), tt.want, tt.reason, tb.output())
				}
				if _, err := os.Stat(filepath.FromSlash(path)); err != nil {
					t.Errorf("the recording was not saved: %v\n%s", err, tb.output())
				}
				return
			}
			if completed || !strings.Contains(tb.output(), "dvdtest: ") || !strings.Contains(tb.output(), tt.want) {
				t.Errorf("Use(%q) in %s: completed %v, output %q; want a failure at Use that holds %q (%s)", tt.give, tt.testName, completed, tb.output(), tt.want, tt.reason)
			}
			if n := srv.hits.Load(); n != 0 {
				t.Errorf("the server saw %d requests, want none: the name must fail before the test runs", n)
			}
			if _, err := os.Stat("testdata"); !os.IsNotExist(err) {
				t.Errorf("testdata/ exists after a failed Use: %v", err)
			}
		})
	}
}
