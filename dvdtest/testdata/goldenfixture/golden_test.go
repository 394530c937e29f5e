// Package goldenfixture is a test package that owns a golden-file -update
// flag, as many do, and also uses dvdtest. dvdtest's subprocess tests build
// and run it to check that the two -update users get along.
package goldenfixture

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/dvdrw/dvd/dvdtest"
)

var update = flag.Bool("update", false, "update the golden files")

// TestGolden fetches /hello through the cassette "golden" and compares the
// body with testdata/hello.golden, which -update rewrites.
func TestGolden(t *testing.T) {
	url := os.Getenv("FIXTURE_URL")
	if url == "" {
		t.Skip("FIXTURE_URL is not set: this fixture runs only under dvdtest's subprocess tests")
	}
	d := dvdtest.Use(t, "golden")
	t.Logf("fixture: mode=%v update=%v", d.Mode(), *update)
	resp, err := d.Client().Get(url + "/hello")
	if err != nil {
		t.Fatalf("fixture: GET /hello: %v", err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("fixture: reading the body: %v", err)
	}
	golden := filepath.Join("testdata", "hello.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("fixture: wrote %s", golden)
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("fixture: %v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("fixture: body = %q, golden file has %q", got, want)
	}
}
