package redact

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	alnum     = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upperNum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	wordDash  = alnum + "_-"
	digitsSet = "0123456789"
	hexSet    = "0123456789abcdef"
	base64Set = alnum + "+/"
)

// plant makes n random bytes of an alphabet: tokens are made up at run
// time, never real.
func plant(rng *rand.Rand, set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[rng.IntN(len(set))]
	}
	return string(b)
}

// A shape planted: the whole token as it appears, and its secret part,
// which must not survive.
type planted struct {
	kind, token, secret string
	// where it cannot go: a PEM block is not a URL; an Azure signature is a
	// query itself, whose sig= the query names already redact wherever a
	// URL is parsed (a URL, a form value, an error text).
	notInURL, queryItself bool
}

func pemBlock(rng *rand.Rand, label string) planted {
	var body strings.Builder
	for range 4 {
		body.WriteString(plant(rng, base64Set, 64) + "\n")
	}
	sec := body.String()
	return planted{kind: "pem " + label, token: "-----BEGIN " + label + "-----\n" + sec + "-----END " + label + "-----", secret: sec[:64], notInURL: true}
}

// shapes returns one planted token of every shape.
func shapes(rng *rand.Rand) []planted {
	tok := func(kind, prefix, secret string) planted {
		return planted{kind: kind, token: prefix + secret, secret: secret}
	}
	sig := plant(rng, alnum, 43)
	jwtSig := plant(rng, wordDash, 43)
	return []planted{
		tok("github ghp", "ghp_", plant(rng, alnum, 36)),
		tok("github gho", "gho_", plant(rng, alnum, 36)),
		tok("github ghu", "ghu_", plant(rng, alnum, 36)),
		tok("github ghs", "ghs_", plant(rng, alnum, 36)),
		tok("github ghr", "ghr_", plant(rng, alnum, 36)),
		tok("github fine-grained", "github_pat_", "11"+plant(rng, alnum+"_", 80)),
		tok("gitlab", "glpat-", plant(rng, wordDash, 20)),
		tok("slack bot", "xoxb-", plant(rng, digitsSet, 12)+"-"+plant(rng, digitsSet, 12)+"-"+plant(rng, alnum, 24)),
		tok("slack user", "xoxp-", plant(rng, digitsSet, 12)+"-"+plant(rng, digitsSet, 12)+"-"+plant(rng, digitsSet, 12)+"-"+plant(rng, hexSet, 32)),
		tok("slack app", "xoxa-", "2-"+plant(rng, alnum, 40)),
		tok("slack refresh", "xoxr-", plant(rng, digitsSet, 2)+plant(rng, alnum, 40)),
		tok("slack legacy", "xoxs-", plant(rng, digitsSet, 10)+"-"+plant(rng, digitsSet, 10)+"-"+plant(rng, hexSet, 64)),
		tok("slack webhook", "https://hooks.slack.com/services/", "T"+plant(rng, upperNum, 8)+"/B"+plant(rng, upperNum, 10)+"/"+plant(rng, alnum, 24)),
		tok("stripe live", "sk_live_", plant(rng, alnum, 24)),
		tok("stripe restricted", "rk_live_", plant(rng, alnum, 24)),
		tok("stripe test", "sk_test_", plant(rng, alnum, 24)),
		tok("aws akia", "AKIA", plant(rng, upperNum, 16)),
		tok("aws asia", "ASIA", plant(rng, upperNum, 16)),
		tok("google", "AIza", plant(rng, wordDash, 35)),
		{kind: "jwt", token: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ" + plant(rng, wordDash, 40) + "." + jwtSig, secret: jwtSig},
		pemBlock(rng, "RSA PRIVATE KEY"),
		pemBlock(rng, "PRIVATE KEY"),
		pemBlock(rng, "OPENSSH PRIVATE KEY"),
		tok("npm", "npm_", plant(rng, alnum, 36)),
		tok("pypi", "pypi-AgEIcHlwaS5vcmc", plant(rng, wordDash, 60)),
		tok("openai project", "sk-proj-", plant(rng, wordDash, 74)+"T3BlbkFJ"+plant(rng, wordDash, 74)),
		tok("openai legacy", "sk-", plant(rng, alnum, 20)+"T3BlbkFJ"+plant(rng, alnum, 20)),
		tok("sendgrid", "SG.", plant(rng, wordDash, 22)+"."+plant(rng, wordDash, 43)),
		tok("hugging face", "hf_", plant(rng, alnum[:52], 34)),
		tok("shopify", "shpat_", plant(rng, hexSet, 32)),
		tok("digitalocean", "dop_v1_", plant(rng, hexSet, 64)),
		tok("telegram bot", plant(rng, digitsSet, 10)+":", "A"+plant(rng, wordDash, 34)),
		{kind: "azure sas", token: "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&spr=https&sig=" + sig + "%3D", secret: sig, notInURL: true, queryItself: true},
	}
}

// The places a shape is found in, whatever their names.
var shapePlaces = []struct {
	name string
	skip func(planted) bool
	run  func(r *Rules, tok string) string
}{
	{"text body", nil, func(r *Rules, tok string) string {
		b, _ := r.Body([]byte("the key is "+tok+", keep it safe\n"), "text/plain; charset=utf-8")
		return string(b)
	}},
	{"html body", nil, func(r *Rules, tok string) string {
		b, _ := r.Body([]byte("<html><body><p>"+tok+"</p></body></html>"), "text/html")
		return string(b)
	}},
	{"xml body", nil, func(r *Rules, tok string) string {
		b, _ := r.Body([]byte(`<?xml version="1.0"?><r><v>`+strings.ReplaceAll(tok, "&", "&amp;")+`</v></r>`), "application/xml")
		return string(b)
	}},
	{"ndjson body", nil, func(r *Rules, tok string) string {
		line, _ := json.Marshal(map[string]string{"note": tok})
		b, _ := r.Body([]byte("{\"n\":1}\n"+string(line)+"\n"), "application/x-ndjson")
		return string(b)
	}},
	{"sse body", nil, func(r *Rules, tok string) string {
		b, _ := r.Body([]byte("event: x\ndata: "+tok+"\n\n"), "text/event-stream")
		return string(b)
	}},
	{"json string", nil, func(r *Rules, tok string) string {
		doc, _ := json.Marshal(map[string]any{"description": "see " + tok + " here", "n": 1})
		b, _ := r.Body(doc, "application/json")
		return string(b)
	}},
	{"multipart field", nil, func(r *Rules, tok string) string {
		body := "--B\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n" + tok + "\r\n--B--\r\n"
		b, _ := r.Body([]byte(body), "multipart/form-data; boundary=B")
		return string(b)
	}},
	{"svg body", nil, func(r *Rules, tok string) string {
		b, _ := r.Body([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><desc>`+strings.ReplaceAll(tok, "&", "&amp;")+`</desc></svg>`), "image/svg+xml")
		return string(b)
	}},
	{"form field", func(p planted) bool { return p.queryItself }, func(r *Rules, tok string) string {
		b, _ := r.Body([]byte("page=2&note="+url.QueryEscape(tok)), FormType)
		return string(b)
	}},
	{"url path", func(p planted) bool { return p.notInURL }, func(r *Rules, tok string) string {
		return r.URL("https://api.example.com/keys/" + tok + "/sendMessage")
	}},
	{"query value", func(p planted) bool { return p.notInURL }, func(r *Rules, tok string) string {
		return r.URL("https://api.example.com/a?page=2&note=" + tok)
	}},
	{"header", func(p planted) bool { return p.queryItself }, func(r *Rules, tok string) string {
		h, _ := r.Header(http.Header{"X-Note": {tok}})
		return h.Get("X-Note")
	}},
	{"error text", func(p planted) bool { return p.queryItself }, func(r *Rules, tok string) string {
		return r.Message(`Post "https://api.example.com/a": bad value ` + tok)
	}},
}

// TestShapesAnywhere plants a token of every shape in every place, under
// innocent names: its secret part never survives, and the marker says
// REDACTED.
func TestShapesAnywhere(t *testing.T) {
	r := New(Options{})
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range shapes(rng) {
		for _, pl := range shapePlaces {
			if pl.skip != nil && pl.skip(p) {
				continue
			}
			t.Run(p.kind+"/"+pl.name, func(t *testing.T) {
				got := pl.run(r, p.token)
				if strings.Contains(got, p.secret) || strings.Contains(got, url.QueryEscape(p.secret)) {
					t.Errorf("the secret survived:\n%s", got)
				}
				if !strings.Contains(got, Redacted) {
					t.Errorf("no marker:\n%s", got)
				}
			})
		}
	}
}

// TestShapesKeepPrefix shows what a reader sees.
func TestShapesKeepPrefix(t *testing.T) {
	tests := []struct{ in, want string }{
		{"x ghp_" + strings.Repeat("a1B2", 9) + " y", "x ghp_REDACTED y"},
		{"https://hooks.slack.com/services/T0000000/B00000000/" + strings.Repeat("Xy1", 8), "https://hooks.slack.com/services/REDACTED"},
		{"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLWhlcmU", "Bearer REDACTED"},
		{"-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("QUJD", 16) + "\n-----END PRIVATE KEY-----\n", "-----BEGIN PRIVATE REDACTED-----END PRIVATE KEY-----\n"},
		{"/bot123456789:AA" + strings.Repeat("b", 33) + "/sendMessage", "/bot123456789:REDACTED/sendMessage"},
		{`{"hook":"https:\/\/hooks.slack.com\/services\/T0000000\/B00000000\/` + strings.Repeat("Xy1", 8) + `"}`, `{"hook":"https:\/\/hooks.slack.com\/services\/REDACTED"}`},
	}
	for _, tt := range tests {
		if got := Shapes(tt.in); got != tt.want {
			t.Errorf("Shapes(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Shapes(tt.want); got != tt.want {
			t.Errorf("a marker has a shape: Shapes(%q) = %q", tt.want, got)
		}
	}
}

// TestShapesFalsePositives: words and ids that merely start alike are kept.
func TestShapesFalsePositives(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range []string{
		"a skill, a sketch, skip it",
		"set sk_ to the key and sk_count to 3",
		"sk-learn is a library; sk-some-long-hyphenated-words-that-go-on-for-a-while-really-long",
		"data:image/png;base64," + plant(rng, base64Set, 4000) + "==",
		"id 123e4567-e89b-12d3-a456-426614174000 and commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904",
		"ghp_short, glpat-x, xoxb-docs, AKIA, AIzaShort, npm_install, eyJ alone, pypi-package",
		"-----BEGIN PUBLIC KEY-----\n" + plant(rng, base64Set, 256) + "\n-----END PUBLIC KEY-----",
		"-----BEGIN CERTIFICATE-----\n" + plant(rng, base64Set, 256) + "\n-----END CERTIFICATE-----",
		`{"token_count": 120, "expires": "2030-01-01T00:00:00Z", "sig": "x", "time": "12:30:45"}`,
		"?sig=abcdefghijkl&foo=1 without the other SAS parameters",
		"ASIAN markets, AKIAN names, AIzawa",
		"shp_, shpat_x, do_v1_, dop_v1_abc, hf_ short, SG.x, shell, doing, half",
		"a sentence that says SG. and then goes on for a long while without any key at all",
		"eyJhbGciOiJIUzI1NiJ9 alone is a header, not a token",
	} {
		if got := Shapes(s); got != s {
			t.Errorf("Shapes(%q) = %q, want it kept", s, got)
		}
	}
}

// TestShapesBinaryBodyKept: a body that is not text is never edited.
func TestShapesBinaryBodyKept(t *testing.T) {
	r := New(Options{})
	tok := "ghp_" + strings.Repeat("a1B2", 9)
	for _, tc := range []struct {
		body, contentType string
	}{
		{"\x89PNG\r\n\x1a\n" + tok, "image/png"},
		{"\x00\x01" + tok, ""},
		{"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\r\n\x00\x01" + tok + "\r\n--B--\r\n", "multipart/form-data; boundary=B"},
		{tok, "application/octet-stream"},
	} {
		if got, changed := r.Body([]byte(tc.body), tc.contentType); changed || string(got) != tc.body {
			t.Errorf("binary body (%s) changed: %q", tc.contentType, got)
		}
	}
}

// TestShapesMatchView: the view of an incoming request that holds a token
// in its path, query or body is the recorded one, so replay matches.
func TestShapesMatchView(t *testing.T) {
	r := New(Options{})
	tok := "123456789:AA" + strings.Repeat("b", 33)
	raw := "https://api.telegram.org/bot" + tok + "/sendMessage?note=ghp_" + strings.Repeat("a1B2", 9)
	req, _ := http.NewRequest("POST", raw, nil)
	req.Header.Set("Content-Type", "text/plain")
	body := []byte("key sk_live_" + strings.Repeat("x9", 12))
	view, vb := r.Request(req, body)
	if got, want := view.URL.String(), r.URL(raw); got != want {
		t.Errorf("view URL = %s, want the recorded %s", got, want)
	}
	if want, _ := r.Body(body, "text/plain"); string(vb) != string(want) {
		t.Errorf("view body = %q, want %q", vb, want)
	}
	if strings.Contains(view.URL.String(), tok) || req.URL.String() != raw {
		t.Errorf("view %s, request %s", view.URL, req.URL)
	}
}

// TestShapesHostile: inputs made to make a scanner go back over its text
// take linear time.
func TestShapesHostile(t *testing.T) {
	const n = 1 << 20
	for _, unit := range []string{
		"xoxb-", "glpat-", "?sig=&sv=1", "&sig=", "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----AAAA",
		"eyJ", "eyJaaaaaaaaaaaaaaaaaaaaa.", "sk-", "AKIA", ":A", "1234567:A", "hooks.slack.com/services/", "ghp_", "sk_live_",
		"pypi-AgEIcHlwaS5vcmc", "dop_v1_", "shpat_", "SG.", "hf_",
	} {
		s := strings.Repeat(unit, n/len(unit))
		start := time.Now()
		Shapes(s)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%q repeated: %v for 1 MiB", unit, d)
		}
	}
}

func TestShapesNoAlloc(t *testing.T) {
	text := strings.Repeat(`{"skill":"sketch","id":"eyJ-no","time":"12:30","path":"/a/b-----c"} `, 100)
	b := []byte(text)
	if n := testing.AllocsPerRun(20, func() {
		if Shapes(text) != text {
			t.Fatal("changed")
		}
		if _, ok := ShapesBytes(b); ok {
			t.Fatal("changed")
		}
	}); n != 0 {
		t.Errorf("%v allocations for a text without shapes", n)
	}
}

// FuzzShapes plants a random shape-valid token in random text: it never
// survives, and a second pass changes nothing.
func FuzzShapes(f *testing.F) {
	f.Add("hello world", uint64(1), uint8(0), uint16(3))
	f.Add(`{"a":"b"}`, uint64(2), uint8(19), uint16(5))
	f.Add("<p>x</p>", uint64(3), uint8(20), uint16(3))
	f.Add("sk-sk_ghp_eyJ-----BEGIN", uint64(4), uint8(27), uint16(0))
	f.Fuzz(func(t *testing.T, text string, seed uint64, which uint8, at uint16) {
		rng := rand.New(rand.NewPCG(seed, 7))
		all := shapes(rng)
		p := all[int(which)%len(all)]
		pos := int(at) % (len(text) + 1)
		// The token is a word of its own, as a scanner needs it.
		in := text[:pos] + " " + p.token + " " + text[pos:]
		out := Shapes(in)
		if strings.Contains(out, p.secret) {
			t.Fatalf("%s survived in %q", p.kind, out)
		}
		if again := Shapes(out); again != out {
			t.Errorf("not stable: %q then %q", out, again)
		}
		if got, _ := ShapesBytes([]byte(in)); string(got) != out {
			t.Errorf("bytes and string disagree")
		}
	})
}

var shapeBenchText = func() []byte {
	var b strings.Builder
	for b.Len() < 64<<10 {
		b.WriteString("The quick brown fox jumps over the lazy dog; skills, sketches and keys at 12:30. ")
	}
	return []byte(b.String()[:64<<10])
}()

var shapeBenchJSON = func() []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; b.Len() < 64<<10-200; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":"123e4567-e89b-12d3-a456-426614174000","name":"repository","description":"a short text","stargazers_count":42,"private":false,"updated_at":"2026-01-01T00:00:00Z"}`)
	}
	b.WriteByte(']')
	return []byte(b.String())
}()

// BenchmarkShapes measures the scan of 64 KB without a token.
func BenchmarkShapes(b *testing.B) {
	for _, bc := range []struct {
		name string
		in   []byte
	}{{"json", shapeBenchJSON}, {"text", shapeBenchText}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := ShapesBytes(bc.in); ok {
					b.Fatal("found a shape")
				}
			}
		})
	}
}

// TestShapesAfterJSONEscapes finds a shape that needs a word start right
// after a JSON escape: \n, \t, \" or \u0026 stand for a character that is
// not a letter; an escaped backslash before a letter does not.
func TestShapesAfterJSONEscapes(t *testing.T) {
	key := "AKIA" + strings.Repeat("Q7", 8)
	for _, tt := range []struct{ in, want string }{
		{`"a\n` + key + `"`, `"a\nAKIAREDACTED"`},
		{`"a\t` + key + `"`, `"a\tAKIAREDACTED"`},
		{`"\"` + key + `"`, `"\"AKIAREDACTED"`},
		{`"x\u0026` + key + `"`, `"x\u0026AKIAREDACTED"`},
		{`"x\\n` + key + `"`, `"x\\n` + key + `"`}, // a backslash, then the letter n
		{`"xn` + key + `"`, `"xn` + key + `"`},
	} {
		if got := Shapes(tt.in); got != tt.want {
			t.Errorf("Shapes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
