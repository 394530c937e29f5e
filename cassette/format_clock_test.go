package cassette_test

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dvdrw/dvd/cassette"
)

// withClock returns a cassette of version 2 whose "clock" is s.
func withClock(s string) []byte {
	return []byte(`{"version": 2, "clock": ` + s + `, "interactions": []}`)
}

func TestClockFormatErrors(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		input   []byte
		wantErr string
	}{
		{"unknown key", "a typo must not drop what it holds", withClock(`{"value": {"a": "b"}}`),
			`line 1, column 26: clock: unknown key "value": the clock has only "values", "seed" and "readings"`},
		{"clock not an object", "", withClock(`[]`), "clock should be a JSON object, not an array"},
		{"seed too short", "", withClock(`{"seed": "8f3a"}`), `clock: seed: "8f3a" is not a seed: a seed is 64 hexadecimal digits`},
		{"seed too long", "a seed longer than 32 bytes must not overrun", withClock(`{"seed": "` + strings.Repeat("0", 66) + `"}`), "is not a seed"},
		{"seed not hex", "", withClock(`{"seed": "` + strings.Repeat("g", 64) + `"}`), "is not a seed"},
		{"seed a number", "", withClock(`{"seed": 7}`), "seed should be a JSON string, not a number"},
		{"reading not a time", "the reading is named by its position", withClock(`{"readings": ["2026-11-22T09:30:00Z", "soon"]}`),
			`line 1, column 63: clock: readings: reading 2: "soon" is not an RFC 3339 time such as 2026-11-22T09:30:00.123456789Z`},
		{"reading without zone", "", withClock(`{"readings": ["2026-11-22T09:30:00"]}`), "is not an RFC 3339 time"},
		{"reading a number", "", withClock(`{"readings": [1]}`), "clock: readings: reading 1: it should be a JSON string, not a number"},
		{"reading beyond 9999 in UTC", "it could not be written back", withClock(`{"readings": ["9999-12-31T23:00:00-02:00"]}`),
			"clock: readings: reading 1: 10000-01-01 01:00:00 +0000 UTC is outside the years 0000 to 9999"},
		{"readings an object", "", withClock(`{"readings": {}}`), "readings should be a JSON array, not an object"},
		{"value twice", "which one would replay?", withClock(`{"values": {"a": "1", "a": "2"}}`), `line 1, column 47: clock: values: "a" appears twice`},
		{"value name empty", "Value refuses it, so the file does too", withClock(`{"values": {"": "1"}}`), `clock: values: a value's name is empty`},
		{"value a number", "", withClock(`{"values": {"a": 1}}`), `clock: values: "a" should be a JSON string, not a number`},
		{"values an array", "", withClock(`{"values": []}`), "values should be a JSON object, not an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := unmarshal(tt.input)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Unmarshal(%s) = %v, %v; want an error containing %q (%s)", tt.input, f, err, tt.wantErr, tt.reason)
			}
		})
	}
}

