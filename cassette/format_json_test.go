package cassette_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"

	"github.com/google/go-cmp/cmp"
)

// token is a value shaped like what APIs answer: nested, with an empty
// object and array, escapes and non-ASCII text.
var token = map[string]any{
	"label":      "eyJhbGciOi.J9\u2028x",
	"expires_in": 3600,
	"scope":      []string{"read", "write"},
	"user":       map[string]any{"name": "Zoë \"Z\" <z@example.com>", "groups": []string{}, "meta": map[string]any{}},
}

// encoded returns v as a json.Encoder writes it with the given indent.
func encoded(v any, prefix, indent string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent(prefix, indent)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return buf.String()
}

func marshalIndent(v any, prefix, indent string) string {
	b, err := json.MarshalIndent(v, prefix, indent)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// jsonBodies are bodies as servers write them, with how the file stores
// them: under which key, with which members beside it.
func jsonBodies() []struct {
	name, reason string
	body         string
	key          string
	members      []string // the members after the body, as written
} {
	compact, err := json.Marshal(token)
	if err != nil {
		panic(err)
	}
	huge := make([]map[string]any, 20_000)
	for i := range huge {
		huge[i] = map[string]any{"id": i, "name": fmt.Sprint("item ", i), "tags": []string{"a", "b"}}
	}
	return []struct {
		name, reason string
		body         string
		key          string
		members      []string
	}{
		{"json.Marshal", "compact JSON is stored as it is", string(compact), "body_json", nil},
		{"json.NewEncoder", "Encode ends the value with a newline", encoded(token, "", ""), "body_json", []string{`"body_json_trailing": "\n"`}},
		{"MarshalIndent two spaces", "", marshalIndent(token, "", "  "), "body_json", []string{`"body_json_indent": "  "`}},
		{"MarshalIndent tabs", "", marshalIndent(token, "", "\t"), "body_json", []string{`"body_json_indent": "\t"`}},
		{"MarshalIndent four spaces", "", marshalIndent(token, "", "    "), "body_json", []string{`"body_json_indent": "    "`}},
		{"MarshalIndent with a prefix", "", marshalIndent(token, "\t ", "  "), "body_json", []string{`"body_json_prefix": "\t "`, `"body_json_indent": "  "`}},
		{"Encoder with SetIndent", "indented, then a newline", encoded(token, "", "  "), "body_json", []string{`"body_json_indent": "  "`, `"body_json_trailing": "\n"`}},
		{"Encoder with a prefix", "", encoded(token, "  ", "\t"), "body_json", []string{`"body_json_prefix": "  "`, `"body_json_indent": "\t"`, `"body_json_trailing": "\n"`}},
		{"CRLF after compact JSON", "", string(compact) + "\r\n", "body_json", []string{`"body_json_trailing": "\r\n"`}},
		{"spacing after", "any spacing after the value", string(compact) + " \n\t\n", "body_json", []string{`"body_json_trailing": " \n\t\n"`}},
		{"indented array", "", marshalIndent([]any{1, []int{}, map[string]int{"a": 1}, []int{2, 3}}, "", "  "), "body_json", []string{`"body_json_indent": "  "`}},
		{"empty object and newline", "", "{}\n", "body_json", []string{`"body_json_trailing": "\n"`}},
		{"indented empty array", "MarshalIndent writes an empty array as []", marshalIndent([]int{}, "", "  ") + "\n", "body_json", []string{`"body_json_trailing": "\n"`}},
		{"huge", "a long body is indented by the writer and spaced again by the reader", encoded(huge, "", "  "), "body_json", []string{`"body_json_indent": "  "`, `"body_json_trailing": "\n"`}},
		{"CRLF lines", "indentation with CRLF line ends is not what json.MarshalIndent writes: run by run", strings.ReplaceAll(marshalIndent(map[string]any{"a": []int{1}}, "", "  "), "\n", "\r\n"), "body_json", []string{`"body_json_spaces": [[1, "\r\n  "], [5, " "], [6, "\r\n    "], [7, "\r\n  "], [8, "\r\n"]]`}},
		{"leading spacing", "any spacing before the value", "\r\n " + string(compact), "body_json", []string{`"body_json_leading": "\r\n "`}},
		{"spacing all around", "", "\n" + marshalIndent(token, " ", "  ") + "\n\n", "body_json", []string{`"body_json_leading": "\n"`, `"body_json_prefix": " "`, `"body_json_indent": "  "`, `"body_json_trailing": "\n\n"`}},
		{"only spacing", "", " \n", "body", nil},
		{"Python's json.dumps", "", `{"a": 1, "b": [1, 2]}`, "body_json", []string{`"body_json_comma": ", "`, `"body_json_colon": ": "`}},
		{"Python, then a newline", "", `{"a": 1, "b": [1, 2]}` + "\n", "body_json", []string{`"body_json_comma": ", "`, `"body_json_colon": ": "`, `"body_json_trailing": "\n"`}},
		{"Python, nested empty", "", `{"a": {}, "b": [], "c": [{}, [[]]], "d": {"e": {}}}`, "body_json", []string{`"body_json_comma": ", "`, `"body_json_colon": ": "`}},
		{"Python, unicode escapes", "json.dumps escapes what is not ASCII", `{"name": "Zo\u00eb \"Z\"", "sep": "\u2028, :", "emoji": "\ud83d\ude00"}`, "body_json", []string{`"body_json_comma": ", "`, `"body_json_colon": ": "`}},
		{"spaces after colons only", "", `{"a": 1,"b": [1,2]}`, "body_json", []string{`"body_json_colon": ": "`}},
		{"spaces around colons", "", `{"a" : 1 , "b" : [1 , 2]}`, "body_json", []string{`"body_json_comma": " , "`, `"body_json_colon": " : "`}},
		{"tabs after colons", "", "{\"a\":\t1,\"b\":\t2}", "body_json", []string{`"body_json_colon": ":\t"`}},
		{"spaces inside brackets", "run by run", `{ "a": [ 1, 2 ] }`, "body_json", []string{`"body_json_spaces": [[1, " "], [5, " "], [6, " "], [8, " "], [9, " "], [10, " "]]`}},
		{"mixed indentation", "", "{\n  \"a\": [\n\t1\n  ]\n}", "body_json", []string{`"body_json_spaces": [[1, "\n  "], [5, " "], [6, "\n\t"], [7, "\n  "], [8, "\n"]]`}},
		{"newline without indent", "MarshalIndent with an empty indent", marshalIndent(map[string]int{"a": 1}, "", ""), "body_json", []string{`"body_json_spaces": [[1, "\n"], [5, " "], [6, "\n"]]`}},
		{"prefix deeper than the elements", "", "{\n \"a\": 1\n  }", "body_json", []string{`"body_json_spaces": [[1, "\n "], [5, " "], [6, "\n  "]]`}},
		{"indent of other spacing", "", "{\n\r\"a\": 1\n}", "body_json", []string{`"body_json_spaces": [[1, "\n\r"], [5, " "], [6, "\n"]]`}},
		{"odd spacing all around", "", " \t[ {} ,[ ] ]\r\n", "body_json", []string{`"body_json_leading": " \t"`, `"body_json_spaces": [[1, " "], [3, " "], [5, " "], [6, " "]]`, `"body_json_trailing": "\r\n"`}},
		{"json string", "a JSON string as body_json would read as the text without its quotes", `"text"` + "\n", "body", nil},
		{"json number", "", "42\n", "body", nil},
		{"json null", "null stands for a member left out", "null", "body", nil},
		{"two values", "", encoded(1, "", "") + encoded(map[string]int{"a": 1}, "", ""), "body", nil},
		{"ndjson", "", "{\"a\":1}\n{\"a\":2}\n", "body", nil},
		{"control character", "", "{\"a\":\"\x01\"}", "body_base64", nil},
	}
}

// TestJSONBodies checks that JSON bodies, however they were spaced, are
// stored as JSON where they can be, and read back byte for byte.
func TestJSONBodies(t *testing.T) {
	for _, tt := range jsonBodies() {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			data := marshal(oneInteraction(body))
			if !json.Valid(data) {
				t.Fatalf("the file is not JSON:\n%s", data)
			}
			if n := bytes.Count(data, []byte(`"`+tt.key+`": `)); n != 2 {
				t.Errorf("%q appears %d times, want 2 (%s)", tt.key, n, tt.reason)
			}
			for _, m := range tt.members {
				if n := bytes.Count(data, []byte(m)); n != 2 {
					t.Errorf("%s appears %d times, want 2 (%s)", m, n, tt.reason)
				}
			}
			if n := bytes.Count(data, []byte(`"body_json_`)); n != 2*len(tt.members) {
				t.Errorf("the file has %d spacing members, want %v twice (%s)", n, tt.members, tt.reason)
			}
			if len(tt.members) > 0 {
				// What a reviewer reads: the value, then how it was spaced.
				want := ",\n        " + strings.Join(tt.members, ",\n        ") + "\n      }"
				if !strings.Contains(string(data), want) {
					t.Errorf("the members do not follow the body as %q:\n%.2000s", want, data)
				}
			}
			got, err := unmarshal(data)
			if err != nil {
				t.Fatalf("Unmarshal: %v\n%s", err, data)
			}
			in := got.Interactions[0]
			if !bytes.Equal(in.Request.Body, body) || !bytes.Equal(in.Response.Body, body) {
				t.Errorf("read back %q and %q, want %q", in.Request.Body, in.Response.Body, body)
			}
			if again := marshal(got); !bytes.Equal(again, data) {
				t.Errorf("Marshal after Unmarshal differs (-first +then):\n%s", cmp.Diff(string(data), string(again)))
			}
		})
	}
}

