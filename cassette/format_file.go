package cassette

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/dvdrw/dvd/codec"
)

// ErrChangedOnDisk is wrapped by the error of a save that finds its
// cassette file changed since the cassette was loaded (or, for a recording
// that loaded none, saved since the recording began): another process,
// such as the tests of another package that share the cassette, saved it
// meanwhile. The save writes nothing, and the other's file stays as it
// is. A recording in ModeAppend merges instead: see [Cassette.Save].
// It wraps [ErrChanged], which the same error of every store wraps.
var ErrChangedOnDisk error = &sentinel{"cassette: the file changed on disk since this recording loaded it", ErrChanged}

// A sentinel is an error that says msg and wraps a more general one.
type sentinel struct {
	msg    string
	parent error
}

func (e *sentinel) Error() string { return e.msg }
func (e *sentinel) Unwrap() error { return e.parent }

// An origin is what a save expects to find at a cassette's path, the
// rule by which no save loses another's recording without a word: the
// file a Load read, or, for a recording that loaded none, no file saved
// since the recording began. A recorder and the cassettes it returns
// share one, which a save moves on to the file it wrote.
type origin struct {
	mu    sync.Mutex
	path  string      // the file loaded or last saved, or found missing; "" for none
	info  fs.FileInfo // that file as it was then; nil when it was missing
	since time.Time   // when the recording began, or the file was loaded

	// For a cassette of another store than a folder (see store.go):
	store   Store  // the store loaded from or saved to last
	name    string // the cassette's name there
	where   string // store.Where(name); "" for a file
	version string // the version loaded or saved last; "" for none there
}

// changed reports whether the file at path, cur (nil when there is none),
// is not what o expects: not the file loaded or saved last, when path is
// that file; a file saved after o.since, when it is another or none.
// A file removed since is no change: nothing of another's would be lost.
func (o *origin) changed(path string, cur fs.FileInfo) bool {
	if cur == nil {
		return false
	}
	if o.path != "" && samePath(o.path, path) {
		return o.info == nil || !os.SameFile(o.info, cur) || o.info.Size() != cur.Size() || !o.info.ModTime().Equal(cur.ModTime())
	}
	return cur.ModTime().After(o.since)
}

// saved moves o on to the file a save just wrote at path.
func (o *origin) saved(path string) {
	if info, err := os.Stat(path); err == nil {
		os.SameFile(info, info) // on Windows, reads the file's identity now, not at the next save
		o.path, o.info = path, info
		o.store, o.name, o.where, o.version = nil, "", "", ""
	}
}

func samePath(a, b string) bool {
	if a == b {
		return true
	}
	x, errA := filepath.Abs(a)
	y, errB := filepath.Abs(b)
	return errA == nil && errB == nil && x == y
}

// save writes data, the file of c, to path, as Save documents: under the
// lock of path, after checking that the file is what c's origin expects.
func (c *Cassette) save(path string, data []byte) error {
	o := c.origin
	if o == nil {
		return codec.WriteFile(path, data)
	}
	unlock, err := lockPath(path)
	if err != nil {
		return err
	}
	defer unlock()
	o.mu.Lock()
	defer o.mu.Unlock()
	cur, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		cur = nil
	case err != nil:
		return err
	}
	if o.changed(path, cur) {
		other, err := Load(path)
		if !c.merges || err != nil {
			return c.changedError(path, cur, other, err)
		}
		if data, err = marshal(c.after(other)); err != nil {
			return &FormatError{path: path, err: writeError(hideSecrets(err))}
		}
	}
	if err := codec.WriteFile(path, data); err != nil {
		return err
	}
	o.saved(path)
	return nil
}

// after returns the file of other, the cassette another save wrote, with
// the interactions this recording added after its own: a ModeAppend
// merge. The file keeps other's recording time and clock, or takes c's
// clock when other has none.
func (c *Cassette) after(other *Cassette) *file {
	f := other.file()
	c.mu.Lock()
	defer c.mu.Unlock()
	from := min(c.appendFrom, len(c.interactions))
	added := c.interactions[from:]
	// The markers this recording numbered after those it loaded go after
	// the other's, so that no number stands for two values.
	if base, top := maxMarker(c.interactions[:from]), maxMarker(f.Interactions); top > base {
		added = renumbered(added, base, top-base)
	}
	f.Interactions = append(f.Interactions, added...)
	if f.Clock == nil && !emptyClock(&c.clock) {
		k := c.clock.Clone()
		f.Clock = &k
	}
	return f
}

