package cassette

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/match"
)

// The names the defaults redact, which the planter plants under.
// The names that came through before the one table of credential names
// (issue 18) are planted too.
var (
	defaultQuery = append(redact.DefaultQuery(), "github_token", "webhook_secret", "aws_secret_access_key",
		"oauth_token_secret", "new_password", "bot_token", "apiSecret", "passWord", "user[password]", "password[]", "private_key")
	defaultJSONNames = append(redact.DefaultJSONNames(), "github_token", "webhook_secret", "aws_secret_access_key",
		"oauth_token_secret", "new_password", "bot_token", "apiSecret", "passWord", "code_verifier", "client_assertion",
		"assertion", "subject_token", "jwt", "oauth_token", "private_token", "api_token")
)

// marker starts every piece of a planted secret: a secret that survives
// redaction in part still shows it.
const marker = "SEKRIT"

// FuzzSecretOracle plants marked credentials where the defaults promise to
// redact them — headers of secret names, the query, the fragment, the user
// information, JSON fields at any depth, url-encoded and multipart forms,
// JSON lines, redirect and link headers, cookies, error messages that
// quote URLs — and a placeholder's value in its escaped forms, runs the
// interaction through the redaction the recorder applies before storing
// it, and replays a request carrying other marked credentials against it.
// A marker in the saved file or in the miss message (what dvdtest logs of
// a miss; what it logs of a cassette comes from the file) is a leak.
//
// The plan's bytes choose where and how; noise goes around and between.
// They may gzip the bodies, as a client that asks for gzip itself gets a
// response and as a client that compresses its uploads sends a request:
// the recorder decodes them before redaction, and the oracle reads the
// bodies of the file as a client would, decoded, and not only the file's
// text, in which base64 hides a marker.
func FuzzSecretOracle(f *testing.F) {
	for _, s := range []struct {
		plan  []byte
		noise string
	}{
		{[]byte{0, 1, 2, 3, 4, 5, 6, 7}, "x"},
		{[]byte{8, 9, 10, 11, 12, 13, 14, 15, 16}, `a "b" <c>`},
		{[]byte{17, 18, 19, 20, 21, 22, 23, 24, 25, 26}, "%zz"},
		{[]byte{3, 200, 7, 99, 12, 250, 31, 5}, "?token=1#a"},
		{[]byte{13, 1, 14, 2, 15, 3, 16, 4}, `\"`},
		// Gzipped: JSON both ways, a form, a multipart form, a placeholder.
		{[]byte{0, 1, 0, 0, 5, 1, 0, 0, 0, 1, 0, 0, 6, 1, 0, 0, 0, 1, 1, 1, 1, 1}, "gz"},
		{[]byte{0x11, 0x10, 0x0, 0x6, 0x7, 0x8, 0x7, 0x7, 0x3, 0xf, 0x6, 0xa}, "a=b&c"},
		{[]byte{0xf, 0x8, 0xd, 0xe, 0x0, 0xe, 0x8, 0x11, 0xb, 0xb, 0x12, 0x7, 0xc}, "--x"},
		{[]byte{0x2, 0x4, 0x10, 0xb, 0xe, 0x10, 0xf, 0x11, 0x6, 0xe, 0x1, 0xb, 0x6}, "é"},
	} {
		f.Add(s.plan, s.noise)
	}
	f.Fuzz(func(t *testing.T, plan []byte, noise string) {
		p := &planter{t: t, plan: plan, noise: strings.ReplaceAll(noise, marker, "sekrit")}
		in, place := p.interaction()
		probe := p.probe(in)
		place = append(place, p.encode(&in, probe)...)
		red := Redaction{Placeholders: map[string]string{"TENANT": p.placeholder}}
		exposed := map[string]string{}
		clone := in
		clone.Request.Header = in.Request.Header.Clone()
		decodeBodies(&clone) // as Recorder.keep does, before redaction
		redactInteraction(redact.New(redact.Options(red)), &clone)
		c := New(clone)
		data, err := Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		exposed["file"] = string(data)
		exposed["file's bodies, decoded"] = fileBodies(t, data)
		if probe != nil {
			matchers := append(defaultMatchers(), match.Body)
			if len(p.headerNames) > 0 {
				matchers = append(matchers, match.Header(p.headerNames...))
			}
			r, err := NewRecorder(c, Config{Mode: ModeReplay, Redact: red, Matchers: matchers})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if _, err := r.RoundTrip(probe); err != nil {
				exposed["miss message"] = err.Error()
			}
		}
		for where, text := range exposed {
			if strings.Contains(text, marker) {
				t.Fatalf("a secret planted in %s reached the %s:\n%s", strings.Join(place, ", "), where, text)
			}
		}
	})
}

