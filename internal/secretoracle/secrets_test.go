package secretoracle

import (
	"crypto/rand"
	"encoding/base64"
	"math/big"
	"strings"
)

// A kind of secret that dvd claims to keep out of a cassette, with how to
// make one up. Every value is made up at run time from crypto/rand: none is
// real, none is in the repository, and none is ever printed.
type kind struct {
	id string
	// rules are the gitleaks rule ids that find it.
	rules []string
	// gen makes one up.
	gen func() string
	// name, for a secret known by its name and not its shape: the field,
	// parameter, header or cookie name it is planted under. Shapes are
	// planted under neutral names ("note").
	name string
	// places it is planted in; nil for every place a shape fits in.
	places []string
	// notIn are places it has no meaning in, though it fits.
	notIn []string
	// multiline: the value has line breaks, and no place in a header, a
	// URL or an error line.
	multiline bool
	// excluded, when not empty, says why gitleaks' default rules do not
	// find this kind: it is still planted, and dvd's own redaction of it
	// is still checked by searching for the value, but it is left out of
	// the proof that gitleaks finds every kind in the raw traffic.
	excluded string
}

const (
	alnum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	digits = "0123456789"
	word   = alnum + "_-"
)

// random returns n bytes of alphabet, from crypto/rand.
func random(alphabet string, n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}

// jwtHeader is {"alg":"HS256","typ":"JWT"}, base64url.
const jwtHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

// Places a secret known by its name fits in: structured places, where the
// name is a field, a parameter, a header or a cookie name.
var namedPlaces = []string{"json", "ndjson", "gzip-response", "query", "form", "multipart", "gzip-request", "redirect"}

// kinds are the shapes of internal/redact/shapes.go that gitleaks' default
// rules know, and the names of internal/redact/names.go that its generic
// rule knows.
var kinds = []kind{
	{id: "github-pat", rules: []string{"github-pat"}, gen: func() string { return "ghp_" + random(alnum, 36) }},
	{id: "github-oauth", rules: []string{"github-oauth"}, gen: func() string { return "gho_" + random(alnum, 36) }},
	{id: "github-fine-grained-pat", rules: []string{"github-fine-grained-pat"}, gen: func() string {
		return "github_pat_" + random(alnum, 22) + "_" + random(alnum, 59)
	}},
	{id: "gitlab-pat", rules: []string{"gitlab-pat"}, gen: func() string { return "glpat-" + random(alnum, 20) }},
	{id: "slack-bot-token", rules: []string{"slack-bot-token"}, gen: func() string {
		return "xoxb-" + random(digits, 12) + "-" + random(digits, 13) + "-" + random(alnum, 24)
	}},
	{id: "slack-user-token", rules: []string{"slack-user-token"}, gen: func() string {
		return "xoxp-" + random(digits, 12) + "-" + random(digits, 12) + "-" + random(digits, 13) + "-" + random(alnum, 32)
	}},
	{id: "slack-webhook-url", rules: []string{"slack-webhook-url"}, gen: func() string {
		return "https://hooks.slack.com/services/T" + random(upper, 10) + "/B" + random(upper, 10) + "/" + random(alnum, 24)
	}},
	{id: "stripe-secret-key", rules: []string{"stripe-access-token"}, gen: func() string { return "sk_live_" + random(alnum, 32) }},
	{id: "stripe-restricted-key", rules: []string{"stripe-access-token"}, gen: func() string { return "rk_live_" + random(alnum, 32) }},
	{id: "aws-access-key-id", rules: []string{"aws-access-token"}, gen: func() string {
		return "AKIA" + random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
	}},
	{id: "google-api-key", rules: []string{"gcp-api-key"}, gen: func() string { return "AIza" + random(word, 35) }},
	{id: "jwt", rules: []string{"jwt"}, gen: func() string {
		claims := b64url([]byte(`{"sub":"` + random(alnum, 24) + `","iat":1700000000}`))
		return jwtHeader + "." + claims + "." + random(alnum, 43)
	}},
	{id: "pem-private-key", rules: []string{"private-key"}, multiline: true, gen: func() string {
		var b strings.Builder
		b.WriteString("-----BEGIN RSA PRIVATE KEY-----\n")
		body := base64.StdEncoding.EncodeToString(randomBytes(240))
		for len(body) > 64 {
			b.WriteString(body[:64] + "\n")
			body = body[64:]
		}
		b.WriteString(body + "\n-----END RSA PRIVATE KEY-----")
		return b.String()
	}},
	{id: "npm-token", rules: []string{"npm-access-token"}, gen: func() string { return "npm_" + random(alnum, 36) }},
	{id: "pypi-token", rules: []string{"pypi-upload-token"}, gen: func() string { return "pypi-AgEIcHlwaS5vcmc" + random(word, 70) }},
	{id: "openai-key", rules: []string{"openai-api-key"}, gen: func() string {
		return "sk-proj-" + random(word, 74) + "T3BlbkFJ" + random(word, 74)
	}},
	{id: "azure-sas", gen: func() string {
		sig := base64.StdEncoding.EncodeToString(randomBytes(32))
		return "sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2031-01-01T00:00:00Z&spr=https&sig=" + strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(sig)
	},
		notIn:    []string{"path"}, // a SAS is a query; escaped into a path it is no longer one
		excluded: "gitleaks v8.30 has no rule for an Azure shared access signature: its sig= is a name the generic rule does not know, and the value is random base64 with no prefix"},

	// Known by name: the generic rule of gitleaks finds a random value
	// after password, api_key, secret, token or auth and = or :.
	{id: "password", name: "password", rules: []string{"generic-api-key"}, places: namedPlaces, gen: func() string { return random(alnum, 20) }},
	{id: "api-key", name: "api_key", rules: []string{"generic-api-key"}, places: namedPlaces, gen: func() string { return random(alnum, 32) }},
	{id: "client-secret", name: "client_secret", rules: []string{"generic-api-key"}, places: namedPlaces, gen: func() string { return random(alnum, 40) }},
	{id: "aws-secret-access-key", name: "aws_secret_access_key", rules: []string{"generic-api-key"}, places: namedPlaces, gen: func() string {
		return random(alnum, 40)
	}},
	{id: "authorization", name: "Authorization", places: []string{"request-header"}, gen: func() string { return random(alnum, 40) },
		excluded: "the generic rule of gitleaks ignores every match that holds \"author\" (its allowlist against author fields), Authorization included; its curl-auth-header rule finds one only in a curl command line"},
	{id: "cookie", name: "session_token", rules: []string{"generic-api-key"}, places: []string{"cookie", "set-cookie"}, gen: func() string { return random(alnum, 32) }},
}

// core returns a part of a value that is random and long enough that it
// is in a text only if the value is: what survives of a secret in any
// form that does not re-encode it. It is the end of the longest run of
// letters and digits of the value, its constant parts taken out.
func core(v string) string {
	for _, c := range []string{"-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", jwtHeader, "pypi-AgEIcHlwaS5vcmc", "T3BlbkFJ", "hooks.slack.com", "2031-01-01T00:00:00Z"} {
		v = strings.ReplaceAll(v, c, ".")
	}
	best, start := "", -1
	for i := 0; i <= len(v); i++ {
		if i < len(v) && strings.IndexByte(alnum, v[i]) >= 0 {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start > len(best) {
			best = v[start:i]
		}
		start = -1
	}
	return best[max(0, len(best)-16):]
}
