package cassette_test

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// madeUp returns a secret made up for this run: letters and digits.
func madeUp(prefix string) string {
	b := make([]byte, 12)
	rand.Read(b)
	return prefix + strings.NewReplacer("+", "x", "/", "y", "=", "").Replace(base64.StdEncoding.EncodeToString(b)) + "9"
}

// An oauthServer issues a code by a redirect, as http.Redirect writes it
// (the code in Location, and in the HTML body), then a token in a JSON
// body, which the client sends back in a path and a header that no name
// marks as secret.
func oauthServer(code, token, other string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/authorize":
			http.Redirect(w, r, "/cb?code="+code+"&state=s1", http.StatusFound)
		case r.URL.Path == "/implicit":
			w.Header().Set("Location", "/app#access_token="+token+"&token_type=bearer")
			w.WriteHeader(http.StatusFound)
			fmt.Fprintf(w, "<p>Go on to <a href=\"/app#access_token=%s\">the app</a></p>", token)
		case r.URL.Path == "/token":
			body := fmt.Sprintf(`{"access_token":%q,"refresh_token":%q,"pin":"1234"}`, token, other)
			sum := md5.Sum([]byte(body))
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
			io.WriteString(w, body)
		default:
			// Echoes what it was sent, escaped as JSON does, and in
			// base64; and says "1234" in passing.
			w.Header().Set("Content-Type", "application/json")
			b, _ := json.Marshal(map[string]string{"path": r.URL.Path, "ref": r.Header.Get("X-Ref"), "note": "pin 1234"})
			w.Header().Set("X-Echo-B64", base64.StdEncoding.EncodeToString([]byte("ref:"+r.Header.Get("X-Ref"))))
			w.Write(b)
		}
	}))
}

// oauthFlow runs the client's side: it reads the token from /token and
// sends it back in a path and a header, as code does with a server-issued
// resource id. It returns what it read.
func oauthFlow(t *testing.T, rt http.RoundTripper, base string) (token, other string, bodies []string) {
	t.Helper()
	get := func(path string, h ...string) []byte {
		req, _ := http.NewRequest("GET", base+path, nil)
		for i := 0; i+1 < len(h); i += 2 {
			req.Header.Set(h[i], h[i+1])
		}
		_, b := send(t, rt, req)
		bodies = append(bodies, string(b))
		return b
	}
	get("/authorize")
	get("/implicit")
	var tok struct{ Access, Refresh string }
	var raw map[string]string
	if err := json.Unmarshal(get("/token"), &raw); err != nil {
		t.Fatal(err)
	}
	tok.Access, tok.Refresh = raw["access_token"], raw["refresh_token"]
	get("/items/"+tok.Access, "X-Ref", tok.Access)
	get("/items/"+tok.Refresh, "X-Ref", tok.Refresh)
	return tok.Access, tok.Refresh, bodies
}

var markerRE = regexp.MustCompile(`REDACTED~[0-9]+`)

