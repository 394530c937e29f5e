package cassette_test

import (
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// TestTLSErrorFields reads the members of a recorded TLS failure: the
// alert's number, within a byte, and the record header, as text.
func TestTLSErrorFields(t *testing.T) {
	for _, tc := range []struct {
		name, reason, fields string
		alert                uint8
		header, err          string
	}{
		{name: "alert", fields: `"alert": 116`, alert: 116},
		{name: "largest alert", fields: `"alert": 255`, alert: 255},
		{name: "alert too large", reason: "an alert is a byte", fields: `"alert": 256`, err: "out of range"},
		{name: "negative alert", fields: `"alert": -1`, err: "out of range"},
		{name: "fractional alert", fields: `"alert": 1.5`, err: "alert"},
		{name: "record header", fields: `"record_header": "HTTP/"`, header: "HTTP/"},
		{name: "binary record header", reason: "bytes that are not UTF-8 are written as latin1", fields: `"record_header": {"latin1": "\u0016\u00ff"}`, header: "\x16\xff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := `{"version": 1, "interactions": [{"request": {"method": "GET", "url": "https://x/"}, "error": {"kind": "tls", "message": "m", ` + tc.fields + `}}]}`
			c, err := cassette.Unmarshal([]byte(data))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Unmarshal = %v, want an error containing %q (%s)", err, tc.err, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			e := c.Interactions()[0].Error
			if e.Alert != tc.alert || e.RecordHeader != tc.header {
				t.Errorf("read alert %d, record header %q; want %d, %q (%s)", e.Alert, e.RecordHeader, tc.alert, tc.header, tc.reason)
			}
			again, err := cassette.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			back, err := cassette.Unmarshal(again)
			if err != nil {
				t.Fatalf("Unmarshal(Marshal): %v\n%s", err, again)
			}
			if b := back.Interactions()[0].Error; *b != *e {
				t.Errorf("round trip changed the error: %+v, want %+v", b, e)
			}
		})
	}
}
