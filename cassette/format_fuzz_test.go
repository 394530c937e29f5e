package cassette_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/dvdrw/dvd/cassette"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dvdrw/dvd/codec"
)

// FuzzDecode checks that Decode never panics on any input nor changes it, and
// that whatever it accepts is written and read back unchanged. A nil and an
// empty header or body are the same in the file, so they compare equal.
func FuzzDecode(f *testing.F) {
	full := fullFile()
	for _, c := range []codec.Compression{codec.None, codec.Zstd, codec.Gzip} {
		f.Add(mustEncode(f, full, c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		input := bytes.Clone(data)
		file, err := unmarshal(data)
		if !bytes.Equal(data, input) {
			t.Fatalf("Decode changed its input:\n%q\nto\n%q", input, data)
		}
		if err != nil {
			return
		}
		out := marshal(file)
		again, err := unmarshal(out)
		if err != nil {
			t.Fatalf("Unmarshal(Marshal(Decode(data))): %v\nwritten:\n%s", err, out)
		}
		if diff := cmp.Diff(file, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Unmarshal(Marshal(Decode(data))) mismatch (-want +got):\n%s", diff)
		}
		if out2 := marshal(again); !bytes.Equal(out, out2) {
			t.Fatalf("Marshal is not stable:\n%s\nthen\n%s", out, out2)
		}
	})
}

// FuzzBodyRoundTrip checks that any request and response body reads back byte
// for byte, that a text body is never hidden in base64, and that a JSON
// object or array that is text is stored as JSON, whatever its spacing.
func FuzzBodyRoundTrip(f *testing.F) {
	f.Fuzz(func(t *testing.T, reqBody, respBody []byte) {
		file := &File{Version: cassette.Version, Interactions: []cassette.Interaction{{
			Request:  cassette.Request{Method: "POST", URL: "http://example.com/"},
			Response: &cassette.Response{StatusCode: 200},
		}}}
		file.Interactions[0].Request.Body = reqBody
		file.Interactions[0].Response.Body = respBody
		data := marshal(file)
		got, err := unmarshal(data)
		if err != nil {
			t.Fatalf("Unmarshal(Marshal(f)): %v\n%s", err, data)
		}
		in := got.Interactions[0]
		if !bytes.Equal(in.Request.Body, reqBody) {
			t.Errorf("request body = %q, want %q", in.Request.Body, reqBody)
		}
		if !bytes.Equal(in.Response.Body, respBody) {
			t.Errorf("response body = %q, want %q", in.Response.Body, respBody)
		}
		if isText(reqBody) && isText(respBody) && bytes.Contains(data, []byte(`"body_base64"`)) {
			t.Errorf("a text body is stored as base64:\n%s", data)
		}
		for _, body := range [][]byte{reqBody, respBody} {
			// (Bodies of less than 1000 bytes are shallower than the
			// reader's limit of nesting.)
			if v := bytes.Trim(body, " \t\r\n"); isText(body) && json.Valid(body) && len(body) < 1000 && len(v) > 0 && (v[0] == '{' || v[0] == '[') &&
				!bytes.Contains(data, []byte(`"body_json": `+string(compactJSON(t, body)[:1]))) {
				t.Errorf("the JSON body %q is not stored as JSON:\n%s", body, data)
			}
		}
	})
}

// isText reports whether b is UTF-8 with no control characters but tab,
// newline and carriage return: text a reader can see in the file.
func isText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return false
		}
	}
	return true
}

func TestDecodeLeavesInputAlone(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		input  []byte
	}{
		{"cassette", "", marshal(fullFile())},
		{"duplicate body_json", "encoding/json takes the last of repeated keys: it must not write it over the first in the caller's bytes",
			[]byte(`{"version":1,"interactions":[{"request":{"method":"GET","url":"/","body_json":[1],"body_json":[2,3]},"error":{}}]}`)},
		{"duplicate body_json in response", "",
			[]byte(`{"version":1,"interactions":[{"request":{"method":"GET","url":"/"},"response":{"code":200,"body_json":{"a":1},"body_json":{"b":22}}}]}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := bytes.Clone(tt.input)
			_, _ = unmarshal(input)
			if !bytes.Equal(input, tt.input) {
				t.Errorf("Decode changed its input:\n%s\nto\n%s", tt.input, input)
			}
		})
	}
}