// TestTaintAcrossTheCassette records an OAuth flow: every value redacted
// in one place is gone from every other place of the file, in every form
// (the HTML body of a redirect, a fragment, a JSON echo, base64 in a
// header); equal secrets have equal markers and different ones differ; a
// short secret is not tainted; the checksum of a body taint changed is
// true; and the flow replays, the client sending the markers it got back.
func TestTaintAcrossTheCassette(t *testing.T) {
	code, token, other := madeUp("c0de"), madeUp("t0k"), madeUp("0ther")
	srv := oauthServer(code, token, other)
	defer srv.Close()

	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	gotToken, gotOther, _ := oauthFlow(t, rec, srv.URL)
	if gotToken != token || gotOther != other {
		t.Fatalf("recording: the client read %q, %q", gotToken, gotOther)
	}
	rec.Close()
	data, err := cassette.Marshal(rec.Cassette())
	if err != nil {
		t.Fatal(err)
	}
	file := string(data)
	for _, secret := range []string{code, token, other} {
		for _, form := range []string{secret, base64.StdEncoding.EncodeToString([]byte("ref:" + secret))[4:20]} {
			if strings.Contains(file, form) {
				t.Errorf("the cassette holds a secret (%d bytes) in some form:\n%s", len(secret), strings.ReplaceAll(file, secret, "<SECRET>"))
			}
		}
	}
	if !strings.Contains(file, "pin 1234") {
		t.Errorf("a short secret (the pin, 1234) was tainted elsewhere:\n%s", file)
	}

	// Equality: the token's marker is one marker everywhere, the refresh
	// token's another.
	c, err := cassette.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	ins := c.Interactions()
	var tokBody map[string]string
	json.Unmarshal(ins[2].Response.Body, &tokBody)
	tm, om := tokBody["access_token"], tokBody["refresh_token"]
	if !markerRE.MatchString(tm) || !markerRE.MatchString(om) || tm == om {
		t.Fatalf("token markers %q and %q: want two different numbered markers", tm, om)
	}
	if got := ins[3].Request.URL; !strings.HasSuffix(got, "/items/"+tm) {
		t.Errorf("the path the token was sent in is %q, want it to end in /items/%s", got, tm)
	}
	if got := ins[4].Request.Header.Get("X-Ref"); got != om {
		t.Errorf("X-Ref is %q, want %s", got, om)
	}
	if loc := ins[0].Response.Header.Get("Location"); !strings.Contains(loc, "code=REDACTED~") {
		t.Errorf("Location %q", loc)
	}
	if body := string(ins[0].Response.Body); !strings.Contains(body, "code=REDACTED~") {
		t.Errorf("the redirect's HTML body %q", body)
	}
	if r := ins[2].Response; r.ContentLength != int64(len(r.Body)) || r.Header.Get("Content-Length") != fmt.Sprint(len(r.Body)) {
		t.Errorf("the token response announces %d bytes (%s), holds %d", r.ContentLength, r.Header.Get("Content-Length"), len(r.Body))
	}
	if got, want := ins[2].Response.Header.Get("Content-Md5"), md5Of(ins[2].Response.Body); got != want {
		t.Errorf("Content-MD5 %s, want %s", got, want)
	}

	// Replay: the client gets the markers and sends them back; every
	// request matches.
	rep := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay})
	gotToken, gotOther, bodies := oauthFlow(t, rep, srv.URL)
	if gotToken != tm || gotOther != om {
		t.Errorf("replay gave the tokens %q, %q; want %q, %q", gotToken, gotOther, tm, om)
	}
	if !strings.Contains(bodies[3], `"ref":"`+tm+`"`) {
		t.Errorf("replayed echo %s", bodies[3])
	}
	if n, _ := rep.Unused(); len(n) != 0 {
		t.Errorf("interactions %v were not replayed", n)
	}
}

// TestMarkersInAppend records more into a cassette: the new secrets are
// numbered after the highest marker the file holds, and a file of plain
// REDACTED markers, as older dvd wrote, replays.
func TestMarkersInAppend(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"token":%q}`, r.URL.Query().Get("access_token"))
	}))
	defer srv.Close()
	old := cassette.New(
		cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: srv.URL + "/a?access_token=REDACTED"},
			Response: &cassette.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"token":"REDACTED~7"}`)},
		},
		cassette.Interaction{
			Request:  cassette.Request{Method: "GET", URL: srv.URL + "/b"},
			Response: &cassette.Response{StatusCode: 200, Body: []byte(`{"token":"REDACTED"}`)},
		},
	)
	rec := mustRecorder(t, old, cassette.Config{Mode: cassette.ModeAppend})
	for _, u := range []string{"/a?access_token=anything", "/b", "/c?access_token=" + url.QueryEscape(madeUp("n3w"))} {
		req, _ := http.NewRequest("GET", srv.URL+u, nil)
		send(t, rec, req)
	}
	rec.Close()
	ins := rec.Cassette().Interactions()
	if len(ins) != 3 {
		t.Fatalf("%d interactions, want 3", len(ins))
	}
	if string(ins[0].Response.Body) != `{"token":"REDACTED~7"}` || string(ins[1].Response.Body) != `{"token":"REDACTED"}` {
		t.Errorf("the old interactions changed: %s, %s", ins[0].Response.Body, ins[1].Response.Body)
	}
	if got := ins[2].Request.URL; !strings.HasSuffix(got, "/c?access_token=REDACTED~8") {
		t.Errorf("the new secret is %q, want REDACTED~8, after the file's highest", got)
	}
	if got := string(ins[2].Response.Body); got != `{"token":"REDACTED~8"}` {
		t.Errorf("the new secret, tainted in the response: %s", got)
	}
}

