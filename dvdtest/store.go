package dvdtest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
)

// envStore is the environment variable that names the store of every
// cassette that no [WithStore] places: DVD_STORE=redis://… or s3://…,
// whose store module the test package imports for its side effect (see
// cassette.OpenStore), or file:DIR. Unset, cassettes are the files of
// the package's testdata/.
const envStore = "DVD_STORE"

// storeTimeout bounds what a store may take to load or save a cassette.
const storeTimeout = 2 * time.Minute

// WithStore keeps the cassette in s rather than in the test package's
// testdata/: cassette.MemoryStore(), cassette.FSStore(embedded),
// cassette.DirStore(dir), or a shared store such as Redis or S3 (modules
// github.com/dvdrw/dvd/store/redisstore and .../s3store). The cassette's
// name in s is the name given to [Use] with its extension
// (github/list_repos.dvd.json, .zst or .gz as [Compress] asks), and
// [DVD.Path] names it there, as s.Where does. It takes precedence over
// DVD_STORE, which picks a store for every Use without code changes.
//
// With a store, Use looks for the cassette under the other compressions
// too when it is not under the one asked for, and reads it from there; the
// save writes the one asked for and leaves the other in place. A store
// that cannot be reached fails the test at Use, or at the save, with an
// error that names the store, the cassette and what to check: the test
// never records in place of a replay it cannot load. docs/stores.md says
// what each store costs and how two machines saving one cassette at once
// are kept from losing either's recording.
func WithStore(s cassette.Store) Option {
	return optionFunc(func(c *config) {
		if s == nil {
			c.fail("WithStore(nil): give a store, such as cassette.MemoryStore(), or leave the option out for testdata/")
			return
		}
		if c.store != nil {
			c.fail("WithStore given twice: give one store")
			return
		}
		c.store = s
	})
}

// opened holds the stores DVD_STORE named, by URL, so that a suite shares
// one client, and its connections, among its tests.
var opened sync.Map // of string to cassette.Store

// pickStore returns the store of the cassette name and its name there, or
// nil for testdata/.
func (c *config) pickStore(name string) (cassette.Store, string, error) {
	s := c.store
	if s == nil {
		if u := os.Getenv(envStore); u != "" {
			if v, ok := opened.Load(u); ok {
				s = v.(cassette.Store)
			} else {
				var err error
				if s, err = cassette.OpenStore(u); err != nil {
					return nil, "", fmt.Errorf("%s: %v", envStore, err)
				}
				v, _ := opened.LoadOrStore(u, s)
				s = v.(cassette.Store)
			}
		}
	}
	if s == nil {
		return nil, "", nil
	}
	return s, name + cassette.Ext + c.codec.Ext(), nil
}

// storeKey is inUse's key of a store's cassette, whatever its compression.
func storeKey(s cassette.Store, name string, cd codec.Compression) string {
	return "store " + s.Where(strings.TrimSuffix(name, cd.Ext()))
}

// loadStore loads d's cassette from its store for Use, as Use loads a
// file: the cassette to replay, and the one whose version the save checks.
func (d *DVD) loadStore(mode cassette.Mode, h *heldSave) (c, base *cassette.Cassette) {
	t := d.t
	t.Helper()
	if mode == cassette.ModePassthrough {
		return nil, nil
	}
	if h != nil && mode != cassette.ModeRecord {
		c, err := h.cassette()
		if err != nil {
			t.Fatalf("dvdtest: %s: reading the cassette that dvdtest.Main holds for %s: %v", d.path, h.test, err)
		}
		d.inStore = h.inStore
		return c, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	got, err := d.loadVariants(ctx)
	var bad *cassette.FormatError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if mode == cassette.ModeReplay {
			t.Fatalf("dvdtest: %s does not exist, and the mode is replay (%s).\n%s", d.path, d.source, d.advice())
		}
		return nil, got
	case errors.As(err, &bad):
		d.inStore = true
		if mode == cassette.ModeRecord {
			return nil, nil // saved over
		}
		t.Fatalf("dvdtest: cannot read the cassette: %v\n"+
			"The cassette is left as it is in its store. Restore it, or re-record it (it is replaced only if the test passes):\n\t%s", err, d.runCommand())
	case err != nil:
		t.Fatalf("dvdtest: %v\nThe test neither replays nor records while it cannot load its cassette: check the store, "+
			"or unset %s to use the cassettes of testdata/.", err, envStore)
	}
	d.inStore = true
	if mode == cassette.ModeRecord {
		return nil, got
	}
	return got, got
}

// loadVariants loads d's cassette, or, when its store holds none under
// the compression asked for, the cassette under another: one round trip
// for each name it tries.
func (d *DVD) loadVariants(ctx context.Context) (*cassette.Cassette, error) {
	first, err := cassette.LoadFrom(ctx, d.store, d.storeName)
	if !errors.Is(err, fs.ErrNotExist) {
		return first, err
	}
	stem := strings.TrimSuffix(d.storeName, d.cfg.codec.Ext())
	for _, cd := range []codec.Compression{codec.None, codec.Zstd, codec.Gzip} {
		if cd == d.cfg.codec {
			continue
		}
		c, err := cassette.LoadFrom(ctx, d.store, stem+cd.Ext())
		if !errors.Is(err, fs.ErrNotExist) {
			return c, err
		}
	}
	return first, &fs.PathError{Op: "load", Path: d.path, Err: fs.ErrNotExist}
}

// save saves c, the cassette d recorded.
func (d *DVD) save(c *cassette.Cassette) error { return saveIn(c, d.abs, d.store, d.storeName) }

// saveIn saves c to the file abs, or under name in s when s is not nil.
func saveIn(c *cassette.Cassette, abs string, s cassette.Store, name string) error {
	if s == nil {
		return c.Save(abs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	return c.SaveTo(ctx, s, name)
}
