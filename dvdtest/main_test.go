package dvdtest

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
)

// verdictTB is a test that has ended with a verdict. Any other method
// panics through the nil embedded TB: a held save must not use its test
// once it ended, but to read the verdict.
type verdictTB struct {
	testing.TB
	failed, skipped bool
}

func (v verdictTB) Failed() bool  { return v.failed }
func (v verdictTB) Skipped() bool { return v.skipped }

// TestHeldSaveFinish checks what Main does with each held cassette once
// the tests have ended: it writes it for a test that still passed, and
// leaves the file as it was for one that failed or skipped after its DVD's
// cleanup, or when the write fails.
func TestHeldSaveFinish(t *testing.T) {
	const old = "the old cassette"
	in := interaction("http://api/x")
	cases := []struct {
		name      string
		reason    string
		verdict   verdictTB
		variant   bool // a variant under another compression is there, to be removed
		blocked   bool // the folder of the cassette is a file: the write fails
		ok        bool
		written   bool
		out       []string
		remaining []string
	}{
		{"Passed", "the test passed to the end: its cassette is written", verdictTB{}, false, false, true, true,
			[]string{"dvdtest: recorded 1 interaction to testdata/x.dvd.json (-update), for TestX\n"}, []string{"x.dvd.json"}},
		{"PassedVariant", "the file under another compression, which the save replaces, is removed", verdictTB{}, true, false, true, true,
			[]string{"recorded 1 interaction to testdata/x.dvd.json", "dvdtest: removed x.dvd.json.zst, which testdata/x.dvd.json replaces\n"}, []string{"x.dvd.json"}},
		{"Failed", "a cleanup registered before Use failed the test", verdictTB{failed: true}, false, false, true, false,
			[]string{"dvdtest: testdata/x.dvd.json not saved: TestX failed after dvdtest closed the cassette, in a cleanup that ran after dvdtest's (one registered before dvdtest.Use), so the cassette on disk is unchanged\n"}, []string{"x.dvd.json"}},
		{"FailedVariant", "the variant stays too", verdictTB{failed: true}, true, false, true, false,
			[]string{"not saved: TestX failed", "the cassette on disk is unchanged"}, []string{"x.dvd.json", "x.dvd.json.zst"}},
		{"Skipped", "a cleanup registered before Use skipped the test", verdictTB{skipped: true}, false, false, true, false,
			[]string{"dvdtest: testdata/x.dvd.json not saved: TestX was skipped after dvdtest closed the cassette", "the cassette on disk is unchanged\n"}, []string{"x.dvd.json"}},
		{"WriteFails", "the write fails: Main reports it and fails the run", verdictTB{}, false, true, false, false,
			[]string{"dvdtest: saving testdata/x.dvd.json, recorded by TestX: ", "The file is as it was"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "testdata")
			abs := filepath.Join(dir, "x.dvd.json")
			if tc.blocked {
				if err := os.WriteFile(dir, []byte(old), 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(abs, []byte(old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s := &heldSave{t: tc.verdict, test: "TestX", path: "testdata/x.dvd.json", abs: abs, source: "-update", c: cassette.New(in)}
			if tc.variant {
				s.variant = abs + ".zst"
				if err := os.WriteFile(s.variant, []byte(old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var out bytes.Buffer
			if ok := s.finish(&out); ok != tc.ok {
				t.Errorf("%s: finish = %v, want %v", tc.reason, ok, tc.ok)
			}
			for _, want := range tc.out {
				if !strings.Contains(out.String(), want) {
					t.Errorf("%s: the output lacks %q:\n%s", tc.reason, want, out.String())
				}
			}
			if tc.blocked {
				if got, err := os.ReadFile(dir); err != nil || string(got) != old {
					t.Errorf("%s: the file in the way is now %q (%v)", tc.reason, got, err)
				}
				return
			}
			var names []string
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if strings.Join(names, " ") != strings.Join(tc.remaining, " ") {
				t.Errorf("%s: testdata/ holds %q, want %q", tc.reason, names, tc.remaining)
			}
			got, err := os.ReadFile(abs)
			if err != nil {
				t.Fatal(err)
			}
			if written := string(got) != old; written != tc.written {
				t.Errorf("%s: written = %v, want %v:\n%s", tc.reason, written, tc.written, got)
			}
			if tc.written {
				c, err := cassette.Load(abs)
				if err != nil || c.Len() != 1 || c.Interactions()[0].Request.URL != "http://api/x" {
					t.Errorf("%s: %s does not hold the held cassette: %v", tc.reason, abs, err)
				}
			}
		})
	}
}

// TestHeldFor checks that a later test reads the cassette held last for
// its name, a copy of its own, and that a save of it removes the file that
// the held one would have replaced.
func TestHeldFor(t *testing.T) {
	mk := func(u string) *cassette.Cassette { return cassette.New(interaction(u)) }
	saves := []*heldSave{
		{key: "/p/testdata/x", abs: "/p/testdata/x.dvd.json", variant: "/p/testdata/x.dvd.json.gz", c: mk("http://api/1")},
		{key: "/p/testdata/y", abs: "/p/testdata/y.dvd.json", c: mk("http://api/other")},
		{key: "/p/testdata/x", abs: "/p/testdata/x.dvd.json.zst", c: mk("http://api/2")},
	}
	held.mu.Lock()
	if held.on || len(held.saves) > 0 {
		held.mu.Unlock()
		t.Fatal("Main is running the tests of this binary: TestHeldFor would change what it holds")
	}
	held.saves = saves
	held.mu.Unlock()
	defer func() {
		held.mu.Lock()
		held.saves = nil
		held.mu.Unlock()
	}()

	if h := heldFor("/p/testdata/z"); h != nil {
		t.Errorf("heldFor a name nothing holds = %+v, want nil", h)
	}
	h := heldFor("/p/testdata/x")
	if h != saves[2] {
		t.Fatalf("heldFor = %+v, want the last save held for the name", h)
	}
	c, err := h.cassette()
	if err != nil {
		t.Fatal(err)
	}
	if c == h.c || c.Len() != 1 || c.Interactions()[0].Request.URL != "http://api/2" {
		t.Errorf("cassette() = %v, want a copy of the held one", c.Interactions())
	}
	at := h.c.RecordedAt()
	c.SetRecordedAt(at.Add(time.Hour))
	if !h.c.RecordedAt().Equal(at) {
		t.Errorf("changing the copy changed the held cassette")
	}
	for _, tc := range []struct {
		name, reason string
		held         *heldSave
		abs, want    string
	}{
		{"OtherCompression", "the held save's own file is replaced", saves[2], "/p/testdata/x.dvd.json", "/p/testdata/x.dvd.json.zst"},
		{"SameFile", "what the held save would have removed", saves[0], "/p/testdata/x.dvd.json", "/p/testdata/x.dvd.json.gz"},
		{"SameFileNoVariant", "nothing to remove", saves[1], "/p/testdata/y.dvd.json", ""},
	} {
		if got := tc.held.replaces(tc.abs); got != tc.want {
			t.Errorf("%s (%s): replaces(%s) = %q, want %q", tc.name, tc.reason, tc.abs, got, tc.want)
		}
	}
}

// interaction returns a GET of u answered with 200 OK.
func interaction(u string) cassette.Interaction {
	return cassette.Interaction{
		Request:  cassette.Request{Method: http.MethodGet, URL: u},
		Response: &cassette.Response{Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1"},
	}
}
