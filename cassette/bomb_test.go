package cassette

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// gzipZeros returns n bytes of zeros in gzip: about 1,025 to 1 from 10
// MiB on, a bomb by the ratio.
func gzipZeros(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for ; n > 0; n -= len(zero) {
		w.Write(zero[:min(n, len(zero))])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBombNotSaved records a gzip response that decodes past 1,000 times
// its size, from a server on loopback, to a client that asked for gzip
// itself: the recorder stores no body unscanned, so Save and Marshal
// refuse the cassette with an error that names the request, its URL
// redacted. With StoreBombs the body is saved as it came, and logged; a
// gzip body under the ratio is saved decoded.
func TestBombNotSaved(t *testing.T) {
	bomb := gzipZeros(t, 16<<20)
	if ratio := (16 << 20) / len(bomb); ratio <= 1000 {
		t.Fatalf("the bomb is %d to 1, not past 1,000", ratio)
	}
	fine := gzipZeros(t, 1<<20) // 994 to 1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		if r.URL.Path == "/bomb" {
			w.Write(bomb)
			return
		}
		w.Write(fine)
	}))
	defer srv.Close()
	key := make([]byte, 12)
	rand.Read(key)
	secret := hex.EncodeToString(key)
	marker := regexp.QuoteMeta(srv.URL) + `/bomb\?access_token=REDACTED(~\d+)?: the response body is encoded with gzip, ` +
		`which decodes to more than 1000 times its \d+ (bytes|KiB) \(a decompression bomb\)`

	for _, storeBombs := range []bool{false, true} {
		t.Run(fmt.Sprintf("StoreBombs=%v", storeBombs), func(t *testing.T) {
			var mu sync.Mutex
			var logged []string
			logf := func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				logged = append(logged, fmt.Sprintf(format, args...))
			}
			rec, err := NewRecorder(nil, Config{Mode: ModeRecord, Upstream: srv.Client().Transport, StoreBombs: storeBombs, Logf: logf})
			if err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/fine", "/bomb"} {
				req, _ := http.NewRequest("GET", srv.URL+path+"?access_token="+secret, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				resp, err := rec.RoundTrip(req)
				if err != nil {
					t.Fatalf("%s: %T", path, err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want := map[string][]byte{"/fine": fine, "/bomb": bomb}[path]; !bytes.Equal(b, want) {
					t.Fatalf("%s: the client got %d bytes, the server sent %d", path, len(b), len(want))
				}
			}
			rec.Close()
			c := rec.Cassette()
			path := filepath.Join(t.TempDir(), "bomb.json")
			saveErr := c.Save(path)
			data, marshalErr := Marshal(c)
			log := strings.Join(logged, "\n")
			if strings.Contains(log, secret) || saveErr != nil && strings.Contains(saveErr.Error(), secret) ||
				marshalErr != nil && strings.Contains(marshalErr.Error(), secret) {
				t.Fatal("the secret of the URL reached an error or the log")
			}
			if !storeBombs {
				for _, err := range []error{saveErr, marshalErr} {
					if err == nil || !regexp.MustCompile(marker).MatchString(err.Error()) || !strings.Contains(err.Error(), "StoreBombs") {
						t.Errorf("error %v, want one that names the request, %s, and StoreBombs", err, marker)
					}
				}
				if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("the refused cassette was written: %v", err)
				}
				if log != "" {
					t.Errorf("logged %q, want nothing: the error says it", log)
				}
				return
			}
			if saveErr != nil || marshalErr != nil {
				t.Fatalf("with StoreBombs, Save: %v, Marshal: %v", saveErr, marshalErr)
			}
			if !regexp.MustCompile(marker + `; it is stored as it came`).MatchString(log) {
				t.Errorf("logged %q, want %s; it is stored as it came", log, marker)
			}
			ins := c.Interactions()
			if len(ins) != 2 || ins[0].Response.Encoded != "" || !bytes.Equal(ins[0].Response.Body, fine) ||
				ins[1].Response.Encoded != "" || !bytes.Equal(ins[1].Response.Body, bomb) {
				t.Errorf("want the fine body, which redaction leaves as it was, and the bomb stored as they came; got %d interactions", len(ins))
			}
			if _, err := Unmarshal(data); err != nil {
				t.Error(err)
			}
		})
	}
}