func TestClockFormatReads(t *testing.T) {
	seed := "8f3a0100000000000000000000000000000000000000000000000000000000ff"
	want, _ := hex.DecodeString(seed)
	tests := []struct {
		name   string
		reason string
		input  []byte
		want   cassette.Clock
	}{
		{"no clock", "cassettes without it still load", []byte(`{"version": 1, "interactions": []}`), cassette.Clock{}},
		{"null clock", "null stands for a key left out", withClock(`null`), cassette.Clock{}},
		{"empty clock", "", withClock(`{}`), cassette.Clock{}},
		{"offsets", "a reading with an offset is read in UTC", withClock(`{"readings": ["2026-11-22T10:30:00.5+01:00"]}`),
			cassette.Clock{Readings: []time.Time{time.Date(2026, 11, 22, 9, 30, 0, 5e8, time.UTC)}}},
		{"upper-case seed", "hex digits in either case", withClock(`{"seed": "` + strings.ToUpper(seed) + `"}`),
			cassette.Clock{Seed: [32]byte(want)}},
		{"null value", "null stands for a value left out", withClock(`{"values": {"a": null, "b": ""}}`),
			cassette.Clock{Values: map[string]string{"b": ""}}},
		{"latin1 value", "a value that is not UTF-8 reads back byte for byte", withClock(`{"values": {"a": {"latin1": "caf\u00e9"}}}`),
			cassette.Clock{Values: map[string]string{"a": "caf\xe9"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := unmarshal(tt.input)
			if err != nil {
				t.Fatalf("Unmarshal(%s): %v (%s)", tt.input, err, tt.reason)
			}
			if diff := cmp.Diff(tt.want, f.Clock, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Unmarshal(%s).Clock mismatch (-want +got):\n%s(%s)", tt.input, diff, tt.reason)
			}
		})
	}
}

// The writer refuses a clock the reader would refuse.
func TestClockFormatWriteErrors(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		clock   cassette.Clock
		wantErr string
	}{
		{"empty name", "", cassette.Clock{Values: map[string]string{"": "x"}}, "clock: values: a value's name is empty"},
		{"name not UTF-8", "", cassette.Clock{Values: map[string]string{"caf\xe9": "x"}}, `clock: values: the name "caf\xe9" is not valid UTF-8`},
		{"reading beyond 9999", "", cassette.Clock{Readings: []time.Time{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
			"clock: readings: reading 1: 10000-01-01 00:00:00 +0000 UTC is outside the years 0000 to 9999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cassette.New()
			c.SetClock(tt.clock)
			_, err := cassette.Marshal(c)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Marshal = %v; want an error containing %q (%s)", err, tt.wantErr, tt.reason)
			}
		})
	}
}

// FuzzClock reads any "clock" section. What it accepts must be valid JSON
// that encoding/json reads alike, where their forms meet (readings and
// values that are plain strings), and must write and read back unchanged.
func FuzzClock(f *testing.F) {
	f.Add([]byte(`{"values": {"bucket": "tf-acc-8f3a", "x": {"latin1": "\u00ff"}}, "seed": "` + strings.Repeat("0a", 32) + `", "readings": ["2026-11-22T09:30:00.123456789Z", "2026-11-22T10:30:00+01:00"]}`))
	f.Add([]byte(`{"values": {"a\u0000b": "\ud800", "a": null}}`))
	f.Add([]byte(`{"readings": []}`))
	f.Fuzz(func(t *testing.T, section []byte) {
		data := withClock(string(section))
		file, err := unmarshal(data)
		if err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("Unmarshal accepted JSON that encoding/json refuses:\n%s", data)
		}
		var ref struct {
			Clock *struct {
				Values   map[string]any
				Readings []string
			}
		}
		if err := json.Unmarshal(data, &ref); err != nil {
			t.Fatalf("encoding/json: %v\n%s", err, data)
		}
		if ref.Clock != nil {
			for name, v := range ref.Clock.Values {
				if s, ok := v.(string); ok && utf8.ValidString(s) && file.Clock.Values[name] != s {
					t.Errorf("value %q = %q, encoding/json reads %q", name, file.Clock.Values[name], s)
				}
			}
			if len(ref.Clock.Readings) != len(file.Clock.Readings) {
				t.Errorf("%d readings, encoding/json reads %d", len(file.Clock.Readings), len(ref.Clock.Readings))
			}
			for i, s := range ref.Clock.Readings {
				if i < len(file.Clock.Readings) {
					if want, err := time.Parse(time.RFC3339Nano, s); err != nil || !want.Equal(file.Clock.Readings[i]) {
						t.Errorf("reading %d = %v, time.Parse(%q) = %v, %v", i+1, file.Clock.Readings[i], s, want, err)
					}
				}
			}
		}
		out := marshal(file)
		again, err := unmarshal(out)
		if err != nil {
			t.Fatalf("Unmarshal(Marshal(Unmarshal(data))): %v\nwritten:\n%s", err, out)
		}
		if diff := cmp.Diff(file.Clock, again.Clock, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("the clock changed on the way through the file (-first +again):\n%s", diff)
		}
	})
}
