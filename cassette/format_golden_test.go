package cassette_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/internal/testsupport"
)

// The -update flag may be owned by another package linked into the test;
// it is defined here only if no one has, and read when a test runs.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// goldenPath pins the file format: a change to it shows in this file's
// diff, and old cassettes must still read as fullFile.
const goldenPath = "testdata/golden.dvd.json"

func TestGolden(t *testing.T) {
	got := marshal(fullFile())
	if updating() {
		if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("updated %s", goldenPath)
	}
	want := testsupport.ReadFile(t, goldenPath)
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("Marshal(fullFile()) mismatch (-want +got):\n%s\nYou can run 'go test ./cassette -run TestGolden -update' to automatically update %s", diff, goldenPath)
	}

	f, err := readFile(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fullFile(), f); diff != "" {
		t.Errorf("ReadFile(%s) mismatch (-want +got):\n%s", goldenPath, diff)
	}
}

// goldenV1Path is a cassette of format version 1, as dvd wrote it before
// version 2: it reads, and writes back unchanged but for its one body that
// is JSON spaced as Python spaces it, which version 1 held as text and
// version 2 holds as JSON.
const goldenV1Path = "testdata/golden-v1.dvd.json"

func TestGoldenVersion1(t *testing.T) {
	want := string(testsupport.ReadFile(t, goldenV1Path))
	for _, r := range [][2]string{
		{`"version": 1,`, `"version": 2,`},
		{`"body": "{\"id\": 7}\n",`, `"body_json": {"id":7},` + "\n        " + `"body_json_colon": ": ",` + "\n        " + `"body_json_trailing": "\n",`},
	} {
		if !strings.Contains(want, r[0]) {
			t.Fatalf("%s does not hold %s", goldenV1Path, r[0])
		}
		want = strings.Replace(want, r[0], r[1], 1)
	}
	f, err := readFile(goldenV1Path)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Interactions[0].Response.Body; string(got) != "{\"id\": 7}\n" {
		t.Errorf("the body of %s reads as %q", goldenV1Path, got)
	}
	if diff := cmp.Diff(want, string(marshal(f))); diff != "" {
		t.Errorf("Marshal(ReadFile(%s)) mismatch (-want +got):\n%s", goldenV1Path, diff)
	}
}

// goldenV2Path is a cassette of format version 2 that holds no JSON body
// spaced otherwise than compact or indented, as dvd wrote version 2 before
// such bodies were stored as JSON: it reads, and writes back, unchanged.
const goldenV2Path = "testdata/golden-v2.dvd.json"

func TestGoldenVersion2(t *testing.T) {
	want := testsupport.ReadFile(t, goldenV2Path)
	f, err := readFile(goldenV2Path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(marshal(f))); diff != "" {
		t.Errorf("Marshal(ReadFile(%s)) mismatch (-want +got):\n%s", goldenV2Path, diff)
	}
}

// TestVersionWritten checks that a file says the oldest version that holds
// it, so that an older dvd reads what it can.
func TestVersionWritten(t *testing.T) {
	for _, tt := range []struct {
		name, reason string
		body         string
		version      string
	}{
		{"compact JSON", "version 1 stores it", `{"a":1}`, `"version": 1,`},
		{"text", "", "a: 1\n", `"version": 1,`},
		{"spaced JSON", "its spacing members came with version 2", "{\"a\":1}\n", `"version": 2,`},
		{"indented JSON", "", "{\n  \"a\": 1\n}", `"version": 2,`},
		{"JSON spaced as Python spaces it", "its separators came with version 2", `{"a": 1}`, `"version": 2,`},
		{"JSON spaced otherwise", "its runs of spacing came with version 2", "{ \"a\":1}", `"version": 2,`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := marshal(oneInteraction([]byte(tt.body)))
			if !strings.HasPrefix(string(data), "{\n  "+tt.version+"\n") {
				t.Errorf("the file does not start with %s (%s):\n%s", tt.version, tt.reason, data)
			}
		})
	}
}
