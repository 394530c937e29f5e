package cassette

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/internal/testsupport"
)

// FuzzUnmarshalSyntax checks that Unmarshal, on any input, does not
// panic, leaves its input alone, accepts no cassette that is not JSON,
// and calls a file's problem a syntax error exactly when it is not JSON
// (or is of a newer version). FuzzParse, in internal/jsonwire, checks the
// parser itself against encoding/json on the same inputs.
func FuzzUnmarshalSyntax(f *testing.F) {
	golden, err := os.ReadFile("testdata/golden.dvd.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	for _, s := range testsupport.JSONSeeds(10000) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		input := bytes.Clone(data)
		valid := json.Valid(data)

		file, err := unmarshalJSON(data)
		if !bytes.Equal(data, input) {
			t.Fatalf("unmarshalJSON changed its input:\n%q\nto\n%q", input, data)
		}
		switch {
		case err == nil && !valid:
			t.Fatalf("unmarshalJSON accepts what is not JSON: %#v\n%q", file, data)
		case err != nil && valid && isSyntaxError(err):
			t.Fatalf("unmarshalJSON calls valid JSON broken: %v\n%q", err, data)
		case err != nil && !valid && !isSyntaxError(err) && !strings.Contains(err.Error(), "upgrade"):
			t.Fatalf("unmarshalJSON's error does not say what is wrong with the JSON: %v\n%q", err, data)
		}
	})
}

func isSyntaxError(err error) bool {
	return strings.Contains(err.Error(), "truncated: the JSON ends after") || strings.Contains(err.Error(), "invalid ") || strings.Contains(err.Error(), "nesting deeper")
}

// TestReadKeepsNothingOfTheFile checks that what the reader returns holds
// no part of the bytes it read: the caller of Unmarshal may write over
// them once it returns.
func TestReadKeepsNothingOfTheFile(t *testing.T) {
	golden, err := os.ReadFile("testdata/golden.dvd.json")
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Clone(golden)
	got, err := unmarshalJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 'X'
	}
	want, err := unmarshalJSON(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("writing over the file's bytes changed what was read from them")
	}
}

// TestListSizedByWhatItHolds reads small interactions followed by one with
// a large body: the slice of interactions must be sized by how many there
// are, not by how many small ones the rest of the file would hold.
func TestListSizedByWhatItHolds(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"version":1,"interactions":[`)
	for i := range 40 {
		fmt.Fprintf(&b, `{"request":{"method":"GET","url":"http://a/%d"},"response":{"code":200}},`, i)
	}
	b.WriteString(`{"request":{"method":"GET","url":"http://a/big"},"response":{"code":200,"body":"`)
	b.WriteString(strings.Repeat("x", 8<<20))
	b.WriteString(`"}}]}`)
	f, err := unmarshalJSON([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if n, c := len(f.Interactions), cap(f.Interactions); c > 3*n+16 {
		t.Errorf("%d interactions were read into a slice of capacity %d", n, c)
	}
}

// TestRepeatedHeaderReadOnce: a header whose text is that of one read just
// before is the same map, held once; any other text, one that only begins
// alike included, is a header of its own.
func TestRepeatedHeaderReadOnce(t *testing.T) {
	data := `{"version":1,"interactions":[
		{"request":{"method":"GET","url":"http://a/1","headers":{"Accept":["application/json"]}},"response":{"code":200}},
		{"request":{"method":"GET","url":"http://a/2","headers":{"Accept":["application/json"]}},"response":{"code":200}},
		{"request":{"method":"GET","url":"http://a/3","headers":{"Accept":["application/json"],"X":["y"]}},"response":{"code":200}},
		{"request":{"method":"GET","url":"http://a/4","headers":{"Accept":["application/json" ]}},"response":{"code":200}}]}`
	f, err := unmarshalJSON([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	h := func(i int) http.Header { return f.Interactions[i].Request.Header }
	same := func(a, b http.Header) bool {
		return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
	}
	if !same(h(0), h(1)) {
		t.Error("two requests with the same header text got a map each")
	}
	if same(h(1), h(2)) || same(h(2), h(3)) {
		t.Error("requests with different header texts share a map")
	}
	want := []http.Header{
		{"Accept": {"application/json"}},
		{"Accept": {"application/json"}},
		{"Accept": {"application/json"}, "X": {"y"}},
		{"Accept": {"application/json"}},
	}
	for i, w := range want {
		if !reflect.DeepEqual(h(i), w) {
			t.Errorf("request %d: header %v, want %v", i, h(i), w)
		}
	}
}

// TestAnySpacing: the reader takes any JSON spacing, anywhere JSON allows
// it, not only Marshal's.
func TestAnySpacing(t *testing.T) {
	golden, err := os.ReadFile("testdata/golden.dvd.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := unmarshalJSON(golden)
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, golden); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		reason string
		data   []byte
	}{
		{"compact", "no spacing at all", compact.Bytes()},
		{"every kind everywhere", "spaces, tabs, CR and LF around every token", respace(compact.Bytes(), " \t\r\n")},
		{"tabs", "", respace(compact.Bytes(), "\t")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := unmarshalJSON(tt.data)
			if err != nil {
				t.Fatalf("unmarshalJSON: %v\n%s", err, tt.data)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("unmarshalJSON = %#v, want %#v", got, want)
			}
		})
	}
}

// respace puts space around every token of the compact JSON b, and before
// and after the document.
func respace(b []byte, space string) []byte {
	out := []byte(space)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '{', '}', '[', ']', ',', ':':
			out = append(out, space...)
			out = append(out, c)
			out = append(out, space...)
		case '"':
			end := i + 1
			for b[end] != '"' {
				if b[end] == '\\' {
					end++
				}
				end++
			}
			out = append(out, b[i:end+1]...)
			i = end
		default:
			out = append(out, c)
		}
	}
	return append(out, space...)
}
