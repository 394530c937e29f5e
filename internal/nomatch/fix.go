package nomatch

import (
	"encoding/json"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/dvdrw/dvd/internal/index"
	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/match"
)

// maxIgnorable bounds the parameters and fields a miss offers to ignore:
// a request that differs in more is a different request, not one that
// carries a timestamp.
const maxIgnorable = 8

// An ignorable is what a miss offers to leave out of one feature: query
// parameters or JSON fields, and the matcher that leaves them out.
type ignorable struct {
	kind  string   // "query parameter" or "JSON field"
	names []string // what differs, sorted
	m     match.Matcher
	expr  string // m as Go code
}

// suggest sets r.Only and r.Fix when the recorded request at position pos
// differs from the incoming one only in query parameters and JSON body
// fields, and matchers that leave them out make the two requests match.
// recorded holds its features, incoming the incoming request's, as the
// matchers read them; req and body are the incoming request as the
// matchers saw it.
func suggest[T any](r *Report, ix *index.Index[T], pos int, recorded []string, incoming []match.Feature, req *http.Request, body []byte, rd *redact.Rules) {
	inUse := ix.Matchers()
	swap := map[int]ignorable{}
	count := 0
	for i, f := range incoming {
		if i >= len(recorded) || recorded[i] == f.Value {
			continue
		}
		ig, ok := ignoring(inUse[i], f.Name, recorded[i], f.Value)
		if !ok {
			return
		}
		for _, n := range ig.names {
			if rd.Text(n) != n {
				return // a name that holds a secret value is no name to print
			}
		}
		count += len(ig.names)
		swap[i] = ig
	}
	if len(swap) == 0 || count > maxIgnorable {
		return
	}
	matchers := slices.Clone(inUse)
	for i, ig := range swap {
		matchers[i] = ig.m
	}
	if !wouldMatch(ix, matchers, pos, req, body) {
		return
	}
	r.Only = describeIgnorable(swap)
	// The option as Go code, unless a matcher in use is one of the test's
	// own: then which matchers to replace, in words.
	exprs := make([]string, len(matchers))
	var replace, own []string
	printable := true
	for i, m := range inUse {
		name := strconv.Quote(rd.Text(incoming[i].Name))
		expr, ok := goExpr(m)
		ig, swapped := swap[i]
		switch {
		case swapped:
			exprs[i] = ig.expr
			if !ok {
				expr, printable = "your matcher "+name, false
			}
			replace = append(replace, "replace "+expr+" by "+ig.expr)
		case ok:
			exprs[i] = expr
		default:
			own, printable = append(own, name), false
		}
	}
	if printable {
		r.Fix = "dvdtest.MatchOn(" + strings.Join(exprs, ", ") + ")"
		return
	}
	r.Fix = "in dvdtest.MatchOn, " + strings.Join(replace, ", and ") + "; the other matchers stay as they are"
	if len(own) > 0 {
		r.Fix += " (" + joinAnd(own) + " cannot be written here as Go code: a matcher of your own)"
	}
}

// wouldMatch reports whether the recorded request at position pos and the
// incoming one have equal features under matchers.
func wouldMatch[T any](ix *index.Index[T], matchers []match.Matcher, pos int, req *http.Request, body []byte) bool {
	rec, recBody, err := ix.View(pos)
	if err != nil {
		return false
	}
	for _, m := range matchers {
		if m.Feature(rec, recBody).Value != m.Feature(req, body).Value {
			return false
		}
	}
	return true
}

// ignoring returns the matcher that leaves out of the feature of m, named
// name, what differs between its recorded and incoming values, when that
// is query parameters or JSON fields: a query matcher ignores the
// parameters, a JSON or Body matcher the fields, on top of those it
// already ignores. A matcher of the test's own whose feature is named
// Query, Body or JSONBody is taken for what it says it reads.
func ignoring(m match.Matcher, name, recorded, incoming string) (ignorable, bool) {
	fn, already, ok := m.Builtin()
	if !ok {
		fn = name
	}
	switch fn {
	case "Query", "QueryIgnoring":
		names := differentParams(recorded, incoming)
		all := append(already, names...)
		return ignorable{kind: "query parameter", names: names, m: match.QueryIgnoring(all...), expr: "match.QueryIgnoring(" + quoted(all) + ")"}, len(names) > 0
	case "JSONBody", "Body", "JSONBodyIgnoring":
		paths, ok := differentFields(recorded, incoming)
		if !ok {
			return ignorable{}, false
		}
		all := append(already, paths...)
		return ignorable{kind: "JSON field", names: paths, m: match.JSONBodyIgnoring(all...), expr: "match.JSONBodyIgnoring(" + quoted(all) + ")"}, true
	case "Host":
		// Only the port differs: match the host without it.
		if rh, ih := hostOnly(recorded), hostOnly(incoming); rh == ih && recorded != incoming {
			return ignorable{kind: "port", m: match.Hostname, expr: "match.Hostname"}, true
		}
	}
	return ignorable{}, false
}

