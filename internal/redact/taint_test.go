package redact

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

func TestMarkers(t *testing.T) {
	for _, tt := range []struct {
		in, plain string
		max       int
	}{
		{"", "", 0},
		{"REDACTED", "REDACTED", 0},
		{"REDACTED~7", "REDACTED", 7},
		{"a=REDACTED~12&b=REDACTED~3", "a=REDACTED&b=REDACTED", 12},
		{"REDACTED~", "REDACTED~", 0},   // no number: not a numbered marker
		{"REDACTED~x", "REDACTED~x", 0}, // idem
		{"xREDACTED~2y", "xREDACTEDy", 2},
	} {
		if got := Unnumbered(tt.in); got != tt.plain {
			t.Errorf("Unnumbered(%q) = %q, want %q", tt.in, got, tt.plain)
		}
		if got := MaxMarker(tt.in); got != tt.max {
			t.Errorf("MaxMarker(%q) = %d, want %d", tt.in, got, tt.max)
		}
	}
	for s, want := range map[string]bool{"REDACTED": true, "REDACTED~1": true, "REDACTED~": false, "REDACTEDx": false, "": false, "ghp_REDACTED": false} {
		if IsMarker(s) != want {
			t.Errorf("IsMarker(%q) = %v", s, !want)
		}
	}
	if m := Marker(3); m != "REDACTED~3" || !IsMarker(m) {
		t.Errorf("Marker(3) = %q", m)
	}
}

// TestNumber reads the values back from the text before and after
// redaction, numbers them by first appearance, equal values alike.
func TestNumber(t *testing.T) {
	l := NewLedger(0)
	for _, tt := range []struct {
		orig, red, want string
		esc             Escaping
	}{
		{"Bearer abc", "Bearer REDACTED", "Bearer REDACTED~1", AsIs},
		{"a=abc&b=xyz&c=abc", "a=REDACTED&b=REDACTED&c=REDACTED", "a=REDACTED~1&b=REDACTED~2&c=REDACTED~1", URLEscaped},
		{`{"p":"x%2Fy","q":1234,"r":"x/y"}`, `{"p":"REDACTED","q":"REDACTED","r":"REDACTED"}`, `{"p":"REDACTED~3","q":"REDACTED~4","r":"REDACTED~5"}`, JSONEscaped},
		{`{"s":"a\/b\u0063"}`, `{"s":"REDACTED"}`, `{"s":"REDACTED~6"}`, JSONEscaped},
		{`{"s":"a/bc"}`, `{"s":"REDACTED"}`, `{"s":"REDACTED~6"}`, JSONEscaped}, // the same value, escaped otherwise
		{"key: ghp_abcdef", "key: ghp_REDACTED", "key: ghp_REDACTED~7", AsIs},
		// A marker already there stays as it was.
		{"Bearer REDACTED~1", "Bearer REDACTED", "Bearer REDACTED~1", AsIs},
		{"a=REDACTED~9&b=new", "a=REDACTED&b=REDACTED", "a=REDACTED~9&b=REDACTED~8", URLEscaped},
		// Not orig with values replaced: left plain.
		{"https://u:p@h/x y", "https://REDACTED@h/x%20y", "https://REDACTED@h/x%20y", URLEscaped},
	} {
		if got := l.Number(tt.orig, tt.red, tt.esc); got != tt.want {
			t.Errorf("Number(%q, %q) = %q, want %q", tt.orig, tt.red, got, tt.want)
		}
	}
	if l.last != 8 {
		t.Errorf("%d values numbered, want 8", l.last)
	}
	if n := NewLedger(41); n.Number("t=x", "t=REDACTED", URLEscaped) != "t=REDACTED~42" {
		t.Errorf("a ledger after 41 does not start at 42")
	}
}

func TestTaintable(t *testing.T) {
	for v, want := range map[string]bool{
		"1234":                  false, // short
		"12345678901234":        false, // a number
		"10.0.0.1":              false, // an address
		"aaaaaaaaaaaa":          false, // not varied
		"service_account":       false, // words
		"ServiceAccountKeyName": false, // a name
		"password":              false, // a word
		"hunter22":              true,
		"xKqPzLmNwRtY":          true,
		"ghp_0123456789abcdef":  true,
		"s3cr3t-bearer":         true,
		"REDACTED~1":            false,
	} {
		if got := taintable(v); got != want {
			t.Errorf("taintable(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestTaintForms replaces a value in each form it may take.
func TestTaintForms(t *testing.T) {
	const v = `tok/en+a=b<c>&"d'é-0123456789`
	l := NewLedger(0)
	l.Number("t="+url.QueryEscape(v), "t=REDACTED", URLEscaped)
	tt := l.Taint()
	if tt == nil {
		t.Fatal("no taint")
	}
	for _, form := range []string{
		v,
		url.QueryEscape(v),
		strings.ToLower(url.QueryEscape(v)),
		url.PathEscape(v),
		jsonString(v, false),
		jsonString(v, true),
		upperHex(jsonString(v, true), '\\', 4),
		asciiJSON(slashes(jsonString(v, true)), false),
		`tok\/en+a=b\u003Cc\u003E\u0026\"d'\u00E9-0123456789`,
		"tok/en+a=b&lt;c&gt;&amp;&#34;d&#39;é-0123456789",
		"tok/en+a=b&lt;c&gt;&amp;&quot;d&#x27;é-0123456789",
		base64.StdEncoding.EncodeToString([]byte(v)),
		base64.URLEncoding.EncodeToString([]byte(v)),
	} {
		text := "<<" + form + ">>"
		if got := tt.String(text); got != "<<REDACTED~1>>" {
			t.Errorf("form %q: %q", form, got)
		}
	}
	// Inside a longer base64 text, at each alignment: what depends on the
	// value alone goes.
	for off := range 3 {
		enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("u", off) + "user:" + v + ":tail"))
		if got := tt.String(enc); !strings.Contains(got, "REDACTED~1") {
			t.Errorf("base64 at offset %d: %q", off, got)
		}
	}
}

func TestTaintShortAndBinary(t *testing.T) {
	l := NewLedger(0)
	l.Number(`{"pwd":"1234"}`, `{"pwd":"REDACTED"}`, JSONEscaped)
	l.Number(`{"pwd":"s3cr3t-bearer"}`, `{"pwd":"REDACTED"}`, JSONEscaped)
	tt := l.Taint()
	if got := tt.String("pin 1234, s3cr3t-bearer"); got != "pin 1234, REDACTED~2" {
		t.Errorf("got %q: a short value is redacted where found and nowhere else", got)
	}
	bin := append([]byte{0x89, 'P', 'N', 'G', 0}, "s3cr3t-bearer"...)
	if got, changed := tt.Bytes(bin, "image/png"); changed || string(got) != string(bin) {
		t.Errorf("a binary body was edited: %q", got)
	}
	if got, changed := tt.Bytes([]byte("x s3cr3t-bearer"), "text/plain"); !changed || string(got) != "x REDACTED~2" {
		t.Errorf("text body: %q", got)
	}
}

func TestRenumber(t *testing.T) {
	add := func(n int) int { return n + 10 }
	for in, want := range map[string]string{
		"":                           "",
		"REDACTED":                   "REDACTED",
		"a=REDACTED~1&b=REDACTED~12": "a=REDACTED~11&b=REDACTED~22",
		"REDACTED~x REDACTED~3":      "REDACTED~x REDACTED~13",
	} {
		if got := Renumber(in, add); got != want {
			t.Errorf("Renumber(%q) = %q, want %q", in, got, want)
		}
	}
}
