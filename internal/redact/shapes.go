package redact

import "strings"

// Values by shape: a value that has the shape of a known credential is
// redacted wherever it appears, whatever its name. The shapes are those
// that public secret scanners know (gitleaks' default rules); docs/secrets.md
// lists them. The scanner is hand-written and linear: one pass over the
// text, a table of the bytes a shape can start with, then a check of the
// prefix, the length and the alphabet of what follows. A text without any
// shape costs that one pass and no allocation.
//
// The recognisable prefix of a token is kept and the rest replaced, so
// ghp_… becomes ghp_REDACTED; a marker is too short to have a shape, so
// redacting twice changes nothing.

// A shape found: s[start:start+keep] is kept, s[start+keep:end] replaced.
type shapeSpan struct{ start, end, keep int }

// The first two bytes of every shape, as a prefilter: shapeFirst[c] is a
// set of bits, one for each second byte that may follow c, and
// shapeSecond[c] the bit of c as a second byte.
var shapeFirst, shapeSecond = func() (first, second [256]uint16) {
	pairs := []string{"gh", "gi", "gl", "xo", "ho", "sk", "si", "rk", "AK", "AS", "AI", "ey", "np", "py", "--", ":A", "SG", "hf", "sh", "do"}
	bit := uint16(1)
	for _, p := range pairs {
		if second[p[1]] == 0 {
			second[p[1]], bit = bit, bit<<1
		}
		first[p[0]] |= second[p[1]]
	}
	return first, second
}()

// shapeScanner finds the shapes of one text in order.
type shapeScanner[T ~string | ~[]byte] struct {
	s T
	// pemEnd caches where the next "-----END" is: -2 not looked for yet,
	// -1 none at or after pemFrom.
	pemEnd, pemFrom int
	// sasEnd caches whether the query that ends at sasEnd is an Azure
	// shared access signature, so that many sig= in one query cost one
	// look at it.
	sasEnd int
	sasOK  bool
}

func newShapeScanner[T ~string | ~[]byte](s T) shapeScanner[T] {
	return shapeScanner[T]{s: s, pemEnd: -2}
}

// next returns the first shape at or after i.
func (sc *shapeScanner[T]) next(i int) (shapeSpan, bool) {
	s := sc.s
	if i+1 >= len(s) {
		return shapeSpan{}, false
	}
	// m is the set of second bytes that may follow s[j-1].
	m := shapeFirst[s[i]]
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		if m&shapeSecond[c] != 0 {
			if sp, ok := sc.at(j - 1); ok {
				return sp, true
			}
		}
		m = shapeFirst[c]
	}
	return shapeSpan{}, false
}

