// Package cassette holds recorded HTTP interactions in memory, indexes them
// for replay, and provides the [Recorder], an http.RoundTripper that replays
// from a cassette and records what it cannot replay.
//
// # The file
//
// [Marshal] writes a cassette as indented JSON, the same bytes for the same
// interactions, and [Unmarshal] reads it back; [Cassette.Save] and [Load] do the same
// with files. Both follow one schema, so a cassette Marshal writes always
// reads back, and Marshal refuses one that would not: an interaction needs a
// method, a URL, and exactly one of a response and an error.
//
// The reader takes any JSON, spacing and escapes included, but is strict
// about its shape, so that a hand edit that would silently lose data is an
// error instead, with its line and column:
//
//   - An unknown key is an error, not ignored: a typo ("heders") would
//     otherwise drop what it holds, and the next save would lose it for
//     good. Keys are matched exactly, case included. The format's version
//     rises when a key is added, so an older dvd reading a newer file says
//     to upgrade rather than drop the new key.
//   - A key given twice is an error, as are two forms of one body ("body"
//     and "body_json").
//   - null stands for a key left out.
//
// A body is stored as JSON when it is a JSON object or array that is text,
// whatever its spacing ("body_json"), as text when it is other text
// ("body"), and as base64 otherwise ("body_base64"); every body reads back
// byte for byte. A JSON body of up to 100 bytes is written on one line, as
// compact as it came; a longer one one member or element of its outermost
// object or array a line, each object or array inside it on one line,
// compact, up to 1000 bytes, and laid out the same way when longer. The
// reader compacts "body_json" whatever its layout, and spaces it again as
// the members after it say: "body_json_leading" and "body_json_trailing"
// (the spacing around the value), "body_json_indent" and
// "body_json_prefix" (json.MarshalIndent's), "body_json_comma" and
// "body_json_colon" (separators with their spacing, such as Python's
// json.dumps's ", " and ": "), or "body_json_spaces", for any other
// spacing, each run with the offset in the compact value where it goes:
// [[offset, "spacing"], …]. These members came with format version 2, and
// a file that uses none of them (nor any other of version 2) is written as
// version 1, so that an older dvd still reads it.
//
// What the test took from time and chance, its clock readings, random seed
// and named values (see [Recorder.Now], [Recorder.Rand] and
// [Recorder.Value]), is in a section of its own, "clock",
// before the interactions; a cassette without it is written as format
// version 1, as before there was one.
//
// Header values and other texts that are not valid UTF-8, such as a Latin-1
// file name in a Content-Disposition, are written as {"latin1": "…"}, each
// character U+0000 to U+00FF standing for one byte, so that they replay byte
// for byte.
package cassette

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sync"
	"time"

	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/internal/timeline"
)

// A Cassette is an ordered list of recorded interactions. It is safe for
// concurrent use.
type Cassette struct {
	mu           sync.Mutex
	interactions []Interaction
	recordedAt   time.Time
	clock        timeline.Clock // what the test took from time and chance
	refused      error          // why Save and Marshal refuse it: bombs a recorder did not store (Config.StoreBombs)

	origin     *origin // what a save expects at its path; nil to save without checking
	loaded     origin  // the origin of a cassette Load read, kept here to spare an allocation
	missing    bool    // stands for a file Load did not find
	merges     bool    // a ModeAppend recording's: a save merges with another's in between
	appendFrom int     // the first interaction that recording added
}

// New returns a cassette holding the given interactions, in order; with
// none, an empty cassette, as if nothing had been recorded yet.
func New(in ...Interaction) *Cassette { return &Cassette{interactions: slices.Clone(in)} }

// Load reads the cassette file at path, compressed or not. A missing file
// gives an error for which errors.Is(err, fs.ErrNotExist) is true, and with
// it a cassette that stands for the missing file: empty, taken by
// [NewRecorder] as no cassette (nil), and whose save, or that of the
// recorder's cassette, checks that no file was saved at path meanwhile. A
// corrupt,
// truncated or newer-format file gives a *[FormatError] that names it and
// says what is wrong. Anything but a regular file (a named pipe, a device,
// a folder; a symbolic link is followed) is refused before a byte is read,
// and so is a file that grows while it is read.
//
// The cassette remembers the file it was read from, which its Save checks
// (see [Cassette.Save]), as do the cassettes of a [Recorder] over it and
// those [Cassette.With] makes of it.
func Load(path string) (*Cassette, error) {
	buf := getBuffer()
	defer fileBuffers.Put(buf)
	data, info, err := readFile(path, *buf)
	if errors.Is(err, fs.ErrNotExist) {
		c := &Cassette{missing: true}
		c.loaded.path, c.loaded.since = path, time.Now()
		c.origin = &c.loaded
		return c, err
	}
	if err != nil {
		return nil, err // *fs.PathError names the file already
	}
	if cap(data) > cap(*buf) && cap(data) <= maxPooled {
		*buf = data[:0]
	}
	c, err := unmarshal(data)
	if err != nil {
		return nil, &FormatError{path: path, err: err}
	}
	c.loaded.path, c.loaded.info, c.loaded.since = path, info, time.Now()
	c.origin = &c.loaded
	return c, nil
}

