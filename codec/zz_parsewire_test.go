package codec

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// Temporary differential check: whatever parseWire accepts, encoding/json
// must read the same.
func FuzzParseWireSameAsJSON(f *testing.F) {
	for _, p := range []string{"testdata/golden.dvd.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	files, _ := filepath.Glob("testdata/fuzz/FuzzDecode/*")
	_ = files
	f.Add([]byte(`{"version":1,"interactions":[{"request":{"method":"GET","url":"x","headers":{"A\u00e9":["\u00e9\n",""],"B":[]}},"response":{"code":200,"body_json":[1, {"a" : "b\"]"}],"trailers":{}},"duration":"1s"}]}`))
	f.Add([]byte(`{"version":1,"interactions":[{"request":{"method":"GET","url":"x","body_base64":"AAE="},"error":{"kind":"dns","not_found":true}},{"request":{"method":"GET","url":"x","body":""},"response":{"code":-0,"content_length":-12,"body_json":"s\"}"}}]}`))
	f.Add([]byte(`{"version":1,"interactions":[{"request":{"method":"GET","url":"x"},"response":{"code":1,"body_json":12}}]}  `))
	f.Add([]byte(`{"version":1,"interactions":[{"request":{"method":"GET","url":"x"},"response":{"code":1,"body_json":true,"uncompressed":false}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotErr := Unmarshal(data)
		want, wantErr := unmarshalSlow(data)
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("errors differ: fast %v, slow %v\n%s", gotErr, wantErr, data)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("differ:\nfast %#v\nslow %#v\n%s", got, want, data)
		}
		var fast wireFile
		if parseWire(data, &fast) {
			var slow wireFile
			if json.Unmarshal(data, &slow) == nil && !reflect.DeepEqual(norm(fast), norm(slow)) {
				t.Fatalf("wire differs:\nfast %#v\nslow %#v\n%s", fast, slow, data)
			}
		}
	})
}

func unmarshalSlow(data []byte) (*File, error) {
	var w wireFile
	if err := json.Unmarshal(data, &w); err != nil {
		if v, ok := peekVersion(data); ok && v > Version {
			return nil, versionError(v)
		}
		return nil, syntaxError(data, err)
	}
	return w.file()
}

// norm copies RawMessages so that aliasing does not matter and compares the
// rest as is.
func norm(w wireFile) wireFile {
	for i := range w.Interactions {
		in := &w.Interactions[i]
		if in.Request != nil && in.Request.BodyJSON != nil {
			in.Request.BodyJSON = append(json.RawMessage{}, in.Request.BodyJSON...)
		}
		if in.Response != nil && in.Response.BodyJSON != nil {
			in.Response.BodyJSON = append(json.RawMessage{}, in.Response.BodyJSON...)
		}
	}
	return w
}

func TestParseWireAcceptsMarshal(t *testing.T) {
	b, _ := os.ReadFile("testdata/golden.dvd.json")
	var w wireFile
	if !parseWire(b, &w) {
		t.Fatal("golden not accepted by the fast path")
	}
}
