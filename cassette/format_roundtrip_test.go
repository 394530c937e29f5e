package cassette_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/neterr"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/codec"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		file   *File
	}{
		{"every field", "nothing a cassette records is lost on the way to the file and back", fullFile()},
		{"no interactions", "a cassette of a test that made no request is still saved", &File{Version: cassette.Version, Interactions: []cassette.Interaction{}}},
		{"minimal response", "unset optional fields stay unset", &File{Version: cassette.Version, Interactions: []cassette.Interaction{{
			Request:  cassette.Request{Method: "GET", URL: "/"},
			Response: &cassette.Response{Status: "204 No Content", StatusCode: 204, Proto: "HTTP/1.1"},
		}}}},
		{"empty error", "an error with only a kind is still an error", &File{Version: cassette.Version, Interactions: []cassette.Interaction{{
			Request: cassette.Request{Method: "GET", URL: "http://x/"},
			Error:   neterr.Recorded(neterr.Record{Kind: neterr.EOF}),
		}}}},
		{"every error kind", "", func() *File {
			f := &File{Version: cassette.Version}
			for _, k := range []neterr.Kind{neterr.Timeout, neterr.Refused, neterr.Reset, neterr.DNS, neterr.Deadline, neterr.Canceled, neterr.TLS, neterr.Certificate, neterr.UnexpectedEOF, neterr.EOF, neterr.Other} {
				f.Interactions = append(f.Interactions, cassette.Interaction{
					Request: cassette.Request{Method: "GET", URL: "http://x/" + string(k)},
					Error:   neterr.Recorded(neterr.Record{Kind: k, Message: string(k) + " happened"}),
				})
			}
			return f
		}()},
		{"strings that need escaping", "JSON escapes must read back as the same text", &File{Version: cassette.Version, Interactions: []cassette.Interaction{{
			Request: cassette.Request{
				Method: "GET",
				URL:    "http://x/\"q\"\\\u2028\u2029\x01\x7f?é=✓",
				Header: http.Header{"X-\"Odd\"": {"tab\there", "nl\nhere", "nul\x00", "", "\u2028<>&"}},
			},
			Response: &cassette.Response{Status: "200 \"OK\"", StatusCode: 200, Proto: "HTTP/1.1\x1f"},
		}}}},
		{"extreme numbers", "", &File{Version: cassette.Version, Interactions: []cassette.Interaction{{
			Request:  cassette.Request{Method: "GET", URL: "http://x/"},
			Response: &cassette.Response{Status: "999 Custom", StatusCode: 999, Proto: "HTTP/2.0", ContentLength: math.MaxInt64},
			Duration: math.MaxInt64,
		}, {
			Request:  cassette.Request{Method: "GET", URL: "http://x/"},
			Response: &cassette.Response{Status: "100 Continue", StatusCode: 100, Proto: "HTTP/1.1", ContentLength: -1},
			Duration: math.MinInt64,
		}}}},
		{"recorded at the year's edges", "", &File{Version: cassette.Version, RecordedAt: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), Interactions: []cassette.Interaction{}}},
		{"empty header values", "a header may be present with no value", &File{Version: cassette.Version, Interactions: []cassette.Interaction{{
			Request:  cassette.Request{Method: "GET", URL: "http://x/", Header: http.Header{"X-Empty": {}, "X-Blank": {""}}},
			Response: &cassette.Response{Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", Trailer: http.Header{"X-Empty": {}}},
		}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := marshal(tt.file)
			got, err := unmarshal(data)
			if err != nil {
				t.Fatalf("Unmarshal(Marshal(f)): %v\n%s", err, data)
			}
			if diff := cmp.Diff(tt.file, got); diff != "" {
				t.Errorf("Unmarshal(Marshal(f)) mismatch (-want +got):\n%s", diff)
			}
			if again := marshal(got); !bytes.Equal(again, data) {
				t.Errorf("Marshal of the decoded file differs from the first Marshal:\n%s\nthen\n%s", data, again)
			}
		})
	}
}

