// Package match decides which recorded request an incoming request replays.
//
// A [Matcher] reads one feature of a request (its method, its path, its
// query…) in a canonical form. The features of the matchers in use are hashed
// into the key of the cassette's index and then compared for equality, so two
// requests match exactly when every feature is equal, and a hash collision can
// never pick the wrong interaction. A [Func] is an extra check that runs only
// on the candidates the index found.
package match

import (
	"net/http"
	"slices"
	"strings"
)

// A Matcher reads one feature of a request: a name, used in diffs, and a
// canonical value. Two requests are the same request for a Matcher when the
// values are equal.
//
// A Matcher is made by this package: the built-in ones ([Method], [Path],
// [Query]…), those made by [Header], [QueryIgnoring] and [JSONBodyIgnoring],
// which remember their arguments so that a miss can print them as Go code,
// and [Custom], for a feature of the test's own. The zero Matcher is no
// matcher.
type Matcher struct {
	m *matcher
}

// A matcher is what a Matcher is made of: the function or variable of this
// package that made it and its arguments, "" for a Custom one, and how it
// reads a request.
type matcher struct {
	fn   string
	args []string
	read func(r *http.Request, body []byte) Feature
}

// Feature returns the feature m reads of r, whose body, already read, is
// body. A Matcher does not modify the request or its body, nor keep them
// after it returns: to index a cassette, dvd hands every recorded request
// to the matchers in one reused *http.Request.
func (m Matcher) Feature(r *http.Request, body []byte) Feature {
	return m.m.read(r, body)
}

// Builtin reports which function or variable of this package made m, and
// with which arguments: "Method" and none; "Header" and the header names,
// in canonical form; "QueryIgnoring" and the names it leaves out;
// "JSONBodyIgnoring" and its paths. It reports false for a matcher made by
// [Custom], and for the zero Matcher.
func (m Matcher) Builtin() (name string, args []string, ok bool) {
	if m.m == nil || m.m.fn == "" {
		return "", nil, false
	}
	return m.m.fn, slices.Clone(m.m.args), true
}

// builtin returns a Matcher of this package, named fn.
func builtin(fn string, args []string, read func(*http.Request, []byte) Feature) Matcher {
	return Matcher{&matcher{fn: fn, args: args, read: read}}
}

// Custom returns a Matcher that reads a feature with f, for a feature the
// built-in matchers do not cover, such as a tenant taken from a header:
//
//	tenant := match.Custom(func(r *http.Request, _ []byte) match.Feature {
//		return match.Feature{Name: "Tenant", Value: r.Header.Get("X-Tenant")}
//	})
//	d := dvdtest.Use(t, "users", dvdtest.MatchOn(match.Method, match.Path, tenant))
//
// The feature feeds the index like a built-in one. f must return the same
// Name for every request; it must not modify the request or its body, nor
// keep them after it returns. A miss shows the feature under its Name, and
// a feature named as a built-in one ("Query", "JSONBody"…) is shown, and
// its secrets redacted, as that one's is. Custom(nil) is the zero Matcher.
func Custom(f func(r *http.Request, body []byte) Feature) Matcher {
	if f == nil {
		return Matcher{}
	}
	return Matcher{&matcher{read: f}}
}

// A Feature is what a [Matcher] read of a request.
type Feature struct {
	Name  string
	Value string
}

// A Func is an extra comparison between a recorded request and an incoming
// one. It runs only on the recorded requests whose features already equal the
// incoming request's, so it can be as slow as it needs to be. Each request's
// Body can be read and is rewound for every call.
type Func func(recorded, incoming *http.Request) bool

// Method matches the request method.
var Method = builtin("Method", nil, func(r *http.Request, _ []byte) Feature {
	m := r.Method
	if m == "" {
		m = http.MethodGet
	}
	return Feature{Name: "Method", Value: m}
})

