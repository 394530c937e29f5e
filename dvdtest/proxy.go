package dvdtest

import (
	"bufio"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dvdrw/dvd/cassette"
)

// ProxyEnv returns the environment entries that send a child process's
// HTTP and HTTPS through this DVD: append them to exec.Cmd.Env,
//
//	cmd.Env = append(os.Environ(), d.ProxyEnv()...)
//
// HTTP_PROXY, HTTPS_PROXY, http_proxy and https_proxy name a proxy on
// 127.0.0.1 that records and replays through d, as d.Client() does: one
// cassette, one index, one set of options. NO_PROXY and no_proxy are set
// empty. The proxy reads the child's HTTPS: a CONNECT tunnel is answered
// with a certificate for the host the child asked for, signed by a
// certificate authority made for this test (ECDSA, valid for the test's
// duration, its key in memory only), whose PEM file, in t.TempDir(), is
// named by SSL_CERT_FILE, CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS and
// REQUESTS_CA_BUNDLE.
//
// A request the cassette cannot answer gets 502 Bad Gateway with the miss
// message as its body, and fails the test with the same message. The
// proxy stops when the test ends: a child still running gets connection
// errors. Each call returns the same entries; the first one starts the
// proxy. Clients have rules of their own about proxies (Go never proxies
// localhost or loopback addresses; curl reads only the lower-case
// http_proxy; Node before v24 reads none): see docs/proxy.md.
func (d *DVD) ProxyEnv() []string {
	d.t.Helper()
	p := d.proxies()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.env == nil {
		env, err := p.startProxy()
		if err != nil {
			d.t.Fatalf("dvdtest: ProxyEnv: starting the proxy: %v", err)
		}
		p.env = env
	}
	return slices.Clone(p.env)
}

// Server returns the base URL, http://127.0.0.1:PORT, of a server that
// stands for upstream (scheme://host[:port]), for clients that take an
// endpoint rather than a transport. A request to it is sent through d to
// upstream with the same path and query: recorded, matched, redacted and
// replayed as one sent through d.Client() to upstream, whose URL the
// cassette holds. The server stops when the test ends. Each call starts
// a server of its own.
func (d *DVD) Server(upstream string) string {
	d.t.Helper()
	u, err := url.Parse(upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		d.t.Fatalf("dvdtest: Server(%q): give the upstream as scheme://host[:port], such as https://api.example.com, without a path or query", upstream)
	}
	p := d.proxies()
	p.mu.Lock()
	defer p.mu.Unlock()
	base, err := p.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		to := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
		p.forward(w, r, to)
	}))
	if err != nil {
		d.t.Fatalf("dvdtest: Server(%q): %v", upstream, err)
	}
	return base
}

// proxies are the proxy and the servers of one DVD, and the connections
// they took over, all closed when the test ends.
type proxies struct {
	d *DVD

	mu      sync.Mutex
	closed  bool
	env     []string // ProxyEnv's entries, once the proxy runs
	ca      *authority
	servers []*http.Server
	tunnels *connQueue // the connections of CONNECT tunnels, to the tunnel server
	conns   map[net.Conn]bool
}

// proxies returns d's proxies, made on first use with the cleanup that
// closes them.
func (d *DVD) proxies() *proxies {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fwd == nil {
		d.fwd = &proxies{d: d, conns: map[net.Conn]bool{}}
		d.t.Cleanup(d.fwd.close)
	}
	return d.fwd
}

// startProxy makes the authority and its PEM file, and starts the proxy
// and the server of its tunnels. p.mu is held.
func (p *proxies) startProxy() ([]string, error) {
	notAfter := time.Now().Add(time.Hour)
	if dl, ok := p.d.t.(interface{ Deadline() (time.Time, bool) }); ok {
		if t, ok := dl.Deadline(); ok {
			notAfter = t.Add(time.Minute)
		}
	}
	ca, err := newAuthority(p.d.test, notAfter)
	if err != nil {
		return nil, err
	}
	file := filepath.Join(p.d.t.TempDir(), "dvdtest-proxy-ca.pem")
	if err := os.WriteFile(file, ca.pem, 0o644); err != nil {
		return nil, err
	}
	p.ca = ca
	p.tunnels = newConnQueue()
	tunnel := p.newServer(http.HandlerFunc(p.serveTunnel))
	tunnel.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if tc, ok := c.(*tls.Conn); ok {
			c = tc.NetConn()
		}
		if tc, ok := c.(*tunnelConn); ok {
			ctx = context.WithValue(ctx, tunnelKey{}, tc.target)
		}
		return ctx
	}
	p.servers = append(p.servers, tunnel)
	go tunnel.Serve(p.tunnels)
	base, err := p.serve(http.HandlerFunc(p.serveProxy))
	if err != nil {
		return nil, err
	}
	return []string{
		"HTTP_PROXY=" + base, "HTTPS_PROXY=" + base, "http_proxy=" + base, "https_proxy=" + base,
		"NO_PROXY=", "no_proxy=",
		"SSL_CERT_FILE=" + file, "CURL_CA_BUNDLE=" + file, "NODE_EXTRA_CA_CERTS=" + file, "REQUESTS_CA_BUNDLE=" + file,
	}, nil
}