func TestMarshalNormalises(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		file   *File
		want   *File
	}{
		{
			"zero version", "a File built by hand is written as the current version",
			&File{},
			&File{Version: cassette.Version, Interactions: []cassette.Interaction{}},
		},
		{
			"derived response fields", "the usual status text, HTTP/1.1 and the body's length are left out of the file and read back",
			&File{Version: cassette.Version, Interactions: []cassette.Interaction{{
				Request:  cassette.Request{Method: "GET", URL: "/"},
				Response: &cassette.Response{StatusCode: 404, Body: []byte("gone"), ContentLength: 4},
			}}},
			&File{Version: cassette.Version, Interactions: []cassette.Interaction{{
				Request:  cassette.Request{Method: "GET", URL: "/"},
				Response: &cassette.Response{Status: "404 Not Found", StatusCode: 404, Proto: "HTTP/1.1", Body: []byte("gone"), ContentLength: 4},
			}}},
		},
		{
			"recorded at", "the time is stored in UTC, to the second",
			&File{Version: cassette.Version, RecordedAt: time.Date(2024, 3, 1, 1, 30, 15, 999999999, time.FixedZone("CET", 3600))},
			&File{Version: cassette.Version, RecordedAt: time.Date(2024, 3, 1, 0, 30, 15, 0, time.UTC), Interactions: []cassette.Interaction{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := unmarshal(marshal(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Unmarshal(Marshal(f)) mismatch (-want +got):\n%s", diff)
			}
			if got.RecordedAt.Location() != time.UTC && !got.RecordedAt.IsZero() {
				t.Errorf("RecordedAt location = %v, want UTC", got.RecordedAt.Location())
			}
		})
	}
}

func TestBodies(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		body   string
		key    string // how the body is stored: "body", "body_json" or "body_base64"
		shown  string // text the file shows for the body; "" means the body itself
	}{
		{"plain text", "", "hello, world", "body", ""},
		{"multi-line text", "newlines, tabs and CRs are escaped readably", "line 1\r\n\tline 2\n", "body", `"line 1\r\n\tline 2\n"`},
		{"unicode text", "non-ASCII text is written as itself, not \\u escapes", "héllo wörld ✓ 日本語 🎉", "body", ""},
		{"html", "<, > and & are not escaped", `<a href="/x?a=1&b=2">link</a>`, "body", `<a href=\"/x?a=1&b=2\">link</a>`},
		{"quotes and backslashes", "", `say "hi" \ bye`, "body", `"say \"hi\" \\ bye"`},
		{"line separators", "U+2028 and U+2029 are escaped, as encoding/json does", "a\u2028b\u2029c", "body", `"a\u2028b\u2029c"`},
		{"byte order mark", "", "\ufeffid,name\n1,a\n", "body", ""},
		{"form", "", "a=1&b=two+words", "body", ""},
		{"one space", "", " ", "body", `"body": " "`},
		{"replacement char", "a valid U+FFFD is text", "bad: \ufffd", "body", ""},
		{"compact object", "short compact JSON stays on one line, as JSON", `{"a":1,"b":[true,null,"x"],"c":{}}`, "body_json", `"body_json": {"a":1,"b":[true,null,"x"],"c":{}}`},
		{"compact object of 88 bytes", "compact JSON up to 100 bytes stays on one line", `{"id":1234567890,"name":"a rather long name","tags":["first","second","third"],"ok":true}`, "body_json", `"body_json": {"id":1234567890,"name":"a rather long name","tags":["first","second","third"],"ok":true}`},
		{"long compact object", "longer compact JSON is indented so that diffs are readable", `{"id":1234567890,"name":"a rather long name","tags":["first","second","third"],"ok":true,"n":12345,"more":"words"}`, "body_json", "\"name\": \"a rather long name\",\n"},
		{"compact array", "", `[1,2,3]`, "body_json", `"body_json": [1,2,3]`},
		{"empty object", "", `{}`, "body_json", `"body_json": {}`},
		{"empty array", "", `[]`, "body_json", `"body_json": []`},
		{"json with escapes", "escapes inside JSON strings are kept as they are", `{"s":"a\"b\\c\u00e9\n\u0000","t":"\u2028"}`, "body_json", `"body_json": {"s":"a\"b\\c\u00e9\n\u0000"`},
		{"json with html", "", `{"html":"<b>&</b>"}`, "body_json", `"body_json": {"html":"<b>&</b>"}`},
		{"json big number", "numbers keep their text", `{"n":12345678901234567890123,"f":1.50e+10,"z":-0}`, "body_json", `{"n":12345678901234567890123,"f":1.50e+10`},
		{"json duplicate keys", "duplicates are kept, not merged", `{"a":1,"a":2}`, "body_json", `"body_json": {"a":1,"a":2}`},
		{"json raw line separator", "", "[\"\u2028\"]", "body_json", "\"body_json\": [\"\u2028\"]"},
		{"spaced json", "Python's json.dumps: JSON, and its separators", `{"a": 1, "b": 2}`, "body_json", `"body_json_comma": ", ",`},
		{"oddly spaced json", "any other spacing: JSON, and its runs of spacing", `{"a":1 }`, "body_json", `"body_json_spaces": [[6, " "]]`},
		{"indented json", "json.Encoder with SetIndent: JSON, and how it was spaced", "{\n  \"a\": 1\n}\n", "body_json", `"body_json_indent": "  ",`},
		{"json with trailing newline", "json.Encoder: JSON, and the newline after it", "{\"a\":1}\n", "body_json", `"body_json_trailing": "\n"`},
		{"json string", "only objects and arrays are stored as JSON: a string as body_json would read as the text without its quotes", `"just a string"`, "body", ""},
		{"json number", "", `42`, "body", ""},
		{"json null", "", `null`, "body", ""},
		{"broken json", "", `{"a":`, "body", ""},
		{"two json values", "", `{"a":1}{"b":2}`, "body", ""},
		{"json with invalid utf-8", "", "{\"a\":\"\xff\"}", "body_base64", ""},
		{"nul byte", "", "a\x00b", "body_base64", ""},
		{"invalid utf-8", "", "\xff\xfe\xfd", "body_base64", ""},
		{"truncated rune", "", "caf\xc3", "body_base64", ""},
		{"surrogate", "encoded surrogates are not valid UTF-8", "\xed\xa0\x80", "body_base64", ""},
		{"escape sequence", "terminal colours are control characters", "\x1b[31mred\x1b[0m", "body_base64", ""},
		{"delete", "", "a\x7f", "body_base64", ""},
		{"gzip bytes", "", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", "body_base64", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			data := marshal(oneInteraction(body))

			for _, key := range []string{"body", "body_json", "body_base64"} {
				want := 0
				if key == tt.key {
					want = 2 // request and response
				}
				if n := bytes.Count(data, []byte(`"`+key+`": `)); n != want {
					t.Errorf("%q appears %d times in the file, want %d:\n%s", key, n, want, data)
				}
			}
			if tt.shown != "" && !bytes.Contains(data, []byte(tt.shown)) {
				t.Errorf("the file does not show the body as %s:\n%s", tt.shown, data)
			}
			want := body
			if tt.key == "body_json" {
				want = compactJSON(t, body)
			}
			if stored := storedBody(t, data, tt.key); !bytes.Equal(stored, want) {
				t.Errorf("%q holds %q, want %q", tt.key, stored, want)
			}

			got, err := unmarshal(data)
			if err != nil {
				t.Fatalf("Unmarshal: %v\n%s", err, data)
			}
			in := got.Interactions[0]
			if !bytes.Equal(in.Request.Body, body) {
				t.Errorf("request body = %q, want %q", in.Request.Body, body)
			}
			if !bytes.Equal(in.Response.Body, body) {
				t.Errorf("response body = %q, want %q", in.Response.Body, body)
			}
		})
	}
}

