package cassette_test

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/dvdrw/dvd/cassette"
)

//go:embed testdata/store
var embedded embed.FS

// recordIn records the request paths into the cassette c (nil for none)
// in mode, and returns the cassette to save.
func recordIn(t *testing.T, srv *httptest.Server, c *cassette.Cassette, mode cassette.Mode, paths ...string) *cassette.Cassette {
	t.Helper()
	rec := mustRecorder(t, c, cassette.Config{Mode: mode, Upstream: srv.Client().Transport})
	for _, p := range paths {
		resp := mustDo(t, rec, newReq(t, "GET", srv.URL+p, nil))
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	rec.Close()
	return rec.Cassette()
}

func echoServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, r.URL.Path) }))
	t.Cleanup(srv.Close)
	return srv
}

// Every writable store keeps the save rule: a save checks the version it
// loaded; ModeAppend merges, other modes fail naming both recordings; a
// cassette removed meanwhile is no change.
func TestStoreSaveRule(t *testing.T) {
	srv := echoServer(t)
	ctx := context.Background()
	stores := map[string]func(t *testing.T) cassette.Store{
		"memory": func(*testing.T) cassette.Store { return cassette.MemoryStore() },
		"dir":    func(t *testing.T) cassette.Store { return cassette.DirStore(t.TempDir()) },
	}
	for kind, newStore := range stores {
		for _, name := range []string{"shared.dvd.json", "sub/shared.dvd.json.zst", "shared.dvd.json.gz"} {
			for _, mode := range []cassette.Mode{cassette.ModeAppend, cassette.ModeRecord, cassette.ModeOnce} {
				t.Run(kind+"/"+name+"/"+mode.String(), func(t *testing.T) {
					s := newStore(t)
					if mode != cassette.ModeOnce {
						first := recordIn(t, srv, nil, cassette.ModeRecord, "/first")
						for range 2 { // a save moves the cassette on to its own version
							if err := first.SaveTo(ctx, s, name); err != nil {
								t.Fatal(err)
							}
						}
					}
					a, _ := cassette.LoadFrom(ctx, s, name)
					b, _ := cassette.LoadFrom(ctx, s, name)
					ca, cb := recordIn(t, srv, a, mode, "/a"), recordIn(t, srv, b, mode, "/b")
					if err := ca.SaveTo(ctx, s, name); err != nil {
						t.Fatal(err)
					}
					err := cb.SaveTo(ctx, s, name)
					got, lerr := cassette.LoadFrom(ctx, s, name)
					if lerr != nil {
						t.Fatal(lerr)
					}
					urls := urlsOf(got)
					if mode == cassette.ModeAppend {
						if err != nil || urls != "/first /a /b" {
							t.Errorf("ModeAppend: save %v, store holds %s; want /first /a /b", err, urls)
						}
						return
					}
					if !errors.Is(err, cassette.ErrChanged) || !strings.Contains(err.Error(), s.Where(name)) || !strings.Contains(err.Error(), "1 interaction") {
						t.Errorf("%v: second save: %v; want ErrChanged naming the cassette and both recordings", mode, err)
					}
					if kind == "dir" && !errors.Is(err, cassette.ErrChangedOnDisk) {
						t.Errorf("a folder's error does not wrap ErrChangedOnDisk: %v", err)
					}
					if urls != "/a" {
						t.Errorf("the store holds %s; want the first save's, /a", urls)
					}
				})
			}
		}
	}
}

// The bytes a store keeps are those the file holds: a cassette moves
// between a folder and another store with a copy, compression included.
func TestStoreSameBytes(t *testing.T) {
	srv := echoServer(t)
	ctx := context.Background()
	dir := t.TempDir()
	c := recordIn(t, srv, nil, cassette.ModeRecord, "/x")
	mem := cassette.MemoryStore()
	for _, name := range []string{"a.dvd.json", "b/a.dvd.json.zst", "a.dvd.json.gz"} {
		if err := c.Save(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
		if err := c.SaveTo(ctx, mem, name); err != nil {
			t.Fatal(err)
		}
		file, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		kept, _, err := mem.Load(ctx, name)
		if err != nil || !bytes.Equal(file, kept) {
			t.Errorf("%s: the memory store keeps %d bytes (%v), the file %d: want the same bytes", name, len(kept), err, len(file))
		}
		// A copy of the file into a store, by its own Save, replays.
		other := cassette.MemoryStore()
		if _, err := other.Save(ctx, name, file, ""); err != nil {
			t.Fatal(err)
		}
		back, err := cassette.LoadFrom(ctx, other, name)
		if err != nil || urlsOf(back) != "/x" {
			t.Errorf("%s: the copy loads as %s (%v)", name, urlsOf(back), err)
		}
	}
}

// DirStore's own Load and Save, for copies, check versions under the lock.
func TestDirStoreVersions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := cassette.DirStore(dir)
	if _, _, err := s.Load(ctx, "x.dvd.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load of nothing: %v", err)
	}
	data, _ := cassette.Marshal(cassette.New())
	v1, err := s.Save(ctx, "x.dvd.json", data, "")
	if err != nil || v1 == "" {
		t.Fatalf("Save: %q %v", v1, err)
	}
	if _, err := s.Save(ctx, "x.dvd.json", data, ""); !errors.Is(err, cassette.ErrChanged) {
		t.Errorf("a save expecting nothing over a file: %v; want ErrChanged", err)
	}
	time.Sleep(10 * time.Millisecond)
	v2, err := s.Save(ctx, "x.dvd.json", data, v1)
	if err != nil || v2 == v1 {
		t.Errorf("a save at the version loaded: %q %v; want a new version", v2, err)
	}
	if _, err := s.Save(ctx, "x.dvd.json", data, v1); !errors.Is(err, cassette.ErrChangedOnDisk) {
		t.Errorf("a save at an old version: %v; want ErrChangedOnDisk", err)
	}
	if got, v, err := s.Load(ctx, "x.dvd.json"); err != nil || v != v2 || !bytes.Equal(got, data) {
		t.Errorf("Load: %v, version %q; want %q", err, v, v2)
	}
	if w := s.Where("a/b.dvd.json"); w != filepath.Join(dir, "a", "b.dvd.json") {
		t.Errorf("Where: %s", w)
	}
}

