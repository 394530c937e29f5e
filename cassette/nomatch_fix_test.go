package cassette

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/internal/nomatch"
	"github.com/dvdrw/dvd/match"
)

// A miss that differs from the closest recorded request only in query
// parameters or JSON fields names them and gives the option that matches.
func TestNoMatchNamesTheFix(t *testing.T) {
	tenant := match.Custom(func(r *http.Request, _ []byte) match.Feature {
		return match.Feature{Name: "Tenant", Value: r.Header.Get("X-Tenant")}
	})
	ownQuery := match.Custom(func(r *http.Request, _ []byte) match.Feature {
		return match.Feature{Name: "Query", Value: r.URL.RawQuery}
	})
	badName := match.Custom(func(_ *http.Request, body []byte) match.Feature {
		return match.Feature{Name: `JSONBodyIgnoring("a..b")`, Value: string(body)}
	})
	post := func(url, body string) Request {
		return Request{Method: "POST", URL: url, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)}
	}
	tests := []struct {
		name, reason       string
		matchers           []match.Matcher
		recorded, incoming Request
		only, fix          string // empty: no fix offered
	}{
		{
			name: "query parameter", reason: "the default matchers, with the parameter left out",
			recorded: Request{Method: "GET", URL: "https://api.example.com/events?limit=50&since=2026-11-22T09%3A30%3A00Z"},
			incoming: Request{Method: "GET", URL: "https://api.example.com/events?since=2026-11-23T10%3A00%3A00Z&limit=50"},
			only:     `the query parameter "since"`,
			fix:      `dvdtest.MatchOn(match.Method, match.Scheme, match.Host, match.Path, match.QueryIgnoring("since"))`,
		},
		{
			name: "parameters on one side", reason: "a parameter only one request has is left out too",
			recorded: Request{Method: "GET", URL: "https://api.example.com/a?ts=1&page=2"},
			incoming: Request{Method: "GET", URL: "https://api.example.com/a?page=2&nonce=x"},
			only:     `the query parameters "nonce" and "ts"`,
			fix:      `dvdtest.MatchOn(match.Method, match.Scheme, match.Host, match.Path, match.QueryIgnoring("nonce", "ts"))`,
		},
		{
			name: "already ignoring", reason: "the parameters already ignored stay",
			matchers: []match.Matcher{match.Method, match.Path, match.QueryIgnoring("ts")},
			recorded: Request{Method: "GET", URL: "https://api.example.com/a?ts=1&nonce=a"},
			incoming: Request{Method: "GET", URL: "https://api.example.com/a?ts=2&nonce=b"},
			only:     `the query parameter "nonce"`,
			fix:      `dvdtest.MatchOn(match.Method, match.Path, match.QueryIgnoring("ts", "nonce"))`,
		},
		{
			name: "json fields", reason: "fields in array elements are named with *",
			matchers: []match.Matcher{match.Method, match.Path, match.JSONBody},
			recorded: post("https://api.example.com/orders", `{"sent_at":"09:30","items":[{"sku":"a","request_id":"r1"},{"sku":"b","request_id":"r2"}]}`),
			incoming: post("https://api.example.com/orders", `{"items":[{"sku":"a","request_id":"r3"},{"sku":"b","request_id":"r4"}],"sent_at":"09:31"}`),
			only:     `the JSON fields "items.*.request_id" and "sent_at"`,
			fix:      `dvdtest.MatchOn(match.Method, match.Path, match.JSONBodyIgnoring("items.*.request_id", "sent_at"))`,
		},
		{
			name: "json and query", reason: "both at once",
			matchers: []match.Matcher{match.Method, match.Query, match.JSONBodyIgnoring("a")},
			recorded: post("https://api.example.com/x?ts=1", `{"a":1,"meta":{"id":"1"}}`),
			incoming: post("https://api.example.com/x?ts=2", `{"a":2,"meta":{"id":"2"}}`),
			only:     `the query parameter "ts" and the JSON field "meta.id"`,
			fix:      `dvdtest.MatchOn(match.Method, match.QueryIgnoring("ts"), match.JSONBodyIgnoring("a", "meta.id"))`,
		},
		{
			name: "body as JSON", reason: "exact bytes of JSON that differ in a field: JSONBodyIgnoring instead",
			matchers: []match.Matcher{match.Method, match.Body},
			recorded: post("https://api.example.com/x", `{"a":1,"ts":1}`),
			incoming: post("https://api.example.com/x", `{"a":1,"ts":2}`),
			only:     `the JSON field "ts"`,
			fix:      `dvdtest.MatchOn(match.Method, match.JSONBodyIgnoring("ts"))`,
		},
		{
			name: "headers", reason: "Header matchers are written with their names",
			matchers: []match.Matcher{match.Header("Accept", "X-Tenant"), match.Query},
			recorded: Request{Method: "GET", URL: "https://api.example.com/a?ts=1", Header: http.Header{"Accept": {"text/plain"}}},
			incoming: Request{Method: "GET", URL: "https://api.example.com/a?ts=2", Header: http.Header{"Accept": {"text/plain"}}},
			only:     `the query parameter "ts"`,
			fix:      `dvdtest.MatchOn(match.Header("Accept", "X-Tenant"), match.QueryIgnoring("ts"))`,
		},
		{
			name: "own matcher", reason: "a func of the test's own cannot be printed: say which to replace",
			matchers: []match.Matcher{match.Method, tenant, match.Query},
			recorded: Request{Method: "GET", URL: "https://api.example.com/a?ts=1"},
			incoming: Request{Method: "GET", URL: "https://api.example.com/a?ts=2"},
			only:     `the query parameter "ts"`,
			fix:      `in dvdtest.MatchOn, replace match.Query by match.QueryIgnoring("ts"); the other matchers stay as they are ("Tenant" cannot be written here as Go code: a matcher of your own)`,
		},
		{
			name: "own matcher of a built-in name", reason: "a func named Query is not match.Query",
			matchers: []match.Matcher{match.Method, ownQuery},
			recorded: Request{Method: "GET", URL: "https://api.example.com/a?ts=1"},
			incoming: Request{Method: "GET", URL: "https://api.example.com/a?ts=2"},
			only:     `the query parameter "ts"`,
			fix:      `in dvdtest.MatchOn, replace your matcher "Query" by match.QueryIgnoring("ts"); the other matchers stay as they are`,
		},
		{
			name: "own matcher named as no path", reason: "a name that JSONBodyIgnoring would refuse is no matcher to extend, and no panic",
			matchers: []match.Matcher{match.Method, badName},
			recorded: post("https://api.example.com/a", `{"ts":1}`),
			incoming: post("https://api.example.com/a", `{"ts":2}`),
		},
		{
			name: "path too", reason: "a request that differs elsewhere is another request",
			recorded: Request{Method: "GET", URL: "https://api.example.com/a?ts=1"},
			incoming: Request{Method: "GET", URL: "https://api.example.com/b?ts=2"},
		},
		{
			name: "form field", reason: "only query parameters and JSON fields are offered",
			matchers: []match.Matcher{match.Method, match.Form},
			recorded: Request{Method: "POST", URL: "https://api.example.com/a", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte("a=1&ts=1")},
			incoming: Request{Method: "POST", URL: "https://api.example.com/a", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte("a=1&ts=2")},
		},
		{
			name: "not JSON", reason: "bodies that are not JSON have no fields",
			matchers: []match.Matcher{match.Method, match.Body},
			recorded: Request{Method: "POST", URL: "https://api.example.com/a", Body: []byte("hello")},
			incoming: Request{Method: "POST", URL: "https://api.example.com/a", Body: []byte("hellO")},
		},
		{
			name: "whole document", reason: "a document that differs at the top has no field to leave out",
			matchers: []match.Matcher{match.Method, match.JSONBody},
			recorded: post("https://api.example.com/a", `[1,2]`),
			incoming: post("https://api.example.com/a", `[1,2,3]`),
		},
		{
			name: "dotted name", reason: "a field whose name holds a dot has no path",
			matchers: []match.Matcher{match.Method, match.JSONBody},
			recorded: post("https://api.example.com/a", `{"a.b":1}`),
			incoming: post("https://api.example.com/a", `{"a.b":2}`),
		},
		{
			name: "too many", reason: "a request that differs in many values is another request",
			recorded: Request{Method: "GET", URL: "https://api.example.com/a?a=1&b=1&c=1&d=1&e=1&f=1&g=1&h=1&i=1"},
			incoming: Request{Method: "GET", URL: "https://api.example.com/a?a=2&b=2&c=2&d=2&e=2&f=2&g=2&h=2&i=2"},
		},
		{
			name: "secret in a name", reason: "a name that holds a placeholder's value is named by the placeholder, as the matchers see it",
			recorded: Request{Method: "GET", URL: "https://api.example.com/a?acct-s3cr3t=1"},
			incoming: Request{Method: "GET", URL: "https://api.example.com/a?acct-s3cr3t=2"},
			only:     `the query parameter "<ACCT>"`,
			fix:      `dvdtest.MatchOn(match.Method, match.Scheme, match.Host, match.Path, match.QueryIgnoring("<ACCT>"))`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nm := missOf(t, tt.matchers, tt.recorded, tt.incoming)
			if nm.Only != tt.only || nm.Fix != tt.fix {
				t.Errorf("Only = %q\nFix = %s\nwant %q\n     %s\n(%s)\n%s", nm.Only, nm.Fix, tt.only, tt.fix, tt.reason, nm.Explain())
			}
			explain := nm.Explain()
			if tt.fix != "" && !strings.Contains(explain, "It differs only in "+tt.only+".") || !strings.Contains(explain, tt.fix) {
				t.Errorf("Explain() does not give the fix:\n%s", explain)
			}
			if strings.Contains(explain, "s3cr3t") {
				t.Errorf("Explain() holds a secret:\n%s", explain)
			}
		})
	}
}

