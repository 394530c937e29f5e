package dvdtest_test

import (
	"regexp"
	"slices"
	"testing"
)

// subprocessSharedName runs two parallel tests that use one name, one plain
// and one compressed: whichever calls Use second is refused, and the other
// saves its cassette alone.
func subprocessSharedName(t *testing.T, fx *fixtures) {
	srv := newUpstream(t, "v1")
	c := newChild(t, fx.fixture, srv.URL)
	// Both subtests must run at once: each waits for the other's Use.
	r := c.run("^TestSharedName$", nil, "-test.parallel", "2")
	r.want(t, exitFail, []string{
		"--- FAIL: TestSharedName",
		"a name is one cassette whatever its compression",
		"Give each its own name.",
	}, "panic")
	refused := regexp.MustCompile(`dvdtest: (testdata/shared\.dvd\.json(?:\.zst)?) is in use by TestSharedName/(plain|zstd) already, as (testdata/shared\.dvd\.json(?:\.zst)?):`).FindStringSubmatch(r.out)
	if refused == nil {
		t.Fatalf("no test was refused the shared name:\n%s", r.out)
	}
	file, owner, ownerFile := refused[1], refused[2], refused[3]
	if file == ownerFile {
		t.Errorf("the refused test asked for %s, the file its owner has", file)
	}
	if got, want := c.testdataFiles(), []string{ownerFile[len("testdata/"):]}; !slices.Equal(got, want) {
		t.Errorf("testdata/ holds %q, want %q: the cassette of TestSharedName/%s alone", got, want, owner)
	}
	if got, want := srv.requests(), []string{"/" + owner}; !slices.Equal(got, want) {
		t.Errorf("the server saw %q, want %q", got, want)
	}
}
