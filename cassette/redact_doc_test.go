package cassette

import (
	"go/ast"
	goparser "go/parser"
	"go/token"
	"regexp"
	"slices"
	"testing"

	"github.com/dvdrw/dvd/internal/redact"
)

// TestRedactionDocNamesEveryDefault holds the doc of Redaction, which
// restates the names redacted by default for users, to internal/redact,
// where the names are kept: the headers always redacted, the words of the
// table of credential names and the words that end a name describing one.
func TestRedactionDocNamesEveryDefault(t *testing.T) {
	f, err := goparser.ParseFile(token.NewFileSet(), "redact.go", nil, goparser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && len(g.Specs) == 1 {
			if s, ok := g.Specs[0].(*ast.TypeSpec); ok && s.Name.Name == "Redaction" {
				doc = g.Doc.Text()
			}
		}
	}
	if doc == "" {
		t.Fatal("redact.go has no documented type Redaction")
	}
	for _, name := range slices.Concat(redact.DefaultHeaders(), redact.CredentialWords(), redact.DescriptorWords()) {
		if !regexp.MustCompile(`(^|[^\w-])` + regexp.QuoteMeta(name) + `([^\w-]|$)`).MatchString(doc) {
			t.Errorf("the doc of Redaction does not name %s, which internal/redact redacts by default", name)
		}
	}
}
