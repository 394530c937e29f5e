package dvdtest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dvdrw/dvd/cassette"
)

// envHermetic turns off the hermetic check of Main: DVD_HERMETIC=off (or
// 0, false). See Hermetic tests in the package documentation.
const envHermetic = "DVD_HERMETIC"

// running holds the DVDs of the tests running now, whose tests a request
// that bypasses every DVD fails: Go cannot tell which test a goroutine
// belongs to.
var running sync.Map // *DVD → struct{}

// trackRunning adds d to running until its test ends.
func trackRunning(d *DVD) {
	running.Store(d, struct{}{})
	d.t.Cleanup(func() { running.Delete(d) })
}

// bypasses are the messages of the requests that the hermetic check
// refused, one per host, which Main prints and fails the run for.
var bypasses struct {
	mu    sync.Mutex
	hosts map[string]string
	order []string
}

// hermeticOff reports whether DVD_HERMETIC turns the check off.
func hermeticOff() bool {
	v := strings.TrimSpace(os.Getenv(envHermetic))
	if strings.EqualFold(v, "off") {
		return true
	}
	b, err := strconv.ParseBool(v)
	return err == nil && !b
}

// startHermetic makes http.DefaultTransport refuse to dial a host that is
// not loopback, when the tests replay (the mode that -update, DVD_MODE
// and CI give, before any WithMode), and returns what undoes it. The
// transport stays the *http.Transport it was: only its dial funcs are
// wrapped, so code that clones it keeps working, and its clones refuse too.
func startHermetic() (stop func()) {
	if hermeticOff() {
		return func() {}
	}
	mode, source, err := resolveMode(&config{})
	if err != nil || mode != cassette.ModeReplay {
		return func() {}
	}
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return func() {} // replaced by the tests: not dvd's to wrap
	}
	dial, dialTLS := t.DialContext, t.DialTLSContext
	plain := dial
	if plain == nil {
		plain = (&net.Dialer{}).DialContext
	}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if err := refuseBypass(network, addr, source); err != nil {
			return nil, err
		}
		return plain(ctx, network, addr)
	}
	if dialTLS != nil {
		t.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if err := refuseBypass(network, addr, source); err != nil {
				return nil, err
			}
			return dialTLS(ctx, network, addr)
		}
	}
	return func() { t.DialContext, t.DialTLSContext = dial, dialTLS }
}

// refuseBypass returns the error of a dial to addr that bypassed every
// DVD, and fails the tests that run now, or nil for a loopback address.
func refuseBypass(network, addr, source string) error {
	if !strings.HasPrefix(network, "tcp") && !strings.HasPrefix(network, "udp") {
		return nil // a Unix socket: local
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if loopbackHost(host) {
		return nil
	}
	tests := runningTests()
	who := "no test that dvdtest knows of runs now"
	if len(tests) > 0 {
		who = "the tests running now: " + strings.Join(tests, ", ")
	}
	msg := fmt.Sprintf("dvdtest: a request to %s went through http.DefaultTransport (http.Get, http.DefaultClient, or a client without a Transport), "+
		"past every DVD, while the tests replay (%s): it was not sent. It came from one of %s (Go cannot tell which). "+
		"Hand the code under test d.Client(), or d as its transport; or run with %s=off to let such requests through.",
		addr, source, who, envHermetic)
	running.Range(func(k, _ any) bool {
		k.(*DVD).errorf("%s", msg)
		return true
	})
	bypasses.mu.Lock()
	if bypasses.hosts == nil {
		bypasses.hosts = map[string]string{}
	}
	if _, seen := bypasses.hosts[addr]; !seen {
		bypasses.hosts[addr] = msg
		bypasses.order = append(bypasses.order, addr)
	}
	bypasses.mu.Unlock()
	return &net.OpError{Op: "dial", Net: network, Err: hermeticError(msg)}
}

type hermeticError string

func (e hermeticError) Error() string { return string(e) }

// takeBypasses returns the messages of the refused requests and forgets
// them.
func takeBypasses() []string {
	bypasses.mu.Lock()
	defer bypasses.mu.Unlock()
	var msgs []string
	for _, a := range bypasses.order {
		msgs = append(msgs, bypasses.hosts[a])
	}
	bypasses.hosts, bypasses.order = nil, nil
	return msgs
}

// loopbackHost reports whether host names this machine without a lookup.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// runningTests names the tests that run now: those with a DVD open by
// their full names, and the others by the test functions on the stacks of
// the testing package's goroutines.
func runningTests() []string {
	var names []string
	running.Range(func(k, _ any) bool {
		names = append(names, k.(*DVD).test)
		return true
	})
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range strings.Split(string(buf), "\n\n") {
		lines := strings.Split(g, "\n")
		for i, l := range lines {
			if !strings.HasPrefix(l, "testing.tRunner(") || i < 2 {
				continue
			}
			fn := lines[i-2] // the frame above tRunner's: the test function
			fn = fn[:max(strings.LastIndex(fn, "("), 0)]
			fn = fn[strings.LastIndex(fn, "/")+1:]
			if _, after, ok := strings.Cut(fn, "."); ok {
				fn, _, _ = strings.Cut(after, ".")
			}
			if strings.HasPrefix(fn, "Test") && !slices.ContainsFunc(names, func(n string) bool { return n == fn || strings.HasPrefix(n, fn+"/") }) {
				names = append(names, fn)
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
