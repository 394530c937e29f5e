package cassette

import (
	"net/http"
	"reflect"
	"strings"
)

// A client that waits for a resource sends the same request again and
// again, and gets the same answer ("pending") until it changes. The
// recorder stores such a run of polls once, with its Times, and replay
// serves it that many times, in place.

// storedOnce returns the interactions of recs, in order, with each run of
// consecutive ones that repeat the one before (see [repeats]) stored once:
// the first of the run, its Times counting the run; and the position in
// recs of each interaction it returns.
func storedOnce(recs []recorded) (out []Interaction, from []int) {
	out, from = make([]Interaction, 0, len(recs)), make([]int, 0, len(recs))
	for i := range recs {
		in := &recs[i].in
		if n := len(out); n > 0 && repeats(&out[n-1], in) {
			out[n-1].Times = max(out[n-1].Times, 1) + max(in.Times, 1)
			continue
		}
		out, from = append(out, *in), append(from, i)
	}
	return out, from
}

// repeats reports whether b repeats a: the same request, answered the same,
// but for the headers that change with every request and response (see
// [volatile]). A transport error is never a repeat: it is stored each time.
func repeats(a, b *Interaction) bool {
	if a.Response == nil || b.Response == nil {
		return false
	}
	ra, rb := a.Request, b.Request
	ra.Header, rb.Header = stable(ra.Header), stable(rb.Header)
	pa, pb := *a.Response, *b.Response
	pa.Header, pb.Header = stable(pa.Header), stable(pb.Header)
	pa.Trailer, pb.Trailer = stable(pa.Trailer), stable(pb.Trailer)
	return reflect.DeepEqual(ra, rb) && reflect.DeepEqual(pa, pb)
}

// stable returns h without its volatile headers, or nil when nothing is
// left.
func stable(h http.Header) http.Header {
	var out http.Header
	for k, vs := range h {
		if volatile(k) {
			continue
		}
		if out == nil {
			out = make(http.Header, len(h))
		}
		out[k] = vs
	}
	return out
}

// volatileNames are headers that change with every request or response
// whatever else does: dates and ages, ids, trace contexts, timings.
var volatileNames = map[string]bool{
	"Date": true, "Age": true, "Expires": true, "X-Amz-Date": true,
	"Amz-Sdk-Invocation-Id": true, "Amz-Sdk-Request": true, "X-Amz-Id-2": true,
	"Cf-Ray": true, "Server-Timing": true, "X-Runtime": true, "X-Response-Time": true,
	"X-Envoy-Upstream-Service-Time": true, "X-Served-By": true, "X-Timer": true,
}

// volatileParts are parts of the names of more such headers: request and
// correlation ids, trace and span ids, rate-limit counters.
var volatileParts = []string{"request-id", "requestid", "correlation", "trace", "span-id", "spanid", "ratelimit", "rate-limit"}

// volatile reports whether the header name changes with every request or
// response: two polls that differ only in such headers are the same poll.
func volatile(name string) bool {
	if volatileNames[name] {
		return true
	}
	lower := strings.ToLower(name)
	for _, p := range volatileParts {
		if strings.Contains(lower, p) {
			return true
		}
	}
	return false
}