// Save writes the cassette to path, compressed as the name asks (.zst,
// .gz), through a temporary file renamed over path: path holds either the
// old cassette or the new one, never a part of either. The temporary file
// and then its folder are synced to the disk around the rename, so that a
// power loss brings back one or the other too. A cassette that Marshal
// refuses is not written, and path is left as it was.
//
// No save loses another's recording without a word. A cassette that
// [Load] read, or that a [Recorder] returns, remembers the file it came
// from; its save first checks that the file at path is still that file
// (for a recorder over no cassette, that no file was saved at path since
// the recorder was made). If another save came in between, from another
// process say, a cassette a ModeAppend recorder returns is merged: the
// other's file, then the interactions this recording added. Any other
// save writes nothing and returns an error that wraps [ErrChangedOnDisk],
// naming the file and both recordings; the other's file is left as it is.
// The check and the rename hold a lock file next to the cassette
// (.<name>.dvd-lock), so that no save comes between them; docs/recording.md
// says what holds on each system. A save moves the cassette on to the file
// it wrote, so that it may save again. A cassette made with [New] or
// [Unmarshal] saves without checking.
func (c *Cassette) Save(path string) error {
	if c.refused != nil {
		return fmt.Errorf("cassette: %s: %w", path, c.refused)
	}
	data, err := marshal(c.file())
	if err != nil {
		return &FormatError{path: path, err: writeError(hideSecrets(err))}
	}
	return c.save(path, data)
}

// Marshal returns the cassette file of c, as uncompressed JSON. The output
// depends only on the interactions, the recording time and the clock:
// header names and value names are sorted, and the same cassette always
// gives the same bytes.
//
// Marshal writes only what [Unmarshal] reads back: an interaction that
// breaks a rule of the format (it needs a method, a URL, and exactly one of
// a response and an error; a status code runs from 100 to 999) gives a
// *[FormatError] that names it. Nor does it write a body that a
// [Recorder] would store unscanned, a decompression bomb: the cassette of
// a recording that met one is refused, with an error that names the
// request, unless Config.StoreBombs.
func Marshal(c *Cassette) ([]byte, error) {
	if c.refused != nil {
		return nil, errors.New("cassette: " + c.refused.Error())
	}
	data, err := marshal(c.file())
	if err != nil {
		return nil, &FormatError{err: writeError(hideSecrets(err))}
	}
	return data, nil
}

// writeError says what to do about an interaction the writer refused.
func writeError(err error) error {
	return fmt.Errorf("%w; Unmarshal could not read it back: fix the interaction, or the BeforeSave hook that edits it", err)
}

// Unmarshal parses a cassette file, compressed or not: the compression is
// recognised by its magic bytes. Its errors are *[FormatError] values that
// say what is wrong and where (line and column).
func Unmarshal(data []byte) (*Cassette, error) {
	c, err := unmarshal(data)
	if err != nil {
		return nil, &FormatError{err: err}
	}
	return c, nil
}

// fileBuffers holds the buffers that cassette files are read and
// decompressed into. The parser copies what it keeps out of the JSON, so a
// buffer serves the next file as soon as one is read: a suite that loads a
// cassette a test reads each without allocating and zeroing a buffer of its
// size.
//
// A buffer is kept for the next file only up to maxPooled bytes, so that
// a cassette of hundreds of megabytes does not leave its buffer behind.
// (Kept at most 128 KiB, the buffers of a suite of large cassettes were
// made again for each one: 60% more allocated to load it.)
var fileBuffers sync.Pool // of *[]byte

const maxPooled = 16 << 20

func getBuffer() *[]byte {
	if buf, _ := fileBuffers.Get().(*[]byte); buf != nil {
		return buf
	}
	return new([]byte)
}

func unmarshal(data []byte) (*Cassette, error) {
	if codec.Detect(data) == codec.None {
		return fromJSON(data)
	}
	buf := getBuffer()
	defer fileBuffers.Put(buf)
	raw, err := codec.Decompress(data, *buf)
	if err != nil {
		return nil, err
	}
	if cap(raw) > cap(*buf) && cap(raw) <= maxPooled {
		*buf = raw[:0]
	}
	return fromJSON(raw)
}

