package dvdtest_test

import (
	"bytes"
	"testing"
)

const checkFile = "testdata/check.dvd.json"

// A checkRun is one run of the fixture's TestCheck: where its check is
// registered, what the check does, and whether it all runs in a parallel
// subtest.
type checkRun struct {
	name     string
	reason   string
	order    string // before or after Use
	check    string // pass, fail or panic
	parallel bool
	code     int
	has      []string
}

func (r checkRun) env(main bool) []string {
	env := []string{"FIXTURE_ORDER=" + r.order, "FIXTURE_CHECK=" + r.check}
	if r.parallel {
		env = append(env, "FIXTURE_SUBTEST=parallel")
	}
	if main {
		env = append(env, "FIXTURE_MAIN=1")
	}
	return env
}

// recordCheck records a good cassette for TestCheck and returns it.
func recordCheck(t *testing.T, c *child, main bool) []byte {
	t.Helper()
	good := checkRun{order: "after", check: "pass"}
	c.run("^TestCheck$", good.env(main)).want(t, exitPass, []string{"--- PASS: TestCheck", `fixture: body="v1" replayed=false`})
	saved := c.file(checkFile)
	if saved == nil {
		t.Fatalf("%s was not written", checkFile)
	}
	return saved
}

// subprocessCheckOrder re-records a good cassette in a test that a check
// fails. A check registered after Use runs before the DVD's cleanup, which
// sees the failure and keeps the file. One registered before Use runs
// after the save: the file is replaced already.
func subprocessCheckOrder(t *testing.T, fx *fixtures) {
	for _, tc := range []checkRun{
		{name: "After", reason: "the check runs before the DVD's cleanup, which sees the failure",
			order: "after", check: "fail", code: exitFail,
			has: []string{"fixture: the check failed", "dvdtest: " + checkFile + " not saved: the test failed, so the cassette on disk is unchanged"}},
		{name: "AfterParallelSubtest", reason: "the same in a parallel subtest",
			order: "after", check: "fail", parallel: true, code: exitFail,
			has: []string{"--- FAIL: TestCheck/sub", "fixture: the check failed", "dvdtest: " + checkFile + " not saved: the test failed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newUpstream(t, "v1")
			c := newChild(t, fx.fixture, srv.URL)
			good := recordCheck(t, c, false)
			c.run("^TestCheck$", tc.env(false), "-update").want(t, tc.code, tc.has, "dvdtest: recorded")
			if got := c.file(checkFile); !bytes.Equal(got, good) {
				t.Errorf("%s: a re-record that a check failed changed %s:\nbefore:\n%s\nafter:\n%s", tc.reason, checkFile, good, got)
			}
		})
	}
	for _, tc := range []checkRun{
		{name: "Before", reason: "the check fails the test after the save",
			order: "before", check: "fail", code: exitFail,
			has: []string{"dvdtest: recorded 1 interaction to " + checkFile + " (-update)", "fixture: the check failed", "--- FAIL: TestCheck"}},
		{name: "BeforePanic", reason: "the check panics after the save",
			order: "before", check: "panic", code: exitPanic,
			has: []string{"dvdtest: recorded 1 interaction to " + checkFile + " (-update)", "panic: fixture: the check panicked"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newUpstream(t, "v1")
			c := newChild(t, fx.fixture, srv.URL)
			good := recordCheck(t, c, false)
			c.run("^TestCheck$", tc.env(false), "-update").want(t, tc.code, tc.has)
			if got := c.file(checkFile); bytes.Equal(got, good) {
				t.Errorf("%s, which Use cannot see, yet %s was kept: if the testing package now runs checks before the save, say so in the documentation of Use", tc.reason, checkFile)
			}
		})
	}
}
