package match_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/dvdrw/dvd/match"
)

// Each matcher reads one feature of a request in a canonical form; requests
// whose features are all equal are the same request.
func ExampleQuery() {
	a, _ := http.NewRequest("GET", "https://api.example.com/search?q=go+vcr&page=2", nil)
	b, _ := http.NewRequest("GET", "https://api.example.com/search?page=2&q=go%20vcr", nil)
	fmt.Println(match.Query.Feature(a, nil).Value)
	fmt.Println(match.Query.Feature(a, nil) == match.Query.Feature(b, nil))
	// Output:
	// page=2&q=go+vcr
	// true
}

// Custom makes a matcher of a feature the built-in ones do not cover, here
// a tenant taken from the path; it feeds the index like the others.
func ExampleCustom() {
	tenant := match.Custom(func(r *http.Request, _ []byte) match.Feature {
		first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		return match.Feature{Name: "Tenant", Value: first}
	})
	r, _ := http.NewRequest("GET", "https://api.example.com/acme/users", nil)
	fmt.Println(tenant.Feature(r, nil))
	// Output:
	// {Tenant acme}
}

// JSONBody compares bodies as JSON values.
func ExampleJSONBody() {
	r, _ := http.NewRequest("POST", "https://api.example.com/users", nil)
	a := match.JSONBody.Feature(r, []byte(`{"name": "ada", "admin": false}`))
	b := match.JSONBody.Feature(r, []byte(`{"admin":false,"name":"ada"}`))
	fmt.Println(a.Value, a == b)
	// Output:
	// {"admin":false,"name":"ada"} true
}

// Form compares a multipart upload by its fields and files: the boundary
// that mime/multipart draws at random on every run does not count, nor the
// order of the parts; a file's content does.
func ExampleForm() {
	// upload builds the request a client sends, with a new random boundary
	// each time.
	upload := func(order []string, csv string) (*http.Request, []byte) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		for _, part := range order {
			if part == "file" {
				f, _ := w.CreateFormFile("file", "report.csv")
				f.Write([]byte(csv))
			} else {
				w.WriteField("title", "Q4")
			}
		}
		w.Close()
		r, _ := http.NewRequest("POST", "https://api.example.com/upload", &body)
		r.Header.Set("Content-Type", w.FormDataContentType())
		return r, body.Bytes()
	}
	recorded := match.Form.Feature(upload([]string{"title", "file"}, "a,b\n1,2\n"))
	again := match.Form.Feature(upload([]string{"file", "title"}, "a,b\n1,2\n"))
	changed := match.Form.Feature(upload([]string{"title", "file"}, "a,b\n1,3\n"))
	fmt.Println(recorded.Value)
	fmt.Println(recorded == again, recorded == changed)
	// Output:
	// file;report.csv;application%2Foctet-stream=a%2Cb%0A1%2C2%0A&title=Q4
	// true false
}

// Form compares url-encoded fields whatever their order, as a client that
// writes them from a map sends them.
func ExampleForm_urlencoded() {
	form := func(body string) match.Feature {
		r, _ := http.NewRequest("POST", "https://auth.example.com/token", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return match.Form.Feature(r, []byte(body))
	}
	a := form("scope=read+write&grant_type=client_credentials&client_id=abc")
	b := form("client_id=abc&scope=read%20write&grant_type=client_credentials")
	fmt.Println(a.Value)
	fmt.Println(a == b)
	// Output:
	// client_id=abc&grant_type=client_credentials&scope=read+write
	// true
}

// JSONBodyIgnoring compares JSON bodies without the fields that change on
// every run: here a timestamp, and the request id of every item.
func ExampleJSONBodyIgnoring() {
	m := match.JSONBodyIgnoring("sent_at", "items.*.request_id")
	r, _ := http.NewRequest("POST", "https://api.example.com/orders", nil)
	a := m.Feature(r, []byte(`{"sent_at":"2026-11-22T09:30:00Z","items":[{"sku":"A-1","request_id":"9f0c"}]}`))
	b := m.Feature(r, []byte(`{"items":[{"request_id":"77ab","sku":"A-1"}],"sent_at":"2026-11-23T14:02:11Z"}`))
	c := m.Feature(r, []byte(`{"sent_at":"2026-11-22T09:30:00Z","items":[{"sku":"B-7","request_id":"9f0c"}]}`))
	fmt.Println(a.Name)
	fmt.Println(a.Value)
	fmt.Println(a == b, a == c)
	// Output:
	// JSONBodyIgnoring("sent_at", "items.*.request_id")
	// {"items":[{"sku":"A-1"}]}
	// true false
}

// QueryIgnoring compares queries without the parameters that change on
// every run, such as a timestamp, a nonce or a since.
func ExampleQueryIgnoring() {
	m := match.QueryIgnoring("ts", "nonce", "since")
	a, _ := http.NewRequest("GET", "https://api.example.com/events?limit=50&since=2026-11-22T09%3A30%3A00Z&ts=1763803800&nonce=4f1a", nil)
	b, _ := http.NewRequest("GET", "https://api.example.com/events?nonce=c0de&ts=1763890211&limit=50", nil)
	c, _ := http.NewRequest("GET", "https://api.example.com/events?limit=51&ts=1763803800", nil)
	fmt.Println(m.Feature(a, nil).Value)
	fmt.Println(m.Feature(a, nil) == m.Feature(b, nil), m.Feature(a, nil) == m.Feature(c, nil))
	// Output:
	// limit=50
	// true false
}

// A presigned URL (AWS SigV4 or Google V4 query signing) signed again at
// replay time matches its recording with the default Query: its signature
// and credential are redacted on both sides of a match, and its signing
// time does not count.
func ExampleQuery_presigned() {
	url := func(date string) string {
		return "https://bucket.s3.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED" +
			"&X-Amz-Date=" + date + "&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=REDACTED"
	}
	a, _ := http.NewRequest("GET", url("20261122T093000Z"), nil)
	b, _ := http.NewRequest("GET", url("20261123T140211Z"), nil)
	fmt.Println(match.Query.Feature(a, nil) == match.Query.Feature(b, nil))
	// Output:
	// true
}
