package cassette

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"
)

// clockFormat is the schema of the "clock" section, what a test took from
// time and chance (see [Clock]): the values first, for they are what a
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
var clockFormat = newObject[Clock]("the clock", nil,
	namedTexts("values", func(k *Clock) *map[string]string { return &k.Values }),
	newScalar("seed", func(k *Clock) *[32]byte { return &k.Seed }, seedKind),
	readings("readings", func(k *Clock) *[]time.Time { return &k.Readings }),
)

// A seed is written as 64 lower-case hexadecimal digits, left out when it
// is zero.
var seedKind = &kind[[32]byte]{
	write: func(w *writer, seed [32]byte) {
		w.buf = append(w.buf, '"')
		w.buf = hex.AppendEncode(w.buf, seed[:])
		w.buf = append(w.buf, '"')
	},
	read: func(p *parser) ([32]byte, error) {
		var seed [32]byte
		s, err := p.str(false)
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
	omitZero: true,
}

// readings is a member holding clock readings: an array of RFC 3339 times
// in UTC, to the nanosecond, one per line, left out when there are none.
func readings[T any](name string, at func(*T) *[]time.Time) field[T] {
	put := func(w *writer, i int, t time.Time) error {
		if err := checkYear(t); err != nil {
			return fmt.Errorf("%s: reading %d: %w", name, i+1, err)
		}
		w.buf = append(w.buf, '"')
		w.buf = t.UTC().AppendFormat(w.buf, time.RFC3339Nano)
		w.buf = append(w.buf, '"')
		return nil
	}
	get := func(p *parser, i int) (time.Time, error) {
		at := p.i
		s, err := p.str(false)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s: reading %d: %w", name, i+1, err)
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			err = fmt.Errorf("%q is not an RFC 3339 time such as 2026-11-22T09:30:00.123456789Z", s)
		} else if t = t.UTC(); checkYear(t) != nil {
			err = checkYear(t)
		}
		if err != nil {
			return time.Time{}, p.errorAt(at, fmt.Errorf("%s: reading %d: %w", name, i+1, err))
		}
		return t, nil
	}
	return lines(name, at, put, get)
}

// namedTexts is a member holding named texts: an object of names, sorted, to
// texts, left out when it is empty. A name is UTF-8 text, not empty.
func namedTexts[T any](name string, at func(*T) *map[string]string) field[T] {
	return &valuesField[T]{name: []string{name}, at: at}
}

type valuesField[T any] struct {
	name []string
	at   func(*T) *map[string]string
}

var errEmptyName = errors.New(`a value's name is empty: name it, as Value does`)

func (f *valuesField[T]) keys() []string { return f.name }
func (f *valuesField[T]) form(v *T) int {
	if len(*f.at(v)) == 0 {
		return -1
	}
	return 0
}
func (f *valuesField[T]) write(w *writer, v *T, _ int) error {
	m := *f.at(v)
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	w.buf = append(w.buf, '{')
	w.depth++
	for i, name := range names {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.nl()
		if name == "" {
			return named(f.name[0], errEmptyName)
		}
		if !w.str(name) {
			return named(f.name[0], fmt.Errorf("the name %q is not valid UTF-8: rename it", name))
		}
		w.buf = append(w.buf, ':', ' ')
		w.text(m[name])
	}
	w.depth--
	w.nl()
	w.buf = append(w.buf, '}')
	return nil
}
func (f *valuesField[T]) read(p *parser, v *T, _ int) error {
	more, err := p.open('{', "object")
	if err != nil {
		return named(f.name[0], err)
	}
	m := map[string]string{}
	for more {
		at := p.i
		b, err := p.key()
		if err != nil {
			return err
		}
		name := string(b)
		if err := p.colon(); err != nil {
			return err
		}
		if !p.null() { // null stands for a value left out
			switch _, twice := m[name]; {
			case name == "":
				return p.errorAt(at, named(f.name[0], errEmptyName))
			case twice:
				return p.errorAt(at, named(f.name[0], fmt.Errorf("%q appears twice", name)))
			}
			s, err := p.text(false)
			if err != nil {
				return named(f.name[0], named(fmt.Sprintf("%q", name), err))
			}
			m[name] = s
		}
		if more, err = p.more('}'); err != nil {
			return err
		}
	}
	*f.at(v) = m
	return nil
}
func (f *valuesField[T]) check(*T) error  { return nil }
func (f *valuesField[T]) settle(*T, bool) {}
func (f *valuesField[T]) traits() traits  { return traits{} }
