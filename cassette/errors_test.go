package cassette_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// A loaded cassette holds its transport errors as Go errors that behave as
// replay returns them: errors.Is and errors.As see their types, and the
// text is the recorded message.
func TestLoadedErrorsAreGoErrors(t *testing.T) {
	data := `{"version": 1, "interactions": [
		{"request": {"method": "GET", "url": "http://x/refused"}, "error": {"kind": "refused", "message": "dial tcp 127.0.0.1:1: connect: connection refused", "op": "dial", "net": "tcp", "addr": "127.0.0.1:1"}},
		{"request": {"method": "GET", "url": "http://x/dns"}, "error": {"kind": "dns", "message": "lookup nowhere.invalid: no such host", "detail": "no such host", "name": "nowhere.invalid", "not_found": true}},
		{"request": {"method": "GET", "url": "http://x/timeout"}, "error": {"kind": "timeout", "message": "net/http: timeout awaiting response headers", "timeout": true}},
		{"request": {"method": "GET", "url": "http://x/body"}, "response": {"code": 200, "body": "half", "content_length": 8, "body_error": {"kind": "unexpected_eof", "message": "unexpected EOF"}}}
	]}`
	c, err := cassette.Unmarshal([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	ins := c.Interactions()
	if err := ins[0].Error; !errors.Is(err, syscall.ECONNREFUSED) || err.Error() != "dial tcp 127.0.0.1:1: connect: connection refused" {
		t.Errorf("refused: %v, want ECONNREFUSED with its message", err)
	}
	var op *net.OpError
	if !errors.As(ins[0].Error, &op) || op.Op != "dial" || op.Addr.String() != "127.0.0.1:1" {
		t.Errorf("refused: OpError %+v, want the dial to 127.0.0.1:1", op)
	}
	var dns *net.DNSError
	if !errors.As(ins[1].Error, &dns) || dns.Name != "nowhere.invalid" || !dns.IsNotFound {
		t.Errorf("dns: %+v, want a *net.DNSError for nowhere.invalid, not found", dns)
	}
	var ne net.Error
	if !errors.As(ins[2].Error, &ne) || !ne.Timeout() {
		t.Errorf("timeout: %v, want a net.Error that is a timeout", ins[2].Error)
	}
	if err := ins[3].Response.BodyError; !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("body error %v, want io.ErrUnexpectedEOF", err)
	}
}

// Any Go error may stand in an interaction: one of no type dvd knows is
// written with its text, and replays with it, a fresh value each time.
func TestAnyErrorInAnInteraction(t *testing.T) {
	boom := errors.New("boom")
	c := cassette.New(cassette.Interaction{Request: cassette.Request{Method: "GET", URL: "http://x/"}, Error: boom})
	data, err := cassette.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"error": {
        "kind": "other",
        "message": "boom"
      }`; !strings.Contains(string(data), want) {
		t.Errorf("Marshal wrote\n%s\nwant it to hold\n%s", data, want)
	}
	for _, from := range []*cassette.Cassette{c, mustUnmarshal(t, data)} {
		rec := mustRecorder(t, from, cassette.Config{Mode: cassette.ModeReplay, AllowRepeats: true})
		var got []error
		for range 2 {
			req, _ := http.NewRequest("GET", "http://x/", nil)
			_, err := rec.RoundTrip(req)
			if err == nil || err.Error() != "boom" || err == boom {
				t.Fatalf("replay returned %v, want a fresh error that says boom", err)
			}
			got = append(got, err)
		}
		if got[0] == got[1] {
			t.Error("two replays returned the same error value")
		}
	}
}

func mustUnmarshal(t *testing.T, data []byte) *cassette.Cassette {
	t.Helper()
	c, err := cassette.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
