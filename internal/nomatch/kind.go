package nomatch

import (
	"strings"

	"github.com/dvdrw/dvd/match"
)

// A kind is the part of a request a feature was read from, which decides
// how a report redacts it, splits it for the diff, and weighs a difference.
type kind uint8

const (
	kindOther  kind = iota // a feature of the test's own
	kindMethod             // the method
	kindScheme             // the URL scheme
	kindHost               // the URL host, with its port
	kindPath               // the URL path
	kindQuery              // the URL query
	kindHeader             // request headers, a line each
	kindBody               // the body: its bytes, or a JSON value
	kindForm               // the body as a form
)

// builtinKinds are the kinds of the matchers of package match, by the
// name Builtin gives.
var builtinKinds = map[string]kind{
	"Method": kindMethod, "Scheme": kindScheme, "Host": kindHost, "Hostname": kindHost, "Path": kindPath,
	"Query": kindQuery, "QueryIgnoring": kindQuery, "Header": kindHeader,
	"Body": kindBody, "JSONBody": kindBody, "JSONBodyIgnoring": kindBody, "Form": kindForm,
}

// kindOf returns the kind of the feature named name that m reads. A
// matcher of the test's own says nothing of what it reads, so its feature
// is taken for a built-in one when it is named as one ("Query",
// "Header(…)", "JSONBody"…): its secrets are then redacted as that one's
// would be, the safe side for a feature that holds, say, a query.
func kindOf(m match.Matcher, name string) kind {
	if fn, _, ok := m.Builtin(); ok {
		return builtinKinds[fn]
	}
	switch {
	case name == "Method":
		return kindMethod
	case name == "Scheme":
		return kindScheme
	case name == "Host", name == "Hostname":
		return kindHost
	case name == "Path":
		return kindPath
	case strings.HasPrefix(name, "Query"):
		return kindQuery
	case strings.HasPrefix(name, "Header("):
		return kindHeader
	case name == "Form":
		return kindForm
	case strings.Contains(name, "Body"), strings.HasPrefix(name, "Form"):
		return kindBody
	}
	return kindOther
}
