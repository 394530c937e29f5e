// Package dvdtest records the HTTP traffic of a test once and replays it on
// every later run.
//
// # Quick start
//
// Give the code under test the client of a DVD:
//
//	func TestListRepos(t *testing.T) {
//		d := dvdtest.Use(t, "github/list_repos") // testdata/github/list_repos.dvd.json
//		gh := github.NewClient(d.Client())
//		...
//	}
//
// The first run sends the requests to the real server and, if the test
// passes, saves them with their responses in the cassette
// testdata/github/list_repos.dvd.json. Every later run replays them from the
// cassette: offline, deterministic, in microseconds. To record again, run
//
//	go test -run '^TestListRepos$' -update
//
// A DVD is an http.RoundTripper, so it can also be handed to any SDK that
// takes a transport.
//
// # Modes
//
//	mode             cassette missing     cassette present                 saved when the test passed
//	ModeOnce         record everything    replay only; a miss is an error  if it recorded (an empty cassette too)
//	ModeReplay       the test fails       replay only                      never
//	ModeAppend       record               replay what matches, record rest if something new was recorded
//	ModeRecord       record               ignored: everything re-recorded  always (a failed test keeps the old file)
//	ModePassthrough  no replay, no recording: every request goes upstream  never
//
// The mode comes from, in this order, the first that says anything:
//
//  1. the -update flag: ModeRecord for every cassette of the run;
//  2. the DVD_MODE environment variable: once, replay, append, record or
//     passthrough;
//  3. the [WithMode] option of the test;
//  4. the CI environment variable: when it is set (and not false), the
//     default is ModeReplay, so that CI never reaches the network by accident
//     and a missing cassette fails with the command that records it;
//  5. otherwise ModeOnce.
//
// The person running the tests speaks first, then the code, then the
// machine.
//
// # Cassettes that no test uses
//
// When the DVD_USED environment variable names a file, every Use appends to
// it the absolute path of its cassette as Use would save it
// (testdata/<name>.dvd.json, with the extension that [Compress] asks for),
// one a line, once per Use, whatever the mode and whether the file exists.
// The test binaries that go test ./... runs at once append to the same
// file; each line is written whole, in one O_APPEND write, so lines do not
// interleave on a local file system. The dvd command reads the list back
// and names the cassettes that no test used, which a renamed or deleted
// test leaves behind:
//
//	DVD_USED=$PWD/used.txt go test ./...
//	dvd lint -used used.txt .
//
// Give DVD_USED an absolute path: go test runs each package's tests in the
// package's own folder. Remove the file before a run, or it keeps the
// paths of the runs before.
//
// # -update and packages with their own -update flag
//
// dvdtest registers -update only when it is on the command line and no
// package has registered it, and reads it, whoever registered it, when Use
// is called. A package whose tests define their own -update flag (for golden
// files) therefore keeps working in an ordinary run. In a run with -update,
// though, dvdtest is initialised first and registers the flag, and the
// package's own flag.Bool("update", ...) panics with "flag redefined". Such a
// package re-records its cassettes with
//
//	DVD_MODE=record go test ./pkg
//
// or defines its flag only if it is not defined yet, so that one -update
// re-records both golden files and cassettes:
//
//	// update reports whether the run asked for -update, whoever defined it.
//	var update = func() func() bool {
//		if f := flag.Lookup("update"); f != nil {
//			return func() bool { return f.Value.String() == "true" }
//		}
//		b := flag.Bool("update", false, "update golden files")
//		return func() bool { return *b }
//	}()
//
// # Matching
//
// A request replays the first recorded interaction, in recorded order, that
// has the same method, scheme, host, path and query (parameter order does
// not matter). [MatchOn] chooses other features from package match, such as
// match.Header or match.JSONBody; [Extra] adds checks that cannot be reduced
// to a feature. Features are hashed into an index, so a lookup costs the
// same in a cassette of 100 or 100,000 interactions.
//
// Each recorded interaction is replayed once: two identical requests get the
// two recorded responses in order, so read-modify-reread works. [AllowRepeats]
// lifts that.
//
// A request that matches nothing fails the test, even if the client swallows
// the error. The error wraps cassette.ErrNoMatch, names the request, shows
// the closest recorded request with a (-recorded +incoming) diff of the
// features that differ, and ends with the command that re-records the test.
//
// # Time and chance
//
// A cassette replays the HTTP traffic, but the code under test also
// waits, reads the clock and makes things up, and those would differ on
// replay: a poller would wait through its polls again, a request would
// carry another time or another random name and miss. The DVD replaces
// them, and the cassette remembers what they gave, in a section of its
// own ("clock"):
//
//	d.Sleep(ctx, 30*time.Second) // waits while recording; returns at once on replay
//	d.Now()                      // the real time while recording; the same readings on replay
//	d.Rand()                     // *rand.Rand seeded from the cassette: the same numbers on replay
//	d.Value("bucket", gen)       // gen runs while recording; its result replays
//
// The code under test rarely sees the DVD, so give it a way in: a small
// interface in the code's own package, which a *DVD satisfies in tests,
// and the time package in production:
//
//	type Clock interface {
//		Now() time.Time
//		Sleep(ctx context.Context, d time.Duration) error
//	}
//
// Pollers, retry loops with back-off and waiters such as the
// StateChangeConf of Terraform providers then take a Clock where they
// called time.Sleep and time.Now, and a test hands them the DVD: a test
// whose poller waits 30 seconds between polls while recording replays in
// milliseconds, polling as many times. The examples of [DVD.Sleep] show
// a poller, a retry loop and a StateChangeConf, whole.
//
// On replay, Sleep returns at once ([ReplayLatency] makes it wait), and
// Now, Rand and Value give what they gave while recording; Now runs on
// with the real time past the recorded readings. In append mode the
// recorded readings and values replay and new ones are recorded, and
// Sleep waits once a request of the run has gone to the network; in
// record mode everything is new; in passthrough mode everything is real
// and nothing is stored. A value the test no longer asks for keeps
// working, and [FailOnUnused] reports it; a value asked for on replay
// that the cassette lacks fails the test with the command that records it
// again. A value is redacted as the rest of the cassette: keep a secret
// in it out of the file with a [Placeholder].
//
// # Saving
//
// The cassette is written when the test ends (from t.Cleanup; with [Main],
// once every test has ended), only if the test passed (not failed,
// panicked or skipped) and something changed. The
// write goes to a temporary file renamed over the cassette, so a cassette is
// never half-written, and a cassette that cannot be read is never
// overwritten except by a passing re-record. The test log says what
// happened. A cassette is open in one DVD at a time, so parallel
// tests need a name each; the name is what counts, not the file, for a
// save under one compression removes the file of another.
//
// A recording in which a request could not connect to its server is not
// saved: the connection was refused, the name did not resolve, the host
// or network was unreachable, the dial timed out, or the TLS handshake or
// the server's certificate failed. The server looks unreachable (it is
// down, a VPN is off, the network is gone), and a test that swallows
// transport errors, as many do, would pass and replace a cassette of real
// responses with connection errors. Instead the test log lists the
// requests that failed and says that the file was kept as it was, or that
// nothing was written when there was none. Only the requests recorded in
// this run count, and a single one that could not connect is enough: a
// partial recording is no better. A test that records such failures on
// purpose, such as one of how the code handles a server that is down,
// passes [RecordFailures]. Other errors, such as a connection reset or a
// timeout awaiting the response, are saved as they are: the server was
// reached, and they are what it did.
//
// [Compress] stores the cassette compressed with zstd or gzip (codec.Zstd,
// codec.Gzip); reading recognises the compression by its content.
//
// # Checks at the end of a test
//
// The testing package runs a test's cleanups after the test function and
// its subtests have returned, last registered first. The cleanup that Use
// registers, which decides whether to save, therefore sees a failure in
// the test function, its deferred calls, its subtests, and the cleanups
// registered after Use, and nothing that runs after it: a check registered
// with t.Cleanup before Use. Mock controllers register such checks when
// they are made (gomock.NewController(t) registers Finish). Registered
// before Use, such a check fails the test after its cassette is saved, in
// record mode over a good one. So call Use first:
//
//	d := dvdtest.Use(t, "users")    // its cleanup runs last
//	ctrl := gomock.NewController(t) // Finish runs before it
//
// Where that order cannot be kept, as when a helper that the test calls
// first makes the mocks, or must not be, run the package's tests through
// [Main]. A leak check, such as goleak.VerifyNone in t.Cleanup, must not:
// the DVD's cleanup closes the idle connections of the transport that
// recorded, and a leak check that runs before it reports their goroutines.
// Register it before Use, and use Main:
//
//	func TestMain(m *testing.M) {
//		os.Exit(dvdtest.Main(m))
//	}
//
// With Main, the cleanup decides as before, but a cassette it would save
// is held in memory, and written once every test has ended, and all their
// cleanups have run, only if its test still passed. The log of the test
// says that the recording is held; Main prints, after the tests, each
// cassette written or kept. A later test that uses the same name reads the
// held cassette, as it would read the file without Main. Main cannot help
// when:
//
//   - the check belongs to a parent test (made with the parent's t) and
//     fails it once a subtest has ended: the subtest passed, and its
//     cassette is saved. Make the check with the t that uses the DVD.
//   - the test binary dies before the tests have all ended (a panic, a
//     -timeout, os.Exit): no held cassette is written, and the files stay
//     as they were.
//   - the check runs after all the tests, as goleak.VerifyTestMain does:
//     it fails the run, not a test, and Main has written by then.
//
// A package without a TestMain of its own cannot defer its saves further
// than the cleanup: a cleanup registered while the cleanups run runs
// next, before those registered earlier, and a testing.TB tells nothing of
// its parent test or of when it has completed.
//
// # Secrets
//
// Credentials never reach a cassette, an error message or a log line of
// dvd: Authorization, cookies, API keys, tokens and signatures in headers,
// in the query and in form bodies, the user information of URLs, and token,
// password and secret fields of JSON bodies at any depth are redacted by
// default (cassette.Redaction lists them, and says what is not redacted).
// [RedactHeaders], [RedactQuery] and [RedactJSON] add more, [KeepFields]
// keeps a named field that is not a secret; [Placeholder]
// stores <NAME> instead of a value, in whatever escaped form it appears, and
// gives the value back on replay; [BeforeSave] edits an interaction before
// it is stored. Both sides of a match, the incoming request and the
// recorded one, are redacted the same way before they are compared, so a
// redacted token still matches on replay. Each secret's marker is its own,
// numbered in order of appearance (REDACTED~1, REDACTED~2), the same for
// the same value, so a test that compares two server-issued secrets
// passes on replay; and a value redacted in one place is replaced
// wherever else the cassette holds it, escaped or in base64 (see
// docs/secrets.md). A body sent in gzip, deflate or
// zstd (a client that sets Accept-Encoding itself gets the response so) is
// stored decoded, redacted like any other, and encoded again on replay; a
// body dvd cannot decode (br, a stack of codings, a corrupt stream) is
// stored as it came, and the test log says that it was not redacted; a
// decompression bomb fails the test, unless [StoreBombs] says to store it
// unscanned.
//
// [RecordIf] stores only some interactions, [Passthrough] and
// [PassthroughHosts] send some requests to the network in every mode,
// [FailOnUnused] fails a test whose cassette holds interactions it no longer
// uses, [MaxAge] re-records old cassettes, and [ReplayLatency] replays the
// recorded durations.
//
// # What is recorded
//
// Response bodies are recorded as the client reads them, so streams reach
// the client while recording; an interaction is stored when its body was
// read to the end or closed. A body closed early is stored as far as it was
// read, marked truncated, and its replay ends there with an error that says
// so. Transport errors are recorded and replayed with their type (timeouts,
// refused connections, DNS, context and TLS errors, and errors in the
// middle of a body, at the same byte). Redirects are recorded hop by hop.
// Requests that overlap in time are saved sorted by method and URL, so the
// file does not depend on goroutine scheduling.
//
// A run of polls is stored once: the same request answered the same
// several times in a row is one interaction with its count ("times": 40),
// which replay serves that many times, in place, so that a re-record of
// the same polling changes only the count. The same request has the same
// method, URL and body, and the same headers; the same answer has the same
// status, body and trailers, and the same headers. Headers that change
// with every request and response do not count: Date, Age, Expires,
// X-Amz-Date, SDK invocation ids, request and correlation ids, trace and
// span ids, timings (Server-Timing, X-Runtime, X-Response-Time, Cf-Ray)
// and rate-limit counters. The first poll of the run is kept, with its
// headers and duration. Transport errors are stored each time.
//
// # Child processes and hermetic tests
//
// [DVD.ProxyEnv] sends a child process's HTTP and HTTPS through the DVD:
// a proxy on loopback with a certificate authority made for the test.
// [DVD.Server] stands for an upstream, for clients that take an endpoint.
// With [Main], while the tests replay, http.DefaultTransport refuses to
// dial hosts that are not loopback, so a request that bypasses every DVD
// fails with a message that names it; DVD_HERMETIC=off turns that off.
// docs/proxy.md has the details, and what each client does with proxies.
//
// # Packages
//
// dvdtest is the testing front of three packages that work without package
// testing. Package cassette holds what is recorded (cassette.Interaction,
// with its Request, Response and Error, and the clock of the test, what it
// took from time and chance), the cassette file format
// (cassette.Load, Save, Marshal, Unmarshal), the in-memory cassette with its
// index, and the Recorder, the http.RoundTripper that records and replays.
// Package match holds the matchers. Package codec holds the bytes of a
// cassette file: their compression (codec.Compression: codec.None,
// codec.Zstd, codec.Gzip) and the atomic writes.
package dvdtest