func fromJSON(raw []byte) (*Cassette, error) {
	f, err := unmarshalJSON(raw)
	if err != nil {
		return nil, hideSecrets(err)
	}
	c := &Cassette{interactions: f.Interactions, recordedAt: f.RecordedAt}
	if f.Clock != nil {
		c.clock = *f.Clock
	}
	return c, nil
}

// hideSecrets shows the request by which err names an interaction as the
// default redaction leaves it: the error of a file that was never redacted
// (written by hand or by another tool) would otherwise quote its tokens in
// a test log. The format itself knows nothing of redaction.
func hideSecrets(err error) error {
	var in *interactionError
	if errors.As(err, &in) && in.url != "" {
		in.url = redact.Default().URL(in.url)
	}
	return err
}

// Len returns the number of interactions.
func (c *Cassette) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.interactions)
}

// Interactions returns the interactions in recorded order. The slice is a
// copy; the interactions share their bodies and headers, and the responses
// they point to, with the cassette, and headers with each other too (a
// loaded cassette reads a header whose text repeats one of the two read
// just before it as the same map), and must not be modified: to change one (with
// [Redaction.Apply], say), copy what it points to first, headers with
// [http.Header.Clone], then make a cassette of the changed copies with
// [Cassette.With].
func (c *Cassette) Interactions() []Interaction {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.interactions)
}

// shared returns the interactions without copying them, for a recorder,
// which only reads them: a copy of a million interactions is a hundred
// megabytes. The slice ends at its capacity, so that an append goes
// elsewhere; nothing changes an interaction in place.
func (c *Cassette) shared() []Interaction {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.interactions[:len(c.interactions):len(c.interactions)]
}

// RecordedAt returns when the cassette was recorded, or the zero time for a
// new one.
func (c *Cassette) RecordedAt() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.recordedAt
}

// SetRecordedAt sets when the cassette was recorded, in UTC to the second,
// as the file stores it. [Cassette.With] keeps the time of the cassette
// it rewrites, which dvdtest.MaxAge reads.
func (c *Cassette) SetRecordedAt(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recordedAt = t.UTC().Truncate(time.Second)
}

// SetReadings replaces the clock readings that replay gives
// [Recorder.Now], in order, each in its own zone: for a cassette made from
// another tool's recording, as dvd import makes one from DataDog's
// NAME.freeze, the time its test was frozen at.
func (c *Cassette) SetReadings(readings ...time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock.Readings = make([]time.Time, len(readings))
	for i, t := range readings {
		c.clock.Readings[i] = timeline.InZone(t.Round(0))
	}
}

// With returns a cassette of the interactions in, in order, with c's
// recording time and the clock of c's test: what the test took from time
// and chance, its clock readings, random seed and named values. A tool
// that rewrites a loaded cassette (redacts it, drops interactions) makes
// the new one with With, so that the file keeps them.
func (c *Cassette) With(in ...Interaction) *Cassette {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &Cassette{interactions: slices.Clone(in), recordedAt: c.recordedAt, clock: c.clock.Clone(), origin: c.origin}
}

// file returns what a save writes.
func (c *Cassette) file() *file {
	c.mu.Lock()
	defer c.mu.Unlock()
	f := &file{RecordedAt: c.recordedAt, Interactions: slices.Clone(c.interactions)}
	if !emptyClock(&c.clock) {
		k := c.clock.Clone()
		f.Clock = &k
	}
	return f
}

// ErrNoMatch is wrapped by every error that reports a request the cassette
// cannot replay, so that errors.Is(err, ErrNoMatch) tells such errors apart.
var ErrNoMatch = errors.New("cassette: no recorded interaction matches the request")

// ErrClosed is wrapped by the error of every request sent through a
// [Recorder] after its Close: such a request is neither replayed nor sent.
var ErrClosed = errors.New("cassette: the recorder is closed")

// A Mode says what a [Recorder] does with a request: replay it, record it, or
// pass it through.
type Mode int

// The modes. The zero Mode is ModeOnce.
const (
	// ModeOnce records when there is no cassette yet, and replays only
	// when there is one: an unmatched request is an error.
	ModeOnce Mode = iota
	// ModeReplay replays only. A missing cassette is an error.
	ModeReplay
	// ModeAppend replays what the cassette has and records the rest.
	ModeAppend
	// ModeRecord ignores the cassette and records everything anew.
	ModeRecord
	// ModePassthrough sends everything upstream and records nothing.
	ModePassthrough
)

var modeNames = [...]string{"once", "replay", "append", "record", "passthrough"}

// String returns the mode's name: "once", "replay", "append", "record" or
// "passthrough", as dvdtest's DVD_MODE takes it.
func (m Mode) String() string {
	if m.valid() {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// valid reports whether m is one of the modes above.
func (m Mode) valid() bool { return m >= 0 && int(m) < len(modeNames) }
