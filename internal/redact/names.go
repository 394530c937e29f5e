package redact

import "slices"

// A Place is where a name stands, which decides what credentialNames
// finds in it.
type Place uint8

const (
	// InHeader is a header name.
	InHeader Place = iota
	// InQuery is the name of a parameter of a query or a fragment, of a
	// url-encoded form field (user[password], password[] too) or of a
	// multipart part.
	InQuery
	// InJSON is a key of a JSON object, at any depth.
	InJSON
	// InOAuthJSON is a key of a JSON document that has a grant_type member
	// at any depth: an OAuth token request sent as JSON.
	InOAuthJSON
)

// How a word of credentialNames is found in a normalised name, in one
// place.
type how uint8

const (
	no       how = iota // not in this place
	contains            // anywhere in the name: githubtoken, newpassword, oauthtokensecret
	last                // as the last word of the name: X-Auth-Key, device_code
	whole               // as the whole name: key, code
)

// A credentialName is a row of credentialNames: a word, and how it makes
// a name a credential's in each place.
type credentialName struct {
	word                     string // lower case, without separators, 3 bytes or more
	header, query, json, oau how
}

// credentialNames is the one table of the names that hold credentials,
// the single source of truth of redaction by name; cassette.Redaction and
// docs/secrets.md restate it.
//
// A name is compared normalised: in lower case, without the separators
// _ - . [ ] and spaces, so that access_token, accessToken, AccessToken,
// access-token, ACCESS_TOKEN, access.token and user[access_token] all hold
// accesstoken. Its words, for last and for descriptorWords, are split at
// those separators and where the case goes up (passWord: pass, word;
// APIKey: api, key).
//
// The columns say how the word is found in each place: header (a header
// name), query (a query or fragment parameter, a url-encoded form field, a
// multipart part), json (a JSON key at any depth) and oau (a JSON key of
// an OAuth request: a document with a grant_type member). The evidence
// differs by place: key, code, auth and sig are credentials as the whole
// name of a query parameter (?key=AIza…, ?code=…), code as the last word
// of a key in an OAuth JSON request, but none of them is in other JSON,
// where APIs use them for object keys (S3, DynamoDB Key) and error codes
// ("code": "NotFound").
//
// Outside headers, a name whose last word is one of descriptorWords
// describes a credential without holding one (token_count,
// password_policy, session_timeout, token_endpoint, expires_in), and a
// name that holds one of cursorWords names a paging cursor (nextPageToken,
// NextToken): neither is a credential's. Headers keep every name of the
// table, as before.
//
// In JSON, a string value of a credential's name is redacted, and every
// string inside an object or array that is its value; a number only when
// the normalised name ends with a word of the table (password, pin-like
// "password": 1234, not max_tokens or tokens_used); booleans and null
// never.
var credentialNames = []credentialName{
	// word            header    query     json      oau
	{"token", contains, contains, contains, contains},
	{"secret", contains, contains, contains, contains},
	{"password", contains, contains, contains, contains},
	{"passwd", contains, contains, contains, contains},
	{"pwd", contains, contains, contains, contains},
	{"passphrase", contains, contains, contains, contains},
	{"authorization", contains, contains, contains, contains},
	{"credential", contains, contains, contains, contains},
	{"signature", contains, contains, contains, contains},
	{"hmac", contains, contains, contains, contains},
	{"apikey", contains, contains, contains, contains},
	{"privatekey", contains, contains, contains, contains},
	{"accesskey", contains, contains, contains, contains},
	{"session", contains, contains, contains, contains},
	{"jwt", contains, contains, contains, contains},
	{"assertion", contains, contains, contains, contains},
	{"verifier", contains, contains, contains, contains}, // code_verifier, oauth_verifier
	{"key", last, whole, no, no},
	{"code", no, whole, no, last}, // code, device_code in an OAuth request
	{"auth", no, whole, no, no},
	{"sig", no, whole, no, no},
}

// descriptorWords end names that describe a credential without holding
// one: counts, limits, times, kinds, policies, where to send it.
var descriptorWords = []string{
	"count", "counts", "total", "number", "num", "policy", "policies", "timeout", "ttl", "lifetime",
	"length", "len", "limit", "limits", "max", "min", "size", "type", "types", "kind", "expires",
	"expiry", "expiration", "at", "in", "used", "remaining", "endpoint", "url", "uri", "supported",
	"enabled", "required", "hint", "name", "format", "version", "method", "methods", "mode",
}

// cursorWords are held by the names of paging cursors (nextPageToken,
// NextToken, page_token, continuationToken, $skiptoken): a token that
// says where a list goes on, not a credential; redacted, the requests for
// two pages would look the same.
var cursorWords = []string{"pagetoken", "nexttoken", "continuationtoken", "paginationtoken", "skiptoken", "deltatoken", "synctoken"}

// maxNameLen bounds the names the classifier looks at: no credential's
// name is that long, even with a _ between each of its letters.
const maxNameLen = 64

// separator reports whether c separates the words of a name.
func separator(c byte) bool {
	switch c {
	case '_', '-', '.', '[', ']', ' ':
		return true
	}
	return false
}

