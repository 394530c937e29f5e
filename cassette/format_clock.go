package cassette

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dvdrw/dvd/internal/jsonwire"
	"github.com/dvdrw/dvd/internal/timeline"
)

// clockFormat is the schema of the "clock" section, what a test took from
// time and chance (see [Recorder.Now], [Recorder.Rand] and
// [Recorder.Value]): the values first, for they are what a
// reviewer reads, then the seed, then the readings, one per line.
//
//	"clock": {
//	  "values": {
//	    "bucket": "tf-acc-8f3a2c"
//	  },
//	  "seed": "<64 hexadecimal digits>",
//	  "readings": [
//	    "2026-11-22T09:30:00.123456789Z",
//	    "2026-11-22T09:30:30.125Z"
//	  ]
//	}
var clockFormat = jsonwire.NewObject[timeline.Clock]("the clock", nil,
	namedTexts("values", func(k *timeline.Clock) *map[string]string { return &k.Values }),
	jsonwire.NewScalar("seed", func(k *timeline.Clock) *[32]byte { return &k.Seed }, seedKind),
	readings("readings", func(k *timeline.Clock) *[]time.Time { return &k.Readings }),
)

// A seed is written as 64 lower-case hexadecimal digits, left out when it
// is zero.
var seedKind = &jsonwire.Kind[[32]byte]{
	Write: func(w *jsonwire.Writer, seed [32]byte) {
		w.Buf = append(w.Buf, '"')
		w.Buf = hex.AppendEncode(w.Buf, seed[:])
		w.Buf = append(w.Buf, '"')
	},
	Read: func(p *jsonwire.Parser) ([32]byte, error) {
		var seed [32]byte
		s, err := p.Str(false)
		if err != nil {
			return seed, err
		}
		if len(s) != 2*len(seed) {
			return seed, fmt.Errorf("%q is not a seed: a seed is 64 hexadecimal digits", s)
		}
		if _, err := hex.Decode(seed[:], []byte(s)); err != nil {
			return seed, fmt.Errorf("%q is not a seed: a seed is 64 hexadecimal digits", s)
		}
		return seed, nil
	},
	OmitZero: true,
}

// readings is a member holding clock readings: an array of RFC 3339 times
// to the nanosecond, one per line, left out when there are none. A
// reading in UTC ends in Z; another keeps its offset and, after a space,
// its zone's abbreviation ("2026-11-22T10:30:00.5+01:00 CET"), which
// replay gives back whatever the machine's zone.
func readings[T any](name string, at func(*T) *[]time.Time) jsonwire.Field[T] {
	put := func(w *jsonwire.Writer, i int, t time.Time) error {
		if err := checkYear(t); err != nil {
			return fmt.Errorf("%s: reading %d: %w", name, i+1, err)
		}
		w.Buf = append(w.Buf, '"')
		w.Buf = appendReading(w.Buf, t)
		w.Buf = append(w.Buf, '"')
		return nil
	}
	get := func(p *jsonwire.Parser, i int) (time.Time, error) {
		at := p.Offset()
		s, err := p.Str(false)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s: reading %d: %w", name, i+1, err)
		}
		t, err := parseReading(s)
		if err == nil {
			err = checkYear(t)
		}
		if err != nil {
			return time.Time{}, p.ErrorAt(at, fmt.Errorf("%s: reading %d: %w", name, i+1, err))
		}
		return t, nil
	}
	return jsonwire.Lines(name, at, put, get)
}

// appendReading appends a clock reading as the file holds it.
func appendReading(b []byte, t time.Time) []byte {
	zone, offset := t.Zone()
	if offset == 0 && (zone == "UTC" || zone == "") {
		return t.UTC().AppendFormat(b, time.RFC3339Nano)
	}
	b = t.AppendFormat(b, time.RFC3339Nano)
	if zoneName(zone) {
		b = append(append(b, ' '), zone...)
	}
	return b
}

// parseReading reads a clock reading as the file holds it, in UTC or in a
// zone of its offset and abbreviation, whatever the machine's zone.
func parseReading(s string) (time.Time, error) {
	text, zone, named := strings.Cut(s, " ")
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil || named && !zoneName(zone) {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time such as 2026-11-22T09:30:00.123456789Z or 2026-11-22T10:30:00+01:00 CET", s)
	}
	_, offset := t.Zone()
	if offset == 0 && !named && strings.HasSuffix(text, "Z") {
		return t.UTC(), nil
	}
	return t.In(timeline.Zone(zone, offset)), nil
}

// zoneName reports whether s is a zone abbreviation the file can hold
// after a reading: letters, digits, + and -, as the tz database writes
// them (CET, PDT, -03).
func zoneName(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-') {
			return false
		}
	}
	return true
}

// namedTexts is a member holding named texts: an object of names, sorted, to
// texts, left out when it is empty. A name is UTF-8 text, not empty.
func namedTexts[T any](name string, at func(*T) *map[string]string) jsonwire.Field[T] {
	return &valuesField[T]{name: []string{name}, at: at}
}

type valuesField[T any] struct {
	name []string
	at   func(*T) *map[string]string
}

var errEmptyName = errors.New(`a value's name is empty: name it, as Value does`)

func (f *valuesField[T]) Keys() []string { return f.name }
func (f *valuesField[T]) Form(v *T) int {
	if len(*f.at(v)) == 0 {
		return -1
	}
	return 0
}
func (f *valuesField[T]) Write(w *jsonwire.Writer, v *T, _ int) error {
	m := *f.at(v)
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	w.Begin('{')
	for i, name := range names {
		if i > 0 {
			w.Buf = append(w.Buf, ',')
		}
		w.Line()
		if name == "" {
			return jsonwire.Wrap(f.name[0], errEmptyName)
		}
		if !w.Str(name) {
			return jsonwire.Wrap(f.name[0], fmt.Errorf("the name %q is not valid UTF-8: rename it", name))
		}
		w.Buf = append(w.Buf, ':', ' ')
		w.Text(m[name])
	}
	w.End('}')
	return nil
}
func (f *valuesField[T]) Read(p *jsonwire.Parser, v *T, _ int) error {
	more, err := p.Open('{', "object")
	if err != nil {
		return jsonwire.Wrap(f.name[0], err)
	}
	m := map[string]string{}
	for more {
		at := p.Offset()
		b, err := p.Key()
		if err != nil {
			return err
		}
		name := string(b)
		if err := p.Colon(); err != nil {
			return err
		}
		if !p.Null() { // null stands for a value left out
			switch _, twice := m[name]; {
			case name == "":
				return p.ErrorAt(at, jsonwire.Wrap(f.name[0], errEmptyName))
			case twice:
				return p.ErrorAt(at, jsonwire.Wrap(f.name[0], fmt.Errorf("%q appears twice", name)))
			}
			s, err := p.Text(false)
			if err != nil {
				return jsonwire.Wrap(f.name[0], jsonwire.Wrap(fmt.Sprintf("%q", name), err))
			}
			m[name] = s
		}
		if more, err = p.More('}'); err != nil {
			return err
		}
	}
	*f.at(v) = m
	return nil
}
func (f *valuesField[T]) Check(*T) error          { return nil }
func (f *valuesField[T]) Settle(*T, bool)         {}
func (f *valuesField[T]) Traits() jsonwire.Traits { return jsonwire.Traits{} }
