package cassette_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
)

// loadWithin runs Load in the background and fails the test if it has not
// returned within a few seconds, as it did not for a named pipe.
func loadWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := cassette.Load(path)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("Load(%s) has not returned after 5s", path)
		return nil
	}
}

// A symbolic link to a device that never ends is refused before a byte
// is read.
func TestLoadRefusesDevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	path := filepath.Join(t.TempDir(), "zero"+cassette.Ext)
	if err := os.Symlink("/dev/zero", path); err != nil {
		t.Skip(err)
	}
	err := loadWithin(t, path)
	if err == nil || !strings.Contains(err.Error(), "not a regular file") || !strings.Contains(err.Error(), path) {
		t.Errorf("Load of a link to /dev/zero: %v; want an error naming the file, not a regular file", err)
	}
}

// A folder in the cassette's place is refused, naming it.
func TestLoadRefusesFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dir"+cassette.Ext)
	os.Mkdir(path, 0o755)
	if err := loadWithin(t, path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Load of a folder: %v; want an error naming it", err)
	}
}

// A missing file gives fs.ErrNotExist, with a cassette that stands for it.
func TestLoadMissing(t *testing.T) {
	c, err := cassette.Load(filepath.Join(t.TempDir(), "none"+cassette.Ext))
	if !errors.Is(err, fs.ErrNotExist) || c == nil || c.Len() != 0 {
		t.Fatalf("Load of a missing file: %v, %v", c, err)
	}
}

