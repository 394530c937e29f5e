package neterr

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

// Each error replays as an error of its kind, with its message, that
// errors.Is and errors.As see as they saw the original.
func TestClassifyThenReplay(t *testing.T) {
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}
	tests := []struct {
		name, reason string
		err          error
		kind         Kind
		is           error // errors.Is(replayed, is), when set
		timeout      bool
	}{
		{"canceled", "a sentinel replays as itself", context.Canceled, Canceled, context.Canceled, false},
		{"deadline", "context.DeadlineExceeded is a timeout too", context.DeadlineExceeded, Deadline, context.DeadlineExceeded, true},
		{"eof", "", io.EOF, EOF, io.EOF, false},
		{"unexpected eof", "", io.ErrUnexpectedEOF, UnexpectedEOF, io.ErrUnexpectedEOF, false},
		{"refused", "dial's error over ECONNREFUSED",
			&net.OpError{Op: "dial", Net: "tcp", Addr: addr, Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}},
			Refused, syscall.ECONNREFUSED, false},
		{"reset", "", &net.OpError{Op: "read", Net: "tcp", Addr: addr, Err: &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}},
			Reset, syscall.ECONNRESET, false},
		{"timeout", "a deadline of the connection", &net.OpError{Op: "read", Net: "tcp", Addr: addr, Err: os.ErrDeadlineExceeded},
			Timeout, os.ErrDeadlineExceeded, true},
		{"dns", "", &net.DNSError{Err: "no such host", Name: "nowhere.invalid", IsNotFound: true}, DNS, nil, false},
		{"alert", "", tls.AlertError(40), TLS, nil, false},
		{"record header", "a plain HTTP server", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake", RecordHeader: [5]byte{'H', 'T', 'T', 'P', '/'}}, TLS, nil, false},
		{"certificate", "", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, Certificate, nil, false},
		{"other", "replayed with its message", errors.New("something else"), Other, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Classify(tt.err, nil)
			if r.Kind != tt.kind || r.Message != tt.err.Error() || r.Timeout != tt.timeout {
				t.Fatalf("Classify = %+v, want kind %q, timeout %v (%s)", r, tt.kind, tt.timeout, tt.reason)
			}
			got := Replay(&r)
			if got.Error() != tt.err.Error() {
				t.Errorf("Replay says %q, want %q", got, tt.err)
			}
			if tt.is != nil && !errors.Is(got, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false (%s)", got, tt.is, tt.reason)
			}
			var ne net.Error
			if errors.As(got, &ne) && ne.Timeout() != tt.timeout {
				t.Errorf("Timeout() = %v, want %v", ne.Timeout(), tt.timeout)
			}
		})
	}
}

// A request's context that ran out of time makes its error a timeout,
// whatever net/http called it.
func TestClassifyContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	r := Classify(errors.New("net/http: request canceled"), ctx)
	if r.Kind != Timeout || !r.Timeout {
		t.Errorf("Classify = %+v, want a timeout", r)
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	if r := Classify(errors.New("something"), canceled); r.Kind != Canceled {
		t.Errorf("Classify = %+v, want canceled", r)
	}
}

func TestCouldNotConnect(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		rec    Record
		want   bool
	}{
		{name: "refused", rec: Record{Kind: Refused}, want: true},
		{name: "dns", rec: Record{Kind: DNS}, want: true},
		{name: "tls", reason: "the handshake failed before any request went out", rec: Record{Kind: TLS}, want: true},
		{name: "certificate", rec: Record{Kind: Certificate}, want: true},
		{name: "dial timeout", reason: "a timeout while dialing never reached the server", rec: Record{Kind: Timeout, Op: "dial"}, want: true},
		{name: "proxy", rec: Record{Kind: Other, Op: "proxyconnect"}, want: true},
		{name: "read timeout", reason: "the server was reached and was slow", rec: Record{Kind: Timeout, Op: "read"}},
		{name: "reset", reason: "a reset comes from a server that was reached", rec: Record{Kind: Reset, Op: "read"}},
		{name: "canceled", rec: Record{Kind: Canceled}},
		{name: "eof", rec: Record{Kind: EOF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rec.CouldNotConnect(); got != tt.want {
				t.Errorf("%+v.CouldNotConnect() = %v, want %v (%s)", tt.rec, got, tt.want, tt.reason)
			}
		})
	}
}
