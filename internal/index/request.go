package index

import (
	"net/http"
	"net/url"

	"github.com/dvdrw/dvd/match"
)

// matcherRequest turns a recorded request into an *http.Request for the
// matchers. Unless keep is set, it reuses req and u, which the caller hands
// in anew for every request: the matchers read a request, never keep it.
// empty stands in for a nil header.
func matcherRequest(r *Request, req *http.Request, u *url.URL, empty http.Header, keep bool) (*http.Request, error) {
	if keep {
		req, u = new(http.Request), new(url.URL)
	}
	pu, err := parseURL(r.URL, u)
	if err != nil {
		return nil, &url.Error{Op: "parse", URL: r.URL, Err: err}
	}
	h := r.Header
	if h == nil {
		h = empty
		if keep {
			h = http.Header{}
		}
	}
	*req = http.Request{
		Method: r.Method, URL: pu, Header: h, Host: pu.Host,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		ContentLength: int64(len(r.Body)),
	}
	return req, nil
}

// readURLOnly reports whether every matcher is one of the built-in ones
// that read only the method and the URL: then neither the header nor the
// body of a request changes its features, nor needs redacting to find them.
func readURLOnly(matchers []match.Matcher) bool {
	for _, m := range matchers {
		switch name, _, _ := m.Builtin(); name {
		case "Method", "Scheme", "Host", "Hostname", "Path", "Query", "QueryIgnoring":
		default:
			return false
		}
	}
	return true
}
