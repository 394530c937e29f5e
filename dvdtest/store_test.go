package dvdtest_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
)

// A cassette recorded into a store replays from it with the upstream
// stopped, and DVD.Path names it there; nothing is written to testdata/.
func TestWithStoreMemory(t *testing.T) {
	srv := cleanServer(t)
	s := cassette.MemoryStore()
	opts := []dvdtest.Option{dvdtest.WithStore(s), dvdtest.Compress(codec.Zstd)}
	tb, got := session(t, "mem/one", srv.URL, opts, "pass", "/a")
	if tb.Failed() || got[0] != "hit 1 /a" {
		t.Fatalf("recording: %v\n%s", got, tb.output())
	}
	if !strings.Contains(tb.output(), "recorded 1 interaction to memory:mem/one.dvd.json.zst") {
		t.Errorf("the log does not name the cassette in its store:\n%s", tb.output())
	}
	if _, err := os.Stat("testdata"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("testdata/ was written: %v", err)
	}
	data, _, err := s.Load(context.Background(), "mem/one.dvd.json.zst")
	if err != nil || codec.Detect(data) != codec.Zstd {
		t.Fatalf("the store holds no zstd cassette: %v", err)
	}
	srv.Close()
	tb, got = session(t, "mem/one", srv.URL, append(opts, dvdtest.WithMode(cassette.ModeReplay)), "pass", "/a")
	if tb.Failed() || got[0] != "hit 1 /a" {
		t.Errorf("replay with the upstream stopped: %v\n%s", got, tb.output())
	}
	// The same cassette asked for uncompressed is read from the .zst.
	tb, got = session(t, "mem/one", srv.URL, []dvdtest.Option{dvdtest.WithStore(s), dvdtest.WithMode(cassette.ModeReplay)}, "pass", "/a")
	if tb.Failed() || got[0] != "hit 1 /a" {
		t.Errorf("replay of the .zst variant: %v\n%s", got, tb.output())
	}
	tb, _ = session(t, "mem/none", srv.URL, append(opts, dvdtest.WithMode(cassette.ModeReplay)), "pass")
	if !tb.Failed() || !strings.Contains(tb.output(), "memory:mem/none.dvd.json.zst does not exist, and the mode is replay") {
		t.Errorf("a missing cassette in replay mode:\n%s", tb.output())
	}
}

// Two DVDs of one process on one cassette of a store fail, as on a file.
func TestWithStoreInUse(t *testing.T) {
	srv := cleanServer(t)
	s := cassette.MemoryStore()
	tb := newFakeTB("TestInUse")
	tb.run(func(tb testing.TB) {
		dvdtest.Use(tb, "busy", dvdtest.WithStore(s))
		dvdtest.Use(tb, "busy", dvdtest.WithStore(s), dvdtest.Compress(codec.Gzip))
	})
	if !tb.Failed() || !strings.Contains(tb.output(), "is in use by") {
		t.Errorf("two DVDs on one cassette:\n%s", tb.output())
	}
	_ = srv
}

// An fs.FS replays; a recording into it fails at Use, saying it is read-only.
func TestWithStoreFS(t *testing.T) {
	srv := cleanServer(t)
	mem := cassette.MemoryStore()
	if tb, _ := session(t, "fs", srv.URL, []dvdtest.Option{dvdtest.WithStore(mem)}, "pass", "/x"); tb.Failed() {
		t.Fatal(tb.output())
	}
	data, _, err := mem.Load(context.Background(), "fs.dvd.json")
	if err != nil {
		t.Fatal(err)
	}
	ro := cassette.FSStore(fstest.MapFS{"fs.dvd.json": {Data: data}})
	tb, got := session(t, "fs", srv.URL, []dvdtest.Option{dvdtest.WithStore(ro)}, "pass", "/x")
	if tb.Failed() || got[0] != "hit 1 /x" {
		t.Errorf("replay from an fs.FS: %v\n%s", got, tb.output())
	}
	tb, _ = session(t, "fs", srv.URL, []dvdtest.Option{dvdtest.WithStore(ro), dvdtest.WithMode(cassette.ModeRecord)}, "pass", "/x")
	if !tb.Failed() || !strings.Contains(tb.output(), "read-only") || srv.hits.Load() != 1 {
		t.Errorf("recording into an fs.FS: %d requests reached the server\n%s", srv.hits.Load(), tb.output())
	}
}

// DVD_STORE picks a store without code changes; WithStore wins over it.
func TestDVDStoreEnv(t *testing.T) {
	srv := cleanServer(t)
	shared := t.TempDir()
	t.Setenv("DVD_STORE", "file://"+filepath.ToSlash(shared))
	tb, _ := session(t, "env", srv.URL, nil, "pass", "/e")
	if tb.Failed() {
		t.Fatal(tb.output())
	}
	if _, err := os.Stat(filepath.Join(shared, "env.dvd.json")); err != nil {
		t.Errorf("DVD_STORE's folder holds no cassette: %v\n%s", err, tb.output())
	}
	mem := cassette.MemoryStore()
	if tb, _ := session(t, "env2", srv.URL, []dvdtest.Option{dvdtest.WithStore(mem)}, "pass", "/e"); tb.Failed() {
		t.Fatal(tb.output())
	}
	if _, _, err := mem.Load(context.Background(), "env2.dvd.json"); err != nil {
		t.Errorf("WithStore did not win over DVD_STORE: %v", err)
	}
	t.Setenv("DVD_STORE", "nosuch://host/x")
	tb, _ = session(t, "env3", srv.URL, nil, "pass", "/e")
	if !tb.Failed() || !strings.Contains(tb.output(), "DVD_STORE") || !strings.Contains(tb.output(), "import _") {
		t.Errorf("an unknown scheme:\n%s", tb.output())
	}
}

// A store that fails at Use fails the test there, naming the store and the
// cassette, and nothing is recorded in its place.
func TestWithStoreUnreachable(t *testing.T) {
	srv := cleanServer(t)
	tb, _ := session(t, "down", srv.URL, []dvdtest.Option{dvdtest.WithStore(downStore{})}, "pass", "/x")
	if !tb.Failed() || !strings.Contains(tb.output(), "down://store/down.dvd.json") || !strings.Contains(tb.output(), "check the store") || srv.hits.Load() != 0 {
		t.Errorf("an unreachable store: %d requests reached the server\n%s", srv.hits.Load(), tb.output())
	}
}

type downStore struct{}

func (downStore) Load(context.Context, string) ([]byte, string, error) {
	return nil, "", errors.New("connection refused")
}
func (downStore) Save(context.Context, string, []byte, string) (string, error) {
	return "", errors.New("connection refused")
}
func (downStore) Where(name string) string { return "down://store/" + name }
