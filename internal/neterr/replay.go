package neterr

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
)

// Replay rebuilds the error that e describes: its message is e's,
// and errors.Is and errors.As see the same kind of error as when it was
// recorded. A recorded sentinel (context.Canceled, io.ErrUnexpectedEOF, …)
// replays as the sentinel itself, so that err == io.ErrUnexpectedEOF holds as
// it did; the replayed error is a net.Error, as transport errors mostly are,
// only when the recorded one was one.
func Replay(e *Record) error {
	var cause error
	kind := e.Kind
	if kind == Other && timeoutMessage(e.Message) {
		kind = Timeout
	}
	switch kind {
	case Canceled:
		cause = context.Canceled
	case Deadline:
		cause = context.DeadlineExceeded
	case DNS:
		cause = &net.DNSError{Err: e.Detail, Name: e.Name, Server: e.Server,
			IsNotFound: e.NotFound, IsTemporary: e.Temporary, IsTimeout: e.Timeout}
	case Refused:
		cause = &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}
	case Reset:
		cause = &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}
	case Timeout:
		cause = os.ErrDeadlineExceeded
	case Certificate:
		cause = certificateError(e.Message)
	case TLS:
		cause = tlsFailure(e)
	case UnexpectedEOF:
		cause = io.ErrUnexpectedEOF
	case EOF:
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
	timeout := e.Timeout || kind == Timeout
	var ne net.Error
	if timeout || errors.As(cause, &ne) {
		return &replayedNetError{re, timeout}
	}
	return &re
}

// afterAddr returns what a recorded *net.OpError said after its address,
// or the whole message.
func afterAddr(e *Record) string {
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
func tlsFailure(e *Record) error {
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

// Recorded returns the error a cassette holds for r: it says what
// Replay(&r) says, errors.Is and errors.As see in it what they see in
// Replay's error, and it is a net.Error when that is one. [RecordOf]
// gives r back, so that a cassette writes what it read, byte for byte.
func Recorded(r Record) error {
	err := Replay(&r)
	if _, ok := err.(net.Error); ok {
		return &recordedNet{recorded{r, err}}
	}
	return &recorded{r, err}
}

// RecordOf returns the Record of err: the one [Recorded] made err of, or
// else what [Classify] makes of it, with no request context.
func RecordOf(err error) Record {
	switch e := err.(type) {
	case *recorded:
		return e.rec
	case *recordedNet:
		return e.rec
	}
	return Classify(err, nil)
}

// recorded is the error of [Recorded]: its record, over the error Replay
// rebuilt of it.
type recorded struct {
	rec      Record
	replayed error
}

func (e *recorded) Error() string { return e.replayed.Error() }
func (e *recorded) Unwrap() error { return e.replayed }

// Equal reports whether err is an error of [Recorded] of the same record,
// so that go-cmp compares interactions, which it would otherwise refuse
// for the unexported fields.
func (e *recorded) Equal(err error) bool {
	switch o := err.(type) {
	case *recorded:
		return o.rec == e.rec
	case *recordedNet:
		return o.rec == e.rec
	}
	return false
}

// recordedNet is the error of [Recorded] when Replay's is a net.Error.
type recordedNet struct{ recorded }

func (e *recordedNet) Timeout() bool { return e.replayed.(net.Error).Timeout() }

// Temporary answers as Replay's error does. It is deprecated in
// net.Error, but old retry code still asks.
func (e *recordedNet) Temporary() bool { return temporary(e.replayed) }

// temporary asks err's own Temporary method, which net.Error deprecates.
func temporary(err error) bool {
	t, ok := err.(interface{ Temporary() bool })
	return ok && t.Temporary()
}
