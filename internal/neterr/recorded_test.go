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
)

// recordsOfEveryKind holds a record of each kind, in the forms the
// recorder writes and in forms only a hand edit makes.
func recordsOfEveryKind() []Record {
	return []Record{
		{Kind: Timeout, Message: "read tcp 127.0.0.1:1: i/o timeout", Op: "read", Net: "tcp", Addr: "127.0.0.1:1", Timeout: true},
		{Kind: Refused, Message: "dial tcp 127.0.0.1:1: connect: connection refused", Op: "dial", Net: "tcp", Addr: "127.0.0.1:1"},
		{Kind: Reset, Message: "read: connection reset by peer"},
		{Kind: DNS, Message: "dial tcp: lookup nowhere.invalid: no such host", Op: "dial", Net: "tcp", Detail: "no such host", Name: "nowhere.invalid", Server: "10.0.0.1:53", NotFound: true, Temporary: true},
		{Kind: Deadline, Message: "context deadline exceeded"},
		{Kind: Deadline, Message: "context deadline exceeded", Timeout: true},
		{Kind: Canceled, Message: "context canceled"},
		{Kind: Canceled, Message: "Get \"http://x/\": context canceled"},
		{Kind: TLS, Message: "remote error: tls: handshake failure", Alert: 40},
		{Kind: TLS, Message: "tls: first record does not look like a TLS handshake", Detail: "first record does not look like a TLS handshake", RecordHeader: "HTTP/"},
		{Kind: TLS, Message: "tls: bad record MAC"},
		{Kind: Certificate, Message: "tls: failed to verify certificate: x509: certificate signed by unknown authority"},
		{Kind: UnexpectedEOF, Message: "unexpected EOF"},
		{Kind: UnexpectedEOF, Message: "unexpected EOF", Timeout: true},
		{Kind: EOF, Message: "EOF"},
		{Kind: EOF, Message: "EOF", Name: "left over from a hand edit"},
		{Kind: Other, Message: "something else"},
		{Kind: Other, Message: "net/http: request canceled"},
		{Kind: Other, Message: "dial tcp 10.0.0.1:443: connect: network is unreachable", Op: "dial", Net: "tcp", Addr: "10.0.0.1:443"},
		{Kind: "newer", Message: "a kind of a newer dvd"},
		{Kind: "", Message: ""},
	}
}

// An error that Recorded makes gives back its record, field for field,
// whatever the fields hold: a cassette writes what it read.
func TestRecordedGivesItsRecordBack(t *testing.T) {
	for _, r := range recordsOfEveryKind() {
		if got := RecordOf(Recorded(r)); got != r {
			t.Errorf("RecordOf(Recorded(%+v)) = %+v", r, got)
		}
	}
}

// An error that Recorded makes behaves as the error Replay rebuilds of its
// record: the same text, the same answers of errors.Is and errors.As, the
// same timeout.
func TestRecordedBehavesAsReplayed(t *testing.T) {
	for _, r := range recordsOfEveryKind() {
		sameBehaviour(t, r, Recorded(r), Replay(&r))
	}
}

func sameBehaviour(t *testing.T, r Record, got, want error) {
	t.Helper()
	if got.Error() != want.Error() {
		t.Errorf("%+v: Recorded says %q, Replay %q", r, got, want)
	}
	for _, target := range []error{context.Canceled, context.DeadlineExceeded, os.ErrDeadlineExceeded, io.EOF, io.ErrUnexpectedEOF, syscall.ECONNREFUSED, syscall.ECONNRESET} {
		if errors.Is(got, target) != errors.Is(want, target) {
			t.Errorf("%+v: errors.Is(Recorded, %v) = %v, Replay's %v", r, target, errors.Is(got, target), errors.Is(want, target))
		}
	}
	var gn, wn net.Error
	if errors.As(got, &gn) != errors.As(want, &wn) {
		t.Errorf("%+v: Recorded is a net.Error: %v, Replay's: %v", r, gn != nil, wn != nil)
	} else if gn != nil && (gn.Timeout() != wn.Timeout() || temporary(gn) != temporary(wn)) {
		t.Errorf("%+v: Recorded's Timeout, Temporary = %v, %v; Replay's %v, %v", r, gn.Timeout(), temporary(gn), wn.Timeout(), temporary(wn))
	}
	_, gotNet := got.(net.Error)
	_, wantNet := want.(net.Error)
	if gotNet != wantNet {
		t.Errorf("%+v: Recorded implements net.Error: %v, Replay's: %v", r, gotNet, wantNet)
	}
	var gd, wd *net.DNSError
	if errors.As(got, &gd) != errors.As(want, &wd) || gd != nil && *gd != *wd {
		t.Errorf("%+v: Recorded's DNS error %+v, Replay's %+v", r, gd, wd)
	}
	var gop, wop *net.OpError
	if errors.As(got, &gop) != errors.As(want, &wop) || gop != nil && (gop.Op != wop.Op || gop.Net != wop.Net || gop.Error() != wop.Error()) {
		t.Errorf("%+v: Recorded's OpError %v, Replay's %v", r, gop, wop)
	}
	var ga, wa tls.AlertError
	if errors.As(got, &ga) != errors.As(want, &wa) || ga != wa {
		t.Errorf("%+v: Recorded's alert %v, Replay's %v", r, ga, wa)
	}
	var gh, wh tls.RecordHeaderError
	if errors.As(got, &gh) != errors.As(want, &wh) || gh.Msg != wh.Msg || gh.RecordHeader != wh.RecordHeader {
		t.Errorf("%+v: Recorded's record header error %+v, Replay's %+v", r, gh, wh)
	}
	var gc, wc *tls.CertificateVerificationError
	var gu, wu x509.UnknownAuthorityError
	if errors.As(got, &gc) != errors.As(want, &wc) || errors.As(got, &gu) != errors.As(want, &wu) {
		t.Errorf("%+v: Recorded's certificate error differs from Replay's", r)
	}
}

// Any error, such as a user's errors.New("boom"), has a record: of kind
// other when it is of no known type.
func TestRecordOfAnyError(t *testing.T) {
	if r := RecordOf(errors.New("boom")); r != (Record{Kind: Other, Message: "boom"}) {
		t.Errorf("RecordOf(errors.New(boom)) = %+v", r)
	}
	if r := RecordOf(io.EOF); r != (Record{Kind: EOF, Message: "EOF"}) {
		t.Errorf("RecordOf(io.EOF) = %+v", r)
	}
}

func FuzzRecorded(f *testing.F) {
	for _, r := range recordsOfEveryKind() {
		f.Add(string(r.Kind), r.Message, r.Op, r.Net, r.Addr, r.Detail, r.Name, r.Server, r.NotFound, r.Temporary, r.Timeout, r.Alert, r.RecordHeader)
	}
	f.Fuzz(func(t *testing.T, kind, msg, op, nt, addr, detail, name, server string, notFound, temporary, timeout bool, alert uint8, header string) {
		r := Record{Kind: Kind(kind), Message: msg, Op: op, Net: nt, Addr: addr, Detail: detail, Name: name, Server: server,
			NotFound: notFound, Temporary: temporary, Timeout: timeout, Alert: alert, RecordHeader: header}
		got := Recorded(r)
		if back := RecordOf(got); back != r {
			t.Fatalf("RecordOf(Recorded(%+v)) = %+v", r, back)
		}
		sameBehaviour(t, r, got, Replay(&r))
	})
}