// A planter builds an interaction from a plan.
type planter struct {
	t           *testing.T
	plan        []byte
	noise       string
	placeholder string
	headerNames []string // the request headers planted in
	secrets     int
}

// next returns the plan's next choice among n, 0 once it runs out.
func (p *planter) next(n int) int {
	if len(p.plan) == 0 || n <= 1 {
		return 0
	}
	b := p.plan[0]
	p.plan = p.plan[1:]
	return int(b) % n
}

func (p *planter) pick(from []string) string { return from[p.next(len(from))] }

// secret returns a new marked credential: pieces that each start with the
// marker, joined by characters a redaction might stop at.
func (p *planter) secret() string {
	p.secrets++
	var b strings.Builder
	for i := range 1 + p.next(3) {
		if i > 0 {
			b.WriteByte(",;:!*'()+/=-._~"[p.next(15)])
		}
		fmt.Fprintf(&b, "%s%d%c", marker, p.secrets, 'a'+p.next(26))
	}
	return b.String()
}

// style writes a snake_case name in another case style.
func (p *planter) style(name string) string {
	words := strings.Split(name, "_")
	switch p.next(5) {
	case 1:
		for i := 1; i < len(words); i++ {
			words[i] = strings.ToUpper(words[i][:1]) + words[i][1:]
		}
		return strings.Join(words, "")
	case 2:
		return strings.ToUpper(name)
	case 3:
		return strings.Join(words, "-")
	case 4:
		for i := range words {
			words[i] = strings.ToUpper(words[i][:1]) + words[i][1:]
		}
		return strings.Join(words, "")
	}
	return name
}

var plantedHeaders = []string{
	"Authorization", "Proxy-Authorization", "X-Api-Key", "X_Api_Key", "x-auth-token", "X-Auth-Key", "Private-Token",
	"Ocp-Apim-Subscription-Key", "X-Authorization", "X-Sentry-Auth", "Dd-Api-Key", "Dd-Application-Key",
	"X-Shopify-Access-Token", "X-Algolia-Api-Key", "X-Goog-Api-Key", "X-Amz-Security-Token", "X-Vault-Token",
	"X-Hub-Signature-256", "Npm-Otp", "X-Registry-Auth", "Api-Key", "X-Csrf-Token",
}

