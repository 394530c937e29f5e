package index

import (
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/dvdrw/dvd/match"
)

// A server a test starts on loopback (httptest, testcontainers, docker
// compose) gets a new port on every run, so the host a request was
// recorded with is not the one it has on replay. When the matchers read
// the host and the port of an incoming loopback request is one the
// recording does not know, a lookup that misses tries the loopback hosts
// of the recording in turn, the one this port was last matched to first,
// and keeps what matched: two local servers on two new ports each follow
// their own recordings, and a mapping that a later request contradicts is
// revised. Only matching follows ports; responses replay as recorded.

// ports follows the loopback ports of an index.
type ports struct {
	recorded []string // the loopback hosts of the recording (host:port), in recorded order
	known    map[string]bool
	mu       sync.Mutex
	follows  map[string]string // an incoming host → the recorded host it matched last
	// other is the last recorded host found not to be a loopback one:
	// the requests of a cassette mostly go to one host, which add then
	// parses once, not once a request.
	other string
}

// loopbackPort reports whether host (host:port) names a loopback address
// with a port.
func loopbackPort(host string) bool {
	h, port, err := net.SplitHostPort(host)
	if err != nil || port == "" {
		return false
	}
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// add notes the host of a recorded request.
func (p *ports) add(host string) {
	if host == p.other {
		return
	}
	host = strings.ToLower(host)
	if p.known[host] {
		return
	}
	if !loopbackPort(host) {
		p.other = host
		return
	}
	if p.known == nil {
		p.known = map[string]bool{}
	}
	p.known[host] = true
	p.recorded = append(p.recorded, host)
}

// candidates returns the recorded hosts an incoming host may stand for,
// the one it matched last first, or nil when it is no loopback host with a
// port the recording does not know.
func (p *ports) candidates(host string) []string {
	if len(p.recorded) == 0 || p.known[strings.ToLower(host)] || !loopbackPort(host) {
		return nil
	}
	p.mu.Lock()
	last := p.follows[host]
	taken := map[string]bool{} // recorded hosts that other incoming hosts follow
	for in, to := range p.follows {
		if in != host {
			taken[to] = true
		}
	}
	p.mu.Unlock()
	out := make([]string, 0, len(p.recorded))
	if last != "" {
		out = append(out, last)
	}
	// Then the recorded hosts no other server follows yet, then the rest:
	// a new server is most likely a recorded one not yet accounted for.
	for _, free := range []bool{true, false} {
		for _, h := range p.recorded {
			if h != last && taken[h] != free {
				out = append(out, h)
			}
		}
	}
	return out
}

// follow notes that host matched the recorded host to.
func (p *ports) follow(host, to string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.follows == nil {
		p.follows = map[string]string{}
	}
	p.follows[host] = to
}

// findPort looks view up as sent to each recorded loopback host it may
// stand for, after a lookup of view itself missed.
func (ix *Index[T]) findPort(view *http.Request, vbody []byte, req *http.Request, body []byte) *Entry[T] {
	host := view.URL.Host
	for _, to := range ix.ports.candidates(host) {
		u := *view.URL
		u.Host = to
		v := *view
		v.URL, v.Host = &u, to
		canon := canonical(nil, ix.cfg.Matchers, &v, vbody)
		e := ix.find(canon, &v, vbody, req, body)
		if e == nil && len(ix.templates) > 0 {
			e = ix.findSlotted(&v, vbody, req, body)
		}
		if e != nil {
			ix.ports.follow(host, to)
			return e
		}
	}
	return nil
}

// readsHost reports whether a matcher reads the host, with its port.
func readsHost(matchers []match.Matcher) bool {
	for _, m := range matchers {
		if name, _, _ := m.Builtin(); name == "Host" {
			return true
		}
	}
	return false
}
