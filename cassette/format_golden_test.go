package cassette_test

import (
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/cassette"
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
	want := readBytes(t, goldenPath)
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

// goldenV1Path is the golden file as version 1 wrote it, before the
// "clock" section, "times" and "encoded": it must still read as fullFile without
// them, and a cassette without them is still written as version 1, byte
// for byte.
const goldenV1Path = "testdata/golden-v1.dvd.json"

func TestGoldenVersion1(t *testing.T) {
	want := fullFile()
	want.Clock = cassette.Clock{}
	for i := range want.Interactions {
		in := &want.Interactions[i]
		in.Times, in.Request.Encoded = 0, ""
		if in.Response != nil {
			in.Response.Encoded = ""
		}
	}
	f, err := readFile(goldenV1Path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("ReadFile(%s) mismatch (-want +got):\n%s", goldenV1Path, diff)
	}
	if diff := cmp.Diff(string(readBytes(t, goldenV1Path)), string(marshal(want))); diff != "" {
		t.Errorf("Marshal(fullFile() without its clock) mismatch (-%s +got):\n%s", goldenV1Path, diff)
	}
}
