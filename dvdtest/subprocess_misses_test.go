package dvdtest_test

import (
	"testing"
)

// subprocessUpdateServerDown runs go test -update while the server is down,
// in a test that swallows the transport error: the test passes, and the
// cassette of real responses must stay byte for byte.
func subprocessUpdateServerDown(t *testing.T, fx *fixtures) {
	srv := newUpstream(t, "v1")
	c := newChild(t, fx.fixture, srv.URL)
	c.run("^TestRecord$", nil).want(t, exitPass, []string{"recorded 1 interaction to " + recordFile})
	saved := c.file(recordFile)

	srv.Close()
	c.url = deadServer // srv's port may go to another test's server
	c.run("^TestRecord$", []string{"FIXTURE_ACTION=swallow"}, "-update").want(t, exitPass, []string{
		"--- PASS: TestRecord",
		"fixture: mode=record recording=true",
		"fixture: swallowed the error (ErrNoMatch=false)",
		"dvdtest: " + recordFile + " kept as it was: 1 of 1 recorded request could not connect, so the server looks unreachable, and saving would replace the cassette with these errors:",
		"#1 GET " + deadServer + "/hello: dial tcp ",
		"connection refused",
		runCommand,
		"pass dvdtest.RecordFailures() to Use",
	}, "dvdtest: recorded")
	c.wantKept(t, recordFile, saved, "-update with the server down")
	if got := c.testdataFiles(); len(got) != 1 {
		t.Errorf("testdata/ holds %q, want only record.dvd.json", got)
	}

	// A first recording with the server down writes nothing.
	c = newChild(t, fx.fixture, deadServer)
	c.run("^TestRecord$", []string{"FIXTURE_ACTION=swallow"}).want(t, exitPass, []string{
		"dvdtest: " + recordFile + " not saved, nothing was written: 1 of 1 recorded request could not connect",
	}, "dvdtest: recorded")
	if got := c.testdataFiles(); len(got) > 0 {
		t.Errorf("a recording of an unreachable server left %q in testdata/", got)
	}
}
