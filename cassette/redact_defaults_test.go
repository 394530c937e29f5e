package cassette

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/internal/testsupport"
	"github.com/dvdrw/dvd/match"
)

// TestDefaultRedactions plants a secret in each place the defaults cover.
func TestDefaultRedactions(t *testing.T) {
	const s = "SEKRITdefault"
	post := func(url, contentType, body string, h http.Header) Request {
		if h == nil {
			h = http.Header{}
		}
		h.Set("Content-Type", contentType)
		return Request{Method: "POST", URL: url, Header: h, Body: []byte(body)}
	}
	const api = "https://api.example.com/x"
	headers := []string{
		"Authorization", "X-Auth-Key", "Ocp-Apim-Subscription-Key", "X-Authorization", "X-Sentry-Auth", "X_Api_Key",
		"x_auth_token", "Private-Token", "Job-Token", "X-Gitlab-Token", "X-Shopify-Access-Token", "X-Shopify-Hmac-Sha256",
		"Dd-Api-Key", "Dd-Application-Key", "X-Algolia-Api-Key", "X-Goog-Api-Key", "X-Amz-Security-Token", "X-Vault-Token",
		"Npm-Otp", "X-Registry-Auth", "X-Hub-Signature-256", "X-Slack-Signature", "X-Twilio-Signature", "X-Functions-Key",
		"Api-Key", "X-Atlassian-Token", "X-Pagerduty-Signature", "X-Github-Otp", "X-Csrf-Token", "Stripe-Signature",
	}
	type test struct {
		name   string
		reason string
		in     Interaction
	}
	var tests []test
	for _, h := range headers {
		tests = append(tests, test{"header " + h, "", Interaction{Request: Request{Method: "GET", URL: api, Header: http.Header{h: {"Bearer " + s}}}}})
	}
	for _, q := range []string{"key", "api-key", "private_token", "oauth_token", "oauth_signature", "jwt", "code", "Access_Token", "auth"} {
		tests = append(tests, test{"query " + q, "", Interaction{Request: Request{Method: "GET", URL: api + "?page=1&" + q + "=" + s + "#" + q + "=" + s}}})
	}
	for _, body := range []string{
		`{"token_info":{"access_token":"` + s + `"}}`,
		`{"token":"` + s + `"}`,
		`[{"user":{"password":"` + s + `"}}]`,
		`{"data":{"items":[{"apiKey":"` + s + `"}]}}`,
		`{"Credentials":{"AccessKeyId":"AKIA","SecretAccessKey":"` + s + `","SessionToken":"` + s + `"}}`,
		`{"client_secret":["` + s + `"]}`,
		`{"secret":{"value":"` + s + `","version":2}}`,
		`{"private_key":"-----BEGIN ` + s + `-----"}`,
		`{"pin":1,"password":12345` + `}`,
		`{"query":"mutation($password: String!) { login(password: $password) }","variables":{"password":"` + s + `"}}`,
		`{"api_key":"` + s + `"}`,
		"{\"event\":1}\n{\"refresh_token\":\"" + s + "\"}\n",
		"{\"ok\":true}\r\n{\"id_token\":\"" + s + "\"}",
	} {
		tests = append(tests, test{"json " + body, "", Interaction{
			Request:  post(api, "application/json", body, nil),
			Response: response(http.Header{"Content-Type": {"application/json"}}, body),
		}})
	}
	tests = append(tests,
		test{"form", "", Interaction{Request: post(api, "application/x-www-form-urlencoded", "grant_type=authorization_code&code="+s+"&code_verifier="+s, nil)}},
		test{"multipart", "a field named like a secret parameter", Interaction{Request: multipartRequest(t, api, map[string]string{"password": s, "user": "ada"}, nil)}},
		test{"multipart json part", "", Interaction{Request: multipartRequest(t, api, map[string]string{"meta": `{"token":"` + s + `"}`}, nil)}},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkNoLeak(t, s, exposures(t, Redaction{}, tt.in, nil))
			checkNoLeak(t, "12345", exposures(t, Redaction{}, tt.in, nil))
		})
	}
}

// multipartRequest returns a multipart/form-data request of the given
// fields and files.
func multipartRequest(t *testing.T, url string, fields, files map[string]string) Request {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.SetBoundary("XyZ-boundary")
	for _, k := range sortedKeys(fields) {
		w.WriteField(k, fields[k])
	}
	for _, k := range sortedKeys(files) {
		fw, err := w.CreateFormFile(k, k+".txt")
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, files[k])
	}
	w.Close()
	return Request{Method: "POST", URL: url, Header: http.Header{"Content-Type": {w.FormDataContentType()}}, Body: b.Bytes()}
}

