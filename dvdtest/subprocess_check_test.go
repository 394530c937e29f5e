package dvdtest_test

import (
	"bytes"
	"strings"
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
	kept     bool // by subprocessCheckOrder: the re-record leaves the good cassette
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

// subprocessCheckOrder re-records, without dvdtest.Main, a good cassette in
// a test that a check fails. A check registered after Use runs before the
// DVD's cleanup, which sees the failure and keeps the file. One registered
// before Use runs after the save: the file is replaced already. That is the
// limit that Use's documentation states, and that Main lifts.
func subprocessCheckOrder(t *testing.T, fx *fixtures) {
	for _, tc := range []checkRun{
		{name: "After", reason: "the check runs before the DVD's cleanup, which sees the failure",
			order: "after", check: "fail", code: exitFail, kept: true,
			has: []string{"fixture: the check failed", "dvdtest: " + checkFile + " not saved: the test failed, so the cassette on disk is unchanged"}},
		{name: "AfterParallelSubtest", reason: "the same in a parallel subtest",
			order: "after", check: "fail", parallel: true, code: exitFail, kept: true,
			has: []string{"--- FAIL: TestCheck/sub", "fixture: the check failed", "dvdtest: " + checkFile + " not saved: the test failed"}},
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
			var absent []string
			if tc.kept {
				absent = []string{"dvdtest: recorded"}
			}
			c.run("^TestCheck$", tc.env(false), "-update").want(t, tc.code, tc.has, absent...)
			if tc.kept {
				c.wantKept(t, checkFile, good, tc.reason+": a re-record that a check failed")
			} else if got := c.file(checkFile); bytes.Equal(got, good) {
				t.Errorf("%s, which Use cannot see without dvdtest.Main, yet %s was kept: if the testing package now runs checks before the save, update the documentation of Use and Main", tc.reason, checkFile)
			}
		})
	}
}

// subprocessMain runs TestCheck through dvdtest.Main, which holds every
// cassette until all tests have ended: a re-record that any check fails,
// wherever it was registered, leaves a good cassette byte for byte.
func subprocessMain(t *testing.T, fx *fixtures) {
	srv := newUpstream(t, "v1")
	c := newChild(t, fx.fixture, srv.URL)
	held := "dvdtest: recorded 1 interaction for " + checkFile + " (the default mode); dvdtest.Main writes it once every test has ended, if TestCheck has not failed by then"
	c.run("^TestCheck$", checkRun{order: "before", check: "pass"}.env(true)).want(t, exitPass, []string{
		"--- PASS: TestCheck",
		held,
		"fixture: the check passed",
		"\nPASS\ndvdtest: recorded 1 interaction to " + checkFile + " (the default mode), for TestCheck\n",
	})
	good := c.file(checkFile)
	if good == nil {
		t.Fatalf("dvdtest.Main did not write %s", checkFile)
	}
	c.run("^TestCheck$", checkRun{order: "before", check: "pass"}.env(true)).want(t, exitPass,
		[]string{`fixture: body="v1" replayed=true`, "dvdtest: replayed 1 interaction from " + checkFile}, "dvdtest: recorded", "not saved")

	notSaved := "dvdtest: " + checkFile + " not saved: TestCheck%s failed after dvdtest closed the cassette, in a cleanup that ran after dvdtest's (one registered before dvdtest.Use), so the cassette on disk is unchanged"
	for _, tc := range []checkRun{
		{name: "Before", reason: "the check fails the test after the DVD's cleanup, and before Main writes",
			order: "before", check: "fail", code: exitFail,
			has: []string{"fixture: the check failed", "--- FAIL: TestCheck", strings.Replace(notSaved, "%s", "", 1)}},
		{name: "BeforeParallelSubtest", reason: "the same in a parallel subtest",
			order: "before", check: "fail", parallel: true, code: exitFail,
			has: []string{"fixture: the check failed", "--- FAIL: TestCheck/sub", strings.Replace(notSaved, "%s", "/sub", 1)}},
		{name: "After", reason: "the DVD's cleanup sees the failure, and holds nothing",
			order: "after", check: "fail", code: exitFail,
			has: []string{"fixture: the check failed", "dvdtest: " + checkFile + " not saved: the test failed, so the cassette on disk is unchanged"}},
		{name: "AfterParallelSubtest", reason: "the same in a parallel subtest",
			order: "after", check: "fail", parallel: true, code: exitFail,
			has: []string{"fixture: the check failed", "--- FAIL: TestCheck/sub", "dvdtest: " + checkFile + " not saved: the test failed"}},
		{name: "BeforePanic", reason: "the check panics after the DVD's cleanup: the binary dies before Main writes anything",
			order: "before", check: "panic", code: exitPanic,
			has: []string{"panic: fixture: the check panicked", "dvdtest.Main writes it once every test has ended"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.run("^TestCheck$", tc.env(true), "-update").want(t, tc.code, tc.has, "dvdtest: recorded 1 interaction to")
			c.wantKept(t, checkFile, good, tc.reason+"; yet the re-record")
			if got := c.testdataFiles(); len(got) != 1 {
				t.Errorf("testdata/ holds %q, want only check.dvd.json", got)
			}
		})
	}

	// A re-record that every check passes is written, and says so.
	c.run("^TestCheck$", checkRun{order: "before", check: "pass", parallel: true}.env(true), "-update").want(t, exitPass, []string{
		"dvdtest: recorded 1 interaction to " + checkFile + " (-update), for TestCheck/sub",
	})
	if got := c.file(checkFile); bytes.Equal(got, good) || got == nil {
		t.Errorf("a passing re-record through dvdtest.Main left %s as it was", checkFile)
	}
}

// subprocessMainCount runs a first recording twice in one binary through
// dvdtest.Main: the second run reads the cassette that Main holds for the
// first, and replays it, as it would read the file without Main.
func subprocessMainCount(t *testing.T, fx *fixtures) {
	srv := newUpstream(t, "v1")
	c := newChild(t, fx.fixture, srv.URL)
	r := c.run("^TestRecord$", []string{"FIXTURE_MAIN=1"}, "-test.count", "2")
	r.want(t, exitPass, []string{
		`fixture: body="v1" replayed=false`,
		`fixture: body="v1" replayed=true`,
		"dvdtest: recorded 1 interaction to " + recordFile + " (the default mode), for TestRecord\n",
	})
	if n := strings.Count(r.out, "dvdtest: recorded 1 interaction to"); n != 1 {
		t.Errorf("dvdtest.Main wrote %s %d times, want once:\n%s", recordFile, n, r.out)
	}
	srv.wantServed(t, 1)
	if got := c.file(recordFile); !bytes.Contains(got, []byte("/hello")) {
		t.Errorf("%s does not hold the recording:\n%s", recordFile, got)
	}
}
