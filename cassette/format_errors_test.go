package cassette_test

import (
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"

	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/testsupport"
)

// interaction wraps one interaction's JSON into a cassette of the current
// version.
func interaction(s string) []byte {
	return []byte(`{"version": 1, "interactions": [` + s + `]}`)
}

// zstdClaiming returns a zstd frame whose header claims size bytes of
// content, followed by one empty block.
func zstdClaiming(size uint64) []byte {
	b := []byte{0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x00} // magic; 8-byte content size, 1 KiB window
	b = binary.LittleEndian.AppendUint64(b, size)
	return append(b, 0x01, 0x00, 0x00) // last block, raw, empty
}

const okRequest = `"request": {"method": "GET", "url": "http://x/"}`

// badInputs are the broken cassettes that Decode and ReadFile refuse.
func badInputs(t *testing.T) []struct {
	name    string
	reason  string
	input   []byte
	wantErr string
} {
	small := &File{Version: cassette.Version, Interactions: oneInteraction([]byte(`{"a":1}`)).Interactions}
	zstd := mustEncode(t, small, codec.Zstd)
	gzip := mustEncode(t, small, codec.Gzip)
	flip := func(b []byte, i int) []byte {
		b = append([]byte(nil), b...)
		b[i] ^= 0xff
		return b
	}
	return []struct {
		name    string
		reason  string
		input   []byte
		wantErr string
	}{
		{"corrupt json", "the error points at the bad character", []byte("{\n  \"version\": 1,\n  \"interactions\": [}\n"), "line 3, column 20: invalid character '}'"},
		{"newline in string", "a raw newline is reported on its own line, not the next", []byte("{\"version\": 1, \"x\": \"a\n\"}"), "line 1, column 23: invalid character '\\n' in string literal"},
		{"not json", "", []byte("hello"), "line 1, column 1: invalid character 'h'"},
		{"trailing data", "", []byte(`{"version": 1, "interactions": []} x`), "line 1, column 36: invalid character 'x' after top-level value"},
		{"truncated json", "", []byte(`{"version": 1, "interactions": [{"request": {`), "truncated: the JSON ends after 45 bytes"},
		{"empty file", "", nil, "truncated"},
		{"truncated zstd", "", zstd[:len(zstd)/2], "truncated: the zstd stream ends early"},
		{"zstd header only", "", zstd[:6], "truncated: the zstd stream ends early"},
		{"corrupt zstd", "the frame checksum catches it", flip(zstd, len(zstd)-1), "corrupt zstd data"},
		{"zstd claiming 60 GiB", "the size in a corrupt frame header is not allocated", zstdClaiming(60 << 30), "corrupt zstd data: it claims to hold more than the 1024 MiB"},
		{"truncated gzip", "", gzip[:len(gzip)/2], "truncated: the gzip stream ends early"},
		{"gzip header only", "", gzip[:5], "truncated: the gzip stream ends early"},
		{"corrupt gzip", "the CRC catches it", flip(gzip, len(gzip)-8), "corrupt gzip data"},
		{"newer version", "", []byte(`{"version": 4, "interactions": []}`), "format version 4 is not one this dvd reads (it reads up to 2): upgrade github.com/dvdrw/dvd"},
		{"newer version, new shape", "a newer format may change shapes; the version is still what is wrong", []byte(`{"version": 99, "interactions": 5}`), "format version 99 is not one this dvd reads"},
		{"newer version, unreadable", "", []byte(`{"version": 4, "interactions": [`), "upgrade github.com/dvdrw/dvd"},
		{"negative version", "", []byte(`{"version": -1, "interactions": []}`), "line 1, column 13: version: -1 is not a format version: they start at 1"},
		{"version zero", "", []byte(`{"version": 0, "interactions": []}`), "version: 0 is not a format version"},
		{"version a fraction", "", []byte(`{"version": 1.0, "interactions": []}`), "line 1, column 13: version: 1.0 is not an integer"},
		{"version huge", "", []byte(`{"version": 18446744073709551616, "interactions": []}`), "version: 18446744073709551616 is out of range"},
		{"missing version", "", []byte(`{"interactions": []}`), `not a dvd cassette: it has no "version"`},
		{"other json", "", []byte(`{"name": "package.json"}`), `not a dvd cassette: it has no "version"`},
		{"null document", "", []byte(`null`), `not a dvd cassette: it has no "version"`},
		{"document not an object", "", []byte(`[1, 2]`), "line 1, column 1: the document should be a JSON object, not an array"},
		{"version a string", "", []byte(`{"version": "1", "interactions": []}`), `line 1, column 13: version should be a JSON number, not a string`},
		{"interactions a number", "", []byte(`{"version": 1, "interactions": 5}`), "line 1, column 32: interactions should be a JSON array, not a number"},
		{"request a string", "", interaction(`{"request": "GET /"}`), "line 1, column 45: interaction 1: request should be a JSON object, not a string"},
		{"headers an array", "", interaction(`{"request": {"method": "GET", "url": "/", "headers": ["a"]}, "error": {}}`), "line 1, column 86: interaction 1 (GET /): request: headers should be a JSON object, not an array"},
		{"code a string", "", interaction(`{` + okRequest + `, "response": {"code": "200"}}`), "line 1, column 105: interaction 1 (GET http://x/): response: code should be a JSON number, not a string"},
		{"body_base64 a number", "the error names the member as the file does", interaction(`{"request": {"method": "GET", "url": "/", "body_base64": 5}, "error": {}}`), "line 1, column 90: interaction 1 (GET /): request: body_base64 should be a JSON string, not a number"},
		{"missing request", "", interaction(`{"response": {"code": 200}}`), `line 1, column 33: interaction 1: it needs a "request"`},
		{"null request", "null stands for a member left out", interaction(`{"request": null, "response": {"code": 200}}`), `interaction 1: it needs a "request"`},
		{"null interaction", "null stands for an empty object", interaction(`null`), `interaction 1: it needs a "request"`},
		{"missing method", "", interaction(`{"request": {"url": "/"}, "response": {"code": 200}}`), `line 1, column 45: interaction 1 (/): request: it needs a "method"`},
		{"missing url", "", interaction(`{"request": {"method": "GET"}, "response": {"code": 200}}`), `interaction 1 (GET): request: it needs a "url"`},
		{"empty method", "an empty text is a missing one", interaction(`{"request": {"method": "", "url": "/"}, "response": {"code": 200}}`), `request: it needs a "method"`},
		{"response and error", "", interaction(`{` + okRequest + `, "response": {"code": 200}, "error": {"kind": "eof"}}`), `line 1, column 33: interaction 1 (GET http://x/): it needs exactly one of "response" and "error"`},
		{"neither response nor error", "", interaction(`{` + okRequest + `}`), `interaction 1 (GET http://x/): it needs exactly one of "response" and "error"`},
		{"null response", "", interaction(`{` + okRequest + `, "response": null}`), `interaction 1 (GET http://x/): it needs exactly one of "response" and "error"`},
		{"second interaction", "the error says which interaction", interaction(`{` + okRequest + `, "error": {}}, {` + okRequest + `}`), `line 1, column 98: interaction 2 (GET http://x/): it needs exactly one of`},
		{"bad base64", "", interaction(`{"request": {"method": "GET", "url": "/", "body_base64": "not base64!"}, "error": {}}`), "line 1, column 90: interaction 1 (GET /): request: body_base64: illegal base64 data at input byte 3"},
		{"bad response base64", "", interaction(`{` + okRequest + `, "response": {"code": 200, "body_base64": "QQ"}}`), "interaction 1 (GET http://x/): response: body_base64: illegal base64 data"},
		{"two bodies", "", interaction(`{"request": {"method": "GET", "url": "/", "body": "a", "body_json": {}}, "error": {}}`), `request: it has more than one of "body", "body_base64" and "body_json"`},
		{"bad duration", "", interaction(`{` + okRequest + `, "error": {}, "duration": "soon"}`), `line 1, column 109: interaction 1 (GET http://x/): duration: "soon" is not a Go duration such as 12ms`},
		{"duration without unit", "", interaction(`{` + okRequest + `, "error": {}, "duration": "12"}`), `duration: "12" is not a Go duration`},
		{"duration a number", "", interaction(`{` + okRequest + `, "error": {}, "duration": 12}`), "interaction 1 (GET http://x/): duration should be a JSON string, not a number"},
		{"status code too small", "", interaction(`{` + okRequest + `, "response": {"code": 42}}`), "line 1, column 105: interaction 1 (GET http://x/): response: code: 42 is not an HTTP status code: they run from 100 to 999"},
		{"status code missing", "", interaction(`{` + okRequest + `, "response": {"status": "200 OK"}}`), `line 1, column 96: interaction 1 (GET http://x/): response: it needs a "code"`},
		{"status code too big", "", interaction(`{` + okRequest + `, "response": {"code": 1000}}`), "code: 1000 is not an HTTP status code"},
		{"encoded br", "replay could not encode it again", interaction(`{` + okRequest + `, "response": {"code": 200, "encoded": "br", "body": "x"}}`),
			`line 1, column 121: interaction 1 (GET http://x/): response: encoded: "br" is not a content coding dvd encodes: it knows gzip, deflate, deflate-raw and zstd`},
		{"encoded in another case", "", interaction(`{"request": {"method": "GET", "url": "/", "encoded": "GZIP"}, "error": {}}`), `request: encoded: "GZIP" is not a content coding dvd encodes`},
		{"unknown key", "a typo must not drop what it names: unknown keys are refused", interaction(`{"request": {"method": "GET", "url": "/", "heders": {}}, "error": {}}`),
			`line 1, column 75: interaction 1 (GET /): request: unknown key "heders": a request has only "method", "url", "headers", "encoded", "body", "body_base64", "body_json", "body_json_leading", "body_json_prefix", "body_json_indent", "body_json_comma", "body_json_colon", "body_json_spaces" and "body_json_trailing"`},
		{"unknown top-level key", "", []byte(`{"version": 1, "interactions": [], "comment": "x"}`), `line 1, column 36: unknown key "comment": a cassette has only "version", "recorded_at", "clock", "interactions" and "tls"`},
		{"key in another case", "keys are matched exactly, as they are written", interaction(`{"request": {"Method": "GET", "url": "/"}, "error": {}}`), `unknown key "Method"`},
		{"repeated key", "encoding/json would keep the last: which one the user meant is unknown", interaction(`{"request": {"method": "GET", "method": "PUT", "url": "/"}, "error": {}}`), `line 1, column 63: interaction 1 (GET): request: "method" appears twice`},
		{"repeated header", "", interaction(`{"request": {"method": "GET", "url": "/", "headers": {"A": ["1"], "A": ["2"]}}, "error": {}}`), `line 1, column 99: interaction 1 (GET /): request: headers: "A" appears twice`},
		{"header value a number", "", interaction(`{"request": {"method": "GET", "url": "/", "headers": {"A": [1]}}, "error": {}}`), `request: headers: "A" should be a JSON string, not a number`},
		{"header values a string", "", interaction(`{"request": {"method": "GET", "url": "/", "headers": {"A": "1"}}, "error": {}}`), `request: headers: "A" should be a JSON array, not a string`},
		{"latin1 beyond a byte", "", interaction(`{"request": {"method": "GET", "url": "/", "headers": {"A": [{"latin1": "€"}]}}, "error": {}}`), `line 1, column 104: interaction 1 (GET /): request: headers: "A": latin1: '€' is not one byte`},
		{"latin1 with another key", "", interaction(`{"request": {"method": "GET", "url": "/", "headers": {"A": [{"latin1": "a", "b": "c"}]}}, "error": {}}`), `{"latin1": "…"} has no other key`},
		{"latin1 misspelt", "", interaction(`{"request": {"method": "GET", "url": "/", "headers": {"A": [{"latin-1": "a"}]}}, "error": {}}`), `unknown key "latin-1": bytes that are not UTF-8 are written as {"latin1": "…"}`},
		{"empty object for a text", "", interaction(`{"request": {"method": {}, "url": "/"}, "error": {}}`), `request: method: {} is no text`},
		{"two bodies of one kind", "", interaction(`{"request": {"method": "GET", "url": "/", "body": "a", "body": "b"}, "error": {}}`), `line 1, column 88: interaction 1 (GET /): request: it has more than one of "body", "body_base64" and "body_json"`},
		{"spacing without body_json", "the spacing of a JSON body means nothing for text", interaction(`{"request": {"method": "GET", "url": "/", "body": "a", "body_json_trailing": "\n"}, "error": {}}`), `line 1, column 110: interaction 1 (GET /): request: "body_json_trailing" goes only with "body_json"`},
		{"spacing without a body", "", interaction(`{` + okRequest + `, "response": {"code": 200, "body_json_indent": "  "}}`), `response: "body_json_indent" goes only with "body_json"`},
		{"prefix without indent", "json.MarshalIndent's prefix starts the lines that the indent makes", interaction(`{"request": {"method": "GET", "url": "/", "body_json": {}, "body_json_prefix": " "}, "error": {}}`), `request: "body_json_prefix" goes only with "body_json_indent"`},
		{"indent not spacing", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": {}, "body_json_indent": "--"}, "error": {}}`), `line 1, column 112: interaction 1 (GET /): request: body_json_indent: "--" is not spacing: it holds only spaces and tabs`},
		{"indent a newline", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": {}, "body_json_indent": "\n"}, "error": {}}`), `body_json_indent: "\n" is not spacing: it holds only spaces and tabs`},
		{"empty indent", "an empty member would be left out", interaction(`{"request": {"method": "GET", "url": "/", "body_json": {}, "body_json_indent": ""}, "error": {}}`), `body_json_indent: "" is not spacing`},
		{"trailing not spacing", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": {}, "body_json_trailing": "\n//"}, "error": {}}`), `body_json_trailing: "\n//" is not spacing: it holds only spaces, tabs, carriage returns and newlines`},
		{"leading not spacing", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": {}, "body_json_leading": "\ufeff"}, "error": {}}`), `body_json_leading: "\ufeff" is not spacing: it holds only spaces, tabs, carriage returns and newlines`},
		{"trailing a number", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": {}, "body_json_trailing": 10}, "error": {}}`), `request: body_json_trailing should be a JSON string, not a number`},
		{"comma not a comma", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": [1,2], "body_json_comma": "; "}, "error": {}}`), `body_json_comma: "; " is not a ',' with spacing around it`},
		{"colon only spacing", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": {"a":1}, "body_json_colon": " "}, "error": {}}`), `body_json_colon: " " is not a ':' with spacing around it`},
		{"separators and indent", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": [1], "body_json_indent": " ", "body_json_comma": ", "}, "error": {}}`), `request: a JSON body is spaced by one of`},
		{"spaces and separators", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": [1], "body_json_colon": ": ", "body_json_spaces": [[1, " "]]}, "error": {}}`), `request: a JSON body is spaced by one of`},
		{"spaces inside a string", "spacing goes between tokens", interaction(`{"request": {"method": "GET", "url": "/", "body_json": ["ab"], "body_json_spaces": [[2, " "]]}, "error": {}}`), `body_json_spaces: offset 2 is not between two tokens of the body`},
		{"spaces inside a number", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": [12], "body_json_spaces": [[2, " "]]}, "error": {}}`), `body_json_spaces: offset 2 is not between two tokens of the body`},
		{"spaces at the end", "the trailing member says that", interaction(`{"request": {"method": "GET", "url": "/", "body_json": [1], "body_json_spaces": [[3, " "]]}, "error": {}}`), `body_json_spaces: offset 3 is not between two tokens of the body`},
		{"spaces out of order", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": [1,2], "body_json_spaces": [[3, " "], [1, " "]]}, "error": {}}`), `body_json_spaces: offset 1: the offsets go up, from 1, each once`},
		{"spaces not spacing", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": [1,2], "body_json_spaces": [[1, "x"]]}, "error": {}}`), `body_json_spaces: each run is [offset, "spacing"], the spacing made of spaces, tabs, carriage returns and newlines`},
		{"spaces empty", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": [1,2], "body_json_spaces": []}, "error": {}}`), `body_json_spaces: it lists at least one run of spacing`},
		{"separators spaced out to a bomb", "dvd writes a body that spaces out past 1000 times its size run by run", interaction(`{"request": {"method": "GET", "url": "/", "body_json": [` + strings.Repeat("1,", 5000) + `1], "body_json_comma": ",` + strings.Repeat(" ", 20000) + `"}, "error": {}}`), `request: spaced as "body_json_comma" says, the body of 10003 bytes would take more than 10007096`},
		{"indent spaced out to a bomb", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": [` + strings.Repeat("1,", 5000) + `1], "body_json_indent": "` + strings.Repeat(" ", 20000) + `"}, "error": {}}`), `request: spaced as "body_json_indent" says, the body of 10003 bytes would take more than 10007096`},
		{"spaces with an empty run", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": [1,2], "body_json_spaces": [[]]}, "error": {}}`), `body_json_spaces: each run is [offset, "spacing"], the spacing made of spaces, tabs, carriage returns and newlines`},
		{"spaces without an offset", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": [1,2], "body_json_spaces": [[" "]]}, "error": {}}`), `body_json_spaces should be a JSON number, not a string`},
		{"spaces without body_json", "", interaction(`{"request": {"method": "GET", "url": "/", "body": "a", "body_json_spaces": [[1, " "]]}, "error": {}}`), `request: "body_json_spaces" goes only with "body_json"`},
		{"spacing twice", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": {}, "body_json_trailing": "\n", "body_json_trailing": "\n"}, "error": {}}`), `request: "body_json_trailing" appears twice`},
		{"body_json broken", "", interaction(`{"request": {"method": "GET", "url": "/", "body_json": {"a" 1}}, "error": {}}`), `line 1, column 93: invalid character '1' after object key`},
		{"nested too deep", "as encoding/json, at most 10000 levels from the top of the document", interaction(`{"request": {"method": "GET", "url": "/", "body_json": ` + strings.Repeat("[", 9997) + strings.Repeat("]", 9997) + `}, "error": {}}`), "line 1, column 10084: nesting deeper than 10000 levels"},
		{"nested as deep as allowed", "the body reads, and the next error is found", interaction(`{"request": {"method": "GET", "url": "/", "body_json": ` + strings.Repeat("[", 9996) + strings.Repeat("]", 9996) + `}, "error": {}, "duration": "x"}`), `duration: "x" is not a Go duration`},
		{"syntax error after a schema error", "a broken file is reported as such, whatever else is wrong", []byte(`{"version": 1, "x": 1, "interactions": [}`), "line 1, column 41: invalid character '}' looking for beginning of value"},
		{"bad escape", "", []byte(`{"version": 1, "interactions": [], "recorded_at": "\q"}`), `line 1, column 53: invalid character 'q' in string escape code`},
		{"bad unicode escape", "", []byte(`{"version": 1, "interactions": [], "recorded_at": "\u12x4"}`), `line 1, column 56: invalid character 'x' in \u hexadecimal character escape`},
		{"leading zero", "", []byte(`{"version": 01, "interactions": []}`), "line 1, column 14: invalid character '1' after object key:value pair"},
		{"byte order mark", "encoding/json refuses it too", []byte("\ufeff{}"), "line 1, column 1: invalid byte 0xef looking for beginning of value"},
		{"truncated in a string", "", []byte(`{"version": 1, "interactions": [], "recorded_at": "20`), "truncated: the JSON ends after 53 bytes"},
		{"bad recorded_at", "", []byte(`{"version": 1, "recorded_at": "yesterday", "interactions": []}`), `line 1, column 31: recorded_at: "yesterday" is not an RFC 3339 time such as 2024-01-02T03:04:05Z`},
		{"recorded_at without zone", "", []byte(`{"version": 1, "recorded_at": "2024-01-02T03:04:05", "interactions": []}`), `recorded_at: "2024-01-02T03:04:05" is not an RFC 3339 time`},
		{"recorded_at before year 0 in UTC", "it could not be written back", []byte(`{"version": 1, "recorded_at": "0000-01-01T00:00:00+01:00", "interactions": []}`), `line 1, column 31: recorded_at: -0001-12-31 23:00:00 +0000 UTC is outside the years 0000 to 9999`},
		{"recorded_at after year 9999 in UTC", "", []byte(`{"version": 1, "recorded_at": "9999-12-31T23:00:00-02:00", "interactions": []}`), "is outside the years 0000 to 9999"},
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tt := range badInputs(t) {
		t.Run(tt.name, func(t *testing.T) {
			f, err := unmarshal(tt.input)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Decode(%q) = %v, %v; want an error containing %q", tt.input, f, err, tt.wantErr)
			}
		})
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range badInputs(t) {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+cassette.Ext)
			testsupport.WriteFile(t, path, tt.input)
			_, err := readFile(path)
			if want := "cassette: " + path + ": "; err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ReadFile = %v; want an error that starts with %q and contains %q", err, want, tt.wantErr)
			}
		})
	}
}
