package cassette_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/match"
)

func TestConfigValidate(t *testing.T) {
	keepAll := func(*cassette.Interaction) bool { return true }
	noop := func(*cassette.Interaction) {}
	never := func(*http.Request) bool { return false }
	same := func(_, _ *http.Request) bool { return true }
	tests := []struct {
		name   string
		reason string
		cfg    cassette.Config
		want   string // the error, "" for none
	}{
		{name: "zero", reason: "the zero Config is ModeOnce with every default", cfg: cassette.Config{}},
		{
			name:   "everything set",
			reason: "a Config that uses every field well is valid",
			cfg: cassette.Config{
				Mode: cassette.ModePassthrough, Matchers: []match.Matcher{match.Method, match.Header("X-Id")},
				Extra: []match.Func{same}, BeforeSave: []func(*cassette.Interaction){noop, noop},
				RecordIf: []func(*cassette.Interaction) bool{keepAll}, Passthrough: []func(*http.Request) bool{never},
				Redact: cassette.Redaction{
					Headers: []string{"X-Tenant-Token"}, Query: []string{"session"},
					JSONFields:   []string{"password", "user.token", "items.*.secret"},
					Placeholders: map[string]string{"ACCOUNT_ID": "acct-1", "TENANT": "", "a.b-c": "x"},
				},
			},
		},
		{
			name: "mode out of range", reason: "only the five modes exist",
			cfg:  cassette.Config{Mode: 42},
			want: "cassette: Config.Mode is Mode(42), which is not a mode: use ModeOnce, ModeReplay, ModeAppend, ModeRecord or ModePassthrough",
		},
		{
			name: "negative mode", reason: "no mode is negative",
			cfg:  cassette.Config{Mode: -1},
			want: "cassette: Config.Mode is Mode(-1), which is not a mode: use ModeOnce, ModeReplay, ModeAppend, ModeRecord or ModePassthrough",
		},
		{
			name: "nil matcher", reason: "a nil matcher would panic at the first request",
			cfg:  cassette.Config{Matchers: []match.Matcher{match.Method, {}}},
			want: "cassette: Config.Matchers[1] is nil: remove it, or give a matcher of package match, such as match.Path",
		},
		{
			name: "nil extra", reason: "a nil Extra func would panic at the first replay",
			cfg:  cassette.Config{Extra: []match.Func{nil}},
			want: "cassette: Config.Extra[0] is nil: remove it, or give a func(recorded, incoming *http.Request) bool",
		},
		{
			name: "nil before save", reason: "a nil hook would panic at the first recording",
			cfg:  cassette.Config{BeforeSave: []func(*cassette.Interaction){noop, nil}},
			want: "cassette: Config.BeforeSave[1] is nil: remove it, or give a func that edits the *Interaction",
		},
		{
			name: "nil record if", reason: "a nil predicate would panic at the first recording",
			cfg:  cassette.Config{RecordIf: []func(*cassette.Interaction) bool{nil}},
			want: "cassette: Config.RecordIf[0] is nil: remove it, or give a func that returns true for the interactions to store",
		},
		{
			name: "nil passthrough", reason: "a nil predicate would panic at the first request",
			cfg:  cassette.Config{Passthrough: []func(*http.Request) bool{nil}},
			want: "cassette: Config.Passthrough[0] is nil: remove it, or give a func that returns true for the requests to send upstream",
		},
		{
			name: "empty header", reason: "an empty name redacts nothing, which hides a mistake",
			cfg:  cassette.Config{Redact: cassette.Redaction{Headers: []string{""}}},
			want: `cassette: Config.Redact.Headers[0] is "", which is not a header name: give the name alone, such as "X-Tenant-Token"`,
		},
		{
			name: "header with value", reason: "a pasted header line names no header",
			cfg:  cassette.Config{Redact: cassette.Redaction{Headers: []string{"X-Key: abc"}}},
			want: `cassette: Config.Redact.Headers[0] is "X-Key: abc", which is not a header name: give the name alone, such as "X-Tenant-Token"`,
		},
		{
			name: "empty query", reason: "an empty name redacts nothing, which hides a mistake",
			cfg:  cassette.Config{Redact: cassette.Redaction{Query: []string{"key", ""}}},
			want: `cassette: Config.Redact.Query[1] is empty: give the name of a query parameter, such as "session"`,
		},
		{
			name: "empty JSON path", reason: "an empty path names no field",
			cfg:  cassette.Config{Redact: cassette.Redaction{JSONFields: []string{""}}},
			want: `cassette: Config.Redact.JSONFields[0] is "", which is not a dotted path: name the field from the top, such as "password", "user.token" or "items.*.secret"`,
		},
		{
			name: "JSON path with an empty name", reason: "a..b, .a and a. hold an empty name, which no field has",
			cfg: cassette.Config{Redact: cassette.Redaction{JSONFields: []string{"a..b", ".a", "a."}}},
			want: `cassette: Config.Redact.JSONFields[0] is "a..b", which is not a dotted path: name the field from the top, such as "password", "user.token" or "items.*.secret"` + "\n" +
				`cassette: Config.Redact.JSONFields[1] is ".a", which is not a dotted path: name the field from the top, such as "password", "user.token" or "items.*.secret"` + "\n" +
				`cassette: Config.Redact.JSONFields[2] is "a.", which is not a dotted path: name the field from the top, such as "password", "user.token" or "items.*.secret"`,
		},
		{
			name: "placeholder names", reason: "<NAME> must stand out of the text around it; the error lists names sorted",
			cfg: cassette.Config{Redact: cassette.Redaction{Placeholders: map[string]string{"A B": "1", "": "2", "<X>": "3", "T\tAB": ""}}},
			want: `cassette: Config.Redact.Placeholders has the name "", which cannot be written as <NAME>: use a name without angle brackets, spaces or control characters, such as "ACCOUNT_ID"` + "\n" +
				`cassette: Config.Redact.Placeholders has the name "<X>", which cannot be written as <NAME>: use a name without angle brackets, spaces or control characters, such as "ACCOUNT_ID"` + "\n" +
				`cassette: Config.Redact.Placeholders has the name "A B", which cannot be written as <NAME>: use a name without angle brackets, spaces or control characters, such as "ACCOUNT_ID"` + "\n" +
				`cassette: Config.Redact.Placeholders has the name "T\tAB", which cannot be written as <NAME>: use a name without angle brackets, spaces or control characters, such as "ACCOUNT_ID"`,
		},
		{
			name: "every finding", reason: "one error lists them all, in the order of the fields",
			cfg: cassette.Config{
				Mode: 9, Extra: []match.Func{nil}, Passthrough: []func(*http.Request) bool{nil},
				Redact: cassette.Redaction{JSONFields: []string{"a..b"}},
			},
			want: "cassette: Config.Mode is Mode(9), which is not a mode: use ModeOnce, ModeReplay, ModeAppend, ModeRecord or ModePassthrough\n" +
				"cassette: Config.Extra[0] is nil: remove it, or give a func(recorded, incoming *http.Request) bool\n" +
				"cassette: Config.Passthrough[0] is nil: remove it, or give a func that returns true for the requests to send upstream\n" +
				`cassette: Config.Redact.JSONFields[0] is "a..b", which is not a dotted path: name the field from the top, such as "password", "user.token" or "items.*.secret"`,
		},
		{
			name: "before the cassette", reason: "a bad Config is reported even where the mode would fail too",
			cfg:  cassette.Config{Mode: cassette.ModeReplay, Matchers: []match.Matcher{{}}},
			want: "cassette: Config.Matchers[0] is nil: remove it, or give a matcher of package match, such as match.Path",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errText := func(err error) string {
				if err == nil {
					return ""
				}
				return err.Error()
			}
			if got := errText(tt.cfg.Validate()); got != tt.want {
				t.Errorf("Validate() = %q, want %q (%s)", got, tt.want, tt.reason)
			}
			r, err := cassette.NewRecorder(nil, tt.cfg)
			if got := errText(err); got != tt.want {
				t.Errorf("NewRecorder error = %q, want %q (%s)", got, tt.want, tt.reason)
			}
			if err != nil && r != nil {
				t.Error("NewRecorder returned a Recorder with its error")
			}
			if r != nil {
				r.Close()
			}
			for line := range strings.SplitSeq(tt.want, "\n") {
				if tt.want != "" && !strings.HasPrefix(line, "cassette: ") {
					t.Errorf("finding %q does not start with the package name", line)
				}
			}
		})
	}
}

