package secretoracle

import (
	"fmt"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
)

// gitleaks, used as a library: its detector with the default rules, as
// `gitleaks detect` runs them, decoding base64, percent and hex escapes
// to the depth its command line does by default.
var detector = sync.OnceValues(func() (*detect.Detector, error) {
	logging.Logger = zerolog.Nop()
	d, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		return nil, err
	}
	d.MaxDecodeDepth = 5
	return d, nil
})

var detectMu sync.Mutex

// A finding of gitleaks: where and which rule. The secret it found stays
// unexported and is never printed: it may be a planted one.
type finding struct {
	rule   string
	file   string
	line   int
	secret string
}

// String says where and which rule, never what was found.
func (f finding) String() string {
	return fmt.Sprintf("%s:%d: gitleaks rule %s", f.file, f.line, f.rule)
}

// scan runs gitleaks over text, which came from file.
func scan(file, text string) ([]finding, error) {
	d, err := detector()
	if err != nil {
		return nil, err
	}
	detectMu.Lock()
	defer detectMu.Unlock()
	var out []finding
	for _, f := range d.DetectString(text) {
		out = append(out, finding{rule: f.RuleID, file: file, line: f.StartLine + 1, secret: f.Secret})
	}
	return out, nil
}

// ofValue reports whether a finding is of the planted value v: the secret
// found is part of it, or holds its random core.
func (f finding) ofValue(v string) bool {
	s := f.secret
	return len(s) >= 8 && (strings.Contains(v, s) || strings.Contains(s, core(v)))
}
