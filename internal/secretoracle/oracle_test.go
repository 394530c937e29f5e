package secretoracle

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/klauspost/compress/zstd"
)

// The child test reads these: the folder of the run, record or replay, and
// the cases (place/kind, comma-separated).
const (
	envDir   = "DVD_ORACLE_DIR"
	envMode  = "DVD_ORACLE_MODE"
	envCases = "DVD_ORACLE_CASES"
)

// compressions are the ways each place's cassette is stored.
var compressions = []struct {
	dir string
	c   codec.Compression
}{{"plain", codec.None}, {"zst", codec.Zstd}, {"gz", codec.Gzip}}

// TestOracleChild records or replays the cases of its parent, in a process
// of its own so that its whole log can be scanned. It runs only as the
// child of TestOracle or TestOracleTaint.
func TestOracleChild(t *testing.T) {
	dir := os.Getenv(envDir)
	if dir == "" {
		t.Skip("runs only as the child of TestOracle and TestOracleTaint")
	}
	secrets := map[string]string{}
	readJSON(t, filepath.Join(dir, "secrets.json"), &secrets)
	mode := cassette.ModeRecord
	var srv *server
	var base string
	if os.Getenv(envMode) == "replay" {
		mode = cassette.ModeReplay
		readJSON(t, filepath.Join(dir, "server.json"), &base) // gone: replay must not reach it
	} else {
		srv = &server{secrets: secrets, raw: map[string]*bytes.Buffer{}}
		ts := httptest.NewServer(srv)
		defer ts.Close()
		base = ts.URL
		writeJSON(t, filepath.Join(dir, "server.json"), base)
	}
	byPlace := map[string][]kind{}
	for _, c := range strings.Split(os.Getenv(envCases), ",") {
		place, id, _ := strings.Cut(c, "/")
		byPlace[place] = append(byPlace[place], kindByID(id))
	}
	for _, place := range places {
		for _, cp := range compressions {
			if len(byPlace[place]) == 0 {
				continue
			}
			t.Run(cp.dir+"/"+place, func(t *testing.T) {
				d := dvdtest.Use(t, cp.dir+"/"+place, dvdtest.WithMode(mode), dvdtest.Compress(cp.c))
				for _, k := range byPlace[place] {
					req, wantErr := request(base, place, k, secrets[k.id])
					resp, err := d.Client().Do(req)
					if wantErr {
						if err == nil {
							resp.Body.Close()
							t.Errorf("%s/%s: no error, want one", place, k.id)
						}
						continue
					}
					if err != nil {
						t.Errorf("%s/%s: an error: the client's error may hold the secret, so it is not shown", place, k.id)
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						t.Errorf("%s/%s: status %d, want 200", place, k.id, resp.StatusCode)
					}
				}
			})
		}
	}
	if srv != nil {
		if err := srv.writeRaw(dir); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOracle records planted secrets of every kind in every place through
// a real client and server, and runs gitleaks over the cassettes, their
// decoded forms, dvd export of each, and the log of the recording and of
// a replay: it finds nothing. First it proves that gitleaks finds each
// kind in the raw traffic of each place.
func TestOracle(t *testing.T) {
	oracle(t, allCases())
}

// unprovable are the cases whose raw traffic gitleaks' default rules do
// not find, and why. They are planted and searched for all the same.
var unprovable = map[string]string{
	"form/pem-private-key":            "a form writes a space as +, which gitleaks does not decode, so it sees no BEGIN ... PRIVATE KEY line",
	"gzip-request/pem-private-key":    "a form writes a space as +, which gitleaks does not decode, so it sees no BEGIN ... PRIVATE KEY line",
	"multipart/password":              "a multipart part has its name in its header and its value lines below: the generic rule wants both on one line",
	"multipart/api-key":               "a multipart part has its name in its header and its value lines below: the generic rule wants both on one line",
	"multipart/client-secret":         "a multipart part has its name in its header and its value lines below: the generic rule wants both on one line",
	"multipart/aws-secret-access-key": "a multipart part has its name in its header and its value lines below: the generic rule wants both on one line",
}

// After a JSON escape (\n, \t, \") a token that must start a word, for
// gitleaks (\b) as for dvd's scanner, starts none in the text of the
// JSON: neither finds it, though the string holds it on a line of its own.
// dvd's own search below still looks for it, and finds it today.
var jsonTextWordKinds = []string{"aws-access-key-id", "google-api-key", "jwt", "npm-token", "openai-key", "stripe-restricted-key", "stripe-secret-key"}

func init() {
	for _, id := range jsonTextWordKinds {
		unprovable["json-text/"+id] = "gitleaks' rule wants a word boundary before it, and after the JSON escape \\n there is none"
	}
}

// oracle runs the cases in a child process, records and replays them, and
// checks everything they wrote with gitleaks.
func oracle(t *testing.T, cases []string) {
	dir := t.TempDir()
	secrets := map[string]string{}
	for _, k := range kinds {
		secrets[k.id] = madeUp(t, k)
	}
	writeJSON(t, filepath.Join(dir, "secrets.json"), secrets)
	hide := hider(secrets)

	recordLog := child(t, dir, "record", cases, hide)

	// The proof: gitleaks finds each planted kind in the raw traffic of
	// each place. A case it does not find proves nothing afterwards.
	proven := map[string]bool{}
	for _, c := range cases {
		place, id, _ := strings.Cut(c, "/")
		k := kindByID(id)
		if k.excluded != "" {
			continue
		}
		if why, ok := unprovable[c]; ok {
			t.Logf("%s: not proven with gitleaks: %s", c, why)
			continue
		}
		data, err := os.ReadFile(rawFile(dir, c))
		if err != nil {
			t.Errorf("%s: no raw traffic: %v", c, err)
			continue
		}
		fs, err := scan("raw/"+c, string(data))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(fs, func(f finding) bool { return f.ofValue(secrets[id]) }) {
			t.Errorf("gitleaks does not find the planted %s in the raw traffic of %s: the case proves nothing", id, place)
			continue
		}
		proven[id] = true
	}
	for _, k := range kinds {
		if k.excluded != "" {
			t.Logf("%s: not proven with gitleaks: %s", k.id, k.excluded)
		}
	}

	// What the cassettes hold, as files, decoded, and as dvd export
	// writes them.
	dvd := buildDVD(t)
	outputs := map[string]string{"log of the recording": recordLog}
	filepath.WalkDir(filepath.Join(dir, "testdata"), func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		outputs[rel] = string(data)
		if decoded, ok := decompress(t, path, data); ok {
			outputs[rel+" (decoded)"] = decoded
		}
		out, err := exec.Command(dvd, "export", path).Output()
		if err != nil {
			t.Errorf("dvd export %s: %v", rel, err)
		}
		outputs["dvd export "+rel] = string(out)
		return nil
	})
	if len(outputs) != 1+2*len(compressions)*placesOf(cases)+ /* decoded */ 2*placesOf(cases) {
		t.Errorf("%d outputs to scan; want a cassette per place and compression", len(outputs))
	}

	outputs["log of the replay"] = child(t, dir, "replay", cases, hide)

	names := make([]string, 0, len(outputs))
	for n := range outputs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		text := outputs[name]
		fs, err := scan(name, text)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			t.Errorf("%s: %s", f, hide.whose(f))
		}
		// Our own search: the random part of a planted value, in any
		// form that keeps it, gitleaks rule or not.
		for _, c := range cases {
			_, id, _ := strings.Cut(c, "/")
			if strings.Contains(text, core(secrets[id])) && strings.Contains(name, placeOf(c, name)) {
				t.Errorf("%s:%v: the planted %s is there (found by search)", name, lines(text, core(secrets[id])), c)
			}
		}
	}
	t.Logf("%d cases, %d outputs scanned, %d kinds proven on the raw traffic", len(cases), len(names), len(proven))
}

