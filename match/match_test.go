package match_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/match"
)

func newRequest(t *testing.T, method, url string, header http.Header) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	return r
}

type side struct {
	method, url string
	header      http.Header
	body        string
}

// urlencoded is a POST of a url-encoded form.
func urlencoded(body string) side {
	return side{method: "POST", url: "http://x/", header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, body: body}
}

// multipartSide is a POST of a multipart form, written with the boundary.
// Each part is four strings: name, file name, type and content; a part
// without file name nor type is a field.
func multipartSide(boundary string, parts ...string) side {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.SetBoundary(boundary); err != nil {
		panic(err)
	}
	for i := 0; i+3 < len(parts); i += 4 {
		name, file, typ, content := parts[i], parts[i+1], parts[i+2], parts[i+3]
		h := textproto.MIMEHeader{}
		disposition := `form-data; name="` + name + `"`
		if file != "" {
			disposition += `; filename="` + file + `"`
		}
		h.Set("Content-Disposition", disposition)
		if typ != "" {
			h.Set("Content-Type", typ)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			panic(err)
		}
		pw.Write([]byte(content))
	}
	w.Close()
	return side{method: "POST", url: "http://x/", header: http.Header{"Content-Type": {w.FormDataContentType()}}, body: b.String()}
}

func TestMatchers(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		matcher match.Matcher
		a, b    side
		equal   bool
	}{
		{"method same", "", match.Method, side{method: "GET", url: "http://x/"}, side{method: "GET", url: "http://x/"}, true},
		{"method differs", "", match.Method, side{method: "GET", url: "http://x/"}, side{method: "POST", url: "http://x/"}, false},
		{"method empty is GET", "http.Request treats an empty method as GET", match.Method, side{method: "", url: "http://x/"}, side{method: "GET", url: "http://x/"}, true},
		{"scheme differs", "", match.Scheme, side{url: "http://x/"}, side{url: "https://x/"}, false},
		{"scheme case", "schemes are case-insensitive", match.Scheme, side{url: "HTTP://x/"}, side{url: "http://x/"}, true},
		{"host case", "host names are case-insensitive", match.Host, side{url: "http://Example.COM/"}, side{url: "http://example.com/"}, true},
		{"host port", "the port is part of the host", match.Host, side{url: "http://x:1/"}, side{url: "http://x:2/"}, false},
		{"path differs", "", match.Path, side{url: "http://x/a"}, side{url: "http://x/b"}, false},
		{"path escaped slash", "an escaped slash is a different path", match.Path, side{url: "http://x/a%2Fb"}, side{url: "http://x/a/b"}, false},
		{"path empty is root", "", match.Path, side{url: "http://x"}, side{url: "http://x/"}, true},
		{"query order", "parameter order does not matter", match.Query, side{url: "http://x/?a=1&b=2"}, side{url: "http://x/?b=2&a=1"}, true},
		{"query escaping", "%20 and + are both a space", match.Query, side{url: "http://x/?q=a%20b"}, side{url: "http://x/?q=a+b"}, true},
		{"query repeated order", "the values of one name keep their order", match.Query, side{url: "http://x/?a=1&a=2"}, side{url: "http://x/?a=2&a=1"}, false},
		{"query value", "", match.Query, side{url: "http://x/?a=1"}, side{url: "http://x/?a=2"}, false},
		{"query missing", "", match.Query, side{url: "http://x/?a=1"}, side{url: "http://x/"}, false},
		{"query malformed", "a malformed query still matches itself", match.Query, side{url: "http://x/?a=%zz"}, side{url: "http://x/?a=%zz"}, true},
		{"presigned at another time", "a URL signed again later differs only in its signing time", match.Query,
			side{url: "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Date=20240101T000000Z&X-Amz-Expires=900&X-Amz-Signature=REDACTED&X-Amz-SignedHeaders=host"},
			side{url: "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Date=20261122T093000Z&X-Amz-Expires=900&X-Amz-Signature=REDACTED&X-Amz-SignedHeaders=host"}, true},
		{"google presigned at another time", "", match.Query,
			side{url: "https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Date=20240101T000000Z&X-Goog-Signature=REDACTED"},
			side{url: "https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Date=20250101T000000Z&X-Goog-Signature=REDACTED"}, true},
		{"presigned expiry", "only the signing time is ignored", match.Query,
			side{url: "https://b.s3.amazonaws.com/k?X-Amz-Date=1&X-Amz-Expires=900&X-Amz-Signature=REDACTED"},
			side{url: "https://b.s3.amazonaws.com/k?X-Amz-Date=2&X-Amz-Expires=60&X-Amz-Signature=REDACTED"}, false},
		{"X-Amz-Date without a signature", "a date parameter of a URL that is not presigned counts", match.Query,
			side{url: "http://x/?X-Amz-Date=1"}, side{url: "http://x/?X-Amz-Date=2"}, false},
		{"ignoring", "the named parameter does not count", match.QueryIgnoring("since"), side{url: "http://x/?a=1&since=1"}, side{url: "http://x/?since=2&a=1"}, true},
		{"ignoring absent", "a missing ignored parameter is like any other value of it", match.QueryIgnoring("since"), side{url: "http://x/?a=1"}, side{url: "http://x/?a=1&since=2"}, true},
		{"ignoring escaped", "names are compared unescaped", match.QueryIgnoring("nonce"), side{url: "http://x/?n%6Fnce=1"}, side{url: "http://x/?nonce=2"}, true},
		{"ignoring others count", "", match.QueryIgnoring("since"), side{url: "http://x/?a=1&since=1"}, side{url: "http://x/?a=2&since=1"}, false},
		{"header same", "", match.Header("X-A"), side{url: "http://x/", header: http.Header{"X-A": {"1"}}}, side{url: "http://x/", header: http.Header{"X-A": {"1"}}}, true},
		{"header differs", "", match.Header("x-a"), side{url: "http://x/", header: http.Header{"X-A": {"1"}}}, side{url: "http://x/", header: http.Header{"X-A": {"2"}}}, false},
		{"header not named", "only the named headers count", match.Header("X-A"), side{url: "http://x/", header: http.Header{"X-B": {"1"}}}, side{url: "http://x/", header: http.Header{"X-B": {"2"}}}, true},
		{"header values order", "", match.Header("X-A"), side{url: "http://x/", header: http.Header{"X-A": {"1", "2"}}}, side{url: "http://x/", header: http.Header{"X-A": {"2", "1"}}}, false},
		{"header split", "two names must not blur into one", match.Header("X-A", "X-B"), side{url: "http://x/", header: http.Header{"X-A": {"1"}}}, side{url: "http://x/", header: http.Header{"X-B": {"1"}}}, false},
		{"body same", "", match.Body, side{url: "http://x/", body: "abc"}, side{url: "http://x/", body: "abc"}, true},
		{"body differs", "", match.Body, side{url: "http://x/", body: "abc"}, side{url: "http://x/", body: "abd"}, false},
		{"body spacing", "Body compares bytes", match.Body, side{url: "http://x/", body: `{"a":1}`}, side{url: "http://x/", body: `{ "a": 1 }`}, false},
		{"json spacing", "JSONBody ignores spacing", match.JSONBody, side{url: "http://x/", body: `{"a":1}`}, side{url: "http://x/", body: "{ \"a\" : 1 }\n"}, true},
		{"json key order", "JSONBody ignores key order", match.JSONBody, side{url: "http://x/", body: `{"a":1,"b":[1,{"c":2,"d":3}]}`}, side{url: "http://x/", body: `{"b":[1,{"d":3,"c":2}],"a":1}`}, true},
		{"json escapes", `"\u0041" is "A"`, match.JSONBody, side{url: "http://x/", body: `{"a":"\u0041"}`}, side{url: "http://x/", body: `{"a":"A"}`}, true},
		{"json value", "", match.JSONBody, side{url: "http://x/", body: `{"a":1}`}, side{url: "http://x/", body: `{"a":2}`}, false},
		{"json array order", "array order matters", match.JSONBody, side{url: "http://x/", body: `[1,2]`}, side{url: "http://x/", body: `[2,1]`}, false},
		{"json number text", "1 and 1.0 are kept apart: numbers keep their text", match.JSONBody, side{url: "http://x/", body: `{"a":1}`}, side{url: "http://x/", body: `{"a":1.0}`}, false},
		{"json not json", "a body that is not JSON is compared as bytes", match.JSONBody, side{url: "http://x/", body: `a=1`}, side{url: "http://x/", body: `a=1`}, true},
		{"json vs not json", "", match.JSONBody, side{url: "http://x/", body: `{"a":1}`}, side{url: "http://x/", body: `a=1`}, false},
		{"json big ints", "large integers are not rounded through float64", match.JSONBody, side{url: "http://x/", body: `{"id":12345678901234567890}`}, side{url: "http://x/", body: `{"id":12345678901234567891}`}, false},
		{"json ignoring", "the ignored field does not count", match.JSONBodyIgnoring("sent_at"), side{url: "http://x/", body: `{"a":1,"sent_at":"09:30"}`}, side{url: "http://x/", body: `{"sent_at":"09:31","a":1}`}, true},
		{"json ignoring absent", "a missing ignored field is like any other value of it", match.JSONBodyIgnoring("sent_at"), side{url: "http://x/", body: `{"a":1}`}, side{url: "http://x/", body: `{"a":1,"sent_at":"09:31"}`}, true},
		{"json ignoring others count", "", match.JSONBodyIgnoring("sent_at"), side{url: "http://x/", body: `{"a":1,"sent_at":"09:30"}`}, side{url: "http://x/", body: `{"a":2,"sent_at":"09:30"}`}, false},
		{"json ignoring top only", "a path names a field from the top, not at any depth", match.JSONBodyIgnoring("id"), side{url: "http://x/", body: `{"id":1,"user":{"id":1}}`}, side{url: "http://x/", body: `{"id":2,"user":{"id":2}}`}, false},
		{"json ignoring nested", "", match.JSONBodyIgnoring("meta.trace"), side{url: "http://x/", body: `{"meta":{"trace":"a","v":1}}`}, side{url: "http://x/", body: `{"meta":{"trace":"b","v":1}}`}, true},
		{"json ignoring in every element", "* is any array element", match.JSONBodyIgnoring("items.*.request_id"),
			side{url: "http://x/", body: `{"items":[{"sku":"a","request_id":"r1"},{"sku":"b","request_id":"r2"}]}`},
			side{url: "http://x/", body: `{"items":[{"sku":"a","request_id":"r3"},{"request_id":"r4","sku":"b"}]}`}, true},
		{"json ignoring element keeps the rest", "", match.JSONBodyIgnoring("items.*.request_id"),
			side{url: "http://x/", body: `{"items":[{"sku":"a","request_id":"r1"}]}`},
			side{url: "http://x/", body: `{"items":[{"sku":"c","request_id":"r1"}]}`}, false},
		{"json ignoring any member", "* is any object member", match.JSONBodyIgnoring("*.ts"), side{url: "http://x/", body: `{"a":{"ts":1,"v":1},"b":{"ts":2}}`}, side{url: "http://x/", body: `{"a":{"ts":3,"v":1},"b":{"ts":4}}`}, true},
		{"json ignoring a whole array", "a path ending in * leaves every element out", match.JSONBodyIgnoring("nonces.*"), side{url: "http://x/", body: `{"nonces":[1,2],"a":1}`}, side{url: "http://x/", body: `{"nonces":[3],"a":1}`}, true},
		{"json ignoring no index", "a name does not pick an array element", match.JSONBodyIgnoring("items.0"), side{url: "http://x/", body: `{"items":[1]}`}, side{url: "http://x/", body: `{"items":[2]}`}, false},
		{"json ignoring top array", "", match.JSONBodyIgnoring("*.id"), side{url: "http://x/", body: `[{"id":1,"v":1}]`}, side{url: "http://x/", body: `[{"id":2,"v":1}]`}, true},
		{"json ignoring not json", "a body that is not JSON is compared as bytes", match.JSONBodyIgnoring("a"), side{url: "http://x/", body: `a=1`}, side{url: "http://x/", body: `a=2`}, false},
		{"form order", "url-encoded fields in map order", match.Form, urlencoded("b=2&a=1"), urlencoded("a=1&b=2"), true},
		{"form escaping", "%20 and + are both a space", match.Form, urlencoded("q=a%20b"), urlencoded("q=a+b"), true},
		{"form value", "", match.Form, urlencoded("a=1"), urlencoded("a=2"), false},
		{"form repeated order", "the values of one field keep their order", match.Form, urlencoded("a=1&a=2"), urlencoded("a=2&a=1"), false},
		{"form content type parameters", "a charset does not make it another form", match.Form,
			side{method: "POST", url: "http://x/", header: http.Header{"Content-Type": {"Application/X-WWW-Form-Urlencoded; charset=utf-8"}}, body: "b=2&a=1"}, urlencoded("a=1&b=2"), true},
		{"form not a form", "a body of another type is compared as bytes", match.Form,
			side{method: "POST", url: "http://x/", header: http.Header{"Content-Type": {"text/plain"}}, body: "b=2&a=1"},
			side{method: "POST", url: "http://x/", header: http.Header{"Content-Type": {"text/plain"}}, body: "a=1&b=2"}, false},
		{"form type prefix", "application/x-www-form-urlencodedx is another type", match.Form,
			side{method: "POST", url: "http://x/", header: http.Header{"Content-Type": {"application/x-www-form-urlencodedx"}}, body: "b=2&a=1"}, urlencoded("a=1&b=2"), false},
		{"multipart boundary", "the boundary is drawn at random on every run", match.Form,
			multipartSide("AAA", "a", "", "", "1", "f", "a.txt", "text/plain", "hello"),
			multipartSide("BBB", "a", "", "", "1", "f", "a.txt", "text/plain", "hello"), true},
		{"multipart order", "the order of fields does not count", match.Form,
			multipartSide("AAA", "a", "", "", "1", "f", "a.txt", "text/plain", "hello"),
			multipartSide("BBB", "f", "a.txt", "text/plain", "hello", "a", "", "", "1"), true},
		{"multipart file content", "", match.Form,
			multipartSide("AAA", "f", "a.txt", "text/plain", "hello"),
			multipartSide("AAA", "f", "a.txt", "text/plain", "hellO"), false},
		{"multipart file name", "", match.Form,
			multipartSide("AAA", "f", "a.txt", "text/plain", "hello"),
			multipartSide("AAA", "f", "b.txt", "text/plain", "hello"), false},
		{"multipart file type", "", match.Form,
			multipartSide("AAA", "f", "a.txt", "text/plain", "hello"),
			multipartSide("AAA", "f", "a.txt", "application/octet-stream", "hello"), false},
		{"multipart type spelling", "a media type's case and parameter order do not count", match.Form,
			multipartSide("AAA", "f", "a.txt", "Text/Plain; charset=utf-8; format=flowed", "hello"),
			multipartSide("AAA", "f", "a.txt", "text/plain; format=flowed; charset=utf-8", "hello"), true},
		{"multipart field name", "", match.Form,
			multipartSide("AAA", "a", "", "", "1"),
			multipartSide("AAA", "b", "", "", "1"), false},
		{"multipart field or file", "a file is not a field of the same content", match.Form,
			multipartSide("AAA", "a", "", "", "1"),
			multipartSide("AAA", "a", "a", "", "1"), false},
		{"multipart repeated files", "files of one field keep their order", match.Form,
			multipartSide("AAA", "f", "1.txt", "text/plain", "1", "f", "2.txt", "text/plain", "2"),
			multipartSide("AAA", "f", "2.txt", "text/plain", "2", "f", "1.txt", "text/plain", "1"), false},
		{"multipart semicolon in a name", "a name cannot pass for a file", match.Form,
			multipartSide("AAA", "a;;text/plain", "", "", "1"),
			multipartSide("AAA", "a", "", "text/plain", "1"), false},
		{"multipart and url-encoded", "the same fields without files are the same form", match.Form,
			multipartSide("AAA", "b", "", "", "2", "a", "", "", "1 2"), urlencoded("a=1+2&b=2"), true},
		{"multipart broken", "a body that does not parse is compared as bytes", match.Form,
			side{method: "POST", url: "http://x/", header: http.Header{"Content-Type": {"multipart/form-data; boundary=AAA"}}, body: "--AAA\r\nbroken"},
			side{method: "POST", url: "http://x/", header: http.Header{"Content-Type": {"multipart/form-data; boundary=BBB"}}, body: "--AAA\r\nbroken"}, true},
		{"multipart without boundary", "", match.Form,
			side{method: "POST", url: "http://x/", header: http.Header{"Content-Type": {"multipart/form-data"}}, body: "x"},
			side{method: "POST", url: "http://x/", header: http.Header{"Content-Type": {"multipart/form-data"}}, body: "y"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newRequest(t, tt.a.method, tt.a.url, tt.a.header)
			b := newRequest(t, tt.b.method, tt.b.url, tt.b.header)
			fa, fb := tt.matcher.Feature(a, []byte(tt.a.body)), tt.matcher.Feature(b, []byte(tt.b.body))
			if fa.Name != fb.Name || fa.Name == "" {
				t.Fatalf("feature names %q and %q: want the same, non-empty", fa.Name, fb.Name)
			}
			if got := fa.Value == fb.Value; got != tt.equal {
				t.Errorf("%s: equal = %v, want %v (%s)\n a: %q\n b: %q", tt.name, got, tt.equal, tt.reason, fa.Value, fb.Value)
			}
		})
	}
}

