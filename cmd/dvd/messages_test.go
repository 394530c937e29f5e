package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dvdrw/dvd/internal/testsupport"
)

// TestLooksLikeName checks which keys a message may print.
func TestLooksLikeName(t *testing.T) {
	for k, want := range map[string]bool{
		"method":                           true,
		"proto_major":                      true,
		"Content-Type":                     true,
		"X-Amz-Content-Sha256":             true,
		"Access-Control-Allow-Credentials": true,
		"oauth2":                           true,
		"accessTokenExpiresAt":             true,
		"":                                 false,
		"Bearer DUPSECRET2":                false,
		"DUPSECRET2":                       false,
		"sk_live_KEYASNAME30":              false,
		"ghp_16C7e42F292c6912E7710c838347Ae178B4a": false,
		"ALIASSECRET1":                     false,
		"12345678":                         false,
		"a.b":                              false,
		"abcdefghijklmnopqrstuvwxyzabcdef": false,
	} {
		if got := looksLikeName(k); got != want {
			t.Errorf("looksLikeName(%q) = %v, want %v", k, got, want)
		}
	}
}

// TestMessagesQuoteNoSecret runs the command on files that put a secret
// where a message might quote it: a repeated key, a JSON member name, a
// YAML anchor, a number too large. No output holds the secret, and each
// message still says the line or the place.
func TestMessagesQuoteNoSecret(t *testing.T) {
	dir := t.TempDir()
	gh := "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		testsupport.WriteFile(t, p, []byte(s))
		return p
	}
	dup := write("dup.yaml", "version: 2\ninteractions:\n    - request:\n        url: http://h/x\n        method: GET\n        Bearer DUPSECRET2: a\n        Bearer DUPSECRET2: b\n      response:\n        code: 200\n")
	dupGH := write("dupgh.yaml", "version: 2\ninteractions:\n    - request:\n        url: http://h/x\n        method: GET\n        "+gh+": a\n        "+gh+": b\n      response:\n        code: 200\n")
	dupName := write("dupname.yaml", "version: 2\ninteractions:\n    - request:\n        url: http://h/x\n        method: GET\n        method: PUT\n      response:\n        code: 200\n")
	alias := write("alias.yaml", "version: 2\ninteractions:\n    - request:\n        url: http://h/x\n        method: GET\n        headers:\n            Authorization:\n                - *ALIASSECRET1\n      response:\n        code: 200\n")
	bignum := write("bignum.har", `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[{"startedDateTime":"2026-11-20T10:00:00.000Z","time":5,
"request":{"method":"GET","url":"https://h.example/x","httpVersion":"h2","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},
"response":{"status":123456789012345678901234,"statusText":"","httpVersion":"h2","headers":[],"cookies":[],"content":{"size":0,"mimeType":"text/plain"},"redirectURL":"","headersSize":-1,"bodySize":0},
"cache":{},"timings":{"send":0,"wait":5,"receive":0}}]}}`)
	out := filepath.Join(dir, "out")
	secrets := []string{"DUPSECRET2", gh, "ghp_", "ALIASSECRET1", "123456789012345678901234", "KEYASNAME30"}
	runDVD(t, "import", "-o", out, dup).check(t, 1, []string{"line 7:", "has the key (a key that is not a name) twice"}, secrets...)
	runDVD(t, "import", "-o", out, dupGH).check(t, 1, []string{"line 7:", "twice"}, secrets...)
	runDVD(t, "import", "-o", out, dupName).check(t, 1, []string{`has the key "method" twice`}, secrets...)
	runDVD(t, "import", "-o", out, alias).check(t, 1, []string{"line 8:", "not YAML"}, secrets...)
	runDVD(t, "import", "-o", out, bignum).check(t, 1, []string{"line 3,", "is a JSON number, not what HAR has there"}, secrets...)

	// lint names a member whose name is a token by *; the name has a
	// Stripe key's shape, so it is the credential left.
	tokens := filepath.Join(dir, "tokens.dvd.json")
	save(t, tokens, get("https://api.example.com/keys", 200, `{"tokens":{"sk_live_KEYASNAME30":{"token":"VALUESECRET7"}}}`, "Content-Type", "application/json"))
	runDVD(t, "lint", tokens).check(t, 1, []string{"#1: credential left in response body field $.tokens.*"}, append(secrets, "VALUESECRET7")...)
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		t.Errorf("import wrote %d files from files that do not import", len(entries))
	}
}
