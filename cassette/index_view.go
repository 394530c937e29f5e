package cassette

import (
	"reflect"
	"sync"

	"github.com/dvdrw/dvd/match"
)

// urlMatchers are the code of the built-in matchers that read only a
// request's method and URL. A func value's code pointer is the same for
// every closure a function returns, so QueryIgnoring's count whatever
// names they ignore.
var urlMatchers = sync.OnceValue(func() map[uintptr]bool {
	m := map[uintptr]bool{}
	for _, f := range []match.Matcher{match.Method, match.Scheme, match.Host, match.Path, match.Query, match.QueryIgnoring()} {
		m[reflect.ValueOf(f).Pointer()] = true
	}
	return m
})

// readURLOnly reports whether every matcher is one of the built-in ones
// that read only the method and the URL: then neither the header nor the
// body of a request changes its features, nor needs redacting to find them.
func readURLOnly(matchers []match.Matcher) bool {
	known := urlMatchers()
	for _, m := range matchers {
		if m == nil || !known[reflect.ValueOf(m).Pointer()] {
			return false
		}
	}
	return true
}