// An fs.FS replays, and a recording into it fails at once, saying the
// store is read-only.
func TestFSStore(t *testing.T) {
	ctx := context.Background()
	hello, err := embedded.ReadFile("testdata/store/hello.dvd.json")
	if err != nil {
		t.Fatal(err)
	}
	for kind, fsys := range map[string]fs.FS{
		"embed.FS":     embedded,
		"fstest.MapFS": fstest.MapFS{"testdata/store/hello.dvd.json": {Data: hello}},
	} {
		t.Run(kind, func(t *testing.T) {
			s := cassette.FSStore(fsys)
			c, err := cassette.LoadFrom(ctx, s, "testdata/store/hello.dvd.json")
			if err != nil {
				t.Fatal(err)
			}
			if want := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC); !c.RecordedAt().Equal(want) {
				t.Errorf("RecordedAt %v, want %v: the age is inside the cassette", c.RecordedAt(), want)
			}
			rec := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay})
			resp := mustDo(t, rec, newReq(t, "GET", "http://embedded.test/hello", nil))
			body, _ := io.ReadAll(resp.Body)
			if string(body) != "hello from an embed.FS" {
				t.Errorf("replayed %q", body)
			}
			for _, mode := range []cassette.Mode{cassette.ModeAppend, cassette.ModeRecord} {
				_, err := cassette.NewRecorder(c, cassette.Config{Mode: mode})
				if !errors.Is(err, cassette.ErrReadOnly) || !strings.Contains(err.Error(), "read-only") || !strings.Contains(err.Error(), "hello.dvd.json") {
					t.Errorf("%v: NewRecorder: %v; want ErrReadOnly naming the cassette", mode, err)
				}
			}
			missing, err := cassette.LoadFrom(ctx, s, "testdata/store/none.dvd.json")
			if !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("a missing cassette: %v", err)
			}
			if _, err := cassette.NewRecorder(missing, cassette.Config{Mode: cassette.ModeOnce}); !errors.Is(err, cassette.ErrReadOnly) {
				t.Errorf("ModeOnce over a missing cassette records: NewRecorder: %v; want ErrReadOnly", err)
			}
			if err := cassette.New().SaveTo(ctx, s, "x.dvd.json"); !errors.Is(err, cassette.ErrReadOnly) {
				t.Errorf("SaveTo: %v; want ErrReadOnly", err)
			}
		})
	}
}

// A name that is not a relative slash path is refused by every store.
func TestStoreBadName(t *testing.T) {
	for _, name := range []string{"../x.dvd.json", "/abs.dvd.json", "a/./b.dvd.json", ""} {
		for _, s := range []cassette.Store{cassette.MemoryStore(), cassette.DirStore(t.TempDir())} {
			if _, err := cassette.LoadFrom(context.Background(), s, name); err == nil || errors.Is(err, fs.ErrNotExist) {
				t.Errorf("LoadFrom(%q): %v; want an error about the name", name, err)
			}
			if err := cassette.New().SaveTo(context.Background(), s, name); err == nil {
				t.Errorf("SaveTo(%q) saved", name)
			}
		}
	}
}

// Many recorders in ModeAppend saving one cassette of a memory store at
// once lose nothing.
func TestMemoryStoreAppendRace(t *testing.T) {
	srv := echoServer(t)
	ctx := context.Background()
	s := cassette.MemoryStore()
	const n = 6
	cs := make([]*cassette.Cassette, n)
	for i := range cs {
		c, _ := cassette.LoadFrom(ctx, s, "race.dvd.json")
		cs[i] = recordIn(t, srv, c, cassette.ModeAppend, fmt.Sprintf("/%d", i))
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, c := range cs {
		wg.Go(func() { errs[i] = c.SaveTo(ctx, s, "race.dvd.json") })
	}
	wg.Wait()
	got, err := cassette.LoadFrom(ctx, s, "race.dvd.json")
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != n || errors.Join(errs...) != nil {
		t.Errorf("the store holds %s (errors %v); want all %d", urlsOf(got), errors.Join(errs...), n)
	}
}

// OpenStore knows file: and says what to import for an unknown scheme.
func TestOpenStore(t *testing.T) {
	dir := t.TempDir()
	s, err := cassette.OpenStore("file://" + filepath.ToSlash(dir))
	if err != nil || s.Where("x.dvd.json") != filepath.Join(dir, "x.dvd.json") {
		t.Errorf("file URL: %v, %v", s, err)
	}
	_, err = cassette.OpenStore("nosuch://user:hunter2@host/x")
	if err == nil || !strings.Contains(err.Error(), `import _ "github.com/dvdrw/dvd/store/nosuchstore"`) || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("unknown scheme: %v", err)
	}
	cassette.RegisterStore("teststore", func(u *url.URL) (cassette.Store, error) { return cassette.MemoryStore(), nil })
	if s, err := cassette.OpenStore("teststore://x"); err != nil || s.Where("a") != "memory:a" {
		t.Errorf("registered scheme: %v %v", s, err)
	}
}
