package redact

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// engineBodies are 64 KB bodies as APIs send them: a JSON list whose field
// names look like secret names but are not (token_type, keys_url) with a
// secret field in every tenth object, and the same list without one
// (json-clean, the common case); plain text; a url-encoded form with a
// password in every tenth field.
var engineBodies = func() map[string][]byte {
	var j, t, f strings.Builder
	j.WriteString("[")
	for i := 0; j.Len() < 64<<10; i++ {
		if i > 0 {
			j.WriteString(",")
		}
		fmt.Fprintf(&j, `{"id":%d,"name":"repo-%d","keys_url":"https://api.example.com/repos/o/r%d/keys{/key_id}","token_type":"bearer","private":false,"stars":%d`, i, i, i, i*7)
		if i%10 == 0 {
			fmt.Fprintf(&j, `,"access_token":"tok-%08d-abcdefgh"`, i)
		}
		j.WriteString("}")
	}
	j.WriteString("]")
	for i := 0; t.Len() < 64<<10; i++ {
		fmt.Fprintf(&t, "line %d: the quick brown fox jumps over the lazy dog, id=%08x\n", i, i*2654435761)
	}
	for i := 0; f.Len() < 64<<10; i++ {
		if i > 0 {
			f.WriteString("&")
		}
		fmt.Fprintf(&f, "field%d=%s", i, url.QueryEscape(fmt.Sprintf("value %d of the form", i)))
		if i%10 == 0 {
			fmt.Fprintf(&f, "&password=pw-%08d", i)
		}
	}
	clean := strings.ReplaceAll(j.String(), `"access_token"`, `"access_count"`)
	return map[string][]byte{"json": []byte(j.String()), "json-clean": []byte(clean), "text": []byte(t.String()), "form": []byte(f.String())}
}()

var engineTypes = map[string]string{"json": "application/json", "json-clean": "application/json", "text": "text/plain; charset=utf-8", "form": FormType}

// BenchmarkEngine measures what recording spends redacting a body, per
// byte: names, shapes and placeholders.
func BenchmarkEngine(b *testing.B) {
	r := New(Options{Placeholders: map[string]string{"ACCOUNT": "acct-93f0c2"}})
	for _, kind := range []string{"json", "json-clean", "text", "form"} {
		body, ct := engineBodies[kind], engineTypes[kind]
		b.Run(kind, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				r.Body(body, ct)
			}
		})
	}
}

// BenchmarkTaint measures the taint of a 64 KB text body by the values of
// a recording: 20 secrets, in every form.
func BenchmarkTaint(b *testing.B) {
	l := NewLedger(0)
	for i := range 20 {
		l.Number(fmt.Sprintf("t=s3cr3t-%02d-xYzAbC", i), "t=REDACTED", URLEscaped)
	}
	tt := l.Taint()
	body := engineBodies["text"]
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, changed := tt.Bytes(body, "text/plain"); changed {
			b.Fatal("tainted a body without secrets")
		}
	}
}
