package cassette

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dvdrw/dvd/internal/httpcoding"
	"github.com/dvdrw/dvd/internal/index"
	"github.com/dvdrw/dvd/internal/redact"
	"github.com/dvdrw/dvd/internal/timeline"
)

// A Recorder is an http.RoundTripper that replays requests from a cassette
// and, where its mode allows, sends the others upstream and records them.
// It is safe for concurrent use.
type Recorder struct {
	cfg       Config
	redact    *redact.Rules
	own       atomic.Pointer[http.Transport] // the upstream made at first use when cfg.Upstream is nil
	index     *replayIndex                   // nil when nothing replays
	recording bool
	save      bool // the cassette is worth saving even if nothing is recorded

	// What a save writes: the interactions replayed from, recorded at
	// replayedAt, then what was recorded.
	replayed   []Interaction
	replayedAt time.Time
	origin     *origin // what a save expects on disk (see Cassette.Save)

	bombs      bombs              // bodies not stored unscanned: they refuse the cassette
	recordedAt time.Time          // the time a new recording is stamped with
	clock      *timeline.Timeline // Now, Sleep, Rand and Value: see timeline.go

	closed atomic.Bool // set by Close: every request is refused

	mu       sync.Mutex
	seq      int
	unclosed map[*recordingBody]bool // response bodies the client has not closed
	recorded []recorded
}

type recorded struct {
	seq        int
	start, end time.Time   // when the request was sent, when its response headers (or error) came
	in         Interaction // redacted, with plain markers
	orig       Interaction // in before redaction, which numbers its markers (see markRecording)
	twinned    bool        // a concurrent twin of this one was reported (see concurrentTwin)
	came       codedBodies // the bytes that came of the bodies decoded, stored when unchanged
}

// NewRecorder returns a Recorder over c in the given configuration. c is nil
// when there is no cassette yet, or the cassette [Load] returns for a
// missing file; in ModeReplay that is an error. The cassettes the recorder
// returns remember the file c was loaded from, which their save checks
// (see [Cassette.Save]); in ModeRecord too, which ignores what c holds. c is never
// modified: recordings go to the cassette that [Recorder.Cassette] returns.
// An invalid cfg gives the error of [Config.Validate].
func NewRecorder(c *Cassette, cfg Config) (*Recorder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := &Recorder{
		cfg: cfg, redact: cfg.Redact.rules(),
		recordedAt: time.Now().UTC().Truncate(time.Second),
	}
	if r.origin = (&origin{since: time.Now()}); c != nil {
		r.origin = c.origin // nil for a cassette that was not loaded: saved unchecked
	}
	if c != nil && c.missing {
		c = nil // Load found no file: there is no cassette yet
	}
	matchers := cfg.Matchers
	if len(matchers) == 0 {
		matchers = defaultMatchers()
	}
	replayFrom := c
	switch cfg.Mode {
	case ModeOnce:
		r.recording = c == nil
		r.save = r.recording
	case ModeReplay:
		if c == nil {
			return nil, errors.New("cassette: there is no cassette to replay")
		}
	case ModeAppend:
		r.recording = true
	case ModeRecord:
		r.recording, r.save, replayFrom = true, true, nil
	case ModePassthrough:
		replayFrom = nil
	default:
		return nil, fmt.Errorf("cassette: unknown mode %v", cfg.Mode)
	}
	if r.recording {
		if err := r.origin.readOnly(cfg.Mode); err != nil {
			return nil, err // a store that cannot hold a recording: fail now, not at the save
		}
	}
	r.clock = r.newTimeline(replayFrom)
	if replayFrom != nil {
		ins := replayFrom.shared()
		ix, err := newIndex(r.restored(ins), matchers, cfg.Extra, cfg.AllowRepeats, cfg.ExactPorts, r.redact)
		if err != nil {
			// A URL that does not parse is quoted whole: redact it as text.
			return nil, errors.New("cassette: " + r.redact.Message(err.Error()))
		}
		r.index = ix
		r.replayed, r.replayedAt = ins, replayFrom.RecordedAt()
	}
	return r, nil
}