func TestNoBody(t *testing.T) {
	for _, body := range [][]byte{nil, {}} {
		data := marshal(oneInteraction(body))
		if bytes.Contains(data, []byte(`"body`)) {
			t.Errorf("an empty body (%#v) is written:\n%s", body, data)
		}
		got, err := unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Interactions[0].Request.Body) != 0 || len(got.Interactions[0].Response.Body) != 0 {
			t.Errorf("an empty body reads back as %q", got.Interactions[0].Response.Body)
		}
	}
}

func TestDeterministic(t *testing.T) {
	const keys = 200
	forward, backward := http.Header{}, http.Header{}
	for i := range keys {
		forward.Add(fmt.Sprintf("X-Key-%03d", i), fmt.Sprint(i))
		forward.Add(fmt.Sprintf("X-Key-%03d", i), "second")
	}
	for i := keys - 1; i >= 0; i-- {
		backward.Add(fmt.Sprintf("X-Key-%03d", i), fmt.Sprint(i))
		backward.Add(fmt.Sprintf("X-Key-%03d", i), "second")
	}
	build := func(h http.Header) *File {
		f := fullFile()
		f.Interactions[0].Request.Header = h
		f.Interactions[0].Response.Header = h.Clone()
		f.Interactions[0].Response.Trailer = h.Clone()
		return f
	}
	for _, c := range []codec.Compression{codec.None, codec.Zstd, codec.Gzip} {
		t.Run(c.String(), func(t *testing.T) {
			first := mustEncode(t, build(forward), c)
			for i := range 20 {
				h := forward
				if i%2 == 1 {
					h = backward
				}
				if got := mustEncode(t, build(h), c); !bytes.Equal(got, first) {
					t.Fatalf("encoding %d differs from the first:\n%s\nthen\n%s", i, first, got)
				}
			}
		})
	}

	data := marshal(build(forward))
	last := -1
	for i := range keys {
		at := bytes.Index(data, fmt.Appendf(nil, `"X-Key-%03d": [`, i))
		if at < last {
			t.Fatalf("header X-Key-%03d is written before X-Key-%03d: names must be sorted", i, i-1)
		}
		last = at
	}
}

