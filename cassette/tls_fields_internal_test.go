package cassette

import (
	"reflect"
	"testing"
)

// The fast parser reads the TLS fields of an error as encoding/json does,
// and gives up where encoding/json would differ or refuse.
func TestParseWireTLSFields(t *testing.T) {
	for _, tc := range []struct {
		name, reason, fields string
		fast                 bool // parseWire takes it
	}{
		{name: "alert", fields: `"alert":116`, fast: true},
		{name: "largest alert", fields: `"alert":255`, fast: true},
		{name: "alert too large", reason: "a uint8 in encoding/json", fields: `"alert":256`},
		{name: "negative zero alert", reason: "encoding/json refuses a sign for an unsigned field", fields: `"alert":-0`},
		{name: "fractional alert", fields: `"alert":1.0`},
		{name: "null alert", fields: `"alert":null`},
		{name: "repeated alert", reason: "encoding/json keeps the last", fields: `"alert":1,"alert":2`},
		{name: "record header", fields: `"record_header":"SFRUUC8="`, fast: true},
		{name: "empty record header", fields: `"record_header":""`, fast: true},
		{name: "bad base64", fields: `"record_header":"SFRUUC8"`},
		{name: "null record header", fields: `"record_header":null`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(`{"version":1,"interactions":[{"request":{"method":"GET","url":"x"},"error":{"kind":"tls",` + tc.fields + `}}]}`)
			var w wireFile
			if got := parseWire(data, &w); got != tc.fast {
				t.Errorf("parseWire took it: %v, want %v (%s)", got, tc.fast, tc.reason)
			}
			got, gotErr := unmarshalJSON(data)
			want, wantErr := slowUnmarshal(data)
			if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
				t.Fatalf("Unmarshal error = %v, encoding/json alone gives %v", gotErr, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Unmarshal = %#v, encoding/json alone gives %#v", got, want)
			}
		})
	}
}
