// Package neterr records transport errors and rebuilds them on replay: it
// classifies a Go error into a [Record] of what its type carries, and
// turns a Record back into an error of the same type. It also holds the
// TLS helpers that recording a connection needs: the names of TLS versions
// and cipher suites, and a cache of parsed certificates.
package neterr

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"reflect"
	"syscall"
	"time"
)

// A Kind says what sort of error a [Record] describes. Its values are
// written in cassette files as they are.
type Kind string

// The kinds of [Record].
const (
	Timeout       Kind = "timeout"        // a net.Error whose Timeout() is true
	Refused       Kind = "refused"        // connection refused (ECONNREFUSED)
	Reset         Kind = "reset"          // connection reset by peer (ECONNRESET)
	DNS           Kind = "dns"            // a *net.DNSError
	Deadline      Kind = "deadline"       // context.DeadlineExceeded
	Canceled      Kind = "canceled"       // context.Canceled
	TLS           Kind = "tls"            // a TLS alert or a tls.RecordHeaderError
	Certificate   Kind = "certificate"    // an x509 certificate verification failure
	UnexpectedEOF Kind = "unexpected_eof" // io.ErrUnexpectedEOF
	EOF           Kind = "eof"            // io.EOF
	Other         Kind = "other"          // anything else: replayed with its message
)

// A Record describes a transport error: its kind, so that [Replay] can
// return a value of the same type, and what that type carries.
type Record struct {
	Kind    Kind
	Message string // the error's text

	Op   string // net.OpError: "dial", "read", …
	Net  string // net.OpError: "tcp", …
	Addr string // net.OpError: the remote address

	Detail    string // the inner error's own text: DNS: the resolver's, e.g. "no such host"; TLS: a tls.RecordHeaderError's Msg
	Name      string // DNS: the name looked up
	Server    string // DNS: the server used
	NotFound  bool   // DNS: the name does not exist
	Temporary bool   // DNS: the failure is temporary
	Timeout   bool   // the error is a timeout

	Alert        uint8  // the TLS alert sent or received (RFC 8446); 0 when the failure was no alert
	RecordHeader string // the record header bytes a tls.RecordHeaderError rejected
}

// CouldNotConnect reports whether the error says that the request never
// reached its server: the connection was refused, the name did not
// resolve, the dial failed (host or network unreachable, timed out), a
// proxy could not be reached, or the TLS handshake or the server's
// certificate failed. dvdtest does not save a recording whose requests
// could not connect, and dvd lint reports them, by this one rule.
func (r Record) CouldNotConnect() bool {
	switch r.Kind {
	case Refused, DNS, TLS, Certificate:
		return true
	}
	return r.Op == "dial" || r.Op == "proxyconnect"
}

// Classify describes err so that [Replay] can rebuild an error of the same
// type. ctx is the request's, or nil: when its deadline passed, as
// http.Client.Timeout makes it, the error is a timeout whatever net/http
// called it ("net/http: request canceled").
func Classify(err error, ctx context.Context) Record {
	e := byType(err)
	if e.Kind != Other || ctx == nil {
		return e
	}
	// http.Client cancels a request whose Timeout passed through
	// Request.Cancel as well as through the context, by two timers: the
	// context may not be done yet. The deadline having passed tells.
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) || ctx.Err() == context.DeadlineExceeded {
		e.Kind, e.Timeout = Timeout, true
	} else if ctx.Err() == context.Canceled {
		e.Kind = Canceled
	}
	return e
}

// byType describes err by its type alone.
func byType(err error) Record {
	e := Record{Kind: Other, Message: err.Error()}
	var op *net.OpError
	if errors.As(err, &op) {
		e.Op, e.Net = op.Op, op.Net
		if op.Addr != nil {
			e.Addr = op.Addr.String()
		}
	}
	var dns *net.DNSError
	var ne net.Error
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var recHdr tls.RecordHeaderError
	var alert uint8
	switch {
	case errors.Is(err, context.Canceled):
		e.Kind = Canceled
	case errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, os.ErrDeadlineExceeded):
		e.Kind = Deadline
	case errors.As(err, &dns):
		e.Kind = DNS
		e.Detail, e.Name, e.Server = dns.Err, dns.Name, dns.Server
		e.NotFound, e.Temporary, e.Timeout = dns.IsNotFound, dns.IsTemporary, dns.IsTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind = Refused
	case errors.Is(err, syscall.ECONNRESET):
		e.Kind = Reset
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid):
		e.Kind = Certificate
	case errors.As(err, &recHdr):
		e.Kind, e.Detail, e.RecordHeader = TLS, recHdr.Msg, string(recHdr.RecordHeader[:])
	case tlsAlert(err, &alert):
		e.Kind, e.Alert = TLS, alert
	case errors.As(err, &ne) && ne.Timeout():
		e.Kind = Timeout
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Kind = UnexpectedEOF
	case errors.Is(err, io.EOF):
		e.Kind = EOF
	}
	if e.Kind == Timeout || (errors.As(err, &ne) && ne.Timeout()) {
		e.Timeout = true
	}
	return e
}

// tlsAlert finds the TLS alert that err reports: a tls.AlertError, or what
// crypto/tls returns for an alert it received or sent, a *net.OpError
// ("remote error", "local error") over an unexported uint8 type of its
// own, whose value it reads.
func tlsAlert(err error, alert *uint8) bool {
	var ae tls.AlertError
	if errors.As(err, &ae) {
		*alert = uint8(ae)
		return true
	}
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" && op.Op != "local error" || op.Err == nil {
		return false
	}
	v := reflect.ValueOf(op.Err)
	if v.Kind() != reflect.Uint8 || v.Type().PkgPath() != "crypto/tls" {
		return false
	}
	*alert = uint8(v.Uint())
	return true
}

// Rewrite returns err with f applied to every text of its record that
// can quote a URL or a host (Message, Addr, Name, Server, Detail): err
// itself when f changes none, nil for nil.
func Rewrite(err error, f func(string) string) error {
	if err == nil {
		return nil
	}
	e := RecordOf(err)
	r := e
	for _, s := range []*string{&r.Message, &r.Addr, &r.Name, &r.Server, &r.Detail} {
		*s = f(*s)
	}
	if r == e {
		return err
	}
	return Recorded(r)
}
