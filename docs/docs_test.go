// Package docs holds no code: its tests check that README.md and the
// guides in docs/ stay true to the repository.
//
// The rules for the Markdown files (README.md and docs/*.md):
//
//   - Every relative link, [text](path) or [text](path#anchor), names a file
//     or folder of the repository, and its anchor a heading of the Markdown
//     file it names (as GitHub spells anchors). Links with a scheme
//     (https:, mailto:) are not checked.
//   - Every ```go block type-checks. A block that starts with a package
//     clause is a whole file. Any other block is a fragment: one whose first
//     line of code starts with func, type, var, const or import is checked
//     as the declarations of a file; any other is checked as statements in
//     a function where t *testing.T, d *dvdtest.DVD and ctx context.Context
//     are declared. A fragment imports the packages it names (dvdtest,
//     http, time, … from the table packageOf) without saying so, unless it
//     has import declarations of its own. Variables and imports it leaves
//     unused are not errors. Code that is not meant to compile goes in a
//     block of another language (```text) or of none.
package docs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
)

// root is the top of the repository, seen from this package's folder.
const root = ".."

// markdownFiles are README.md and docs/*.md, relative to root.
func markdownFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"README.md"}
	guides, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range guides {
		rel, _ := filepath.Rel(root, g)
		files = append(files, filepath.ToSlash(rel))
	}
	if len(files) < 2 {
		t.Fatalf("found no docs/*.md beside README.md")
	}
	return files
}

// block is a fenced code block of a Markdown file.
type block struct {
	info string // the info string after the opening fence: "go", "json", ""
	line int    // the line of the block's first line of content, from 1
	text string
}

// doc is a Markdown file read once: its fenced blocks, and the lines
// outside them, each with its number.
type doc struct {
	path   string // relative to root, with slashes
	blocks []block
	prose  []numbered
}

type numbered struct {
	line int
	text string
}

func readDoc(t *testing.T, path string) *doc {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	d := &doc{path: path}
	var open *block
	fence := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimLeft(line, " ")
		if open == nil {
			if strings.HasPrefix(trimmed, "```") {
				fence = "```"
				open = &block{info: strings.TrimSpace(strings.TrimPrefix(trimmed, "```")), line: n + 1}
				continue
			}
			d.prose = append(d.prose, numbered{n, line})
			continue
		}
		if strings.TrimSpace(trimmed) == fence {
			d.blocks = append(d.blocks, *open)
			open = nil
			continue
		}
		open.text += line + "\n"
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if open != nil {
		t.Fatalf("%s:%d: a code block does not end", path, open.line-1)
	}
	return d
}

var (
	linkRE       = regexp.MustCompile(`\]\(([^()\s]+)\)`)
	codeSpanRE   = regexp.MustCompile("`[^`]*`")
	schemeRE     = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
	headingRE    = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)
	notInAnchors = func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsNumber(r) || r == ' ' || r == '-' || r == '_')
	}
)

// anchors are the anchors GitHub gives the headings of d: lower case, code
// marks and punctuation dropped, spaces made hyphens, and -1, -2… after a
// repeated one.
func (d *doc) anchors() map[string]bool {
	seen := map[string]int{}
	out := map[string]bool{}
	for _, l := range d.prose {
		m := headingRE.FindStringSubmatch(l.text)
		if m == nil {
			continue
		}
		a := strings.Map(func(r rune) rune {
			if notInAnchors(r) {
				return -1
			}
			if r == ' ' {
				return '-'
			}
			return unicode.ToLower(r)
		}, m[1])
		if n := seen[a]; n > 0 {
			out[fmt.Sprintf("%s-%d", a, n)] = true
		} else {
			out[a] = true
		}
		seen[a]++
	}
	return out
}

