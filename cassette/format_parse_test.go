package cassette

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// FuzzParseWire checks that the fast parser behind Unmarshal changes nothing:
// Unmarshal gives the same File and the same error as encoding/json alone,
// and whatever parseWire accepts, encoding/json reads the same.
func FuzzParseWire(f *testing.F) {
	golden, err := os.ReadFile("testdata/golden.dvd.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add([]byte(`{"version":1,"interactions":[{"request":{"method":"GET","url":"x","headers":{"A\u00e9":["\u00e9\n",""],"B":[]}},"response":{"code":200,"body_json":[1, {"a" : "b\"]"}],"trailers":{}},"duration":"1s"}]}`))
	f.Add([]byte(`{"version":1,"interactions":[{"request":{"method":"GET","url":"x","body_base64":"AAE="},"error":{"kind":"dns","not_found":true}},{"request":{"method":"GET","url":"x","body":""},"response":{"code":-0,"content_length":-12,"body_json":"s\"}"}}]}`))
	f.Add([]byte(`{"version":1,"interactions":[{"request":{"method":"GET","url":"x"},"response":{"code":1,"body_json":12}}]}  `))
	f.Add([]byte(`{"version":1,"interactions":[{"request":{"method":"GET","url":"x"},"response":{"code":1,"body_json":[1,}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotErr := unmarshalJSON(data)
		want, wantErr := slowUnmarshal(data)
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("Unmarshal error = %v, encoding/json alone gives %v\n%s", gotErr, wantErr, data)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Unmarshal = %#v, encoding/json alone gives %#v\n%s", got, want, data)
		}
		var fast wireFile
		if parseWire(data, &fast) {
			var slow wireFile
			if json.Unmarshal(data, &slow) == nil && !reflect.DeepEqual(copyRaw(fast), copyRaw(slow)) {
				t.Fatalf("parseWire = %#v, encoding/json gives %#v\n%s", fast, slow, data)
			}
		}
	})
}

func TestParseWireReadsMarshal(t *testing.T) {
	golden, err := os.ReadFile("testdata/golden.dvd.json")
	if err != nil {
		t.Fatal(err)
	}
	var w wireFile
	if !parseWire(golden, &w) {
		t.Fatal("parseWire gave up on the golden file, which Marshal wrote: Unmarshal would take the slow path")
	}
}

// slowUnmarshal is unmarshalJSON without the fast parser.
func slowUnmarshal(data []byte) (*file, error) {
	var w wireFile
	if err := json.Unmarshal(data, &w); err != nil {
		if v, ok := peekVersion(data); ok && v > Version {
			return nil, versionError(v)
		}
		return nil, syntaxError(data, err)
	}
	return w.file()
}

// copyRaw copies the body_json bytes, which parseWire shares with its input,
// so that only their content is compared.
func copyRaw(w wireFile) wireFile {
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
