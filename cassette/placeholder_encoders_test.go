package cassette

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPlaceholderEncoders records, through a real client and a TLS server
// on loopback, a value written as the JSON and HTML encoders of several
// languages write it, in lower-case percent escapes in the request's URL
// and a response's Location, and a host that is a placeholder's in the
// TLS server name: none reaches the cassette, and replay from the saved
// file gives the client each byte the server sent, and the server name.
func TestPlaceholderEncoders(t *testing.T) {
	rnd := make([]byte, 8)
	rand.Read(rnd)
	id := hex.EncodeToString(rnd) // no escaping changes it
	v := "Zoë+" + id + `/x"y&z'w<1>😀`
	tenant := "t" + id[:6]
	host := tenant + ".example.com"
	// v as each encoder writes it; ID stands for id.
	forms := map[string]string{
		"Python json.dumps":       `Zo\u00eb+ID/x\"y&z'w<1>\ud83d\ude00`,
		"PHP json_encode":         `Zo\u00eb+ID\/x\"y&z'w<1>\ud83d\ude00`,
		".NET System.Text.Json":   `Zo\u00EB\u002BID/x\u0022y\u0026z\u0027w\u003C1\u003E\uD83D\uDE00`,
		"Jackson, non-ASCII":      `Zo\u00EB+ID/x\"y&z'w<1>\uD83D\uDE00`,
		"Go html.EscapeString":    `Zoë+ID/x&#34;y&amp;z&#39;w&lt;1&gt;😀`,
		"Go html/template":        `Zoë&#43;ID/x&#34;y&amp;z&#39;w&lt;1&gt;😀`,
		"Python html.escape":      `Zoë+ID/x&quot;y&amp;z&#x27;w&lt;1&gt;😀`,
		"PHP htmlspecialchars":    `Zoë+ID/x&quot;y&amp;z&#039;w&lt;1&gt;😀`,
		".NET HtmlEncoder":        `Zo&#xEB;&#x2B;ID/x&quot;y&amp;z&#x27;w&lt;1&gt;&#x1F600;`,
		"query in lower case":     `Zo%c3%ab%2bID%2fx%22y%26z%27w%3c1%3e%f0%9f%98%80`,
		"path segment lower case": `Zo%c3%ab+ID%2fx%22y&z%27w%3c1%3e%f0%9f%98%80`,
	}
	for k, f := range forms {
		forms[k] = strings.ReplaceAll(f, "ID", id)
	}
	jsonBody := `{"python":"` + forms["Python json.dumps"] + `","php":"` + forms["PHP json_encode"] +
		`","net":"` + forms[".NET System.Text.Json"] + `","jackson":"` + forms["Jackson, non-ASCII"] + `"}`
	htmlBody := "<p>" + forms["Go html.EscapeString"] + "</p><p>" + forms["Go html/template"] + "</p><p title=\"" +
		forms["Python html.escape"] + "\">" + forms["PHP htmlspecialchars"] + "</p><p>" + forms[".NET HtmlEncoder"] + "</p>"
	location := "/orgs/" + forms["path segment lower case"] + "?org=" + forms["query in lower case"]

	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("org") != v {
			http.Error(w, "the org did not come through", http.StatusBadRequest)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/page") {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, htmlBody)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Location", location)
		io.WriteString(w, jsonBody)
	}))
	defer srv.Close()
	upstream := srv.Client().Transport.(*http.Transport).Clone()
	upstream.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	defer upstream.CloseIdleConnections()

	urls := []string{
		"https://" + host + "/orgs/" + forms["path segment lower case"] + "?org=" + forms["query in lower case"],
		"https://" + host + "/orgs/" + forms["path segment lower case"] + "/page?org=" + forms["query in lower case"],
	}
	type got struct {
		body       []byte
		location   string
		serverName string
	}
	run := func(rec *Recorder) []got {
		t.Helper()
		client := &http.Client{Transport: rec, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		var out []got
		for i, u := range urls {
			resp, err := client.Get(u)
			if err != nil {
				t.Fatalf("request %d failed: %T", i, err) // its message would quote the URL
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", resp.Request.Method, resp.StatusCode)
			}
			g := got{body: b, location: resp.Header.Get("Location")}
			if resp.TLS != nil {
				g.serverName = resp.TLS.ServerName
			}
			out = append(out, g)
		}
		return out
	}
	red := Redaction{Placeholders: map[string]string{"ORG": v, "TENANT": tenant}}
	rec, err := NewRecorder(nil, Config{Mode: ModeRecord, Upstream: upstream, Redact: red})
	if err != nil {
		t.Fatal(err)
	}
	recorded := run(rec)
	rec.Close()
	if recorded[0].serverName != host || !bytes.Equal(recorded[0].body, []byte(jsonBody)) || recorded[0].location != location {
		t.Fatal("the recording itself did not see what the server sent")
	}
	data, err := Marshal(rec.Cassette())
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range forms {
		if bytes.Contains(data, []byte(f)) {
			t.Errorf("the %s form reached the cassette", name)
		}
	}
	if i := bytes.Index(data, []byte(id[:6])); i >= 0 {
		t.Errorf("a part of a placeholder's value reached the cassette, at byte %d", i) // the file would show it
	}
	if !bytes.Contains(data, []byte(`"<TENANT>.example.com"`)) {
		t.Errorf(`the cassette's "tls" does not name the state <TENANT>.example.com`)
	}

	c, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := NewRecorder(c, Config{Mode: ModeReplay, Redact: red})
	if err != nil {
		t.Fatal(err)
	}
	replayed := run(rep)
	for i := range recorded {
		if !bytes.Equal(replayed[i].body, recorded[i].body) {
			t.Errorf("%d: the replayed body differs from the recorded one", i)
		}
		if replayed[i].location != recorded[i].location {
			t.Errorf("%d: the replayed Location differs from the recorded one", i)
		}
		if replayed[i].serverName != host {
			t.Errorf("%d: the replayed TLS server name is not the recorded one (%d bytes, recorded %d)", i, len(replayed[i].serverName), len(host))
		}
	}
}
