package dvdtest_test

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
	"strings"
	"testing"

	"github.com/dvdrw/dvd/dvdtest"
)

// TestBombFailsTheTest records a gzip response of 16 MiB of zeros, past
// 1,000 times its size: the test fails, with t.Error naming the request
// redacted, and nothing is written; with StoreBombs the cassette is saved
// and the test passes.
func TestBombFailsTheTest(t *testing.T) {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for range 16 {
		zw.Write(zero)
	}
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	}))
	defer srv.Close()
	key := make([]byte, 12)
	rand.Read(key)
	secret := hex.EncodeToString(key)

	for _, store := range []bool{false, true} {
		t.Run(fmt.Sprintf("StoreBombs=%v", store), func(t *testing.T) {
			cleanEnv(t)
			tb := newFakeTB("TestBomb")
			tb.run(func(tb testing.TB) {
				var opts []dvdtest.Option
				if store {
					opts = append(opts, dvdtest.StoreBombs())
				}
				d := dvdtest.Use(tb, "bomb", opts...)
				req, _ := http.NewRequest("GET", srv.URL+"/export?access_token="+secret, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				resp, err := d.Client().Do(req)
				if err != nil {
					tb.Fatalf("%T", err)
				}
				io.ReadAll(resp.Body)
				resp.Body.Close()
			})
			out := tb.output()
			if strings.Contains(out, secret) {
				t.Fatal("the secret of the URL reached the test log")
			}
			_, statErr := os.Stat(filepath.Join("testdata", "bomb.dvd.json"))
			if store {
				if tb.Failed() || statErr != nil {
					t.Errorf("with StoreBombs: failed %v, file %v; the log:\n%s", tb.Failed(), statErr, out)
				}
				return
			}
			want := "GET " + srv.URL + "/export?access_token=REDACTED"
			if !tb.Failed() || !strings.Contains(out, want) || !strings.Contains(out, "decompression bomb") || !strings.Contains(out, "dvdtest.StoreBombs()") {
				t.Errorf("failed %v; the log:\n%s\nwant a failure naming %s", tb.Failed(), out, want)
			}
			if !errors.Is(statErr, fs.ErrNotExist) {
				t.Errorf("the cassette was written: %v", statErr)
			}
		})
	}
}
