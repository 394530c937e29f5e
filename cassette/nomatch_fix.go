package cassette

import (
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

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

// suggest sets err.Only and err.Fix when the recorded request of e differs
// from the incoming one only in query parameters and JSON body fields, and
// matchers that leave them out make the two requests match. recorded holds
// e's features, incoming the incoming request's, as the matchers read them;
// req and body are the incoming request as the matchers saw it.
func (ix *index) suggest(err *NoMatchError, e *entry, recorded []string, incoming []match.Feature, req *http.Request, body []byte, rd *redactor) {
	swap := map[int]ignorable{}
	count := 0
	for i, f := range incoming {
		if i >= len(recorded) || recorded[i] == f.Value {
			continue
		}
		ig, ok := ignoring(f.Name, recorded[i], f.Value)
		if !ok {
			return
		}
		for _, n := range ig.names {
			if rd.text(n) != n {
				return // a name that holds a secret value is no name to print
			}
		}
		count += len(ig.names)
		swap[i] = ig
	}
	if len(swap) == 0 || count > maxIgnorable {
		return
	}
	matchers := slices.Clone(ix.matchers)
	for i, ig := range swap {
		matchers[i] = ig.m
	}
	if !ix.wouldMatch(matchers, e, req, body, rd) {
		return
	}
	err.Only = describeIgnorable(swap)
	// The option as Go code, unless a matcher in use is a func of the
	// test's own: then which matchers to replace, in words.
	exprs := make([]string, len(matchers))
	var replace, own []string
	printable := true
	for i, m := range ix.matchers {
		name := strconv.Quote(rd.text(incoming[i].Name))
		expr, ok := goExpr(m, incoming[i].Name)
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
		err.Fix = "dvdtest.MatchOn(" + strings.Join(exprs, ", ") + ")"
		return
	}
	err.Fix = "in dvdtest.MatchOn, " + strings.Join(replace, ", and ") + "; the other matchers stay as they are"
	if len(own) > 0 {
		err.Fix += " (" + joinAnd(own) + " cannot be written here as Go code: a matcher of your own)"
	}
}

// wouldMatch reports whether the recorded request of e and the incoming one
// have equal features under matchers.
func (ix *index) wouldMatch(matchers []match.Matcher, e *entry, req *http.Request, body []byte, rd *redactor) bool {
	rec, err := recordedRequest(&e.in.Request)
	if err != nil {
		return false
	}
	rec, recBody := rd.matchView(rec, e.in.Request.Body)
	return string(canonical(nil, matchers, rec, recBody)) == string(canonical(nil, matchers, req, body))
}

// ignoring returns the matcher that leaves out of a feature what differs
// between its recorded and incoming values, when that is query parameters
// or JSON fields: a query matcher ignores the parameters, a JSON or Body
// matcher the fields, on top of those it already ignores.
func ignoring(name, recorded, incoming string) (ignorable, bool) {
	switch {
	case name == "Query" || strings.HasPrefix(name, "QueryIgnoring("):
		already, ok := arguments(name, "QueryIgnoring")
		if !ok {
			return ignorable{}, false
		}
		names := differentParams(recorded, incoming)
		all := append(slices.Clone(already), names...)
		return ignorable{kind: "query parameter", names: names, m: match.QueryIgnoring(all...), expr: "match.QueryIgnoring(" + quoted(all) + ")"}, len(names) > 0
	case name == "JSONBody" || name == "Body" || strings.HasPrefix(name, "JSONBodyIgnoring("):
		already, ok := arguments(name, "JSONBodyIgnoring")
		if !ok {
			return ignorable{}, false
		}
		paths, ok := differentFields(recorded, incoming)
		if !ok {
			return ignorable{}, false
		}
		all := append(slices.Clone(already), paths...)
		m := jsonBodyIgnoring(all...) // nil if a path, taken from a name that a func of the test's own gave, is no path
		return ignorable{kind: "JSON field", names: paths, m: m, expr: "match.JSONBodyIgnoring(" + quoted(all) + ")"}, m != nil
	}
	return ignorable{}, false
}

// arguments returns the quoted arguments of a feature name written as a
// Go call of fn, as match.QueryIgnoring and match.JSONBodyIgnoring name
// their features, or none for a name without arguments.
func arguments(name, fn string) ([]string, bool) {
	rest, ok := strings.CutPrefix(name, fn+"(")
	if !ok {
		return nil, !strings.Contains(name, "(")
	}
	var args []string
	for {
		if rest == ")" {
			return args, true
		}
		if len(args) > 0 {
			if rest, ok = strings.CutPrefix(rest, ", "); !ok {
				return nil, false
			}
		}
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return nil, false
		}
		arg, _ := strconv.Unquote(q)
		args = append(args, arg)
		rest = rest[len(q):]
	}
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

// The matchers of package match that are plain funcs, as Go code.
var plainMatchers = []struct {
	m    match.Matcher
	expr string
}{
	{match.Method, "match.Method"}, {match.Scheme, "match.Scheme"}, {match.Host, "match.Host"},
	{match.Path, "match.Path"}, {match.Query, "match.Query"}, {match.Body, "match.Body"},
	{match.JSONBody, "match.JSONBody"}, {match.Form, "match.Form"},
}

// goExpr writes a matcher in use as the Go code that makes it, from the
// name of its feature, and reports false for a matcher that is not one of
// package match's, or whose name does not say how it was made. The code is
// checked: it must make a matcher of the same name, and a plain matcher
// must be that func itself.
func goExpr(m match.Matcher, name string) (string, bool) {
	probe := &http.Request{URL: &url.URL{}, Header: http.Header{}}
	for _, p := range plainMatchers {
		if name == strings.TrimPrefix(p.expr, "match.") {
			return p.expr, reflect.ValueOf(m).Pointer() == reflect.ValueOf(p.m).Pointer()
		}
	}
	if list, ok := strings.CutPrefix(name, "Header("); ok && strings.HasSuffix(list, ")") {
		names := strings.Split(strings.TrimSuffix(list, ")"), ", ")
		for _, n := range names {
			if n == "" || strings.ContainsAny(n, " ,\t") {
				return "", false
			}
		}
		if match.Header(names...)(probe, nil).Name == name {
			return "match.Header(" + quoted(names) + ")", true
		}
		return "", false
	}
	for _, fn := range []struct {
		name string
		make func(...string) match.Matcher
	}{{"QueryIgnoring", match.QueryIgnoring}, {"JSONBodyIgnoring", jsonBodyIgnoring}} {
		args, ok := arguments(name, fn.name)
		if !ok || !strings.HasPrefix(name, fn.name+"(") {
			continue
		}
		if made := fn.make(args...); made != nil && made(probe, nil).Name == name {
			return "match." + fn.name + "(" + quoted(args) + ")", true
		}
	}
	return "", false
}

// jsonBodyIgnoring is match.JSONBodyIgnoring, or nil where that panics.
func jsonBodyIgnoring(paths ...string) (m match.Matcher) {
	defer func() {
		if recover() != nil {
			m = nil
		}
	}()
	return match.JSONBodyIgnoring(paths...)
}