// TestJSONSpacingReadAsWritten checks that the spacing members apply to the
// JSON however the file spaces it: a reviewer or a tool that reformats the
// cassette changes no body.
func TestJSONSpacingReadAsWritten(t *testing.T) {
	want := marshalIndent(token, "", "  ") + "\n"
	for _, tc := range []struct{ name, reason, value string }{
		{"compact", "", mustCompact(want)},
		{"as written", "", marshalIndent(token, "        ", "  ")},
		{"reindented", "jq or an editor may indent the file otherwise", marshalIndent(token, "", "\t")},
		{"spaced oddly", "", strings.ReplaceAll(mustCompact(want), ",", " ,\r\n ")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := interaction(`{"request": {"method": "GET", "url": "/"}, "response": {"code": 200, "body_json_trailing": "\n", "body_json": ` + tc.value + `, "body_json_indent": "  "}}`)
			f, err := unmarshal(data)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(f.Interactions[0].Response.Body); got != want {
				t.Errorf("body = %q, want %q (%s)", got, want, tc.reason)
			}
		})
	}
}

func mustCompact(s string) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		panic(err)
	}
	return buf.String()
}

// TestJSONBodyRecordReplay records JSON bodies from a server, saves and
// loads the cassette, and replays them byte for byte.
func TestJSONBodyRecordReplay(t *testing.T) {
	bodies := jsonBodies()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		var i int
		fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/"), &i)
		io.WriteString(w, bodies[i].body)
	}))
	defer srv.Close()

	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	for i, tt := range bodies {
		got, err := get(t, rec, "POST", fmt.Sprint(srv.URL, "/", i), tt.body)
		if err != nil || got != tt.body {
			t.Fatalf("%s: recording got %.80q, %v", tt.name, got, err)
		}
	}
	rec.Close()
	c := viaFile(t, rec.Cassette())
	srv.Close()

	play := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay})
	for i, tt := range bodies {
		got, err := get(t, play, "POST", fmt.Sprint(srv.URL, "/", i), tt.body)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.body {
			t.Errorf("%s: replayed %.80q, want %.80q (%s)", tt.name, got, tt.body, tt.reason)
		}
	}
	for i, in := range c.Interactions() {
		if !bytes.Equal(in.Request.Body, []byte(bodies[i].body)) {
			t.Errorf("%s: the request body read back as %.80q", bodies[i].name, in.Request.Body)
		}
	}
}