// at checks the shapes that may start at s[i].
func (sc *shapeScanner[T]) at(i int) (shapeSpan, bool) {
	s := sc.s
	if i+4 > len(s) {
		return shapeSpan{}, false
	}
	switch s[i] {
	case 'g':
		switch {
		case s[i+1] == 'h' && s[i+3] == '_' && strings.IndexByte("pousr", s[i+2]) >= 0:
			// GitHub: ghp_, gho_, ghu_, ghs_, ghr_ and 36 letters or digits.
			return run(s, i, 4, 36, isAlnum)
		case hasAt(s, i, "github_pat_"):
			return run(s, i, 11, 82, isWord)
		case hasAt(s, i, "glpat-"):
			return run(s, i, 6, 20, isWordDash)
		}
	case 'x':
		// Slack: xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-, xoxo- and digits,
		// letters and dashes.
		// A digit comes early (xoxb-<digits>, xoxa-2-…): looking for it
		// in a bounded window keeps xoxb-xoxb-… linear.
		if i+5 <= len(s) && s[i+1] == 'o' && s[i+2] == 'x' && s[i+4] == '-' && strings.IndexByte("bparseo", s[i+3]) >= 0 &&
			hasDigit(s[i+5:min(len(s), i+5+24)]) {
			return run(s, i, 5, 10, isAlnumDash)
		}
	case 'S':
		// SendGrid: SG. and 66 of letters, digits, = _ - and dots.
		if s[i+1] == 'G' && s[i+2] == '.' && wordStart(s, i) {
			return run(s, i, 3, 66, isSendGrid)
		}
	case 'd':
		// DigitalOcean: dop_v1_, doo_v1_, dor_v1_ and 64 hex digits.
		if s[i+1] == 'o' && strings.IndexByte("por", s[i+2]) >= 0 && hasAt(s, i+3, "_v1_") {
			return run(s, i, 7, 64, isHex)
		}
	case 'h':
		// Hugging Face: hf_ and 34 letters.
		if s[i+1] == 'f' && s[i+2] == '_' && wordStart(s, i) {
			if sp, ok := run(s, i, 3, 34, isLetter); ok && sp.end-i == 37 {
				return sp, true
			}
			return shapeSpan{}, false
		}
		// Slack webhooks, / written as \/ too (JSON from PHP).
		if j := slash(s, i+len("hooks.slack.com")); j > 0 && hasAt(s, i, "hooks.slack.com") {
			for _, p := range [...]string{"services", "workflows", "triggers"} {
				if k := slash(s, j+len(p)); k > 0 && hasAt(s, j, p) {
					return run(s, i, k-i, 40, isSlackHook)
				}
			}
		}
	case 's', 'r':
		// Shopify: shpat_, shpca_, shppa_, shpss_ and 32 hex digits.
		if s[i+1] == 'h' && s[i+2] == 'p' && i+6 <= len(s) && s[i+5] == '_' {
			if p := s[i+3 : i+5]; hasAt(p, 0, "at") || hasAt(p, 0, "ca") || hasAt(p, 0, "pa") || hasAt(p, 0, "ss") {
				return run(s, i, 6, 32, isHex)
			}
		}
		if s[i+1] == 'k' && s[i+2] == '_' && wordStart(s, i) {
			// Stripe: sk_live_, rk_live_, sk_test_, sk_prod_ and 10 or more.
			for _, p := range [...]string{"live_", "test_", "prod_"} {
				if hasAt(s, i+3, p) {
					return run(s, i, 8, 10, isAlnum)
				}
			}
		}
		if s[i] == 's' && s[i+1] == 'k' && s[i+2] == '-' && wordStart(s, i) {
			// OpenAI-style: sk-… or sk-proj-…, long and mixed.
			if sp, ok := run(s, i, 3, 40, isWordDash); ok && openAIKey(s[i+3:sp.end]) {
				return sp, true
			}
		}
		if s[i] == 's' && s[i+1] == 'i' && s[i+2] == 'g' {
			return sc.azureSig(i)
		}
	case 'A':
		if i+4 > len(s) || !wordStart(s, i) {
			break
		}
		switch {
		case (s[i+1] == 'K' || s[i+1] == 'S') && s[i+2] == 'I' && s[i+3] == 'A':
			// AWS access key ids: AKIA or ASIA and 16 upper-case letters or digits.
			if sp, ok := run(s, i, 4, 16, isUpperAlnum); ok && sp.end-i == 20 {
				return sp, true
			}
		case s[i+1] == 'I' && s[i+2] == 'z' && s[i+3] == 'a':
			// Google API keys: AIza and 35.
			return run(s, i, 4, 35, isWordDash)
		}
	case 'e':
		if s[i+1] == 'y' && s[i+2] == 'J' && wordStart(s, i) {
			return jwt(s, i)
		}
	case 'n':
		if hasAt(s, i, "npm_") && wordStart(s, i) {
			return run(s, i, 4, 36, isAlnum)
		}
	case 'p':
		if hasAt(s, i, "pypi-AgEIcHlwaS5vcmc") {
			return run(s, i, 5, 50+15, isWordDash)
		}
	case '-':
		if hasAt(s, i, "-----BEGIN") {
			return sc.pem(i)
		}
	case ':':
		return telegram(s, i)
	}
	return shapeSpan{}, false
}