func TestHeaderValueOrder(t *testing.T) {
	f := &File{Version: cassette.Version, Interactions: []cassette.Interaction{{
		Request: cassette.Request{Method: "GET", URL: "http://x/", Header: http.Header{"Accept": {"z", "a", "m"}}},
		Response: &cassette.Response{
			Status:     "200 OK",
			StatusCode: 200,
			Proto:      "HTTP/1.1",
			Header:     http.Header{"Set-Cookie": {"session=2", "session=1", "a=0"}},
			Trailer:    http.Header{"X-Trailer": {"2", "1"}},
		},
	}}}
	data := marshal(f)
	for _, want := range []string{`"Accept": ["z", "a", "m"]`, `"Set-Cookie": ["session=2", "session=1", "a=0"]`, `"X-Trailer": ["2", "1"]`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the file does not contain %s:\n%s", want, data)
		}
	}
	got, err := unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f, got); diff != "" {
		t.Errorf("Unmarshal(Marshal(f)) mismatch (-want +got):\n%s", diff)
	}
}

// compactJSON returns the JSON b without its spacing.
func compactJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("json.Compact(%q): %v", b, err)
	}
	return buf.Bytes()
}

// storedBody reads the first request's body as a plain JSON reader sees it
// under key: the text itself for "body", the compacted JSON for "body_json",
// the decoded bytes for "body_base64".
func storedBody(t *testing.T, data []byte, key string) []byte {
	t.Helper()
	var doc struct {
		Interactions []struct {
			Request map[string]json.RawMessage `json:"request"`
		} `json:"interactions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the file is not JSON: %v", err)
	}
	raw := doc.Interactions[0].Request[key]
	switch key {
	case "body_json":
		return compactJSON(t, raw)
	case "body":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatalf("body is not a string: %v", err)
		}
		return []byte(s)
	case "body_base64":
		var b []byte
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatalf("body_base64: %v", err)
		}
		return b
	}
	t.Fatalf("unknown body key %q", key)
	return nil
}