// upstream returns the transport requests that are not replayed go to:
// cfg.Upstream, or a transport of the recorder's own, made when it is first
// needed (a recorder that only replays has no use for one).
func (r *Recorder) upstream() http.RoundTripper {
	if r.cfg.Upstream != nil {
		return r.cfg.Upstream
	}
	if t := r.own.Load(); t != nil {
		return t
	}
	r.own.CompareAndSwap(nil, newUpstream())
	return r.own.Load()
}

// newUpstream returns a transport with the settings of net/http's default
// transport. It builds them anew rather than cloning http.DefaultTransport,
// which tests replace: with a mock that is no *http.Transport, or with a
// transport of their own whose settings are not dvd's to inherit.
func newUpstream() *http.Transport {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
	if runtime.GOARCH != "wasm" {
		// On wasm net/http's own default has no dialer either: without
		// one, its transport uses the host's fetch API.
		t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	return t
}

// Recording reports whether requests that do not replay go upstream and are
// recorded.
func (r *Recorder) Recording() bool { return r.recording }

// RoundTrip replays req from the cassette, or records it, or passes it
// upstream, as the mode says. A request that cannot be replayed and may not
// be recorded gets an error that wraps [ErrNoMatch]; its message names the
// request and the closest recorded one, shows the features that differ
// (-recorded +incoming), and says what to do.
// A request without a URL is an error in every mode, as in net/http; a nil
// Header is taken as an empty one, as http.Client takes it, and the
// upstream is sent a copy of the request with an empty Header. After
// [Recorder.Close], every request gets an error that wraps [ErrClosed].
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.closed.Load() {
		return nil, r.closedError(req)
	}
	if err := malformed(req); err != nil {
		return nil, err
	}
	if r.cfg.Mode == ModePassthrough || r.cfg.passes(req) {
		if req.Header == nil {
			out := new(http.Request)
			*out = *req
			out.Header = http.Header{}
			req = out
		}
		return r.upstream().RoundTrip(req)
	}
	if err := req.Context().Err(); err != nil {
		return nil, err // as a real transport does, replay or not
	}
	body, err := readBody(req)
	if err != nil {
		return nil, fmt.Errorf("cassette: reading the body of %s %s: %w", req.Method, r.redact.URL(req.URL.String()), err)
	}
	if r.index != nil {
		content, _, _ := httpcoding.Decode(req.Header, body) // matched by its content, as recorded bodies are stored
		if e := r.index.Lookup(req, content); e != nil {
			if r.cfg.Latency {
				if err := wait(req, e.Value.in.Duration); err != nil {
					return nil, err
				}
			}
			return replay(req, e)
		}
		if !r.recording {
			view, viewBody := r.redact.Request(req, content)
			return nil, noMatch(r.index, view, viewBody, r.redact)
		}
	}
	if !r.recording {
		return nil, noInteraction(req, r.redact)
	}
	return r.record(req, body)
}

// malformed returns an error for a request that no transport can send,
// after closing its body, as a RoundTripper must.
func malformed(req *http.Request) error {
	switch {
	case req == nil:
		return errors.New("cassette: RoundTrip was given a nil *http.Request: build requests with http.NewRequest")
	case req.URL == nil:
		if req.Body != nil {
			req.Body.Close()
		}
		return fmt.Errorf("cassette: the %s request has a nil URL, which net/http refuses too (http: nil Request.URL): build requests with http.NewRequest, or set the URL", cmp.Or(req.Method, http.MethodGet))
	}
	return nil
}

// wait sleeps for d, or until the request's context ends.
func wait(req *http.Request, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		// Both may be ready on a busy machine; the context wins.
		return req.Context().Err()
	case <-req.Context().Done():
		return req.Context().Err()
	}
}