// A negative length in a file is refused at load, naming the file and the
// interaction.
func TestLoadRefusesNegativeLength(t *testing.T) {
	for name, response := range map[string]string{
		"content_length": `{"code": 200, "content_length": -7, "body": "abc"}`,
		"Content-Length": `{"code": 200, "headers": {"Content-Length": ["-3"]}, "body": "abc"}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "neg"+cassette.Ext)
			doc := `{"version": 1, "interactions": [
  {"request": {"method": "GET", "url": "https://api.test/ok"}, "response": {"code": 204}},
  {"request": {"method": "GET", "url": "https://api.test/neg"}, "response": ` + response + `}
]}`
			os.WriteFile(path, []byte(doc), 0o644)
			_, err := cassette.Load(path)
			var fe *cassette.FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "interaction 2 (GET https://api.test/neg)") ||
				!strings.Contains(err.Error(), name) {
				t.Errorf("Load: %v; want a FormatError naming the file, interaction 2 and %s", err, name)
			}
		})
	}
	// -1, an unknown length, is one.
	c := cassette.New(cassette.Interaction{Request: cassette.Request{Method: "GET", URL: "https://api.test/"},
		Response: &cassette.Response{StatusCode: 200, ContentLength: -1, Body: []byte("x")}})
	if _, err := cassette.Unmarshal(mustMarshal(t, c)); err != nil {
		t.Error(err)
	}
}

// A save that finds its file changed since the cassette was loaded writes
// nothing and says so; in ModeAppend it merges.
func TestSaveChangedInProcess(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, r.URL.Path) }))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "shared"+cassette.Ext)
	recordInto := func(c *cassette.Cassette, mode cassette.Mode, p string) *cassette.Cassette {
		rec := mustRecorder(t, c, cassette.Config{Mode: mode, Upstream: srv.Client().Transport})
		resp := mustDo(t, rec, newReq(t, "GET", srv.URL+p, nil))
		io.ReadAll(resp.Body)
		resp.Body.Close()
		rec.Close()
		return rec.Cassette()
	}
	for _, mode := range []cassette.Mode{cassette.ModeAppend, cassette.ModeRecord, cassette.ModeOnce} {
		t.Run(mode.String(), func(t *testing.T) {
			os.Remove(path)
			first := recordInto(nil, cassette.ModeRecord, "/first")
			for range 2 { // a save moves the cassette on to its own file, so it saves again
				if err := first.Save(path); err != nil {
					t.Fatal(err)
				}
			}
			a, _ := cassette.Load(path)
			b, _ := cassette.Load(path)
			if mode == cassette.ModeOnce {
				a, b = nil, nil // no cassette yet, when each began
				os.Remove(path)
				a, _ = cassette.Load(path)
				b, _ = cassette.Load(path)
			}
			ca, cb := recordInto(a, mode, "/a"), recordInto(b, mode, "/b")
			if err := ca.Save(path); err != nil {
				t.Fatal(err)
			}
			err := cb.Save(path)
			got, _ := cassette.Load(path)
			urls := urlsOf(got)
			if mode == cassette.ModeAppend {
				if err != nil || !strings.HasSuffix(urls, "/first /a /b") {
					t.Errorf("ModeAppend: save %v, file holds %s; want the other's file and this one's new interaction after it", err, urls)
				}
				return
			}
			if !errors.Is(err, cassette.ErrChangedOnDisk) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "another save wrote it at") {
				t.Errorf("%v: second save: %v; want ErrChangedOnDisk naming the file", mode, err)
			}
			if !strings.HasSuffix(urls, "/a") || strings.Contains(urls, "/b") {
				t.Errorf("the file holds %s; want the first save's, as it wrote it", urls)
			}
		})
	}
}

func urlsOf(c *cassette.Cassette) string {
	if c == nil {
		return "(none)"
	}
	var s []string
	for _, in := range c.Interactions() {
		s = append(s, in.Request.URL[strings.LastIndex(in.Request.URL, "/"):])
	}
	return strings.Join(s, " ")
}

// Two processes recording one cassette at once, as go test -p 2 runs two
// packages that share it: in ModeAppend both recordings are in the file;
// in ModeRecord one save fails with a message and the other's file stays.
func TestSaveChangedAcrossProcesses(t *testing.T) {
	if path := os.Getenv("DVD_SAVE_CHILD"); path != "" {
		saveChild(path)
		return
	}
	if testing.Short() || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("starts processes")
	}
	var mu sync.Mutex
	arrived, release := 0, make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if arrived++; arrived == 2 {
			close(release) // both recorders exist: neither has saved
		}
		mu.Unlock()
		<-release
		fmt.Fprint(w, r.URL.Path)
	}))
	defer srv.Close()
	for _, mode := range []string{"append", "record"} {
		t.Run(mode, func(t *testing.T) {
			mu.Lock()
			arrived, release = 0, make(chan struct{})
			mu.Unlock()
			path := filepath.Join(t.TempDir(), "shared"+cassette.Ext)
			if mode == "append" {
				seed := cassette.New(cassette.Interaction{Request: cassette.Request{Method: "GET", URL: srv.URL + "/seed"},
					Response: &cassette.Response{StatusCode: 200, Body: []byte("/seed")}})
				if err := seed.Save(path); err != nil {
					t.Fatal(err)
				}
			}
			outs := make([]string, 2)
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, p := range []string{"/one", "/two"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					cmd := exec.Command(os.Args[0], "-test.run=^TestSaveChangedAcrossProcesses$")
					cmd.Env = append(os.Environ(), "DVD_SAVE_CHILD="+path, "DVD_SAVE_MODE="+mode, "DVD_SAVE_URL="+srv.URL+p)
					out, err := cmd.CombinedOutput()
					outs[i], errs[i] = string(out), err
				}()
			}
			wg.Wait()
			got, err := cassette.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			urls := urlsOf(got)
			if mode == "append" {
				if errs[0] != nil || errs[1] != nil || !strings.HasPrefix(urls, "/seed ") || !strings.Contains(urls, "/one") || !strings.Contains(urls, "/two") {
					t.Errorf("the file holds %s; want /seed, /one and /two; children said:\n%s\n%s", urls, outs[0], outs[1])
				}
				return
			}
			failed := 0
			for i := range errs {
				if errs[i] != nil {
					failed++
					if !strings.Contains(outs[i], "changed on disk") || !strings.Contains(outs[i], path) || !strings.Contains(outs[i], "recorded at") {
						t.Errorf("a child failed with:\n%s\nwant the message of ErrChangedOnDisk naming the file and both recordings", outs[i])
					}
				}
			}
			if failed != 1 || strings.Count(urls, "/") != 1 {
				t.Errorf("%d of 2 saves failed, the file holds %s; want one failed, the other's recording in the file\n%s\n%s", failed, urls, outs[0], outs[1])
			}
		})
	}
}

// saveChild is the child process of TestSaveChangedAcrossProcesses: it
// records one request into the cassette at path and saves it.
func saveChild(path string) {
	mode := map[string]cassette.Mode{"append": cassette.ModeAppend, "record": cassette.ModeRecord}[os.Getenv("DVD_SAVE_MODE")]
	c, err := cassette.Load(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		fmt.Println(err)
		os.Exit(2)
	}
	rec, err := cassette.NewRecorder(c, cassette.Config{Mode: mode})
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	resp, err := (&http.Client{Transport: rec}).Get(os.Getenv("DVD_SAVE_URL"))
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	rec.Close()
	if err := rec.Cassette().Save(path); err != nil {
		fmt.Println(err)
		os.Exit(3)
	}
	fmt.Println("recorded")
	os.Exit(0)
}

// A ModeAppend merge numbers the markers of the recording it adds after
// the other's, so that no marker stands for two secrets.
func TestSaveMergeRenumbersMarkers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, r.URL.Path) }))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "shared"+cassette.Ext)
	if err := cassette.New().Save(path); err != nil {
		t.Fatal(err)
	}
	record := func(c *cassette.Cassette, p string) *cassette.Cassette {
		rec := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeAppend, Upstream: srv.Client().Transport})
		resp := mustDo(t, rec, newReq(t, "GET", srv.URL+p, nil))
		io.ReadAll(resp.Body)
		resp.Body.Close()
		rec.Close()
		return rec.Cassette()
	}
	a, _ := cassette.Load(path)
	b, _ := cassette.Load(path)
	ca := record(a, "/a?access_token=secret-of-a-1")
	cb := record(b, "/b?access_token=secret-of-b-2")
	if err := ca.Save(path); err != nil {
		t.Fatal(err)
	}
	if err := cb.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := cassette.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ins := got.Interactions()
	if len(ins) != 2 || !strings.HasSuffix(ins[0].Request.URL, "/a?access_token=REDACTED~1") || !strings.HasSuffix(ins[1].Request.URL, "/b?access_token=REDACTED~2") {
		t.Errorf("merged: %s", urlsOf(got))
		for _, in := range ins {
			t.Log(in.Request.URL)
		}
	}
}
