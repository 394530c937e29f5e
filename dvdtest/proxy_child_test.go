package dvdtest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

// goChildEnv is set when this test binary runs as the Go child of
// TestProxyChildren: TestProxyGoChild then sends one request and exits.
const goChildEnv = "DVDTEST_PROXY_CHILD_URL"

// TestProxyGoChild is the Go child of TestProxyChildren, a program that
// knows nothing of dvd: it uses net/http's ProxyFromEnvironment and the
// system's roots, which SSL_CERT_FILE extends.
func TestProxyGoChild(t *testing.T) {
	u := os.Getenv(goChildEnv)
	if u == "" {
		return // it runs as a child of TestProxyChildren, which checks it
	}
	c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}}
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader("from go"))
	req.Header.Set("Authorization", "Bearer "+os.Getenv("CHILD_AUTH"))
	resp, err := c.Do(req)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	b, _ := io.ReadAll(resp.Body)
	fmt.Printf("%d %s", resp.StatusCode, b)
	os.Exit(0)
}

// nodeChild proxies by hand, as Node before v24 does not read HTTP_PROXY
// (v24 does with NODE_USE_ENV_PROXY=1): a request with an absolute URL for
// HTTP, a CONNECT tunnel for HTTPS, whose certificate Node trusts through
// NODE_EXTRA_CA_CERTS.
const nodeChild = `
const http = require('http'), https = require('https'), tls = require('tls');
const target = new URL(process.argv[2]);
const headers = {authorization: 'Bearer ' + process.env.CHILD_AUTH};
const fail = (e) => { console.error(String(e)); process.exit(1); };
const done = (res) => {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (c) => body += c);
  res.on('end', () => process.stdout.write(res.statusCode + ' ' + body));
};
if (target.protocol === 'http:') {
  const proxy = new URL(process.env.http_proxy);
  http.get({host: proxy.hostname, port: proxy.port, path: target.href, headers: {...headers, host: target.host}}, done).on('error', fail);
} else {
  const proxy = new URL(process.env.https_proxy);
  http.request({host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: target.hostname + ':' + (target.port || 443)})
    .on('connect', (res, socket) => {
      if (res.statusCode !== 200) fail('CONNECT: ' + res.statusCode);
      const conn = tls.connect({socket, servername: target.hostname});
      const agent = new https.Agent();
      agent.createConnection = () => conn;
      https.get({host: target.hostname, path: target.pathname + target.search, headers, agent}, done).on('error', fail);
    })
    .on('error', fail).end();
}
`

// need returns the path of a program the test runs, and fails the test
// when it is missing (.ci/run installs it).
func need(t *testing.T, name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed to run this test (apt-get install curl; node from nodejs.org or your package manager): %v", name, err)
	}
	return p
}

// Real clients in child processes, over HTTPS and plain HTTP, record
// through ProxyEnv with the servers up and replay with them stopped, with
// the same output; the Authorization each sends is redacted in the
// cassette.
func TestProxyChildren(t *testing.T) {
	t.Parallel()
	script := filepath.Join(t.TempDir(), "child.js")
	if err := os.WriteFile(script, []byte(nodeChild), 0o644); err != nil {
		t.Fatal(err)
	}
	clients := []struct {
		name string
		cmd  func(t *testing.T, u, tok string) *exec.Cmd
	}{
		{"go", func(t *testing.T, u, tok string) *exec.Cmd {
			cmd := exec.Command(os.Args[0], "-test.run=^TestProxyGoChild$")
			cmd.Env = append(cmd.Env, goChildEnv+"="+u)
			return cmd
		}},
		{"curl", func(t *testing.T, u, tok string) *exec.Cmd {
			// The header comes in a config on stdin, not in the arguments, which any process can read.
			cmd := exec.Command(need(t, "curl"), "-sS", "--http2", "-K", "-", "-w", " %{http_code} %{http_version}", u)
			cmd.Stdin = strings.NewReader(`header = "Authorization: Bearer ` + tok + `"` + "\n")
			return cmd
		}},
		{"node", func(t *testing.T, u, tok string) *exec.Cmd {
			return exec.Command(need(t, "node"), script, u)
		}},
	}
	for _, cl := range clients {
		for _, u := range []string{"https://api.test/child?q=1", "http://api.test/child"} {
			name := cl.name + "/" + strings.TrimSuffix(u[:strings.Index(u, ":")], ":")
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				up := newUpstreams(t, http.HandlerFunc(echo))
				store := cassette.MemoryStore()
				tok := secret()
				run := func(t *testing.T, d *dvdtest.DVD) string {
					t.Helper()
					cmd := cl.cmd(t, u, tok)
					cmd.Env = append(append(append(os.Environ(), cmd.Env...), d.ProxyEnv()...), "CHILD_AUTH="+tok)
					var stderr bytes.Buffer
					cmd.Stderr = &stderr
					out, err := cmd.Output()
					if err != nil {
						t.Fatalf("%s: %v\n%s%s", cl.name, err, out, stderr.Bytes())
					}
					return string(out)
				}
				var recorded string
				t.Run("record", func(t *testing.T) {
					d := dvdtest.Use(t, "child/"+name, dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeRecord), dvdtest.Upstream(up.transport()))
					recorded = run(t, d)
				})
				t.Logf("%s printed %q", cl.name, recorded)
				if !strings.Contains(recorded, "auth=true") || !strings.Contains(recorded, "/child") {
					t.Fatalf("the recording did not reach the server with the request: %q", recorded)
				}
				data, _, err := store.Load(context.Background(), "child/"+name+".dvd.json")
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(data), tok) || !strings.Contains(string(data), `"Bearer REDACTED`) {
					t.Errorf("the child's Authorization is not redacted in the cassette:\n%s", data)
				}
				up.close()
				t.Run("replay", func(t *testing.T) {
					d := dvdtest.Use(t, "child/"+name, dvdtest.WithStore(store), dvdtest.WithMode(cassette.ModeReplay))
					if got := run(t, d); got != recorded {
						t.Errorf("replay with the server stopped:\n got %q\nwant %q", got, recorded)
					}
				})
			})
		}
	}
}

// keep time imported for the timeouts of later tests.
var _ = time.Second
