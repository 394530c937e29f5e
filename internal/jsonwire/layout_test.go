package jsonwire

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestLayoutJSON(t *testing.T) {
	long := strings.Repeat("i", 70)
	for _, tc := range []struct{ value, want string }{
		{`{"a":1,"b":"x"}`, "{\n  \"a\": 1,\n  \"b\": \"x\"\n}"},
		{ // inside the outermost object, objects and arrays as they came
			`{"id":"` + long + `","kind":{"enabled":true,"tier":"Standard"},"tags":["a","b"],"empty":{}}`,
			"{\n" +
				`  "id": "` + long + "\",\n" +
				`  "kind": {"enabled":true,"tier":"Standard"},` + "\n" +
				`  "tags": ["a","b"],` + "\n" +
				`  "empty": {}` + "\n" +
				"}",
		},
		{ // a listing: one element a line
			`[{"k":"` + strings.Repeat(",:{[", 20) + `"},"x\"]",[]]`,
			"[\n" +
				`  {"k":"` + strings.Repeat(",:{[", 20) + "\"},\n" +
				`  "x\"]",` + "\n" +
				"  []\n" +
				"]",
		},
	} {
		if got := layoutJSON(nil, []byte(tc.value), oneLineJSON); string(got) != tc.want {
			t.Errorf("layoutJSON(%s) =\n%s\nwant\n%s", tc.value, got, tc.want)
		}
	}
}

// An object or array inside a body of at most oneLineJSON bytes stays on
// one line; one byte more and it takes a line per member.
func TestLayoutJSONShortBound(t *testing.T) {
	for _, n := range []int{oneLineJSON, oneLineJSON + 1} {
		inner := `["` + strings.Repeat("x", n-6) + `",1]` // n bytes
		value := `{"long":"` + strings.Repeat("y", 80) + `","a":` + inner + `}`
		got := string(layoutJSON(nil, []byte(value), oneLineJSON))
		if oneLine := strings.Contains(got, inner); oneLine != (n <= oneLineJSON) {
			t.Errorf("a %d-byte array: on one line %v:\n%.200s", n, oneLine, got)
		}
	}
}

// What layoutJSON writes compacts to the value it was given, and a change
// to one member of a long body changes one line of the file.
func FuzzLayoutJSON(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[true,null,"x\"]"],"c":{},"d":[]}`,
		`[[],{},[{}],{"":[1,2,{"k":"v"}]}]`,
		`{"s":"\u2028 , : { [ \\"}`,
		`{"value":[{"id":"/subscriptions/0/resourceGroups/rg/providers/x/y","properties":{"state":"Succeeded","tags":["a","b"]}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c bytes.Buffer
		if json.Compact(&c, data) != nil || c.Len() == 0 || c.Bytes()[0] != '{' && c.Bytes()[0] != '[' {
			return
		}
		got := layoutJSON(nil, c.Bytes(), oneLineJSON)
		var back bytes.Buffer
		if err := json.Compact(&back, got); err != nil || !bytes.Equal(back.Bytes(), c.Bytes()) {
			t.Fatalf("layoutJSON(%s) = %s, which compacts to %s (%v)", c.Bytes(), got, back.Bytes(), err)
		}
		if !bytes.Equal(compact(got), c.Bytes()) {
			t.Fatalf("compact(layoutJSON(%s)) = %s", c.Bytes(), compact(got))
		}
	})
}

// A change to one value of a long JSON body shows as one changed line,
// in a body and in a listing of such bodies.
func TestLayoutJSONDiff(t *testing.T) {
	item := func(days int) map[string]any {
		return map[string]any{
			"id":   "/subscriptions/44aba696/resourceGroups/acctest-rg-979835/providers/Microsoft.Sql/servers/acctestf3xsvd33448",
			"name": "acctestf3xsvd33448",
			"properties": map[string]any{
				"provisioningState": "Succeeded",
				"retentionDays":     days,
				"kind":              map[string]any{"enabled": true, "retentionDays": days, "tier": "Standard"},
			},
		}
	}
	for _, tc := range []struct {
		name string
		body func(days int) any
	}{
		{"object", func(days int) any { return item(days) }},
		{"listing", func(days int) any { return map[string]any{"value": []any{item(1), item(days), item(3)}} }},
	} {
		lines := func(days int) []string {
			b, _ := json.Marshal(tc.body(days))
			return strings.Split(string(layoutJSON(nil, b, oneLineJSON)), "\n")
		}
		a, b := lines(61), lines(62)
		if len(a) != len(b) {
			t.Fatalf("%s: the change moved lines:\n%s\n%s", tc.name, strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
		var changed []string
		for i := range a {
			if a[i] != b[i] {
				changed = append(changed, b[i])
			}
		}
		if len(changed) != 1 || !strings.Contains(changed[0], `"kind":{"enabled":true,"retentionDays":62`) {
			t.Errorf("%s: changed lines: %q", tc.name, changed)
		}
	}
}
