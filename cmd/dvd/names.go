package main

import (
	"strconv"
	"strings"
)

// The command prints the names it finds in a file (a key of a go-vcr
// cassette, a header, a query parameter, a JSON member) to say where
// something is. A name may be a secret written where a name belongs
// (Bearer abc: x, a token as a JSON key), so a message prints a name only
// when it looks like a field name: looksLikeName. Every message that names
// a key goes through quoteKey, printableKey or pathKey.

// notAName is what a message prints for a name that it does not quote.
const notAName = "(a key that is not a name)"

// looksLikeName reports whether k looks like the name of a field, not like
// a value: 1 to 40 letters, digits, '_' and '-', in words (split at '_'
// and '-') of at most 20 characters; a word that mixes letters and digits
// (sha256, oauth2) of at most 8 characters, and a name with digits of at
// most 24. A token (ghp_ and 36 letters and digits, sk_live_…) is not one.
func looksLikeName(k string) bool {
	if k == "" || len(k) > 40 {
		return false
	}
	digits := 0
	for _, r := range k {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_', r == '-':
		default:
			return false
		}
	}
	if digits > 0 && len(k) > 24 || digits > 6 {
		return false
	}
	for _, w := range strings.FieldsFunc(k, func(r rune) bool { return r == '_' || r == '-' }) {
		if len(w) > 20 {
			return false
		}
		hasDigit := strings.ContainsAny(w, "0123456789")
		hasLetter := strings.IndexFunc(w, func(r rune) bool { return r < '0' || r > '9' }) >= 0
		if hasDigit && hasLetter && len(w) > 8 {
			return false
		}
	}
	return true
}

// printableKey returns k as a message may print it: as it is when it
// looks like a name, notAName otherwise.
func printableKey(k string) string {
	if looksLikeName(k) {
		return k
	}
	return notAName
}

// quoteKey returns k quoted for a message when it looks like a name,
// notAName otherwise.
func quoteKey(k string) string {
	if looksLikeName(k) {
		return strconv.Quote(k)
	}
	return notAName
}

// pathKey returns k as a step of a JSON path that a message prints: .k
// when it looks like a name (and starts as one), .* otherwise, the form
// that -json takes to match any member.
func pathKey(k string) string {
	if looksLikeName(k) && identifier.MatchString(k) {
		return "." + k
	}
	return ".*"
}