// Every relative link of README.md and docs/*.md names a file or folder that
// exists, and its anchor a heading of the file it names.
func TestLinksResolve(t *testing.T) {
	docs := map[string]*doc{}
	load := func(path string) *doc {
		if docs[path] == nil {
			docs[path] = readDoc(t, path)
		}
		return docs[path]
	}
	checked := 0
	for _, path := range markdownFiles(t) {
		d := load(path)
		for _, l := range d.prose {
			text := codeSpanRE.ReplaceAllString(l.text, "")
			for _, m := range linkRE.FindAllStringSubmatch(text, -1) {
				target := m[1]
				if schemeRE.MatchString(target) {
					continue
				}
				checked++
				file, anchor, _ := strings.Cut(target, "#")
				name := path
				if file != "" {
					name = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(path), file)))
					if strings.HasPrefix(name, "../") {
						t.Errorf("%s:%d: the link %s leaves the repository", path, l.line, target)
						continue
					}
					if _, err := os.Stat(filepath.Join(root, name)); err != nil {
						t.Errorf("%s:%d: the link %s names %s, which does not exist", path, l.line, target, name)
						continue
					}
				}
				if anchor == "" {
					continue
				}
				if !strings.HasSuffix(name, ".md") {
					t.Errorf("%s:%d: the link %s has an anchor in a file that is not Markdown", path, l.line, target)
					continue
				}
				if !load(name).anchors()[anchor] {
					t.Errorf("%s:%d: the link %s names #%s, which is no heading of %s", path, l.line, target, anchor, name)
				}
			}
		}
	}
	if checked < 10 {
		t.Errorf("checked only %d relative links: does linkRE still find them?", checked)
	}
}

// packageOf gives the import path of each package a fragment may name
// without importing it.
var packageOf = map[string]string{
	"dvdtest":  "github.com/dvdrw/dvd/dvdtest",
	"cassette": "github.com/dvdrw/dvd/cassette",
	"match":    "github.com/dvdrw/dvd/match",
	"codec":    "github.com/dvdrw/dvd/codec",
	"context":  "context",
	"errors":   "errors",
	"flag":     "flag",
	"fmt":      "fmt",
	"http":     "net/http",
	"httptest": "net/http/httptest",
	"io":       "io",
	"json":     "encoding/json",
	"os":       "os",
	"exec":     "os/exec",
	"rand":     "math/rand/v2",
	"strings":  "strings",
	"testing":  "testing",
	"time":     "time",
}

// goSource makes a whole Go file of a ```go block of path, following the
// rules at the top of this file, with //line comments that point errors at
// the Markdown.
func goSource(path string, b block) (string, error) {
	first := ""
	for l := range strings.Lines(b.text) {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "//") {
			first = l
			break
		}
	}
	at := fmt.Sprintf("//line %s:%d\n", path, b.line)
	if strings.HasPrefix(first, "package ") {
		return at + b.text, nil
	}
	var body string
	switch word, _, _ := strings.Cut(first, " "); word {
	case "func", "type", "var", "const", "import":
		body = at + b.text
	default:
		body = "func _(t *testing.T, d *dvdtest.DVD, ctx context.Context) {\n{\n" + at + b.text + "}\n}\n"
	}
	// Import what the fragment names: parse it once to find out.
	f, err := parser.ParseFile(token.NewFileSet(), path, "package fragment\n"+body, parser.SkipObjectResolution)
	if err != nil {
		return "", err
	}
	if len(f.Imports) > 0 {
		return "package fragment\n" + body, nil
	}
	names := map[string]bool{"testing": true, "dvdtest": true, "context": true}
	ast.Inspect(f, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := s.X.(*ast.Ident); ok && packageOf[id.Name] != "" {
				names[id.Name] = true
			}
		}
		return true
	})
	var imports strings.Builder
	for _, name := range slices.Sorted(maps.Keys(names)) {
		fmt.Fprintf(&imports, "import %s %q\n", name, packageOf[name])
	}
	return "package fragment\n" + imports.String() + body, nil
}

// exportData runs go list once to find the compiled export data of the
// packages imports and everything they import.
func exportData(t *testing.T, imports []string) map[string]string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool is needed to type-check the code blocks: %v", err)
	}
	cmd := exec.CommandContext(t.Context(), goTool, append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}, imports...)...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -export: %v\n%s", err, stderr.Bytes())
	}
	files := map[string]string{}
	for l := range strings.Lines(string(out)) {
		path, file, _ := strings.Cut(strings.TrimSpace(l), "\t")
		files[path] = file
	}
	return files
}

