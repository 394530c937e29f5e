package cassette_test

import (
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"

	"github.com/dvdrw/dvd/codec"
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
		{"newer version", "", []byte(`{"version": 2, "interactions": []}`), "format version 2 is not one this dvd reads (it reads up to 1): upgrade github.com/dvdrw/dvd"},
		{"newer version, new shape", "a newer format may change shapes; the version is still what is wrong", []byte(`{"version": 99, "interactions": 5}`), "format version 99 is not one this dvd reads"},
		{"newer version, unreadable", "", []byte(`{"version": 3, "interactions": [`), "upgrade github.com/dvdrw/dvd"},
		{"negative version", "", []byte(`{"version": -1, "interactions": []}`), "format version -1 is not one this dvd reads"},
		{"missing version", "", []byte(`{"interactions": []}`), `not a dvd cassette: it has no "version"`},
		{"other json", "", []byte(`{"name": "package.json"}`), "not a dvd cassette"},
		{"document not an object", "", []byte(`[1, 2]`), "line 1, column 1: the document should be a JSON object, not array"},
		{"version a string", "", []byte(`{"version": "1", "interactions": []}`), `line 1, column 15: version should be a JSON number, not string`},
		{"interactions a number", "", []byte(`{"version": 1, "interactions": 5}`), "line 1, column 32: interactions should be a JSON array, not number"},
		{"request a string", "", interaction(`{"request": "GET /"}`), "interactions.request should be a JSON object, not string"},
		{"headers an array", "", interaction(`{"request": {"method": "GET", "url": "/", "headers": ["a"]}, "error": {}}`), "interactions.request.headers should be a JSON object, not array"},
		{"code a string", "", interaction(`{` + okRequest + `, "response": {"code": "200"}}`), "interactions.response.code should be a JSON number, not string"},
		{"body_base64 a number", "the path names no Go-only struct", interaction(`{"request": {"method": "GET", "url": "/", "body_base64": 5}, "error": {}}`), "line 1, column 90: interactions.request.body_base64 should be a JSON string, not number"},
		{"missing request", "", interaction(`{"response": {"code": 200}}`), `interaction 0: it has no "request"`},
		{"null request", "", interaction(`{"request": null, "response": {"code": 200}}`), `interaction 0: it has no "request"`},
		{"null interaction", "", interaction(`null`), `interaction 0: it has no "request"`},
		{"missing method", "", interaction(`{"request": {"url": "/"}, "response": {"code": 200}}`), `interaction 0: its request needs a "method" and a "url"`},
		{"missing url", "", interaction(`{"request": {"method": "GET"}, "response": {"code": 200}}`), `its request needs a "method" and a "url"`},
		{"response and error", "", interaction(`{` + okRequest + `, "response": {"code": 200}, "error": {"kind": "eof"}}`), `interaction 0: it needs exactly one of "response" and "error"`},
		{"neither response nor error", "", interaction(`{` + okRequest + `}`), `interaction 0: it needs exactly one of "response" and "error"`},
		{"second interaction", "the error says which interaction", interaction(`{` + okRequest + `, "error": {}}, {` + okRequest + `}`), `interaction 1: it needs exactly one of`},
		{"bad base64", "", interaction(`{"request": {"method": "GET", "url": "/", "body_base64": "not base64!"}, "error": {}}`), "interaction 0: request: body_base64: illegal base64 data at input byte 3"},
		{"bad response base64", "", interaction(`{` + okRequest + `, "response": {"code": 200, "body_base64": "QQ"}}`), "interaction 0: response: body_base64: illegal base64 data"},
		{"two bodies", "", interaction(`{"request": {"method": "GET", "url": "/", "body": "a", "body_json": {}}, "error": {}}`), `request: it has more than one of "body", "body_base64" and "body_json"`},
		{"bad duration", "", interaction(`{` + okRequest + `, "error": {}, "duration": "soon"}`), `interaction 0: duration "soon": it is not a Go duration such as 12ms`},
		{"duration without unit", "", interaction(`{` + okRequest + `, "error": {}, "duration": "12"}`), `duration "12": it is not a Go duration`},
		{"duration a number", "", interaction(`{` + okRequest + `, "error": {}, "duration": 12}`), "interactions.duration should be a JSON string, not number"},
		{"status code too small", "", interaction(`{` + okRequest + `, "response": {"code": 42}}`), "interaction 0: response: status code 42 is not a valid HTTP status"},
		{"status code missing", "", interaction(`{` + okRequest + `, "response": {"status": "200 OK"}}`), "status code 0 is not a valid HTTP status"},
		{"status code too big", "", interaction(`{` + okRequest + `, "response": {"code": 1000}}`), "status code 1000 is not a valid HTTP status"},
		{"bad recorded_at", "", []byte(`{"version": 1, "recorded_at": "yesterday", "interactions": []}`), `recorded_at "yesterday" is not an RFC 3339 time`},
		{"recorded_at without zone", "", []byte(`{"version": 1, "recorded_at": "2024-01-02T03:04:05", "interactions": []}`), `recorded_at "2024-01-02T03:04:05" is not an RFC 3339 time`},
		{"recorded_at before year 0 in UTC", "it could not be written back", []byte(`{"version": 1, "recorded_at": "0000-01-01T00:00:00+01:00", "interactions": []}`), `recorded_at "0000-01-01T00:00:00+01:00" is outside the years 0000 to 9999`},
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
			writeBytes(t, path, tt.input)
			_, err := readFile(path)
			if want := "cassette: " + path + ": "; err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ReadFile = %v; want an error that starts with %q and contains %q", err, want, tt.wantErr)
			}
		})
	}
}