// The fix offered is checked: the same cassette, with the matchers it
// gives, replays the request.
func TestNoMatchFixMatches(t *testing.T) {
	recorded := Request{Method: "POST", URL: "https://api.example.com/orders?since=1", Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"sent_at":"09:30","items":[{"sku":"a","request_id":"r1"}]}`)}
	incoming := Request{Method: "POST", URL: "https://api.example.com/orders?since=2", Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"sent_at":"09:31","items":[{"sku":"a","request_id":"r2"}]}`)}
	nm := missOf(t, []match.Matcher{match.Method, match.Path, match.Query, match.JSONBody}, recorded, incoming)
	want := `dvdtest.MatchOn(match.Method, match.Path, match.QueryIgnoring("since"), match.JSONBodyIgnoring("items.*.request_id", "sent_at"))`
	if nm.Fix != want {
		t.Fatalf("Fix = %s, want %s", nm.Fix, want)
	}
	fixed := []match.Matcher{match.Method, match.Path, match.QueryIgnoring("since"), match.JSONBodyIgnoring("items.*.request_id", "sent_at")}
	r, err := NewRecorder(New(Interaction{Request: recorded, Response: &Response{StatusCode: 200}}), Config{Mode: ModeReplay, Matchers: fixed})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	resp, err := r.RoundTrip(incomingRequest(t, incoming))
	if err != nil {
		t.Fatalf("the fix does not replay the request: %v", err)
	}
	resp.Body.Close()
}

// missOf replays incoming against a cassette of recorded and returns the
// miss.
func missOf(t *testing.T, matchers []match.Matcher, recorded, incoming Request) *nomatch.Report {
	t.Helper()
	if matchers == nil {
		matchers = defaultMatchers()
	}
	r, err := NewRecorder(New(Interaction{Request: recorded, Response: &Response{StatusCode: 200}}), Config{Mode: ModeReplay, Matchers: matchers, Redact: featureRedaction})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.RoundTrip(incomingRequest(t, incoming))
	var nm *noMatchError
	if !errors.As(err, &nm) {
		t.Fatalf("err = %v, want a miss", err)
	}
	return nm.report
}

func incomingRequest(t *testing.T, in Request) *http.Request {
	t.Helper()
	req, err := http.NewRequest(in.Method, in.URL, bytes.NewReader(in.Body))
	if err != nil {
		t.Fatal(err)
	}
	if in.Header != nil {
		req.Header = in.Header.Clone()
	}
	return req
}