// restored returns the interactions as replay serves them: with the values
// of placeholders put back, in headers, trailers and bodies, decoded
// response bodies encoded again, and lengths that agree with the bodies.
// Request bodies are matched decoded: one that a cassette of an older dvd
// holds encoded is decoded. The cassette itself is not modified.
func (r *Recorder) restored(ins []Interaction) []Interaction {
	swap := r.redact.HasPlaceholders()
	var out []Interaction
	for i := range ins {
		rec := ins[i].Response
		if !swap && (rec == nil || rec.Encoded == "" && lengthAgrees(ins[i].Request.Method, rec)) && !storedEncoded(&ins[i].Request) {
			continue
		}
		if out == nil {
			out = slices.Clone(ins)
		}
		out[i] = restored(r.redact, out[i])
		out[i].Request = decodedRequest(out[i].Request)
		if rec := out[i].Response; rec != nil {
			if rec == ins[i].Response {
				cp := *rec
				cp.Header = rec.Header.Clone()
				out[i].Response = &cp
			}
			// A body encoded again is not the one the server sent.
			sent := ins[i].Response.Body
			if rec.Encoded != "" {
				sent = nil
			}
			encodeAgain(out[i].Response)
			syncLength(ins[i].Request.Method, out[i].Response)
			syncChecksums(ins[i].Request.Method, out[i].Response, sent)
		}
	}
	if out == nil {
		return ins
	}
	return out
}