// Every ```go block of README.md and docs/*.md type-checks, as the rules at
// the top of this file say.
func TestGoBlocksCompile(t *testing.T) {
	type source struct {
		name, text string
	}
	var sources []source
	for _, path := range markdownFiles(t) {
		for _, b := range readDoc(t, path).blocks {
			if lang, _, _ := strings.Cut(b.info, " "); lang != "go" {
				continue
			}
			src, err := goSource(path, b)
			if err != nil {
				t.Errorf("%s:%d: the go block does not parse: %v", path, b.line, err)
				continue
			}
			sources = append(sources, source{fmt.Sprintf("%s:%d", path, b.line), src})
		}
	}
	if len(sources) < 5 {
		t.Fatalf("found %d go blocks: does readDoc still find them?", len(sources))
	}

	fset := token.NewFileSet()
	var files []*ast.File
	needed := map[string]bool{}
	for _, s := range sources {
		f, err := parser.ParseFile(fset, s.name, s.text, parser.ParseComments)
		if err != nil {
			t.Errorf("%v\n%s", err, s.text)
			continue
		}
		files = append(files, f)
		for _, i := range f.Imports {
			needed[strings.Trim(i.Path.Value, `"`)] = true
		}
	}
	exports := exportData(t, slices.Sorted(maps.Keys(needed)))
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file := exports[path]
		if file == "" {
			return nil, fmt.Errorf("go list -export found no export data for %s", path)
		}
		return os.Open(file)
	})
	for i, f := range files {
		var errs []error
		conf := types.Config{
			Importer: imp,
			Error: func(err error) {
				var te types.Error
				if errors.As(err, &te) && te.Soft {
					return // unused variables and imports
				}
				errs = append(errs, err)
			},
		}
		conf.Check(f.Name.Name, fset, []*ast.File{f}, nil)
		if err := errors.Join(errs...); err != nil {
			t.Errorf("a go block does not compile:\n%v\nchecked as:\n%s", err, sources[i].text)
		}
	}
}

// docs/format.md shows testdata/example.dvd.json whole, byte for byte, in
// the ```json block that follows its link.
func TestFormatShowsTheCassette(t *testing.T) {
	file, err := os.ReadFile(filepath.Join(root, "testdata", "example.dvd.json"))
	if err != nil {
		t.Fatal(err)
	}
	shown, err := blockAfter("docs/format.md", "```json\n", "[`testdata/example.dvd.json`](../testdata/example.dvd.json)")
	if err != nil {
		t.Fatal(err)
	}
	if shown != string(file) {
		t.Errorf("docs/format.md does not show testdata/example.dvd.json as it is: copy the file into the block (-shown +file):\n%s",
			cmp.Diff(strings.Split(shown, "\n"), strings.Split(string(file), "\n")))
	}
}

// README.md is a front door, not the reference: what dvd is, how to
// install it, a quick start and links. The rest belongs in docs/ and in the
// package documentation.
func TestREADMEIsShort(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const most = 250
	if n := bytes.Count(data, []byte("\n")); n > most {
		t.Errorf("README.md has %d lines, more than %d: move the details to a guide in docs/ or to the package documentation, and link to it", n, most)
	}
}

// README.md lists the commands that .ci/run runs in each module; each of
// them must be in .ci/run.
func TestREADMEShowsWhatCIRuns(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	shown, err := blockAfter("README.md", "```\n", "## Development", "), runs:")
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
	script, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
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
	err = filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && path != root && (e.Name() == "testdata" || strings.HasPrefix(e.Name(), ".")) {
			return filepath.SkipDir
		}
		if e.Name() == "go.mod" {
			dir, _ := filepath.Rel(root, filepath.Dir(path))
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
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
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

// blockAfter returns the content of the first fenced block of the Markdown
// file path that opens with fence after the texts after, found one after
// the other.
func blockAfter(path, fence string, after ...string) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		return "", err
	}
	rest := string(data)
	for _, a := range after {
		var ok bool
		if _, rest, ok = strings.Cut(rest, a); !ok {
			return "", fmt.Errorf("%s does not contain %q where expected", path, a)
		}
	}
	_, rest, ok := strings.Cut(rest, fence)
	if !ok {
		return "", fmt.Errorf("%s has no %s block after %q", path, strings.TrimSpace(fence), after)
	}
	block, _, ok := strings.Cut(rest, "```\n")
	if !ok {
		return "", fmt.Errorf("%s: the block after %q does not end", path, after)
	}
	return block, nil
}