func sortedKeys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

// TestRedactedValuesStillReplay records an API that hands out a pagination
// cursor named token and an access token, which the client sends back, and
// replays it from the redacted cassette.
func TestRedactedValuesStillReplay(t *testing.T) {
	client := func(rt http.RoundTripper) []string {
		t.Helper()
		var seen []string
		do := func(req *http.Request) string {
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatalf("%s %s: %v", req.Method, req.URL, err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			seen = append(seen, string(b))
			return string(b)
		}
		login, _ := http.NewRequest("POST", "https://api.example.com/login", strings.NewReader(`{"user":"ada","password":"pw"}`))
		login.Header.Set("Content-Type", "application/json")
		tok := between(do(login), `"access_token":"`, `"`)
		cursor := ""
		for range 3 {
			req, _ := http.NewRequest("GET", "https://api.example.com/items?token="+cursor, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			cursor = between(do(req), `"token":"`, `"`)
		}
		return seen
	}
	pages := 0
	upstream := testsupport.RoundTripFunc(func(req *http.Request) (*http.Response, error) {
		body := `{"access_token":"at-SEKRIT","token_type":"bearer"}`
		if req.URL.Path == "/items" {
			if req.Header.Get("Authorization") != "Bearer at-SEKRIT" {
				body = `{"error":"unauthorized"}`
			} else {
				pages++
				body = `{"page":` + string(rune('0'+pages)) + `,"token":"cursor-` + string(rune('0'+pages)) + `"}`
			}
		}
		return &http.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
	})
	// The access token is sent back in a header that is matched on.
	cfg := Config{Mode: ModeRecord, Upstream: upstream, Matchers: append(defaultMatchers(), match.Header("Authorization"))}
	rec, err := NewRecorder(nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	recorded := client(rec)
	c := rec.Cassette()
	data, _ := Marshal(c)
	if bytes.Contains(data, []byte("SEKRIT")) || bytes.Contains(data, []byte("cursor-")) {
		t.Fatalf("the cassette holds the token or a cursor:\n%s", data)
	}
	cfg.Mode = ModeReplay
	rep, err := NewRecorder(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	replayed := client(rep)
	for i := range recorded {
		if i < len(replayed) && strings.Contains(replayed[i], `"page":`) != strings.Contains(recorded[i], `"page":`) {
			t.Errorf("response %d replayed as %s, recorded as %s", i, replayed[i], recorded[i])
		}
	}
	if !strings.Contains(strings.Join(replayed, " "), `"page":3`) {
		t.Errorf("the pages did not replay in order: %v", replayed)
	}
}

func between(s, start, end string) string {
	_, rest, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(rest, end)
	return v
}

func TestRedactionApply(t *testing.T) {
	in := Interaction{
		Request: Request{
			Method: "POST",
			URL:    "https://api.example/login?access_token=tok-123&page=2",
			Header: http.Header{"Authorization": {"Bearer tok-123"}, "Content-Type": {"application/json"}},
			Body:   []byte(`{"user":"ada","password":"hunter2"}`),
		},
		Response: &Response{
			StatusCode: 200,
			Header:     http.Header{"Set-Cookie": {"session=s3cr3t; Path=/"}, "X-Account": {"acct-9"}},
			Body:       []byte(`{"token":"tok-456","id":7}`),
		},
	}
	Redaction{Headers: []string{"X-Account"}}.Apply(&in)
	show := func() string {
		b, err := Marshal(New(in))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	once := show()
	for _, secret := range []string{"tok-123", "hunter2", "s3cr3t", "tok-456", "acct-9"} {
		if strings.Contains(once, secret) {
			t.Errorf("Apply left %q in %s", secret, once)
		}
	}
	for _, kept := range []string{"page=2", `"user":"ada"`, `"id":7`, "Path=/"} {
		if !strings.Contains(once, kept) {
			t.Errorf("Apply removed %q, which is no secret: %s", kept, once)
		}
	}
	Redaction{Headers: []string{"X-Account"}}.Apply(&in)
	if twice := show(); twice != once {
		t.Errorf("a second Apply changed the interaction:\nonce:  %s\ntwice: %s", once, twice)
	}
}