// placeOf returns the place of case c if output name is that place's
// cassette, and "" (found in every name) for a log: a cassette holds only
// its own place, and a value there is its place's.
func placeOf(c, name string) string {
	if strings.HasPrefix(name, "log ") {
		return ""
	}
	place, _, _ := strings.Cut(c, "/")
	return "/" + place + ".dvd.json"
}

func placesOf(cases []string) int {
	seen := map[string]bool{}
	for _, c := range cases {
		p, _, _ := strings.Cut(c, "/")
		seen[p] = true
	}
	return len(seen)
}

// madeUp returns a new value of kind k that gitleaks finds where it
// stands alone: a random value can, rarely, hold one of the words its
// rules ignore.
func madeUp(t *testing.T, k kind) string {
	for range 20 {
		v := k.gen()
		if k.excluded != "" {
			return v
		}
		line := "value: " + v + "\n"
		if k.name != "" {
			line = k.name + " = \"" + v + "\"\n"
		}
		fs, err := scan("", line)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(fs, func(f finding) bool { return f.ofValue(v) }) {
			return v
		}
	}
	t.Fatalf("gitleaks finds no %s that this test makes up", k.id)
	return ""
}

// child runs TestOracleChild in a process of its own, in dir, and returns
// its whole output. The mode is the one asked for whatever DVD_MODE and CI
// say, and the cassettes are not listed in the caller's DVD_USED.
func child(t *testing.T, dir, mode string, cases []string, hide hider) string {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestOracleChild$", "-test.v", "-test.count=1")
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DVD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, envDir+"="+dir, envMode+"="+mode, envCases+"="+strings.Join(cases, ","))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the %s run failed (%v); its log, planted values hidden:\n%s", mode, err, hide.in(string(out)))
	}
	if !bytes.Contains(out, []byte("--- PASS: TestOracleChild")) {
		t.Fatalf("the %s run did not run TestOracleChild; its log, planted values hidden:\n%s", mode, hide.in(string(out)))
	}
	return string(out)
}

