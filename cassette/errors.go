package cassette

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"reflect"
	"strings"
	"syscall"
	"time"
)

// recordError describes a transport error so that [replayError] can rebuild
// one of the same type. ctx is the request's: when its deadline passed, as
// http.Client.Timeout makes it, the error is a timeout whatever net/http
// called it ("net/http: request canceled").
func recordError(err error, ctx context.Context) *Error {
	e := recordedKind(err)
	if e.Kind != KindOther || ctx == nil {
		return e
	}
	// http.Client cancels a request whose Timeout passed through
	// Request.Cancel as well as through the context, by two timers: the
	// context may not be done yet. The deadline having passed tells.
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) || ctx.Err() == context.DeadlineExceeded {
		e.Kind, e.Timeout = KindTimeout, true
	} else if ctx.Err() == context.Canceled {
		e.Kind = KindCanceled
	}
	return e
}

// recordedKind describes err by its type alone.
func recordedKind(err error) *Error {
	e := &Error{Kind: KindOther, Message: err.Error()}
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
		e.Kind = KindCanceled
	case errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, os.ErrDeadlineExceeded):
		e.Kind = KindDeadline
	case errors.As(err, &dns):
		e.Kind = KindDNS
		e.Detail, e.Name, e.Server = dns.Err, dns.Name, dns.Server
		e.NotFound, e.Temporary, e.Timeout = dns.IsNotFound, dns.IsTemporary, dns.IsTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind = KindRefused
	case errors.Is(err, syscall.ECONNRESET):
		e.Kind = KindReset
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid):
		e.Kind = KindCertificate
	case errors.As(err, &recHdr):
		e.Kind, e.Detail, e.RecordHeader = KindTLS, recHdr.Msg, string(recHdr.RecordHeader[:])
	case tlsAlert(err, &alert):
		e.Kind, e.Alert = KindTLS, alert
	case errors.As(err, &ne) && ne.Timeout():
		e.Kind = KindTimeout
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Kind = KindUnexpectedEOF
	case errors.Is(err, io.EOF):
		e.Kind = KindEOF
	}
	if e.Kind == KindTimeout || (errors.As(err, &ne) && ne.Timeout()) {
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

// replayError rebuilds a recorded error: its message is the recorded one,
// and errors.Is and errors.As see the same kind of error as when it was
// recorded. A recorded sentinel (context.Canceled, io.ErrUnexpectedEOF, …)
// replays as the sentinel itself, so that err == io.ErrUnexpectedEOF holds as
// it did; the replayed error is a net.Error, as transport errors mostly are,
// only when the recorded one was one.
func replayError(e *Error) error {
	var cause error
	kind := e.Kind
	if kind == KindOther && timeoutMessage(e.Message) {
		kind = KindTimeout
	}
	switch kind {
	case KindCanceled:
		cause = context.Canceled
	case KindDeadline:
		cause = context.DeadlineExceeded
	case KindDNS:
		cause = &net.DNSError{Err: e.Detail, Name: e.Name, Server: e.Server,
			IsNotFound: e.NotFound, IsTemporary: e.Temporary, IsTimeout: e.Timeout}
	case KindRefused:
		cause = &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}
	case KindReset:
		cause = &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}
	case KindTimeout:
		cause = os.ErrDeadlineExceeded
	case KindCertificate:
		cause = certificateError(e.Message)
	case KindTLS:
		cause = tlsFailure(e)
	case KindUnexpectedEOF:
		cause = io.ErrUnexpectedEOF
	case KindEOF:
		cause = io.EOF
	}
	if e.Op == "" {
		switch cause.(type) {
		case tls.RecordHeaderError, tls.AlertError:
			// Returned as they are, as crypto/tls returns them: http.Client
			// looks for a bare tls.RecordHeaderError to report a plain
			// HTTP server.
			if e.Message == cause.Error() {
				return cause
			}
		}
		switch cause {
		case context.Canceled, context.DeadlineExceeded, io.ErrUnexpectedEOF, io.EOF:
			if e.Message == cause.Error() {
				return cause
			}
		}
	} else {
		if cause == nil {
			// An error of no known kind inside a *net.OpError: keep the
			// OpError, over the text that followed its address.
			cause = &messageError{msg: afterAddr(e)}
		}
		op := &net.OpError{Op: e.Op, Net: e.Net, Err: cause}
		if e.Addr != "" {
			op.Addr = addr{e.Net, e.Addr}
		}
		cause = op
	}
	re := replayedError{msg: e.Message, cause: cause}
	timeout := e.Timeout || kind == KindTimeout
	var ne net.Error
	if timeout || errors.As(cause, &ne) {
		return &replayedNetError{re, timeout}
	}
	return &re
}