// changedError says that the file at path, cur, is another recording's
// than the one c was loaded from, or that began after c's: other, or
// loadErr when it does not read.
func (c *Cassette) changedError(path string, cur fs.FileInfo, other *Cassette, loadErr error) error {
	theirs := "a file that does not read as a cassette (" + fmt.Sprint(loadErr) + ")"
	if loadErr == nil {
		theirs = "a recording of " + plural(other.Len(), "interaction")
		if at := other.RecordedAt(); !at.IsZero() {
			theirs += " recorded at " + at.Format(time.RFC3339)
		}
	}
	began := "loaded it at"
	switch {
	case c.origin.path == "" || !samePath(c.origin.path, path):
		began = "began at"
	case c.origin.info == nil:
		began = "found no file there at"
	}
	return fmt.Errorf("%w: %s: another save wrote it at %s, %s, after this recording (%s) %s %s. "+
		"This recording is not saved, and the file is left as the other wrote it. "+
		"Two processes recorded one cassette at once, as go test does for packages that share one: "+
		"give each test a cassette of its own, record the packages one at a time (go test -p 1), "+
		"or record in ModeAppend (DVD_MODE=append), whose save adds its interactions after the other's",
		ErrChangedOnDisk, path, cur.ModTime().Format(stampMilli), theirs, plural(c.Len(), "interaction"),
		began, c.origin.since.Format(stampMilli))
}

const stampMilli = "2006-01-02T15:04:05.000Z07:00"

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// A save holds the lock of its file from its check to its rename, so that
// no other save, in this process or another, comes in between: a lock
// file, .<name>.dvd-lock next to the cassette, created with O_EXCL and
// removed at the end. A save that finds it waits. Where the system has
// flock (Linux, macOS, the BSDs) the holder also flocks it, so that the
// lock of a killed process is known to be stale at once; elsewhere a lock
// file staleLock old is taken to be stale.
const (
	lockInfix = ".dvd-lock"
	staleLock = time.Minute
	lockWait  = 2 * time.Minute
)

// lockPath takes the lock of the cassette file at path, and returns what
// releases it.
func lockPath(path string) (unlock func(), err error) {
	dir, base := filepath.Split(path)
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	lock := filepath.Join(dir, "."+base+lockInfix)
	deadline := time.Now().Add(lockWait)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			holdLock(f)
			fmt.Fprintf(f, "%d\n", os.Getpid())
			return func() {
				os.Remove(lock)
				f.Close()
			}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if breakStale(lock) {
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("cassette: %s: another save has held its lock, %s, for over %v: if no save is running, remove the lock file", path, lock, lockWait)
		}
		time.Sleep(wait)
	}
}

// breakStale removes the lock file at path when the save that created it
// is gone, and reports whether it did.
func breakStale(path string) bool {
	info, err := os.Stat(path)
	if err != nil {
		return errors.Is(err, fs.ErrNotExist) // gone already: try again
	}
	if removeUnheld(path, info) {
		return true
	}
	if time.Since(info.ModTime()) > staleLock && lockUnknown() {
		return os.Remove(path) == nil
	}
	return false
}

// readFile reads the regular file at path into buf's storage when it has
// room, and returns it with the file's FileInfo. Anything but a regular
// file is refused before a byte is read: a named pipe would wait for a
// writer forever, a device such as /dev/zero never end. What it reads is
// bounded by the size the file had when opened, and a little more for a
// file that grew meanwhile: a file that grows past it is refused too.
func readFile(path string, buf []byte) ([]byte, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("not a regular file (%v): a cassette is a file", info.Mode().Type())}
	}
	os.SameFile(info, info) // on Windows, reads the file's identity now, not at the save
	limit := info.Size() + growth
	if limit > maxFile {
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%d bytes, more than a cassette holds", info.Size())}
	}
	if int64(cap(buf)) < limit+1 {
		buf = make([]byte, 0, limit+1)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			return nil, nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("the file grew past %d bytes while it was read (it had %d): write cassettes by renaming a finished file over them", limit, info.Size())}
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			return buf, info, nil
		case err != nil:
			return nil, nil, err
		}
	}
}

// growth is how much a file may grow while it is read; maxFile bounds
// what is read at all.
const (
	growth  = bytes.MinRead
	maxFile = 1 << 40
)