func TestBodyDoesNotModify(t *testing.T) {
	body := []byte(`{"b":1,"a":2}`)
	r := newRequest(t, "POST", "http://x/", nil)
	match.JSONBody.Feature(r, body)
	match.Body.Feature(r, body)
	if string(body) != `{"b":1,"a":2}` {
		t.Errorf("matchers modified the body: %s", body)
	}
}

// A matcher says how it was made, so that a miss can print it as Go code.
func TestBuiltin(t *testing.T) {
	own := match.Custom(func(*http.Request, []byte) match.Feature { return match.Feature{Name: "Query"} })
	for _, tt := range []struct {
		name, reason string
		m            match.Matcher
		fn           string
		args         []string
		ok           bool
	}{
		{"variable", "a built-in without arguments", match.Method, "Method", nil, true},
		{"header", "header names in canonical form", match.Header("accept", "x-tenant"), "Header", []string{"Accept", "X-Tenant"}, true},
		{"query ignoring", "the names as given", match.QueryIgnoring("since", "a, b"), "QueryIgnoring", []string{"since", "a, b"}, true},
		{"json ignoring", "the paths as given", match.JSONBodyIgnoring("items.*.id"), "JSONBodyIgnoring", []string{"items.*.id"}, true},
		{"custom", "a func of the test's own, whatever its feature's name", own, "", nil, false},
		{"zero", "no matcher", match.Matcher{}, "", nil, false},
		{"custom nil", "Custom(nil) is the zero Matcher", match.Custom(nil), "", nil, false},
	} {
		fn, args, ok := tt.m.Builtin()
		if fn != tt.fn || strings.Join(args, "|") != strings.Join(tt.args, "|") || ok != tt.ok {
			t.Errorf("%s: Builtin() = %q, %q, %v; want %q, %q, %v (%s)", tt.name, fn, args, ok, tt.fn, tt.args, tt.ok, tt.reason)
		}
	}
	if match.Custom(nil) != (match.Matcher{}) {
		t.Error("Custom(nil) is not the zero Matcher")
	}
}
