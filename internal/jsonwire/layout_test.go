package jsonwire

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestLayoutJSON(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{`{"a":1,"b":"x"}`, `{"a": 1, "b": "x"}`},
		{`{"a":{"b":[1,2]},"c":[]}`, `{"a": {"b": [1, 2]}, "c": []}`},
		{
			`{"id":"` + strings.Repeat("i", 70) + `","kind":{"enabled":true,"tier":"Standard"},"tags":["a","b"],"empty":{}}`,
			"{\n" +
				`  "id": "` + strings.Repeat("i", 70) + "\",\n" +
				`  "kind": {"enabled": true, "tier": "Standard"},` + "\n" +
				`  "tags": ["a", "b"],` + "\n" +
				`  "empty": {}` + "\n" +
				"}",
		},
		{ // colons, commas and brackets in strings are not the JSON's
			`[{"k":"` + strings.Repeat(",:{[", 20) + `"},"x\"]"]`,
			"[\n" +
				`  {` + "\n" +
				`    "k": "` + strings.Repeat(",:{[", 20) + "\"\n" +
				"  },\n" +
				`  "x\"]"` + "\n" +
				"]",
		},
	} {
		if got := layoutJSON(nil, []byte(tc.value), oneLineJSON); string(got) != tc.want {
			t.Errorf("layoutJSON(%s) =\n%s\nwant\n%s", tc.value, got, tc.want)
		}
	}
}

// A body's object or array of at most oneLineJSON bytes, with its spaces,
// stays on one line; one byte more and it takes a line per member.
func TestLayoutJSONShortBound(t *testing.T) {
	for _, n := range []int{oneLineJSON, oneLineJSON + 1} {
		inner := `["` + strings.Repeat("x", n-4) + `"]` // n bytes
		value := `{"long":"` + strings.Repeat("y", 80) + `","a":` + inner + `}`
		got := string(layoutJSON(nil, []byte(value), oneLineJSON))
		if oneLine := strings.Contains(got, inner); oneLine != (n <= oneLineJSON) {
			t.Errorf("a %d-byte array: on one line %v:\n%s", n, oneLine, got)
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

// A change to one field of a long JSON body shows as one changed line.
func TestLayoutJSONDiff(t *testing.T) {
	body := func(days int) []byte {
		v := map[string]any{
			"id":   "/subscriptions/44aba696/resourceGroups/acctest-rg-979835/providers/Microsoft.Sql/servers/acctestf3xsvd33448",
			"name": "acctestf3xsvd33448",
			"properties": map[string]any{
				"provisioningState": "Succeeded",
				"retentionDays":     days,
				"kind":              map[string]any{"enabled": true, "retentionDays": days, "tier": "Standard"},
			},
		}
		b, _ := json.Marshal(v)
		return layoutJSON(nil, b, oneLineJSON)
	}
	a, b := strings.Split(string(body(61)), "\n"), strings.Split(string(body(62)), "\n")
	if len(a) != len(b) {
		t.Fatalf("the change moved lines:\n%s\n%s", body(61), body(62))
	}
	var changed []string
	for i := range a {
		if a[i] != b[i] {
			changed = append(changed, b[i])
		}
	}
	if len(changed) != 2 || !strings.Contains(changed[0], `"kind": {"enabled": true, "retentionDays": 62`) || strings.TrimSpace(changed[1]) != `"retentionDays": 62` {
		t.Errorf("changed lines: %q", changed)
	}
}