// afterAddr returns what a recorded *net.OpError said after its address,
// or the whole message.
func afterAddr(e *Error) string {
	if e.Addr != "" {
		if i := strings.Index(e.Message, e.Addr+": "); i >= 0 {
			return e.Message[i+len(e.Addr)+2:]
		}
	}
	return e.Message
}

// certPrefix starts the text of a *tls.CertificateVerificationError.
const certPrefix = "tls: failed to verify certificate: "

// certificateError rebuilds a certificate verification failure: a
// *tls.CertificateVerificationError over the recorded reason, which is an
// x509.UnknownAuthorityError when it was one.
func certificateError(msg string) error {
	reason := msg
	if i := strings.Index(msg, certPrefix); i >= 0 {
		reason = msg[i+len(certPrefix):]
	}
	inner := &messageError{msg: reason}
	if strings.HasPrefix(reason, "x509: certificate signed by unknown authority") {
		inner.cause = x509.UnknownAuthorityError{}
	}
	return &tls.CertificateVerificationError{Err: inner}
}

// tlsFailure rebuilds a TLS failure: a tls.AlertError of the recorded
// alert, whose text is that of the unexported type crypto/tls reports, or
// a tls.RecordHeaderError with the recorded Msg and header bytes. In a
// cassette that kept neither (from before they were recorded) this kind
// was in practice a record header error: its Msg comes from the message.
func tlsFailure(e *Error) error {
	if e.Alert != 0 {
		return tls.AlertError(e.Alert)
	}
	rh := tls.RecordHeaderError{Msg: e.Detail}
	if rh.Msg == "" {
		rh.Msg = strings.TrimPrefix(afterAddr(e), "tls: ")
	}
	copy(rh.RecordHeader[:], e.RecordHeader)
	return rh
}

// replayedError is a recorded error on replay: the recorded message, over a
// rebuilt error of the recorded kind.
type replayedError struct {
	msg   string
	cause error
}

func (e *replayedError) Error() string { return e.msg }
func (e *replayedError) Unwrap() error { return e.cause }

// replayedNetError is a replayed error that was a net.Error when recorded.
type replayedNetError struct {
	replayedError
	timeout bool
}

func (e *replayedNetError) Timeout() bool { return e.timeout }

// Temporary answers as the recorded error did (a temporary DNS failure, say),
// or else reports a timeout. It is deprecated in net.Error, but old retry
// code still asks.
func (e *replayedNetError) Temporary() bool {
	var t interface{ Temporary() bool }
	if errors.As(e.cause, &t) {
		return t.Temporary()
	}
	return e.timeout
}

// messageError is an error with a recorded text, over an optional cause.
type messageError struct {
	msg   string
	cause error
}

func (e *messageError) Error() string { return e.msg }
func (e *messageError) Unwrap() error { return e.cause }

// addr is a recorded network address.
type addr struct{ network, address string }

func (a addr) Network() string { return a.network }
func (a addr) String() string  { return a.address }

// timeoutMessage reports whether msg is net/http's text for a request that
// ran out of time. Recordings of other tools, and dvd's before it asked the
// request's context, store such errors with no kind; they replay as
// timeouts, so that retry code tells them from other failures.
func timeoutMessage(msg string) bool {
	for _, s := range []string{
		"net/http: request canceled", // the client's Timeout, as the transport reports it
		"Client.Timeout exceeded",
		"net/http: timeout awaiting response headers",
		"net/http: TLS handshake timeout",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
