package cassette_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/cassette"
)

// testdata/example.dvd.json at the top of the repository is the cassette
// README.md shows. It must stay in the form Marshal writes, and replay.
func TestREADMECassette(t *testing.T) {
	const path = "../testdata/example.dvd.json"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := cassette.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if again := mustMarshal(t, f); !bytes.Equal(again, data) {
		t.Errorf("%s is not in the form Marshal writes; Marshal gives:\n%s", path, again)
	}
	c, err := cassette.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeReplay})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: r}

	resp, err := client.Get("https://api.github.com/users/octocat/repos?per_page=2&access_token=any-token")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), `[{"id":132935648,`) || resp.ContentLength != -1 {
		t.Errorf("repos: %d, %d bytes, length %d", resp.StatusCode, len(body), resp.ContentLength)
	}

	resp, err = client.Post("https://api.github.com/repos/octocat/hello-world/issues", "application/json", strings.NewReader(`{"title":"Found a bug"}`))
	if err != nil || resp.StatusCode != 201 || resp.Status != "201 Created" {
		t.Errorf("issue: %v, %v", resp, err)
	}

	_, err = client.Get("https://status.example.com/health")
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("health: %v, want a timeout", err)
	}
}

// README.md shows testdata/example.dvd.json whole, byte for byte, in the
// ```json block that follows its link.
func TestREADMEShowsTheCassette(t *testing.T) {
	file, err := os.ReadFile("../testdata/example.dvd.json")
	if err != nil {
		t.Fatal(err)
	}
	shown, err := readmeBlock("```json\n", "## The file", "[`testdata/example.dvd.json`](testdata/example.dvd.json)")
	if err != nil {
		t.Fatal(err)
	}
	if shown != string(file) {
		t.Errorf("README.md does not show testdata/example.dvd.json as it is: copy the file into the block (-README +file):\n%s",
			cmp.Diff(strings.Split(shown, "\n"), strings.Split(string(file), "\n")))
	}
}

// README.md lists the commands that .ci/run runs in each module; each of
// them must be in .ci/run.
func TestREADMEShowsWhatCIRuns(t *testing.T) {
	script, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	shown, err := readmeBlock("```\n", "## Development", "), runs:")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(shown), "\n")
	if len(lines) < 5 {
		t.Fatalf("README.md lists %d commands of .ci/run; want them all:\n%s", len(lines), shown)
	}
	for _, cmd := range lines {
		if !strings.Contains(string(script), strings.TrimSpace(cmd)) {
			t.Errorf("README.md says that .ci/run runs %q, but it does not: make README.md's Development section say what .ci/run does", cmd)
		}
	}
}

// .ci/run tests every module of the repository, and README.md names them.
func TestCIRunsEveryModule(t *testing.T) {
	script, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	_, list, ok := strings.Cut(string(script), "\nmodules=(")
	list, _, ok2 := strings.Cut(list, ")")
	if !ok || !ok2 {
		t.Fatal(".ci/run has no modules=(...) line")
	}
	listed := strings.Fields(list)
	var found []string
	err = filepath.WalkDir("..", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && path != ".." && (e.Name() == "testdata" || strings.HasPrefix(e.Name(), ".")) {
			return filepath.SkipDir
		}
		if e.Name() == "go.mod" {
			dir, _ := filepath.Rel("..", filepath.Dir(path))
			found = append(found, filepath.ToSlash(dir))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(listed)
	slices.Sort(found)
	if d := cmp.Diff(listed, found); d != "" {
		t.Errorf("the modules=(...) of .ci/run are not the modules of the repository (-listed +found):\n%s", d)
	}
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, dev, _ := strings.Cut(string(data), "## Development")
	for _, m := range found {
		if !strings.Contains(dev, "`"+m+"`") {
			t.Errorf("README.md's Development section does not name the module `%s` that .ci/run tests", m)
		}
	}
}

// readmeBlock returns the content of the first fenced block of README.md
// that opens with fence after the texts after, found one after the other.
func readmeBlock(fence string, after ...string) (string, error) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		return "", err
	}
	rest := string(data)
	for _, a := range after {
		var ok bool
		if _, rest, ok = strings.Cut(rest, a); !ok {
			return "", fmt.Errorf("README.md does not contain %q where expected", a)
		}
	}
	_, rest, ok := strings.Cut(rest, fence)
	if !ok {
		return "", fmt.Errorf("README.md has no %s block after %q", strings.TrimSpace(fence), after)
	}
	block, _, ok := strings.Cut(rest, "```\n")
	if !ok {
		return "", fmt.Errorf("README.md: the block after %q does not end", after)
	}
	return block, nil
}
