package dvdtest_test

import (
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every example of the module must be a whole program as pkg.go.dev shows
// it: go/doc builds it from the example and the declarations of the same
// file that it uses, and gives up when the example uses a declaration of
// another file. A reader can then copy it, run it, and see its output.
func TestExamplesAreWholePrograms(t *testing.T) {
	root := ".."
	fset := token.NewFileSet()
	examples := 0
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			name := e.Name()
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || hasGoMod(path)) {
				return filepath.SkipDir // not Go code, or another module
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, ex := range doc.Examples(f) {
			examples++
			rel, _ := filepath.Rel(root, path)
			switch {
			case !strings.HasSuffix(f.Name.Name, "_test"):
				t.Errorf("Example%s in %s: move it to the external package %s_test, as a reader sees it", ex.Name, rel, f.Name.Name)
			case ex.Play == nil:
				t.Errorf("Example%s in %s is not a whole program on pkg.go.dev: it uses a declaration of another file, or a dot import. Move what it uses into its file.", ex.Name, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if examples == 0 {
		t.Fatalf("no examples found below %s", root)
	}
}

func hasGoMod(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "go.mod"))
	return err == nil
}