// newServer returns a server of h that logs nothing: what it would log
// (a child's broken handshake) is no business of the test's output.
func (p *proxies) newServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: time.Minute}
}

// serve starts a server of h on a loopback port and returns its base URL.
// p.mu is held.
func (p *proxies) serve(h http.Handler) (string, error) {
	if p.closed {
		return "", errors.New("the test has ended")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := p.newServer(h)
	p.servers = append(p.servers, srv)
	go srv.Serve(loopbackListener{ln})
	return "http://" + ln.Addr().String(), nil
}

// close stops the servers and closes every connection they took over.
func (p *proxies) close() {
	p.mu.Lock()
	p.closed = true
	servers, conns := p.servers, p.conns
	p.servers, p.conns, p.ca = nil, nil, nil
	p.mu.Unlock()
	if p.tunnels != nil {
		p.tunnels.Close()
	}
	for _, s := range servers {
		s.Close()
	}
	for c := range conns {
		c.Close()
	}
}

// track adds c to the connections that close closes, or closes it and
// reports false when the test has ended.
func (p *proxies) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = true
	return true
}

func (p *proxies) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// serveProxy serves what a client configured with HTTP_PROXY sends: CONNECT
// for HTTPS, requests with an absolute URL for HTTP.
func (p *proxies) serveProxy(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.connect(w, r)
		return
	}
	if !r.URL.IsAbs() || r.URL.Host == "" {
		http.Error(w, "dvdtest: this is the proxy of DVD.ProxyEnv: send it requests with an absolute URL, as a client does when HTTP_PROXY names it; "+
			"for a client that takes an endpoint, use DVD.Server", http.StatusBadRequest)
		return
	}
	to := *r.URL
	p.forward(w, r, &to)
}

// connect takes over the connection of a CONNECT request and hands it, as
// TLS with a certificate for the host asked for or as plain HTTP, to the
// tunnel server.
func (p *proxies) connect(w http.ResponseWriter, r *http.Request) {
	if r.ProtoMajor != 1 {
		http.Error(w, "dvdtest: the proxy takes CONNECT over HTTP/1.1 only", http.StatusHTTPVersionNotSupported)
		return
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "dvdtest: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if !p.track(conn) {
		return
	}
	if _, err := io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		p.untrack(conn)
		return
	}
	tc := &tunnelConn{Conn: conn, r: rw.Reader, target: r.Host}
	first, err := rw.Reader.Peek(1)
	if err != nil {
		p.untrack(conn)
		return
	}
	var c net.Conn = tc
	if first[0] == 0x16 { // a TLS handshake record
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		c = tls.Server(tc, &tls.Config{
			NextProtos: []string{"h2", "http/1.1"},
			GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
				name := hello.ServerName
				if name == "" {
					name = host
				}
				p.mu.Lock()
				ca := p.ca
				p.mu.Unlock()
				if ca == nil {
					return nil, errors.New("dvdtest: the test has ended")
				}
				return ca.leaf(name)
			},
		})
	}
	if !p.tunnels.push(c) {
		p.untrack(conn)
	}
}

// tunnelKey is the context key of the CONNECT target of a tunnel's
// requests.
type tunnelKey struct{}