// run returns the span of a token that starts at s[i] with a prefix of
// keep bytes, followed by at least least bytes of an alphabet: the whole
// run is taken, so that nothing of a longer token survives.
func run[T ~string | ~[]byte](s T, i, keep, least int, in func(byte) bool) (shapeSpan, bool) {
	j := i + keep
	for j < len(s) && in(s[j]) {
		j++
	}
	if j-(i+keep) < least {
		return shapeSpan{}, false
	}
	return shapeSpan{start: i, end: j, keep: keep}, true
}

// jwt finds a JSON Web Token: eyJ…, a dot, eyJ…, and a signature after a
// second dot. The whole token goes.
func jwt[T ~string | ~[]byte](s T, i int) (shapeSpan, bool) {
	j := i
	for j < len(s) && isWordDash(s[j]) {
		j++
	}
	if j-i < 19 || j+3 > len(s) || s[j] != '.' || s[j+1] != 'e' || s[j+2] != 'y' {
		return shapeSpan{}, false
	}
	k := j + 1
	for k < len(s) && (isWordDash(s[k]) || s[k] == '/' || s[k] == '\\') {
		k++
	}
	if k-(j+1) < 19 {
		return shapeSpan{}, false
	}
	if k < len(s) && s[k] == '.' {
		k++
		for k < len(s) && (isWordDash(s[k]) || s[k] == '/' || s[k] == '\\' || s[k] == '+') {
			k++
		}
		for n := 0; n < 2 && k < len(s) && s[k] == '='; n++ {
			k++
		}
	}
	return shapeSpan{start: i, end: k}, true
}

// pem finds a PEM private key: the line -----END … PRIVATE KEY----- and
// the header up to its PRIVATE are kept, everything between them goes:
// -----BEGIN RSA PRIVATE REDACTED-----END RSA PRIVATE KEY-----.
// Without an end, the run of base64 and line breaks after the header goes.
func (sc *shapeScanner[T]) pem(i int) (shapeSpan, bool) {
	s := sc.s
	j := i + len("-----BEGIN")
	limit := min(len(s), j+100)
	label, keep := -1, 0
	for k := j; k < limit && isPEMLabel(s[k]); k++ {
		if s[k] == 'P' && hasAt(s, k, "PRIVATE KEY") {
			label, keep = k+len("PRIVATE KEY"), k+len("PRIVATE ")
			break
		}
	}
	if label < 0 {
		return shapeSpan{}, false
	}
	if hasAt(s, label, " BLOCK") {
		label += len(" BLOCK")
	}
	if !hasAt(s, label, "-----") {
		return shapeSpan{}, false
	}
	start := label + 5
	end := sc.pemEndAfter(start)
	if end < 0 {
		end = start
		for end < len(s) && isPEMBody(s[end]) {
			end++
		}
	}
	if end-start < 32 {
		return shapeSpan{}, false
	}
	// The marker takes the KEY----- of the header too: a scanner that
	// reads from a BEGIN … PRIVATE KEY----- to the next KEY----- would
	// otherwise take two redacted keys in one text, and what lies
	// between them, for one.
	return shapeSpan{start: i, end: end, keep: keep - i}, true
}

// pemEndAfter returns where the first "-----END" at or after from is, or
// -1; the answer is cached, so that many headers without an end cost one
// search.
func (sc *shapeScanner[T]) pemEndAfter(from int) int {
	if sc.pemEnd == -1 && from >= sc.pemFrom || sc.pemEnd >= from {
		return sc.pemEnd
	}
	s := sc.s
	sc.pemFrom, sc.pemEnd = from, -1
	for k := from; k+8 <= len(s); k++ {
		if s[k] == '-' && hasAt(s, k, "-----END") {
			sc.pemEnd = k
			break
		}
	}
	return sc.pemEnd
}