// TestApplyIsOneRecording redacts interactions that came from elsewhere:
// Apply numbers and taints across them, and a second Apply changes
// nothing.
func TestApplyIsOneRecording(t *testing.T) {
	tok := madeUp("k3y")
	a := cassette.Interaction{
		Request:  cassette.Request{Method: "GET", URL: "https://api.test/x?api_key=" + tok},
		Response: &cassette.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("you sent " + tok)},
	}
	b := cassette.Interaction{
		Request: cassette.Request{Method: "GET", URL: "https://api.test/y", Header: http.Header{"Authorization": {"Bearer " + tok}}},
	}
	cassette.Redaction{}.Apply(&a, &b)
	if a.Request.URL != "https://api.test/x?api_key=REDACTED~1" || string(a.Response.Body) != "you sent REDACTED~1" || b.Request.Header.Get("Authorization") != "Bearer REDACTED~1" {
		t.Errorf("got %s, %q, %s", a.Request.URL, a.Response.Body, b.Request.Header.Get("Authorization"))
	}
	a2, b2 := a, b
	cassette.Redaction{}.Apply(&a2, &b2)
	if a2.Request.URL != a.Request.URL || string(a2.Response.Body) != string(a.Response.Body) || b2.Request.Header.Get("Authorization") != "Bearer REDACTED~1" {
		t.Errorf("a second Apply changed %s, %q, %s", a2.Request.URL, a2.Response.Body, b2.Request.Header.Get("Authorization"))
	}
}

// TestMarkersStillTellBodiesApart records two logins that the matchers
// (method and URL) cannot tell apart, each with its own password: replay
// prefers the recording whose body is the incoming one's, secrets
// redacted, whatever their markers' numbers.
func TestMarkersStillTellBodiesApart(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var in map[string]string
		json.Unmarshal(b, &in)
		fmt.Fprintf(w, "hello %s", in["user"])
	}))
	defer srv.Close()
	login := func(rt http.RoundTripper, user, pw string) string {
		req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(`{"user":"`+user+`","password":"`+pw+`"}`))
		req.Header.Set("Content-Type", "application/json")
		_, b := send(t, rt, req)
		return string(b)
	}
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	login(rec, "ann", madeUp("pw"))
	login(rec, "bob", madeUp("pw"))
	rec.Close()
	c := rec.Cassette()
	if b := string(c.Interactions()[1].Request.Body); !strings.Contains(b, "REDACTED~2") {
		t.Fatalf("the second password is stored as %s, want REDACTED~2", b)
	}
	rep := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay})
	if got := login(rep, "bob", "other"); got != "hello bob" {
		t.Errorf("bob's login replayed %q", got)
	}
	if got := login(rep, "ann", "other"); got != "hello ann" {
		t.Errorf("ann's login replayed %q", got)
	}
}

// TestMarkerMatchesWhateverIsSent records a client that sends its API key,
// which it has from its configuration, in the Authorization header and
// also in a path and a query: taint replaces the key there too, and a
// replay whose client sends the key (this one or another) still matches,
// the marker standing for whatever the request sends in its place.
func TestMarkerMatchesWhateverIsSent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "info of %s", r.URL.Path)
	}))
	defer srv.Close()
	call := func(rt http.RoundTripper, key string) string {
		req, _ := http.NewRequest("GET", srv.URL+"/keys/"+key+"/info?ref="+key+"&bot=bot42:"+key, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		_, b := send(t, rt, req)
		return string(b)
	}
	key := madeUp("k3y")
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	call(rec, key)
	rec.Close()
	c := rec.Cassette()
	if u := c.Interactions()[0].Request.URL; strings.Contains(u, key) || !strings.Contains(u, "/keys/REDACTED~1/info?ref=REDACTED~1&bot=bot42:REDACTED~1") {
		t.Fatalf("recorded URL %q", strings.ReplaceAll(u, key, "<KEY>"))
	}
	for _, k := range []string{key, madeUp("0ther")} {
		rep := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay})
		if got := call(rep, k); got != "info of /keys/REDACTED~1/info" {
			t.Errorf("replayed %q", got)
		}
	}
}