func (p *planter) interaction() (Interaction, []string) {
	var place []string
	p.placeholder = marker + "tenant" + p.pick([]string{"", " Co", `"q"`, "<x>&y", "/a b", "@h", "é"})
	host := "api.example.com"
	path := "/v1/" + url.PathEscape(p.noise)
	q := url.Values{"page": {p.noise}}
	var rawQuery, fragment, userinfo string
	req := Request{Method: "POST", Header: http.Header{"X-Noise": {sanitize(p.noise)}}}
	resp := &Response{Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", Header: http.Header{}}
	var errMsg string
	var reqBody, respBody []byte
	for range 1 + p.next(4) {
		s := p.secret()
		switch where := p.next(16); where {
		case 0:
			name := p.pick(plantedHeaders)
			req.Header[name] = []string{p.pick([]string{"Bearer ", "", "Token token=", "Basic "}) + s}
			p.headerNames = append(p.headerNames, name)
			place = append(place, "request header "+name)
		case 1:
			name := p.pick(plantedHeaders)
			if p.next(3) == 0 {
				resp.Trailer = http.Header{name: {s}}
			} else {
				resp.Header[name] = []string{s}
			}
			place = append(place, "response header or trailer "+name)
		case 2:
			name := p.pick(defaultQuery)
			if p.next(2) == 0 {
				name = strings.ToUpper(name)
			}
			if p.next(2) == 0 {
				q.Add(name, s)
			} else {
				rawQuery += "&" + name + "=" + s
			}
			place = append(place, "query "+name)
		case 3:
			fragment += "&" + p.pick([]string{"access_token", "id_token", "code"}) + "=" + s
			place = append(place, "fragment")
		case 4:
			switch p.next(5) {
			case 0:
				userinfo = url.User(s).String()
			case 1:
				userinfo = url.UserPassword(s, "").String()
			case 2:
				userinfo = url.UserPassword(s, "x-oauth-basic").String()
			case 3:
				userinfo = url.UserPassword("user", s).String()
			default:
				userinfo = url.PathEscape(s) + ":" // https://TOKEN:@host, written by hand
			}
			place = append(place, "user information")
		case 5, 6:
			doc := p.json(s)
			if where == 5 {
				reqBody = doc
				req.Header.Set("Content-Type", "application/json")
			} else {
				respBody = p.jsonLines(doc)
				resp.Header.Set("Content-Type", "application/json")
			}
			place = append(place, fmt.Sprintf("JSON %s", doc))
		case 7:
			form := url.Values{"grant_type": {"password"}, p.pick(defaultQuery): {s}, "note": {p.noise}}
			reqBody = []byte(form.Encode())
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			place = append(place, "form")
		case 8:
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			w.WriteField("note", p.noise)
			w.WriteField(p.pick(defaultQuery), s)
			fw, _ := w.CreateFormFile("upload", "a.txt")
			fw.Write([]byte("file " + p.noise))
			w.Close()
			reqBody = b.Bytes()
			req.Header.Set("Content-Type", w.FormDataContentType())
			place = append(place, "multipart")
		case 9:
			u := fmt.Sprintf(p.pick([]string{"/cb?%s=%s", "https://h.example.com/cb?x=1&%s=%s", "/cb#%s=%s", "/login?next=/cb?%s=%s"}), p.pick(defaultQuery), s)
			if p.next(3) == 0 { // a URL in a parameter of a URL, escaped
				u = "https://login.example.com/?return_to=" + url.QueryEscape("https://app.example.com"+u)
			}
			resp.Header.Set(p.pick([]string{"Location", "Content-Location"}), u)
			resp.StatusCode, resp.Status = 302, "302 Found"
			place = append(place, "redirect")
		case 10:
			resp.Header.Add("Link", fmt.Sprintf(`<https://h.example.com/p?%s=%s>; rel="next"`, p.pick(defaultQuery), s))
			place = append(place, "Link")
		case 11:
			resp.Header.Set("Refresh", fmt.Sprintf("%d; url=%s?%s=%s", p.next(5), p.pick([]string{"/r", "https://h.example.com/r"}), p.pick(defaultQuery), s))
			place = append(place, "Refresh")
		case 12:
			req.Header.Set("Referer", fmt.Sprintf("https://app.example.com/x?%s=%s", p.pick(defaultQuery), s))
			place = append(place, "Referer")
		case 13:
			switch p.next(4) {
			case 0:
				req.Header.Set("Cookie", "a=1; sid="+s)
			case 1:
				// A bare token: an = in it would make it a name=value pair.
				req.Header.Set("Cookie", strings.ReplaceAll(s, "=", "")+"==")
			case 2:
				resp.Header.Add("Set-Cookie", "sid="+s+"; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly")
			default:
				resp.Header.Add("Set-Cookie", "a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT, b="+s+"; Path=/, "+strings.ReplaceAll(s, "=", ""))
			}
			place = append(place, "cookie")
		case 14:
			// As url.URL.String writes them: the user information escaped.
			u := "https://h.example.com/a?" + p.pick(defaultQuery) + "=" + s
			switch p.next(3) {
			case 1:
				u = "https://" + url.User(s).String() + "@h.example.com/a"
			case 2:
				u = "https://" + url.UserPassword("u", s).String() + "@h.example.com/%zz" // does not parse
			}
			errMsg = fmt.Sprintf(p.pick([]string{"Get %q: %s", "%[2]s %[1]s %[2]s", "%[2]s<%[1]s>%[2]s", "redirect to https://x.example.com/?next=%[1]s: %[2]s"}), u, p.noise)
			place = append(place, "error message "+errMsg)
		case 15:
			v := p.placeholder
			switch p.next(5) {
			case 0:
				if p.next(2) == 0 {
					path += "/" + url.PathEscape(v)
				} else {
					path += (&url.URL{Path: "/" + v}).EscapedPath() // its / kept
				}
			case 1:
				q.Set("tenant", v)
			case 2:
				var b bytes.Buffer
				enc := json.NewEncoder(&b)
				enc.SetEscapeHTML(p.next(2) == 0) // Go's \u003c, or not
				enc.Encode(map[string]string{"tenant": v})
				respBody = b.Bytes()
				if p.next(2) == 0 { // PHP's \/
					respBody = bytes.ReplaceAll(respBody, []byte("/"), []byte(`\/`))
				}
			case 3:
				resp.Header.Set("X-Tenant", v)
			default:
				errMsg = "lookup " + v + ": no such host"
			}
			place = append(place, "placeholder")
		}
	}
	u := "https://"
	if userinfo != "" {
		u += userinfo + "@"
	}
	u += host + path + "?" + q.Encode() + rawQuery
	if fragment != "" {
		u += "#" + fragment[1:]
	}
	req.URL = u
	req.Body = reqBody
	in := Interaction{Request: req}
	if errMsg != "" {
		in.Error = neterr.Recorded(neterr.Record{Kind: neterr.Other, Message: errMsg})
	} else {
		resp.Body = respBody
		resp.ContentLength = int64(len(respBody))
		in.Response = resp
		if p.next(4) == 0 && strings.Contains(req.URL, marker) { // the connection broke in the body
			resp.BodyError = neterr.Recorded(neterr.Record{Kind: neterr.UnexpectedEOF, Message: fmt.Sprintf("reading %q: unexpected EOF", req.URL)})
		}
	}
	return in, place
}

// encode gzips the bodies the plan chooses, and the probe's with the
// request's.
func (p *planter) encode(in *Interaction, probe *http.Request) []string {
	var place []string
	if req := &in.Request; len(req.Body) > 0 && p.next(2) == 1 {
		req.Body = gzipped(p.t, req.Body)
		req.Header.Set("Content-Encoding", "gzip")
		place = append(place, "gzip request body")
		if probe != nil {
			plain, err := io.ReadAll(probe.Body)
			if err != nil {
				p.t.Fatal(err)
			}
			body := gzipped(p.t, plain)
			probe.Body, probe.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			probe.Header.Set("Content-Encoding", "gzip")
		}
	}
	if resp := in.Response; resp != nil && len(resp.Body) > 0 && p.next(2) == 1 {
		resp.Body = gzipped(p.t, resp.Body)
		resp.ContentLength = int64(len(resp.Body))
		resp.Header.Set("Content-Encoding", "gzip")
		place = append(place, "gzip response body")
	}
	return place
}

// gzipped compresses b with compress/gzip, whose choice of blocks is not
// dvd's, at the best compression: a stored block would leave the text
// readable, and redactable, inside the gzip stream.
func gzipped(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fileBodies returns the bodies of a cassette file as a client reads
// them: a body stored gzipped is also read through compress/gzip, not
// through dvd's own decoding, which is under test.
func fileBodies(t *testing.T, data []byte) string {
	c, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	add := func(h http.Header, body []byte, encoded string) {
		all = append(all, string(body))
		if encoded != "" || !strings.Contains(h.Get("Content-Encoding"), "gzip") {
			return
		}
		if zr, err := gzip.NewReader(bytes.NewReader(body)); err == nil {
			content, _ := io.ReadAll(zr)
			all = append(all, string(content))
		}
	}
	for _, in := range c.Interactions() {
		add(in.Request.Header, in.Request.Body, in.Request.Encoded)
		if r := in.Response; r != nil {
			add(r.Header, r.Body, r.Encoded)
		}
	}
	return strings.Join(all, "\n")
}

// json returns a JSON document holding s under a secret name, at a depth
// and in a container the plan chooses, with noise around it.
func (p *planter) json(s string) []byte {
	var v any = s
	if p.next(4) == 0 {
		v = map[string]any{"value": s, "n": 1}
	}
	v = map[string]any{p.style(p.pick(defaultJSONNames)): v, "other": p.noise}
	for range p.next(5) {
		if p.next(2) == 0 {
			v = []any{p.noise, v}
		} else {
			v = map[string]any{p.pick([]string{"data", "variables", "token_info", "items"}): v}
		}
	}
	b, _ := json.Marshal(v)
	if p.next(3) == 0 {
		b, _ = json.MarshalIndent(v, "", "  ")
	}
	return b
}

// jsonLines makes doc one line of several, sometimes.
func (p *planter) jsonLines(doc []byte) []byte {
	if p.next(3) != 0 || bytes.Contains(doc, []byte("\n")) {
		return doc
	}
	return append([]byte("{\"event\":\"start\"}\n"), append(doc, '\n')...)
}

// probe returns a request like the recorded one, with other credentials
// (the placeholder's value stays: only a known value is replaced) and
// another path, so that it misses and its features show in the diff.
func (p *planter) probe(in Interaction) *http.Request {
	swap := func(s string) string {
		for d := range 10 {
			s = strings.ReplaceAll(s, fmt.Sprint(marker, d), fmt.Sprint(marker, "x", d))
		}
		return s
	}
	u, err := url.Parse(swap(in.Request.URL))
	if err != nil {
		return nil
	}
	u.Path += "/other"
	req, err := http.NewRequest(in.Request.Method, u.String(), bytes.NewReader([]byte(swap(string(in.Request.Body)))))
	if err != nil {
		return nil
	}
	for k, vs := range in.Request.Header {
		for _, v := range vs {
			req.Header.Add(k, swap(v))
		}
	}
	return req
}

// sanitize makes noise a header value.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