// hostOnly returns a host without its port.
func hostOnly(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// differentParams returns the names of the parameters whose values differ
// between two canonical queries, or that only one has, unescaped and
// sorted.
func differentParams(recorded, incoming string) []string {
	a, b := params(recorded), params(incoming)
	var names []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			names = append(names, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

// params maps each parameter name of a query to its values, in order.
func params(q string) map[string]string {
	m := map[string]string{}
	for pair := range strings.SplitSeq(q, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k = queryUnescape(k)
		m[k] += "&" + v
	}
	return m
}

// differentFields returns the dotted paths, with * for array elements, of
// the fields whose values differ between two JSON documents, or that only
// one has, sorted. It reports false when the documents are not both JSON,
// or differ where no path can point: at the top, or under a name that a
// path cannot spell (empty, or holding a dot or a *).
func differentFields(recorded, incoming string) ([]string, bool) {
	a, okA := decode(recorded)
	b, okB := decode(incoming)
	if !okA || !okB {
		return nil, false
	}
	seen := map[string]bool{}
	if !jsonDiff(a, b, nil, seen) || len(seen) == 0 {
		return nil, false
	}
	paths := make([]string, 0, len(seen))
	for p := range seen {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return paths, true
}

// decode reads a JSON document, its numbers as json.Number.
func decode(s string) (any, bool) {
	if !json.Valid([]byte(s)) {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	return v, true
}

// jsonDiff adds to paths the paths below path at which a and b differ.
func jsonDiff(a, b any, path []string, paths map[string]bool) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	differs := func() bool {
		if len(path) == 0 {
			return false
		}
		paths[strings.Join(path, ".")] = true
		return true
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return differs()
		}
		visit := func(k string, va, vb any, inA, inB bool) bool {
			if inA && inB && reflect.DeepEqual(va, vb) {
				return true
			}
			if k == "" || k == "*" || strings.Contains(k, ".") {
				return false
			}
			p := append(slices.Clip(path), k)
			if !inA || !inB {
				paths[strings.Join(p, ".")] = true
				return true
			}
			return jsonDiff(va, vb, p, paths)
		}
		for k, va := range x {
			vb, inB := y[k]
			if !visit(k, va, vb, true, inB) {
				return false
			}
		}
		for k, vb := range y {
			if _, inA := x[k]; !inA && !visit(k, nil, vb, false, true) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return differs()
		}
		for i := range x {
			if !jsonDiff(x[i], y[i], append(slices.Clip(path), "*"), paths) {
				return false
			}
		}
		return true
	}
	return differs()
}

// describeIgnorable says what the ignorables name: the query parameter "since" and
// the JSON fields "items.*.id" and "sent_at".
func describeIgnorable(swap map[int]ignorable) string {
	byKind := map[string][]string{}
	for _, ig := range swap {
		byKind[ig.kind] = append(byKind[ig.kind], ig.names...)
	}
	var phrases []string
	if _, ok := byKind["port"]; ok {
		phrases = append(phrases, "the port of the host")
	}
	for _, kind := range []string{"query parameter", "JSON field"} {
		names := byKind[kind]
		if len(names) == 0 {
			continue
		}
		slices.Sort(names)
		names = slices.Compact(names)
		if len(names) > 1 {
			kind += "s"
		}
		q := make([]string, len(names))
		for i, n := range names {
			q[i] = strconv.Quote(n)
		}
		phrases = append(phrases, "the "+kind+" "+joinAnd(q))
	}
	return strings.Join(phrases, " and ")
}

// joinAnd joins words as a list in English: a, b and c.
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// quoted writes strings as the arguments of a Go call.
func quoted(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = strconv.Quote(a)
	}
	return strings.Join(q, ", ")
}

// goExpr writes a matcher in use as the Go code that makes it, and
// reports false for a matcher of the test's own.
func goExpr(m match.Matcher) (string, bool) {
	fn, args, ok := m.Builtin()
	switch {
	case !ok:
		return "", false
	case madeBy[fn]:
		return "match." + fn + "(" + quoted(args) + ")", true
	}
	return "match." + fn, true
}

// madeBy names the functions of package match that make matchers of their
// arguments; the other built-in matchers are variables.
var madeBy = map[string]bool{"Header": true, "QueryIgnoring": true, "JSONBodyIgnoring": true}
