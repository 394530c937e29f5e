package dvdtest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// With dvdtest.Main and CI set (replay), a request through
// http.DefaultTransport to an outside host is refused without dialing,
// names the host, the test and the fix, and fails the run; DVD_HERMETIC=off
// and a recording run let it through.
func TestHermetic(t *testing.T) {
	t.Parallel()
	goTool := need(t, "go")
	cases := []struct {
		name   string
		env    []string
		fails  bool
		want   []string
		reason string
	}{
		{name: "replay", env: []string{"CI=true"}, fails: true, reason: "the CI default is replay: refused, named, failed",
			want: []string{"dvdtest: a request to api.example.test:443 went through http.DefaultTransport", "TestBypass",
				"Hand the code under test d.Client()", "DVD_HERMETIC=off", "clone: Get \"http://api.example.test/clone\": dial tcp: dvdtest: a request to api.example.test:80"}},
		{name: "off", env: []string{"CI=true", "DVD_HERMETIC=off"}, reason: "the switch lets the request through to the dialer",
			want: []string{"fixture: dialed api.example.test:443", "--- PASS: TestBypass"}},
		{name: "recording", env: []string{"DVD_MODE=record"}, reason: "only replay is hermetic",
			want: []string{"fixture: dialed api.example.test:443"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(goTool, "test", "-count=1", "-v", "-run", "^TestBypass$", "./testdata/hermeticfixture")
			env := []string{"HERMETIC_FIXTURE=1"}
			for _, e := range os.Environ() {
				if !strings.HasPrefix(e, "CI=") && !strings.HasPrefix(e, "DVD_") {
					env = append(env, e)
				}
			}
			cmd.Env = append(env, tc.env...)
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != tc.fails {
				t.Errorf("go test failed: %v, want %v (%s)\n%s", failed, tc.fails, tc.reason, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("the output lacks %q (%s):\n%s", w, tc.reason, out)
				}
			}
			if tc.fails && strings.Contains(string(out), "fixture: dialed") {
				t.Errorf("the refused request was dialed:\n%s", out)
			}
		})
	}
}