// readBody reads and closes the request body, as a RoundTripper must.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	var buf bytes.Buffer
	if req.ContentLength > 0 {
		// ReadFrom wants bytes.MinRead free before each read, the one
		// that finds the end too: without them a body of the announced
		// length would be copied into a buffer twice its size. A wrong
		// length must not cost more than 16 MiB up front.
		buf.Grow(int(min(req.ContentLength, 16<<20)) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(req.Body); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// record sends req upstream and records the outcome. The response body is
// recorded as the caller reads it.
func (r *Recorder) record(req *http.Request, body []byte) (*http.Response, error) {
	out := new(http.Request)
	*out = *req
	if out.Header == nil {
		out.Header = http.Header{}
	}
	if body != nil {
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		out.ContentLength = int64(len(body))
	}
	r.mu.Lock()
	seq := r.seq
	r.seq++
	r.mu.Unlock()
	r.clock.WentUpstream()
	start := time.Now()

	in := Interaction{Request: Request{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: body}}
	if in.Request.Method == "" {
		in.Request.Method = http.MethodGet
	}
	resp, err := r.upstream().RoundTrip(out)
	in.Duration = time.Since(start)
	if err != nil {
		in.Error = recordError(err, req.Context())
		r.keep(seq, start, in)
		return nil, err
	}
	in.Response = &Response{
		Status: resp.Status, StatusCode: resp.StatusCode, Proto: resp.Proto,
		Header: resp.Header.Clone(), ContentLength: resp.ContentLength, Uncompressed: resp.Uncompressed,
	}
	in.Response.TransferEncoding, in.Response.TLS = slices.Clone(resp.TransferEncoding), recordTLS(resp.TLS)
	if resp.StatusCode == http.StatusSwitchingProtocols {
		// The body is the connection itself, now speaking a protocol dvd
		// does not record (a WebSocket's frames): the caller gets it as the
		// transport gave it, an io.ReadWriteCloser, and the cassette keeps
		// the handshake.
		r.keep(seq, start, in)
		return resp, nil
	}
	rb := &recordingBody{rc: resp.Body, resp: resp, in: in, seq: seq, start: start, r: r, buf: newChunks(resp.ContentLength)}
	r.mu.Lock()
	if r.unclosed == nil {
		r.unclosed = map[*recordingBody]bool{}
	}
	r.unclosed[rb] = true
	r.mu.Unlock()
	resp.Body = rb
	return resp, nil
}

// keep stores a finished interaction, if every RecordIf func lets it,
// after the BeforeSave funcs and redaction, with its bodies decoded first
// (see Response.Encoded); it reports a body that stays encoded, which no
// redaction could read.
func (r *Recorder) keep(seq int, start time.Time, in Interaction) {
	undecoded, came := decodeBodies(&in)
	store := r.cfg.keeps(&in)
	var orig Interaction
	if store {
		// The body as it came, to tell whether it changed, when
		// checksums describe it.
		sent, check := bodyBefore(in.Response)
		r.cfg.beforeSave(&in)
		orig = in
		if in.Response != nil {
			cp := *in.Response
			orig.Response = &cp
		}
		redactInteraction(r.redact, &in)
		if in.Response != nil {
			syncLength(in.Request.Method, in.Response)
			if check {
				syncChecksums(in.Request.Method, in.Response, sent)
			}
		}
		r.reportUndecoded(&in, undecoded)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if store {
		// Requests overlap when one is sent before the response headers of
		// the other arrived: only then was their order a race.
		rec := recorded{seq: seq, start: start, end: start.Add(in.Duration), in: in, orig: orig, came: came}
		if twin := concurrentTwin(r.recorded, &rec); twin != nil {
			r.cfg.logf("cassette: %s %s was sent twice at once, and the two identical requests got different responses: "+
				"replay hands them out in the order they arrive, and follows the values in which the responses differ "+
				"(an id in a Location, say) to match the later requests that carry them; a later request that carries none "+
				"may get its sibling's recording", in.Request.Method, in.Request.URL)
		}
		r.recorded = append(r.recorded, rec)
	}
}

// concurrentTwin returns a recording among the last ones of recs whose
// request is rec's, sent while rec's was in flight, and whose response
// differs: the case where replay cannot tell which caller was which by
// the request alone. It returns nil when there is none, or when the pair
// was reported already.
func concurrentTwin(recs []recorded, rec *recorded) *recorded {
	for i := len(recs) - 1; i >= 0 && i >= len(recs)-64; i-- {
		o := &recs[i]
		a, b := &o.in, &rec.in
		if !o.start.Before(rec.end) || !rec.start.Before(o.end) || a.Request.Method != b.Request.Method || a.Request.URL != b.Request.URL ||
			index.Distinguishing(a.Request.Header) != index.Distinguishing(b.Request.Header) || !bytes.Equal(a.Request.Body, b.Request.Body) {
			continue
		}
		if a.Response == nil || b.Response == nil || a.Response.StatusCode == b.Response.StatusCode &&
			slices.Equal(a.Response.Header["Location"], b.Response.Header["Location"]) && bytes.Equal(a.Response.Body, b.Response.Body) {
			continue
		}
		if o.twinned {
			return nil
		}
		o.twinned = true
		return o
	}
	return nil
}

// Cassette returns the cassette to save: the replayed interactions, then the
// recorded ones in the order their requests were sent, with a run of polls
// stored once (see [Interaction.Times]): the same request answered the
// same several times in a row, but for headers that change with every
// request and response, such as Date, request ids and rate-limit counters;
// the first of the run is kept, with its headers and duration. It is a
// snapshot of what was stored so far, and changes nothing: a response body
// still being read is stored once it ends or is closed, and
// [Recorder.Close] stores those still open, as far as they were read.
// Close the recorder first to save everything it recorded.
//
// Cassette returns nil when there is nothing to save: nothing new was
// stored (an interaction, or a clock reading, seed or value of
// [Recorder.Now], [Recorder.Rand] or [Recorder.Value]) and the mode does not
// record a whole new cassette (ModeRecord, or ModeOnce with no cassette to
// replay, saves one even when empty).
func (r *Recorder) Cassette() *Cassette {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.save && len(r.recorded) == 0 && !r.clock.Changed() {
		return nil
	}
	c := &Cassette{recordedAt: r.replayedAt, interactions: slices.Clone(r.replayed), clock: r.clock.Saved(), refused: r.bombs.err(),
		origin: r.origin, merges: r.cfg.Mode == ModeAppend, appendFrom: len(r.replayed)}
	c.interactions = append(c.interactions, r.marked(&c.clock)...)
	if r.cfg.Mode == ModeRecord || c.recordedAt.IsZero() {
		c.recordedAt = r.recordedAt
	}
	return c
}

// marked returns the interactions recorded, in the order a save stores
// them, their markers numbered and their secrets tainted (see
// markRecording), and taints the values of clock too.
func (r *Recorder) marked(clock *timeline.Clock) []Interaction {
	if len(r.recorded) == 0 {
		return nil
	}
	recs := inSaveOrder(r.recorded)
	ins, from := storedOnce(recs)
	red, orig := make([]*Interaction, len(ins)), make([]*Interaction, len(ins))
	for i := range ins {
		red[i], orig[i] = &ins[i], &recs[from[i]].orig
	}
	t := markRecording(r.redact, red, orig, maxMarker(r.replayed))
	for i := range ins {
		recs[from[i]].came.asCame(&ins[i])
	}
	for k, v := range clock.Values {
		clock.Values[k] = t.String(v)
	}
	return ins
}

// inSaveOrder orders recordings so that the same test gives the same file:
// requests that did not overlap in time stay in the order they were sent,
// which tells the story of the test; requests that overlapped, sent
// concurrently in an order that varies from run to run, are sorted by
// method, URL, distinguishing headers (such as Range) and body, and
// identical ones keep the order they were sent in.
func inSaveOrder(recs []recorded) []recorded {
	recs = slices.Clone(recs)
	slices.SortFunc(recs, func(a, b recorded) int { return cmp.Compare(a.seq, b.seq) })
	for i := 0; i < len(recs); {
		end, j := recs[i].end, i+1
		for ; j < len(recs) && recs[j].start.Before(end); j++ {
			if recs[j].end.After(end) {
				end = recs[j].end
			}
		}
		slices.SortStableFunc(recs[i:j], func(a, b recorded) int {
			ra, rb := &a.in.Request, &b.in.Request
			return cmp.Or(cmp.Compare(ra.Method, rb.Method), cmp.Compare(ra.URL, rb.URL),
				cmp.Compare(index.Distinguishing(ra.Header), index.Distinguishing(rb.Header)), cmp.Compare(string(ra.Body), string(rb.Body)))
		})
		i = j
	}
	return recs
}

// Unused returns what the cassette given to [NewRecorder] holds that this
// run did not use: the position, from 1, of each replayable interaction
// that was never replayed, in recorded order (the number a miss's message
// gives an interaction, #3), and the names, sorted, of the stored values
// that [Recorder.Value] was never asked for. Call it once the requests are
// over, as after [Recorder.Close].
func (r *Recorder) Unused() (interactions []int, values []string) {
	values = r.clock.UnusedValues()
	if r.index == nil {
		return nil, values
	}
	for _, e := range r.index.Unused() {
		interactions = append(interactions, e.Position()+1)
	}
	return interactions, values
}

// Close ends what is in flight: it closes the response bodies the client
// left open, which stores those still being read as far as they were read,
// marked truncated. It also releases the idle connections of the upstream
// transport the recorder made for itself. From then on RoundTrip refuses
// every request, in every mode, with an error that wraps [ErrClosed].
func (r *Recorder) Close() {
	r.closed.Store(true)
	r.mu.Lock()
	open := make([]*recordingBody, 0, len(r.unclosed))
	for rb := range r.unclosed {
		open = append(open, rb)
	}
	r.mu.Unlock()
	for _, rb := range open {
		rb.Close()
	}
	if t := r.own.Load(); t != nil {
		t.CloseIdleConnections()
	}
}
