package cassette

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/internal/neterr"
	"github.com/dvdrw/dvd/internal/redact"
)

// exposures runs an interaction through the redaction the recorder applies
// before it stores one, saves it, and replays probe, a request that does
// not match it, against it: it returns the saved file and the miss
// message, the text a secret must not reach. (What dvd logs about a
// cassette, the requests never replayed, comes from the file.)
func exposures(t *testing.T, red Redaction, in Interaction, probe *http.Request) map[string]string {
	t.Helper()
	if in.Response == nil && in.Error == nil {
		in.Response = &Response{StatusCode: http.StatusNoContent} // a file needs one of them
	}
	redactInteraction(redact.New(redact.Options(red)), &in)
	c := New(in)
	data, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{"file": string(data)}
	if probe != nil {
		r, err := NewRecorder(c, Config{Mode: ModeReplay, Redact: red})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if _, err := r.RoundTrip(probe); err == nil {
			t.Fatal("the probe matched; it should miss")
		} else {
			out["miss message"] = err.Error()
		}
	}
	return out
}

func checkNoLeak(t *testing.T, secret string, exposed map[string]string) {
	t.Helper()
	for where, text := range exposed {
		if strings.Contains(text, secret) {
			t.Errorf("%s reached the %s:\n%s", secret, where, text)
		}
	}
}

func probeRequest(t *testing.T, method, url string, h http.Header) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	return req
}

func response(h http.Header, body string) *Response {
	return &Response{Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", Header: h, Body: []byte(body), ContentLength: int64(len(body))}
}

// TestPartialRedactions plants secrets that the redaction used to cut
// short at a comma or a semicolon, or to leave alone in the user
// information of a URL or in a cookie without a name.
func TestPartialRedactions(t *testing.T) {
	const s = "SEKRITpart"
	get := func(url string, h http.Header) Request { return Request{Method: "GET", URL: url, Header: h} }
	tests := []struct {
		name   string
		reason string
		in     Interaction
		probe  *http.Request
	}{
		{"location comma", "the query value runs on after a comma",
			Interaction{Request: get("https://api.example.com/a", nil), Response: response(http.Header{"Location": {"https://api.example.com/cb?token=ab," + s}}, "")}, nil},
		{"location semicolon", "",
			Interaction{Request: get("https://api.example.com/a", nil), Response: response(http.Header{"Location": {"/cb?access_token=ab;" + s + "&x=1"}}, "")}, nil},
		{"content-location", "",
			Interaction{Request: get("https://api.example.com/a", nil), Response: response(http.Header{"Content-Location": {"/doc?sig=a," + s}}, "")}, nil},
		{"referer", "the request's header, in the miss message too",
			Interaction{Request: get("https://api.example.com/a", http.Header{"Referer": {"https://app.example.com/?token=a;" + s}})},
			probeRequest(t, "GET", "https://api.example.com/b", http.Header{"Referer": {"https://app.example.com/?token=a;" + s}})},
		{"link", "a URL between angle brackets goes whole",
			Interaction{Request: get("https://api.example.com/a", nil), Response: response(http.Header{"Link": {`<https://api.example.com/p?api_key=a,` + s + `>; rel="next", <https://api.example.com/p?api_key=a;b` + s + `>; rel="last"`}}, "")}, nil},
		{"refresh", "",
			Interaction{Request: get("https://api.example.com/a", nil), Response: response(http.Header{"Refresh": {"0; url=https://api.example.com/r?token=a;" + s}}, "")}, nil},
		{"error message", "a transport error quotes the URL with %q",
			Interaction{Request: get("https://api.example.com/a?token=x,"+s, nil), Error: neterr.Recorded(neterr.Record{Kind: neterr.Other, Message: `Get "https://api.example.com/a?token=x,` + s + `": EOF`})}, nil},
		{"error message, nested URL", "a scheme:// starts another URL",
			Interaction{Request: get("https://api.example.com/a", nil), Error: neterr.Recorded(neterr.Record{Kind: neterr.Other, Message: `redirect to https://x/?next=https://y/?token=` + s + ` refused`})}, nil},
		{"nested redirect", "a URL in a query value, as next= holds it",
			Interaction{Request: get("https://api.example.com/a", nil), Response: response(http.Header{"Location": {"/login?next=/cb?token=" + s}}, "")}, nil},
		{"escaped nested redirect", "",
			Interaction{Request: get("https://api.example.com/a", nil), Response: response(http.Header{"Location": {
				"https://login.example.com/?return_to=https%3A%2F%2Fapp.example.com%2Fcb%23access_token%3D" + s}}, "")}, nil},
		{"nested user information", "",
			Interaction{Request: get("https://api.example.com/a?next=https://u:"+s+"@x.example.com/", nil)},
			probeRequest(t, "GET", "https://api.example.com/b?next=https://u:"+s+"@x.example.com/", nil)},
		{"user with an empty password", "Stripe's key as the user",
			Interaction{Request: get("https://"+s+":@api.example.com/v1/charges", nil)},
			probeRequest(t, "GET", "https://"+s+":@api.example.com/v1/other", nil)},
		{"user with a fixed password", "GitHub's token as the user",
			Interaction{Request: get("https://"+s+":x-oauth-basic@github.example.com/repo", nil)},
			probeRequest(t, "GET", "https://"+s+":x-oauth-basic@github.example.com/other", nil)},
		{"user and password", "the user may be a key as well",
			Interaction{Request: get("https://acct:"+s+"@api.example.com/", nil)},
			probeRequest(t, "GET", "https://acct:"+s+"@api.example.com/other", nil)},
		{"url that does not parse", "its user information goes too, not only its query",
			Interaction{Request: get("https://u:"+s+"@api.example.com/%zz?a=1", nil), Error: neterr.Recorded(neterr.Record{Kind: neterr.Other, Message: `parse "https://u:` + s + `@api.example.com/%zz?a=1": invalid URL escape "%zz"`})}, nil},
		{"cookie without a name", "",
			Interaction{Request: get("https://api.example.com/a", http.Header{"Cookie": {s}})},
			probeRequest(t, "GET", "https://api.example.com/b", http.Header{"Cookie": {"a=1; " + s}})},
		{"set-cookie without a name", "",
			Interaction{Request: get("https://api.example.com/a", nil), Response: response(http.Header{"Set-Cookie": {s + "; Path=/"}}, "")}, nil},
		{"folded set-cookie", "every cookie of a folded Set-Cookie, after an Expires date too",
			Interaction{Request: get("https://api.example.com/a", nil), Response: response(http.Header{"Set-Cookie": {
				"a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/, b=" + s + "; Path=/, " + s + "x; HttpOnly"}}, "")}, nil},
		{"set-cookie unknown attribute", "",
			Interaction{Request: get("https://api.example.com/a", nil), Response: response(http.Header{"Set-Cookie": {"a=1; Path=/; X-Token=" + s}}, "")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkNoLeak(t, s, exposures(t, Redaction{}, tt.in, tt.probe))
		})
	}
}