// The hook lists compose as their fields say: BeforeSave funcs chain in
// order, RecordIf funcs all must keep an interaction, and one Passthrough
// func is enough to pass a request.
func TestConfigHookLists(t *testing.T) {
	c := newCounter(t)
	var order []string
	stamp := func(s string) func(*cassette.Interaction) {
		return func(in *cassette.Interaction) {
			order = append(order, s)
			in.Response.Header.Set("X-Stamp", in.Response.Header.Get("X-Stamp")+s)
		}
	}
	onlyGET := func(in *cassette.Interaction) bool { return in.Request.Method == http.MethodGet }
	notSkip := func(in *cassette.Interaction) bool { return !strings.HasSuffix(in.Request.URL, "/skip") }
	path := func(p string) func(*http.Request) bool {
		return func(r *http.Request) bool { return r.URL.Path == p }
	}
	r := mustRecorder(t, nil, cassette.Config{
		Mode:        cassette.ModeRecord,
		BeforeSave:  []func(*cassette.Interaction){stamp("a"), stamp("b")},
		RecordIf:    []func(*cassette.Interaction) bool{onlyGET, notSkip},
		Passthrough: []func(*http.Request) bool{path("/live1"), path("/live2")},
	})
	for _, q := range []string{"GET /kept", "POST /post", "GET /skip", "GET /live1", "GET /live2"} {
		method, p, _ := strings.Cut(q, " ")
		if _, err := get(t, r, method, c.srv.URL+p, ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.n.Load(); n != 5 {
		t.Errorf("the server saw %d requests, want 5: every request reaches it while recording", n)
	}
	ins := r.Cassette().Interactions()
	var stored []string
	for _, in := range ins {
		stored = append(stored, in.Request.Method+" "+strings.TrimPrefix(in.Request.URL, c.srv.URL))
	}
	if want := []string{"GET /kept"}; !slices.Equal(stored, want) {
		t.Errorf("stored %q, want %q: RecordIf keeps what every func keeps, and passthrough requests are never stored", stored, want)
	}
	if len(ins) == 1 {
		if got := ins[0].Response.Header.Get("X-Stamp"); got != "ab" {
			t.Errorf("X-Stamp = %q, want \"ab\": the BeforeSave funcs run in order, each on what the one before left", got)
		}
	}
	if want := []string{"a", "b"}; !slices.Equal(order, want) {
		t.Errorf("BeforeSave ran %q, want %q: only on the kept interaction, in order", order, want)
	}
}
