package cassette

import (
	"bytes"
	"slices"
	"strings"
)

type placeholder struct{ token, value string }

// sortedPlaceholders turns the named values of a Redaction into
// placeholders, longest value first, so that no value hides inside another.
func sortedPlaceholders(named map[string]string) []placeholder {
	var ps []placeholder
	for name, v := range named {
		if v != "" {
			ps = append(ps, placeholder{"<" + name + ">", v})
		}
	}
	slices.SortFunc(ps, func(a, b placeholder) int {
		if n := len(b.value) - len(a.value); n != 0 {
			return n
		}
		return strings.Compare(a.token, b.token)
	})
	return ps
}

// text replaces placeholder values by their names.
func (rd *redactor) text(s string) string { return rd.swap(s, false) }

// swap replaces placeholder values by their names, or names by values when
// restoring.
func (rd *redactor) swap(s string, restore bool) string {
	for _, p := range rd.placeholders {
		if from, to := p.pair(restore); strings.Contains(s, from) {
			s = strings.ReplaceAll(s, from, to)
		}
	}
	return s
}

// swapBytes is swap for a body, and says whether it changed anything; b
// itself is never modified.
func (rd *redactor) swapBytes(b []byte, restore bool) ([]byte, bool) {
	changed := false
	for _, p := range rd.placeholders {
		if from, to := p.pair(restore); bytes.Contains(b, []byte(from)) {
			b, changed = bytes.ReplaceAll(b, []byte(from), []byte(to)), true
		}
	}
	return b, changed
}

func (p placeholder) pair(restore bool) (from, to string) {
	if restore {
		return p.token, p.value
	}
	return p.value, p.token
}