// Scheme matches the URL scheme, http or https.
var Scheme = builtin("Scheme", nil, func(r *http.Request, _ []byte) Feature {
	return Feature{Name: "Scheme", Value: lower(r.URL.Scheme)}
})

// Host matches the URL host with its port, as written in the URL, without
// regard to case. The port of a loopback server (127.0.0.1, ::1,
// localhost), which a test's server gets anew on every run, is followed on
// replay: see cassette.Config.ExactPorts.
var Host = builtin("Host", nil, func(r *http.Request, _ []byte) Feature {
	return Feature{Name: "Host", Value: lower(r.URL.Host)}
})

// Hostname matches the URL host without its port, without regard to case:
// for a server whose port changes from run to run and is no loopback
// server, whose port replay follows anyway.
var Hostname = builtin("Hostname", nil, func(r *http.Request, _ []byte) Feature {
	return Feature{Name: "Hostname", Value: lower(r.URL.Hostname())}
})

// Path matches the URL path in its escaped form, so /a%2Fb and /a/b differ.
var Path = builtin("Path", nil, func(r *http.Request, _ []byte) Feature {
	p := r.URL.EscapedPath()
	if p == "" {
		p = "/"
	}
	return Feature{Name: "Path", Value: p}
})

// Query matches the URL query parameters. The order of parameters does not
// matter, nor how they are escaped; the order of the values of one repeated
// parameter does. In a presigned URL (AWS SigV4 or Google V4 query signing,
// whose signature and credential dvd redacts), the signing time, X-Amz-Date
// or X-Goog-Date, does not matter either: a URL signed again at replay
// matches its recording.
var Query = builtin("Query", nil, func(r *http.Request, _ []byte) Feature {
	return Feature{Name: "Query", Value: canonicalQuery(r.URL.RawQuery, nil)}
})

// QueryIgnoring returns [Query] without the named parameters, for values
// that change on every run, such as a timestamp or a nonce:
//
//	dvdtest.MatchOn(match.Method, match.Scheme, match.Host, match.Path, match.QueryIgnoring("since", "nonce"))
//
// Names are compared as written, after unescaping.
func QueryIgnoring(names ...string) Matcher {
	ignore := slices.Clone(names)
	// The feature's name is Go code, so that a diff tells two of them apart.
	name := "QueryIgnoring(" + quoteList(names) + ")"
	return builtin("QueryIgnoring", ignore, func(r *http.Request, _ []byte) Feature {
		return Feature{Name: name, Value: canonicalQuery(r.URL.RawQuery, ignore)}
	})
}

// Header returns a Matcher of the named request headers, all values in
// order. Header names are not case-sensitive; a missing header and an empty
// one are the same.
func Header(names ...string) Matcher {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = http.CanonicalHeaderKey(n)
	}
	// The name says which headers, so that two Header matchers stay apart
	// in a diff.
	name := "Header(" + strings.Join(keys, ", ") + ")"
	return builtin("Header", keys, func(r *http.Request, _ []byte) Feature {
		var b strings.Builder
		for i, k := range keys {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(k)
			b.WriteString(":")
			for j, v := range r.Header.Values(k) {
				if j > 0 {
					b.WriteString(",")
				}
				b.WriteString(" ")
				b.WriteString(v)
			}
		}
		return Feature{Name: name, Value: b.String()}
	})
}

// Body matches the request body byte for byte.
var Body = builtin("Body", nil, func(_ *http.Request, body []byte) Feature {
	return Feature{Name: "Body", Value: string(body)}
})

// JSONBody matches request bodies that hold the same JSON value: the order of
// object keys and the spacing do not matter, nor how a string is escaped. A
// body that is not JSON is compared byte for byte.
var JSONBody = builtin("JSONBody", nil, func(_ *http.Request, body []byte) Feature {
	if v, ok := canonicalJSON(body); ok {
		return Feature{Name: "JSONBody", Value: v}
	}
	return Feature{Name: "JSONBody", Value: string(body)}
})

// lower returns s in lower case, without allocating when it already is.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