// azureSig finds the sig= of an Azure shared access signature: a query
// that also holds sv= and se= or sp=. The value goes, sig= stays.
func (sc *shapeScanner[T]) azureSig(i int) (shapeSpan, bool) {
	s := sc.s
	if !paramStart(s, i) || !hasAt(s, i, "sig=") {
		return shapeSpan{}, false
	}
	if i >= sc.sasEnd {
		// The query around: a run of bytes that a query holds, bounded.
		lo, hi := i, i
		for lo > 0 && i-lo < 4096 && isQueryByte(s[lo-1]) {
			lo--
		}
		for hi < len(s) && hi-i < 4096 && isQueryByte(s[hi]) {
			hi++
		}
		q := s[lo:hi]
		sc.sasEnd, sc.sasOK = hi, hasParam(q, "sv=") && (hasParam(q, "se=") || hasParam(q, "sp="))
	}
	if !sc.sasOK {
		return shapeSpan{}, false
	}
	sp, ok := run(s, i, 4, 8, isSigByte)
	return sp, ok
}

// paramStart reports whether a query parameter starts at s[i]: after ?,
// &, or & as HTML (&amp;) or JSON (\u0026) writes it.
func paramStart[T ~string | ~[]byte](s T, i int) bool {
	if i == 0 {
		return false
	}
	switch s[i-1] {
	case '?', '&':
		return true
	case ';':
		return hasAt(s, i-5, "&amp;")
	case '6':
		return hasAt(s, i-6, `\u0026`)
	}
	return false
}

// hasParam reports whether a query holds a parameter, name= after ? or &.
func hasParam[T ~string | ~[]byte](q T, name string) bool {
	for k := 1; k+len(name) <= len(q); k++ {
		if q[k] == name[0] && hasAt(q, k, name) && paramStart(q, k) {
			return true
		}
	}
	return false
}

// telegram finds a Telegram bot token at its colon: 5 to 16 digits, a
// colon, A and 34 letters, digits, _ or -, exactly. The digits (the bot's
// id) stay.
func telegram[T ~string | ~[]byte](s T, i int) (shapeSpan, bool) {
	if i+1 >= len(s) || s[i+1] != 'A' {
		return shapeSpan{}, false
	}
	d := i
	for d > 0 && i-d <= 16 && s[d-1] >= '0' && s[d-1] <= '9' {
		d--
	}
	// A word may come before the digits: /bot<token>/sendMessage.
	if n := i - d; n < 5 || n > 16 {
		return shapeSpan{}, false
	}
	sp, ok := run(s, i, 1, 35, isWordDash)
	if !ok || sp.end-(i+1) != 35 {
		return shapeSpan{}, false
	}
	return sp, true
}

// openAIKey reports whether what follows sk- looks like a key rather than a
// long hyphenated word: OpenAI's marker T3BlbkFJ, or digits, upper and
// lower case letters all present.
func openAIKey[T ~string | ~[]byte](s T) bool {
	var digit, upper, lower bool
	for k := 0; k < len(s); k++ {
		c := s[k]
		digit = digit || '0' <= c && c <= '9'
		upper = upper || 'A' <= c && c <= 'Z'
		lower = lower || 'a' <= c && c <= 'z'
		if c == 'T' && hasAt(s, k, "T3BlbkFJ") {
			return true
		}
	}
	return digit && upper && lower
}

func hasAt[T ~string | ~[]byte](s T, i int, lit string) bool {
	if i < 0 || i+len(lit) > len(s) {
		return false
	}
	for k := 0; k < len(lit); k++ {
		if s[i+k] != lit[k] {
			return false
		}
	}
	return true
}

