package cassette

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/dvdrw/dvd/codec"
)

// A Store keeps cassette files by name: a folder ([DirStore]), an fs.FS
// ([FSStore]), memory ([MemoryStore]), or a store that several machines
// share, such as Redis or S3 (the modules github.com/dvdrw/dvd/store/...).
// [LoadFrom] and [Cassette.SaveTo] read and write cassettes in a store;
// what a cassette means, its compression included, is theirs, and a store
// only keeps bytes.
//
// A name is a cassette's relative path with its extension, such as
// "github/list_repos.dvd.json" or "big.dvd.json.zst" (an fs.ValidPath),
// and the bytes are those the file of that name would hold, so that a
// cassette moves between stores with a copy.
//
// A version is what a store tells one state of a name by: an opaque,
// non-empty string that changes with every save (a file's identity, size
// and modification time, a content hash, an S3 ETag). It is how a save
// checks that no other save came in between (see [Cassette.SaveTo]).
//
// A Store is safe for concurrent use, by several processes and machines
// at once where it is shared.
type Store interface {
	// Load returns the bytes stored under name and their version. A
	// name that holds nothing gives an error for which
	// errors.Is(err, fs.ErrNotExist) is true. The caller does not
	// modify data.
	Load(ctx context.Context, name string) (data []byte, version string, err error)

	// Save stores data under name, atomically (a reader never sees a
	// part of it), if what name holds is still ifVersion, a version
	// Load or Save returned, or nothing when ifVersion is "". It returns
	// the version of what it stored. When name holds something else, it
	// stores nothing and returns an error that wraps [ErrChanged]. Save
	// keeps data: the caller does not modify it afterwards.
	Save(ctx context.Context, name string, data []byte, ifVersion string) (version string, err error)

	// Where names the cassette name in the store, for messages and
	// dvdtest's DVD.Path: a file's path, or a URL such as
	// redis://HOST/PREFIXname.dvd.json.
	Where(name string) string
}

// ErrChanged is wrapped by the error of a save that finds the cassette in
// its store changed since the recording loaded it (see
// [Cassette.SaveTo]), and by the error a [Store]'s Save returns when the
// version it was given is not the one stored. For a file, the error also
// wraps [ErrChangedOnDisk].
var ErrChanged = errors.New("cassette: the cassette changed in its store since this recording loaded it")

// ErrReadOnly is wrapped by the error of a recording, or a save, into a
// store that holds cassettes only to replay them, such as [FSStore]'s.
var ErrReadOnly = errors.New("cassette: the store is read-only")

// saveAttempts bounds the saves of one SaveTo that find another's save in
// between, each followed by a merge or a fresh check.
const saveAttempts = 8

// LoadFrom reads the cassette stored under name in s, as [Load] reads a
// file: a name that holds nothing gives an error for which
// errors.Is(err, fs.ErrNotExist) is true, with a cassette that stands for
// it, taken by [NewRecorder] as no cassette; a cassette that does not
// read gives a *[FormatError] that names it (by s.Where(name)); a store
// that cannot be reached gives an error naming the store, the cassette
// and what to check. The cassette remembers the version it was read at,
// which its save, and that of a [Recorder] over it, checks (see
// [Cassette.SaveTo]). For a [DirStore], LoadFrom is Load of the file.
func LoadFrom(ctx context.Context, s Store, name string) (*Cassette, error) {
	if d, ok := s.(*dirStore); ok {
		if !fs.ValidPath(name) {
			return nil, badName(s, name)
		}
		return Load(d.path(name))
	}
	if !fs.ValidPath(name) {
		return nil, badName(s, name)
	}
	data, version, err := s.Load(ctx, name)
	if errors.Is(err, fs.ErrNotExist) {
		c := &Cassette{missing: true}
		c.loaded.store, c.loaded.name, c.loaded.where, c.loaded.since = s, name, s.Where(name), time.Now()
		c.origin = &c.loaded
		return c, &fs.PathError{Op: "load", Path: s.Where(name), Err: fs.ErrNotExist}
	}
	if err != nil {
		return nil, fmt.Errorf("cassette: loading %s: %w", s.Where(name), err)
	}
	c, err := unmarshal(data)
	if err != nil {
		return nil, &FormatError{path: s.Where(name), err: err}
	}
	c.loaded.store, c.loaded.name, c.loaded.where, c.loaded.since = s, name, s.Where(name), time.Now()
	c.loaded.version = version
	c.origin = &c.loaded
	return c, nil
}

func badName(s Store, name string) error {
	return fmt.Errorf("cassette: %q is not a cassette name in %s: a name is a relative path with / between its elements, "+
		"without . or .. elements, such as github/list_repos.dvd.json", name, s.Where(""))
}

// compressionOf returns the compression a cassette name asks for.
func compressionOf(name string) codec.Compression {
	switch {
	case strings.HasSuffix(name, codec.Zstd.Ext()):
		return codec.Zstd
	case strings.HasSuffix(name, codec.Gzip.Ext()):
		return codec.Gzip
	}
	return codec.None
}

