package cassette_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// testdata/example.dvd.json at the top of the repository is the cassette
// docs/format.md shows (docs/docs_test.go checks that it shows it whole). It
// must stay in the form Marshal writes, and replay.
func TestExampleCassette(t *testing.T) {
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