// normalise writes name in lower case without separators into buf, and
// returns it with where its last word starts. ok is false for a name
// longer than maxNameLen.
func normalise[T string | []byte](buf *[maxNameLen]byte, name T) (n []byte, lastWord int, ok bool) {
	if len(name) > maxNameLen {
		return nil, 0, false
	}
	n = buf[:0]
	boundary := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if separator(c) {
			boundary = true
			continue
		}
		upper := 'A' <= c && c <= 'Z'
		if !boundary && upper && i > 0 {
			// camelCase: a lower case letter or a digit before; APIKey:
			// an upper case letter before and a lower case one after.
			p := name[i-1]
			if 'a' <= p && p <= 'z' || '0' <= p && p <= '9' ||
				'A' <= p && p <= 'Z' && i+1 < len(name) && 'a' <= name[i+1] && name[i+1] <= 'z' {
				boundary = true
			}
		}
		if boundary {
			lastWord = len(n)
			boundary = false
		}
		if upper {
			c += 'a' - 'A'
		}
		n = append(n, c)
	}
	return n, lastWord, true
}

// holds reports whether n holds w.
func holds(n []byte, w string) bool {
	for i := 0; i+len(w) <= len(n); i++ {
		if n[i] == w[0] && string(n[i:i+len(w)]) == w {
			return true
		}
	}
	return false
}

// placeMasks are the places, one bit each, where a row of
// credentialNames finds its word anywhere, as the last word and as the
// whole name.
type placeMasks struct{ contains, last, whole uint8 }

// rowMasks are the placeMasks of each row of credentialNames, and
// rowsByFirst the rows by the first byte of their word: places looks at
// the rows whose word starts at each byte of a name, and no other.
var rowMasks, rowsByFirst = indexRows()

func indexRows() (masks []placeMasks, first [256][]uint8) {
	masks = make([]placeMasks, len(credentialNames))
	for i, row := range credentialNames {
		for p, h := range []how{row.header, row.query, row.json, row.oau} {
			switch h {
			case contains:
				masks[i].contains |= 1 << p
			case last:
				masks[i].last |= 1 << p
			case whole:
				masks[i].whole |= 1 << p
			}
		}
		first[row.word[0]] = append(first[row.word[0]], uint8(i))
	}
	return masks, first
}

// places returns the places, one bit each, where credentialNames finds a
// normalised name whose last word starts at lastWord, before
// descriptorWords: one pass over the name.
func places(n []byte, lastWord int) uint8 {
	var m uint8
	for i := 0; i < len(n); i++ {
		for _, ri := range rowsByFirst[n[i]] {
			w := credentialNames[ri].word
			if i+len(w) > len(n) || n[i+1] != w[1] || string(n[i:i+len(w)]) != w {
				continue
			}
			rm := &rowMasks[ri]
			m |= rm.contains
			if i+len(w) == len(n) {
				if i == lastWord {
					m |= rm.last
				}
				if i == 0 {
					m |= rm.whole
				}
			}
		}
	}
	return m
}

// describes reports whether the last word of a name is one of
// descriptorWords.
func describes(lastWord []byte) bool {
	for _, d := range descriptorWords {
		if string(lastWord) == d {
			return true
		}
	}
	return false
}

// describesOrPages reports whether a normalised name, whose last word
// starts at lastWord, describes a credential (descriptorWords) or names a
// paging cursor (cursorWords), which holds none.
func describesOrPages(n []byte, lastWord int) bool {
	if describes(n[lastWord:]) {
		return true
	}
	for _, c := range cursorWords {
		if holds(n, c) {
			return true
		}
	}
	return false
}

// credential reports whether a normalised name, whose last word starts at
// lastWord, is a credential's in place p by credentialNames.
func credential(n []byte, lastWord int, p Place) bool {
	return places(n, lastWord)&(1<<p) != 0 && (p == InHeader || !describesOrPages(n, lastWord))
}

// endsWithCredential reports whether a normalised name ends with a word
// of credentialNames: its number values are credentials too.
func endsWithCredential(n []byte) bool {
	for i := range credentialNames {
		w := credentialNames[i].word
		if len(n) >= len(w) && string(n[len(n)-len(w):]) == w {
			return true
		}
	}
	return false
}

// CredentialName reports whether the default table names a credential by
// name in place p, whatever the name's case and separators. Rules add the
// names of their Options, and keep those of Keep.
func CredentialName(name string, p Place) bool {
	var buf [maxNameLen]byte
	n, lw, ok := normalise(&buf, name)
	return ok && credential(n, lw, p)
}

// kept reports whether the rules keep a normalised name: Options.Keep.
func (r *Rules) kept(n []byte) bool { return len(r.keep) > 0 && r.keep[string(n)] }

// Kept reports whether Options.Keep names name, normalised the same way as
// the table.
func (r *Rules) Kept(name string) bool {
	if len(r.keep) == 0 {
		return false
	}
	var buf [maxNameLen]byte
	n, _, ok := normalise(&buf, name)
	return ok && r.keep[string(n)]
}

// normalisedSet returns the set of names, normalised.
func normalisedSet(names []string) map[string]bool {
	m := map[string]bool{}
	for _, name := range names {
		var buf [maxNameLen]byte
		if n, _, ok := normalise(&buf, name); ok {
			m[string(n)] = true
		} else {
			m[name] = true
		}
	}
	return m
}

// CredentialWords returns the words of credentialNames, normalised: the
// doc of cassette.Redaction names each.
func CredentialWords() []string {
	words := make([]string, len(credentialNames))
	for i, row := range credentialNames {
		words[i] = row.word
	}
	return words
}

// DescriptorWords returns the last words that make a name describe a
// credential rather than hold one, and the words of the names of paging
// cursors, which hold none either, outside headers.
func DescriptorWords() []string { return slices.Concat(descriptorWords, cursorWords) }
