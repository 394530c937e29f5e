package dvdtest_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
)

// TestInUseWhateverTheCompression opens a cassette in one test and, while
// it is open, the same name in another. A name is one cassette whatever its
// compression: the second Use fails and says which test has it, as what
// file, and the first test records and saves as if it were alone.
func TestInUseWhateverTheCompression(t *testing.T) {
	cases := []struct {
		name          string
		reason        string
		first, second codec.Compression
		want          string
	}{
		{"SameFile", "the same file, the same compression", codec.None, codec.None,
			"dvdtest: testdata/x.dvd.json is in use by TestFirst already: two DVDs"},
		{"PlainThenZstd", "x.dvd.json and x.dvd.json.zst: the zstd save would remove the plain file", codec.None, codec.Zstd,
			"dvdtest: testdata/x.dvd.json.zst is in use by TestFirst already, as testdata/x.dvd.json: a name is one cassette whatever its compression"},
		{"ZstdThenPlain", "the other way round", codec.Zstd, codec.None,
			"dvdtest: testdata/x.dvd.json is in use by TestFirst already, as testdata/x.dvd.json.zst: a name is one cassette whatever its compression"},
		{"GzipThenZstd", "two compressed files", codec.Gzip, codec.Zstd,
			"dvdtest: testdata/x.dvd.json.zst is in use by TestFirst already, as testdata/x.dvd.json.gz"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := cleanServer(t)
			record := dvdtest.WithMode(cassette.ModeRecord)
			first, second := newFakeTB("TestFirst"), newFakeTB("TestSecond")
			var secondRan bool
			first.run(func(tb testing.TB) {
				d := dvdtest.Use(tb, "x", record, dvdtest.Compress(tc.first))
				if _, err := fetch(tb, d.Client(), srv.URL+"/first"); err != nil {
					tb.Fatal(err)
				}
				secondRan = second.run(func(tb testing.TB) {
					d := dvdtest.Use(tb, "x", record, dvdtest.Compress(tc.second))
					fetch(tb, d.Client(), srv.URL+"/second")
				})
			})
			if secondRan || !second.Failed() || !strings.Contains(second.output(), tc.want) {
				t.Errorf("the second Use went through (%v), or did not say why (failed: %v):\n%s\nwant %q", secondRan, second.Failed(), second.output(), tc.want)
			}
			if !strings.Contains(second.output(), "Give each its own name.") {
				t.Errorf("the error does not say what to do:\n%s", second.output())
			}
			if first.Failed() {
				t.Errorf("the first test failed:\n%s", first.output())
			}
			if got := srv.hits.Load(); got != 1 {
				t.Errorf("the server saw %d requests, want only the first test's", got)
			}
			firstFile := "x" + cassette.Ext + tc.first.Ext()
			if got := testdataNames(t); !slices.Equal(got, []string{firstFile}) {
				t.Errorf("testdata/ holds %q, want only %s, the first test's", got, firstFile)
			}
			c, err := cassette.Load(filepath.Join("testdata", firstFile))
			if err != nil {
				t.Fatal(err)
			}
			if n := c.Len(); n != 1 {
				t.Errorf("%s holds %d interactions, want the first test's one", firstFile, n)
			}

			// Once the first test ended, the name is free under any
			// compression.
			third := newFakeTB("TestThird")
			third.run(func(tb testing.TB) { dvdtest.Use(tb, "x", dvdtest.Compress(tc.second)) })
			if third.Failed() {
				t.Errorf("the cassette stayed in use after its test ended:\n%s", third.output())
			}
		})
	}
}

// testdataNames lists the files in testdata/ of the current directory.
func testdataNames(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
