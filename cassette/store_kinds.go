package cassette

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// FSStore returns a read-only store of the cassettes in fsys, such as an
// embed.FS or an fstest.MapFS, where a name is a path in fsys: a binary
// that carries its cassettes replays them. A recorder over a cassette of
// it that would record fails at once ([NewRecorder] returns an error that
// wraps [ErrReadOnly]), and so does a save. A cassette's age is the
// recording time inside it ([Cassette.RecordedAt]), which an embed.FS
// keeps though it has no modification times.
func FSStore(fsys fs.FS) Store { return &fsStore{fsys: fsys} }

type fsStore struct{ fsys fs.FS }

// Where returns name: the cassette's path in the fs.FS.
func (s *fsStore) Where(name string) string { return name }

// Load reads the file name of the fs.FS, a regular file.
func (s *fsStore) Load(_ context.Context, name string) ([]byte, string, error) {
	info, err := fs.Stat(s.fsys, name)
	if err != nil {
		return nil, "", err
	}
	if !info.Mode().IsRegular() {
		return nil, "", &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("not a regular file (%v): a cassette is a file", info.Mode().Type())}
	}
	data, err := fs.ReadFile(s.fsys, name)
	if err != nil {
		return nil, "", err
	}
	return data, strconv.FormatInt(info.Size(), 10) + "@" + strconv.FormatInt(info.ModTime().UnixNano(), 10), nil
}

// Save fails: the store is read-only.
func (s *fsStore) Save(_ context.Context, name string, _ []byte, _ string) (string, error) {
	return "", fmt.Errorf("%w: %s is in an fs.FS, which cannot be written: save into a folder (DirStore) and copy the cassette in", ErrReadOnly, name)
}

// MemoryStore returns a new, empty store that keeps cassettes in memory,
// for as long as it is referenced: for tests of tests, and for a caching
// transport within one process (see [NewRecorder]). Its versions count
// its saves.
func MemoryStore() Store { return &memoryStore{m: map[string]memoryEntry{}} }

type memoryStore struct {
	mu    sync.Mutex
	m     map[string]memoryEntry
	saves uint64
}

type memoryEntry struct {
	data    []byte
	version string
}

// Where returns memory:name.
func (s *memoryStore) Where(name string) string { return "memory:" + name }

// Load returns the bytes stored under name, shared, not copied.
func (s *memoryStore) Load(_ context.Context, name string) ([]byte, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[name]
	if !ok {
		return nil, "", &fs.PathError{Op: "load", Path: s.Where(name), Err: fs.ErrNotExist}
	}
	return e.data, e.version, nil
}

// Save keeps data under name if it is still at ifVersion.
func (s *memoryStore) Save(_ context.Context, name string, data []byte, ifVersion string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.m[name].version; cur != ifVersion {
		return "", fmt.Errorf("%w: %s is at version %q, not %q", ErrChanged, s.Where(name), cur, ifVersion)
	}
	s.saves++
	v := strconv.FormatUint(s.saves, 10)
	s.m[name] = memoryEntry{data: data, version: v}
	return v, nil
}

// The stores that OpenStore opens, by URL scheme.
var (
	storesMu sync.RWMutex
	stores   = map[string]func(*url.URL) (Store, error){}
)

// RegisterStore makes the stores of a URL scheme, such as "redis" or
// "s3", known to [OpenStore], which dvdtest calls for DVD_STORE. A store
// module calls it from its init function, as a database/sql driver
// registers itself, so that importing the module for its side effect
// makes its scheme work:
//
//	import _ "github.com/dvdrw/dvd/store/redisstore"
//
// RegisterStore panics if open is nil or the scheme is registered
// already. The scheme "file" is built in: file:///abs/dir or file:dir is
// a [DirStore].
func RegisterStore(scheme string, open func(u *url.URL) (Store, error)) {
	storesMu.Lock()
	defer storesMu.Unlock()
	scheme = strings.ToLower(scheme)
	if open == nil {
		panic("cassette: RegisterStore(" + strconv.Quote(scheme) + ", nil)")
	}
	if _, dup := stores[scheme]; dup || scheme == "file" {
		panic("cassette: RegisterStore called twice for the scheme " + strconv.Quote(scheme))
	}
	stores[scheme] = open
}

// OpenStore returns the store a URL names, by the function
// [RegisterStore] registered for its scheme: redis://HOST:PORT/DB?prefix=…
// once github.com/dvdrw/dvd/store/redisstore is imported, say, or a folder
// for file:DIR. An unknown scheme gives an error that lists the known ones
// and says what to import. The URL is not quoted in errors whole, for it
// may hold a password.
func OpenStore(rawURL string) (Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return nil, fmt.Errorf("cassette: the store URL does not parse as scheme://…: give one such as redis://localhost:6379/0?prefix=ci/ or s3://bucket/prefix/")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme == "file" {
		dir := u.Path
		if u.Opaque != "" {
			dir = u.Opaque
		}
		if dir == "" {
			return nil, fmt.Errorf("cassette: the store URL %s names no folder: give file:DIR or file:///abs/dir", u.Redacted())
		}
		return DirStore(filepath.FromSlash(dir)), nil
	}
	storesMu.RLock()
	open := stores[scheme]
	known := []string{"file"}
	for s := range stores {
		known = append(known, s)
	}
	storesMu.RUnlock()
	if open == nil {
		sort.Strings(known)
		return nil, fmt.Errorf("cassette: no store is registered for the scheme %q of the store URL (known: %s): "+
			"import its module for its side effect in a test file of the package, such as "+
			`import _ "github.com/dvdrw/dvd/store/%sstore"`, scheme, strings.Join(known, ", "), scheme)
	}
	s, err := open(u)
	if err != nil {
		return nil, fmt.Errorf("cassette: opening the store %s: %w", u.Redacted(), err)
	}
	return s, nil
}