// serveTunnel serves a request that came through a CONNECT tunnel.
func (p *proxies) serveTunnel(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if host == "" {
		host, _ = r.Context().Value(tunnelKey{}).(string)
	}
	to := &url.URL{Scheme: "http", Host: host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	if r.TLS != nil {
		to.Scheme = "https"
	}
	p.forward(w, r, to)
}

// forward sends r, as a request to the URL to, through the DVD, and writes
// the response, or the miss, to w.
func (p *proxies) forward(w http.ResponseWriter, r *http.Request, to *url.URL) {
	d := p.d
	upgrade := r.Header.Get("Upgrade")
	if strings.EqualFold(upgrade, "h2c") {
		// curl --http2 asks for HTTP/2 on a plain connection this way; the
		// upgrade is optional, and the proxy answers in HTTP/1.1.
		upgrade = ""
		r.Header.Del("Http2-Settings")
	}
	if upgrade != "" && !d.Recording() {
		p.refuseUpgrade(w, r, to, upgrade)
		return
	}
	out := r.WithContext(r.Context())
	out.URL, out.Host, out.RequestURI, out.TLS, out.Close = to, "", "", nil, false
	out.Proto, out.ProtoMajor, out.ProtoMinor = "HTTP/1.1", 1, 1
	removeHopByHop(out.Header, upgrade != "")
	if r.ContentLength == 0 {
		out.Body = nil // as a client sends a request without a body
	}
	resp, err := d.RoundTrip(out)
	if err != nil {
		msg := err.Error()
		if noMatchReport(err) == nil && !errors.Is(err, cassette.ErrClosed) {
			msg = "dvdtest: " + d.requestLine(out) + " through the proxy: " + d.redact().Message(msg)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadGateway)
		io.WriteString(w, msg)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusSwitchingProtocols {
		p.pipe(w, r, to, resp)
		return
	}
	h := w.Header()
	for k, v := range resp.Header {
		if !hopByHop(k) {
			h[k] = v
		}
	}
	h.Del("Content-Length")
	if resp.ContentLength >= 0 {
		h.Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
	}
	for k := range resp.Trailer {
		h.Add("Trailer", k)
	}
	w.WriteHeader(resp.StatusCode)
	streaming := resp.ContentLength < 0
	rc := http.NewResponseController(w)
	buf := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(buf)
	for {
		n, err := resp.Body.Read(*buf)
		if n > 0 {
			if _, werr := w.Write((*buf)[:n]); werr != nil {
				return
			}
			if streaming {
				rc.Flush() // an event stream's events reach the child as they come
			}
		}
		if err != nil {
			break
		}
	}
	for k, v := range resp.Trailer {
		h[k] = v
	}
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// refuseUpgrade answers an upgrade (a WebSocket) that cannot be replayed,
// and fails the test.
func (p *proxies) refuseUpgrade(w http.ResponseWriter, r *http.Request, to *url.URL, protocol string) {
	d := p.d
	msg := fmt.Sprintf("dvdtest: %s: the %s upgrade of %s %s cannot be replayed (mode %v, %s): dvd does not record what a %s connection carries yet, "+
		"and passes it to the server only while recording. Record this test's %s exchanges elsewhere, or let its requests through with dvdtest.Passthrough.",
		d.path, protocol, cmp.Or(r.Method, http.MethodGet), d.redactURL(to.String()), d.mode, d.source, protocol, protocol)
	d.errorf("%s", msg)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusBadGateway)
	io.WriteString(w, msg)
}

// pipe joins the child's connection to the upgraded connection of resp, a
// 101 Switching Protocols, until either side closes it.
func (p *proxies) pipe(w http.ResponseWriter, r *http.Request, to *url.URL, resp *http.Response) {
	up, ok := resp.Body.(io.ReadWriteCloser)
	if !ok { // a handshake replayed from the cassette: there is no connection behind it
		p.refuseUpgrade(w, r, to, cmp.Or(resp.Header.Get("Upgrade"), "protocol"))
		return
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		up.Close()
		http.Error(w, "dvdtest: the proxy passes upgrades over HTTP/1.1 only: "+err.Error(), http.StatusBadGateway)
		return
	}
	if !p.track(conn) {
		up.Close()
		return
	}
	defer p.untrack(conn)
	defer up.Close()
	fmt.Fprintf(rw, "HTTP/1.1 %s\r\n", resp.Status)
	resp.Header.Write(rw)
	io.WriteString(rw, "\r\n")
	if rw.Flush() != nil {
		return
	}
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, rw.Reader); done <- struct{}{} }()
	go func() { io.Copy(conn, up); done <- struct{}{} }()
	<-done // one side is gone: the deferred closes end the other
}

// hopByHop reports whether the header named k belongs to one connection,
// not to the request or response a proxy passes on.
func hopByHop(k string) bool {
	switch k {
	case "Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
		"Te", "Trailer", "Transfer-Encoding", "Upgrade":
		return true
	}
	return false
}

// removeHopByHop removes from h the headers of the child's connection to
// the proxy, and those Connection names; an upgrade keeps Connection and
// Upgrade, which ask the server for it.
func removeHopByHop(h http.Header, upgrade bool) {
	for _, v := range h["Connection"] {
		for _, name := range strings.Split(v, ",") {
			if name = http.CanonicalHeaderKey(strings.TrimSpace(name)); name != "Upgrade" || !upgrade {
				h.Del(name)
			}
		}
	}
	for _, k := range [...]string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"} {
		if upgrade && (k == "Connection" || k == "Upgrade") {
			continue
		}
		delete(h, k)
	}
	if upgrade {
		h.Set("Connection", "Upgrade")
	}
}

// A tunnelConn is the child's connection after CONNECT, read through the
// buffer that may hold what the child sent after its request.
type tunnelConn struct {
	net.Conn
	r      *bufio.Reader
	target string // the CONNECT request's host:port
}

func (c *tunnelConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// A connQueue is a net.Listener whose connections are pushed to it: the
// tunnels, which the tunnel server serves as it serves any connection,
// HTTP/2 included.
type connQueue struct {
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func newConnQueue() *connQueue {
	return &connQueue{ch: make(chan net.Conn), done: make(chan struct{})}
}

func (q *connQueue) push(c net.Conn) bool {
	select {
	case q.ch <- c:
		return true
	case <-q.done:
		return false
	}
}

func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.ch:
		return c, nil
	case <-q.done:
		return nil, net.ErrClosed
	}
}

func (q *connQueue) Close() error {
	q.once.Do(func() { close(q.done) })
	return nil
}

func (q *connQueue) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// A loopbackListener accepts connections from loopback addresses only.
type loopbackListener struct{ net.Listener }

func (l loopbackListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if a, ok := c.RemoteAddr().(*net.TCPAddr); ok && a.IP.IsLoopback() {
			return c, nil
		}
		c.Close()
	}
}