// SaveTo stores the cassette under name in s, compressed as the name asks
// (.zst, .gz), by the rule of [Cassette.Save]: no save loses another's
// recording without a word. A cassette that [LoadFrom] read from s under
// name, or that a [Recorder] over it returns, remembers the version it was
// read at (or that nothing was there), and its save stores only if the
// store still holds that version. If another save came in between, from
// another machine say, a cassette a ModeAppend recorder returns is merged:
// the other's cassette, then the interactions this recording added, saved
// in turn on the same condition. Any other save stores nothing and
// returns an error that wraps [ErrChanged], naming the cassette and both
// recordings. A cassette removed meanwhile is no change. A cassette that
// was not loaded from s under name (made with [New], say) saves over what
// is there. A save moves the cassette on to the version it stored, so
// that it may save again.
//
// For a [DirStore], SaveTo is [Cassette.Save] of the file, with its lock
// and messages; a read-only store gives an error that wraps
// [ErrReadOnly]; a store that cannot be reached, one that names the
// store, the cassette and what to check.
func (c *Cassette) SaveTo(ctx context.Context, s Store, name string) error {
	if !fs.ValidPath(name) {
		return badName(s, name)
	}
	if d, ok := s.(*dirStore); ok {
		return c.Save(d.path(name))
	}
	where := s.Where(name)
	if c.refused != nil {
		return fmt.Errorf("cassette: %s: %w", where, c.refused)
	}
	data, err := c.encode(where, c.file(), name)
	if err != nil {
		return err
	}
	o := c.origin
	checked := false
	want := ""
	if o != nil {
		o.mu.Lock()
		defer o.mu.Unlock()
		checked = o.where != "" && o.where == where
		want = o.version
	}
	if !checked {
		if _, want, err = s.Load(ctx, name); errors.Is(err, fs.ErrNotExist) {
			want = ""
		} else if err != nil {
			return fmt.Errorf("cassette: saving %s: %w", where, err)
		}
	}
	for attempt := 1; ; attempt++ {
		version, err := s.Save(ctx, name, data, want)
		if err == nil {
			if o != nil {
				o.store, o.name, o.where, o.version = s, name, where, version
				o.path, o.info = "", nil
			}
			return nil
		}
		if !errors.Is(err, ErrChanged) {
			return fmt.Errorf("cassette: saving %s: %w", where, err)
		}
		if attempt == saveAttempts {
			return fmt.Errorf("cassette: saving %s: %d saves in a row found another's save in between: %w; try again", where, attempt, err)
		}
		otherData, otherVersion, err := s.Load(ctx, name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			want = "" // removed meanwhile: nothing of another's is lost
			continue
		case err != nil:
			return fmt.Errorf("cassette: saving %s: %w", where, err)
		case !checked || otherVersion == want:
			want = otherVersion
			continue
		}
		other, err := unmarshal(otherData)
		if !c.merges || err != nil {
			return c.changedInStore(where, other, err)
		}
		if data, err = c.encode(where, c.after(other), name); err != nil {
			return err
		}
		want = otherVersion
	}
}

// encode returns the bytes of f as the cassette name holds them.
func (c *Cassette) encode(where string, f *file, name string) ([]byte, error) {
	raw, err := marshal(f)
	if err != nil {
		return nil, &FormatError{path: where, err: writeError(hideSecrets(err))}
	}
	data, err := codec.Compress(raw, compressionOf(name))
	if err != nil {
		return nil, fmt.Errorf("cassette: %s: %w", where, err)
	}
	return data, nil
}

// changedInStore says that the cassette at where is another recording's
// than the one c was loaded from: other, or loadErr when it does not read.
func (c *Cassette) changedInStore(where string, other *Cassette, loadErr error) error {
	theirs := "a cassette that does not read (" + fmt.Sprint(loadErr) + ")"
	if loadErr == nil {
		theirs = "a recording of " + plural(other.Len(), "interaction")
		if at := other.RecordedAt(); !at.IsZero() {
			theirs += " recorded at " + at.Format(time.RFC3339)
		}
	}
	began := "loaded it at"
	if c.origin.version == "" {
		began = "found none there at"
	}
	return fmt.Errorf("%w: %s: another save stored %s, after this recording (%s) %s %s. "+
		"This recording is not saved, and the store keeps the other's cassette. "+
		"Two machines or processes recorded one cassette at once: give each test a cassette of its own, "+
		"record in one place and copy the cassettes up, "+
		"or record in ModeAppend (DVD_MODE=append), whose save adds its interactions after the other's",
		ErrChanged, where, theirs, plural(c.Len(), "interaction"), began, c.origin.since.Format(stampMilli))
}

// readOnly returns the error of a recording into the store o loaded from,
// or nil when it may record.
func (o *origin) readOnly(mode Mode) error {
	if o == nil {
		return nil
	}
	if _, ok := o.store.(*fsStore); !ok {
		return nil
	}
	return fmt.Errorf("%w: %s is in an fs.FS, which replays cassettes and cannot hold a recording, which mode %v makes: "+
		"replay it (ModeReplay, or ModeOnce with the cassette there), or record into a folder (DirStore) and copy the cassettes in",
		ErrReadOnly, o.where, mode)
}