// decompress returns a compressed cassette's JSON, read with the
// decompressors of the standard library and klauspost/compress, not dvd's.
func decompress(t *testing.T, path string, data []byte) (string, bool) {
	var r io.Reader
	switch filepath.Ext(path) {
	case ".zst":
		zr, err := zstd.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		r = zr
	case ".gz":
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	default:
		return "", false
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(out), true
}

// buildDVD builds the dvd command once, from this repository.
var buildDVD = func() func(t *testing.T) string {
	var (
		once sync.Once
		path string
		err  error
	)
	return func(t *testing.T) string {
		once.Do(func() {
			dir, e := os.MkdirTemp("", "dvd-oracle-")
			if e != nil {
				err = e
				return
			}
			builtDir = dir
			path = filepath.Join(dir, "dvd")
			cmd := exec.Command("go", "build", "-o", path, ".")
			cmd.Dir = filepath.Join("..", "..", "cmd", "dvd")
			if out, e := cmd.CombinedOutput(); e != nil {
				err = fmt.Errorf("go build cmd/dvd: %v\n%s", e, out)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
}()

// builtDir holds the dvd command; TestMain removes it.
var builtDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

// A hider replaces planted values in a text, to show it.
type hider map[string]string

// in returns text with every planted value's random part replaced by the
// kind's name.
func (h hider) in(text string) string {
	for id, v := range h {
		text = strings.ReplaceAll(text, core(v), "«planted "+id+"»")
	}
	return text
}

// whose says which planted kind a finding is of, or that it is of none.
func (h hider) whose(f finding) string {
	for id, v := range h {
		if f.ofValue(v) {
			return "the planted " + id
		}
	}
	return "not a planted value (a false positive, or a value made up by dvd)"
}

func readJSON(t *testing.T, path string, v any) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

func writeJSON(t *testing.T, path string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
