package redact

import (
	"bytes"
	"strconv"
	"strings"
)

// A marker stands where a secret was. Within one recording each value gets
// its own, numbered in order of first appearance: REDACTED~1, REDACTED~2…,
// so that two equal secrets read equal and two different ones differ. The
// number says nothing of the value. The ~ keeps the marker apart from a
// secret scanner's notion of a token: the runs of word characters it looks
// for are REDACTED and the number, each too short and too plain to be one.
// Plain REDACTED is what redaction gives outside a recording (matching,
// the message of a miss), and what older cassettes hold.

// markerSep separates REDACTED from a marker's number.
const markerSep = '~'

// Marker returns the marker numbered n.
func Marker(n int) string { return Redacted + string(markerSep) + strconv.Itoa(n) }

// markerLen returns the length of the marker at the start of s, REDACTED
// and its number if it has one, or 0 when s does not start with a marker.
func markerLen(s string) int {
	if !strings.HasPrefix(s, Redacted) {
		return 0
	}
	n := len(Redacted)
	if n+1 < len(s) && s[n] == markerSep && isDigit(s[n+1]) {
		n += 2
		for n < len(s) && isDigit(s[n]) {
			n++
		}
	}
	return n
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// IsMarker reports whether s is a marker: REDACTED, numbered or not.
func IsMarker(s string) bool { return s != "" && markerLen(s) == len(s) }

// numberedPrefix is what every numbered marker starts with.
const numberedPrefix = Redacted + string(markerSep)

// Unnumbered returns s with every numbered marker made plain REDACTED, as
// matching compares them: a marker stands for whatever the incoming request
// sends in its place, which redaction of the incoming request makes
// REDACTED. It returns s itself when it holds none.
func Unnumbered(s string) string {
	i := strings.Index(s, numberedPrefix)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		n := markerLen(s[i:])
		b.WriteString(s[:i+len(Redacted)])
		s = s[i+n:]
		i = strings.Index(s, numberedPrefix)
	}
	b.WriteString(s)
	return b.String()
}

// UnnumberedBytes is Unnumbered for a body; b itself is never modified.
func UnnumberedBytes(b []byte) []byte {
	if !bytes.Contains(b, []byte(numberedPrefix)) {
		return b
	}
	return []byte(Unnumbered(string(b)))
}

// MaxMarker returns the highest number of a marker in s, or 0.
func MaxMarker(s string) int {
	top := 0
	for {
		i := strings.Index(s, numberedPrefix)
		if i < 0 {
			return top
		}
		s = s[i:]
		n := markerLen(s)
		if n > len(numberedPrefix) {
			if k, err := strconv.Atoi(s[len(numberedPrefix):n]); err == nil && k > top {
				top = k
			}
		}
		s = s[len(Redacted):]
	}
}

// Renumber returns s with the number n of each numbered marker replaced
// by f(n), or s itself when it holds none.
func Renumber(s string, f func(n int) int) string {
	i := strings.Index(s, numberedPrefix)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i >= 0 {
		n := markerLen(s[i:])
		if n <= len(numberedPrefix) {
			b.WriteString(s[:i+len(Redacted)])
			s = s[i+len(Redacted):]
		} else {
			k, _ := strconv.Atoi(s[i+len(numberedPrefix) : i+n])
			b.WriteString(s[:i])
			b.WriteString(Marker(f(k)))
			s = s[i+n:]
		}
		i = strings.Index(s, numberedPrefix)
	}
	b.WriteString(s)
	return b.String()
}