// slash returns where what follows a / or \/ at s[i] starts, or -1.
func slash[T ~string | ~[]byte](s T, i int) int {
	switch {
	case hasAt(s, i, "/"):
		return i + 1
	case hasAt(s, i, `\/`):
		return i + 2
	}
	return -1
}

func hasDigit[T ~string | ~[]byte](s T) bool {
	for k := 0; k < len(s); k++ {
		if '0' <= s[k] && s[k] <= '9' {
			return true
		}
	}
	return false
}

// wordStart reports whether s[i] starts a word: what comes before is not
// a letter, a digit, _ or -, or is a JSON escape (\n, \", \u0026), which
// stands for a character that is none.
func wordStart[T ~string | ~[]byte](s T, i int) bool {
	if i == 0 || !isWordDash(s[i-1]) {
		return true
	}
	if i >= 2 && strings.IndexByte(`ntrbf`, s[i-1]) >= 0 && escaped(s, i-1) {
		return true
	}
	// \uXXXX: a character written in hex.
	return i >= 6 && s[i-5] == 'u' && escaped(s, i-5) && isHex(s[i-4]) && isHex(s[i-3]) && isHex(s[i-2]) && isHex(s[i-1])
}

// escaped reports whether s[i] follows a backslash that escapes it: an odd
// run of backslashes.
func escaped[T ~string | ~[]byte](s T, i int) bool {
	n := 0
	for k := i - 1; k >= 0 && s[k] == '\\'; k-- {
		n++
	}
	return n%2 == 1
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
func isLetter(c byte) bool     { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isHex(c byte) bool        { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
func isSendGrid(c byte) bool   { return isWordDash(c) || c == '=' || c == '.' }
func isUpperAlnum(c byte) bool { return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' }
func isWord(c byte) bool       { return isAlnum(c) || c == '_' }
func isWordDash(c byte) bool   { return isWord(c) || c == '-' }
func isAlnumDash(c byte) bool  { return isAlnum(c) || c == '-' }
func isSlackHook(c byte) bool {
	return isAlnum(c) || c == '/' || c == '\\' || c == '+' || c == '_' || c == '-'
}
func isPEMLabel(c byte) bool {
	return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == ' ' || c == '_' || c == '-'
}
func isPEMBody(c byte) bool {
	return isAlnum(c) || c == '+' || c == '/' || c == '=' || c == '\\' || c == '\r' || c == '\n' || c == ' ' || c == '\t'
}
func isSigByte(c byte) bool { return isAlnum(c) || c == '%' || c == '+' || c == '/' || c == '=' }
func isQueryByte(c byte) bool {
	return c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '<' && c != '>' && c != '#'
}

// HasShape reports whether s holds a value of a credential's shape.
func HasShape(s string) bool {
	sc := newShapeScanner(s)
	_, ok := sc.next(0)
	return ok
}

func hasShapeBytes(b []byte) bool {
	sc := newShapeScanner(b)
	_, ok := sc.next(0)
	return ok
}

// Shapes returns s with every value of a credential's shape redacted, or s
// itself when it holds none.
func Shapes(s string) string {
	sc := newShapeScanner(s)
	sp, ok := sc.next(0)
	if !ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for ok {
		b.WriteString(s[last : sp.start+sp.keep])
		b.WriteString(Redacted)
		last = sp.end
		sp, ok = sc.next(sp.end)
	}
	b.WriteString(s[last:])
	return b.String()
}

// ShapesBytes is Shapes for a body, and says whether it found any; b
// itself is never modified.
func ShapesBytes(b []byte) ([]byte, bool) {
	sc := newShapeScanner(b)
	sp, ok := sc.next(0)
	if !ok {
		return b, false
	}
	out := make([]byte, 0, len(b))
	last := 0
	for ok {
		out = append(out, b[last:sp.start+sp.keep]...)
		out = append(out, Redacted...)
		last = sp.end
		sp, ok = sc.next(sp.end)
	}
	return append(out, b[last:]...), true
}
