package cassette

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/match"
)

// A miss diffs a query by parameter and a Header feature by header, so
// that the diff names what differs instead of splitting one long string
// mid-word.
func TestNoMatchDiffByPart(t *testing.T) {
	long := "https://api.example.com/v1/issues?include=comments%2Creactions&per_page=100&sort=created&state=open&filter=status%3Aopen&page=1"
	tests := []struct {
		name, reason string
		matchers     []match.Matcher
		recorded     Request
		incoming     Request
		want         []string // lines of the diff, spacing aside
		notWant      []string
	}{
		{
			name: "one parameter of many", reason: "the parameters that are equal stay out of the diff",
			recorded: Request{Method: "GET", URL: long},
			incoming: Request{Method: "GET", URL: strings.Replace(long, "status%3Aopen", "status%3Aclosed", 1)},
			want:     []string{`- "Query[filter]": "status:open"`, `+ "Query[filter]": "status:closed"`},
			notWant:  []string{"per_page", "strings.Join"},
		},
		{
			name: "added and removed", reason: "a parameter only one side has shows on that side alone",
			recorded: Request{Method: "GET", URL: "https://x.example/a?a=1&old=1"},
			incoming: Request{Method: "GET", URL: "https://x.example/a?a=1&new=2"},
			want:     []string{`- "Query[old]": "1"`, `+ "Query[new]": "2"`},
			notWant:  []string{"Query[a]"},
		},
		{
			name: "repeated parameter", reason: "the values of one name, in order",
			recorded: Request{Method: "GET", URL: "https://x.example/a?tag=a&tag=b"},
			incoming: Request{Method: "GET", URL: "https://x.example/a?tag=b&tag=a"},
			want:     []string{`- "Query[tag]": "a, b"`, `+ "Query[tag]": "b, a"`},
		},
		{
			name: "escaped", reason: "names and values read unescaped",
			recorded: Request{Method: "GET", URL: "https://x.example/a?q=hello+world&x%5B%5D=1"},
			incoming: Request{Method: "GET", URL: "https://x.example/a?q=hello%20there&x%5B%5D=2"},
			want:     []string{`- "Query[q]": "hello world"`, `+ "Query[q]": "hello there"`, `- "Query[x[]]": "1"`, `+ "Query[x[]]": "2"`},
		},
		{
			name: "secret parameter", reason: "both sides are redacted before they are compared, so tokens that differ are equal",
			recorded: Request{Method: "GET", URL: "https://x.example/a?access_token=s3cr3t-rec&page=1"},
			incoming: Request{Method: "GET", URL: "https://x.example/a?access_token=s3cr3t-inc&page=2"},
			want:     []string{`- "Query[page]": "1"`, `+ "Query[page]": "2"`},
			notWant:  []string{"access_token"},
		},
		{
			name: "placeholder", reason: "the parameter that holds a placeholder's value is equal: only n shows",
			recorded: Request{Method: "GET", URL: "https://x.example/a?acct=acct-s3cr3t%2B1&n=1"},
			incoming: Request{Method: "GET", URL: "https://x.example/a?acct=acct-s3cr3t%2B1&n=2"},
			want:     []string{`- "Query[n]": "1"`, `+ "Query[n]": "2"`},
		},
		{
			name: "URL in a value", reason: "a URL in a value is redacted as a URL",
			recorded: Request{Method: "GET", URL: "https://x.example/a?next=" + "https%3A%2F%2Fy.example%2Fcb%3Ftoken%3Ds3cr3t-rec%26step%3D1"},
			incoming: Request{Method: "GET", URL: "https://x.example/a?next=" + "https%3A%2F%2Fy.example%2Fcb%3Ftoken%3Ds3cr3t-inc%26step%3D2"},
			want:     []string{`"Query[next]"`, `"https://y.example/cb?token=REDACTED&step="`}, // go-cmp diffs the rest by letter
		},
		{
			name: "QueryIgnoring", reason: "a query matcher of another name is split the same way, under its name",
			matchers: []match.Matcher{match.QueryIgnoring("ts")},
			recorded: Request{Method: "GET", URL: "https://x.example/a?page=1&ts=100"},
			incoming: Request{Method: "GET", URL: "https://x.example/a?page=2&ts=200"},
			want:     []string{"- `QueryIgnoring(\"ts\")[page]`: \"1\"", "+ `QueryIgnoring(\"ts\")[page]`: \"2\""},
			notWant:  []string{"ts]"},
		},
		{
			name: "form field", reason: "a form is diffed field by field",
			matchers: []match.Matcher{match.Method, match.Form},
			recorded: Request{Method: "POST", URL: "https://x.example/a", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte("a=1&b=2&password=s3cr3t-rec")},
			incoming: Request{Method: "POST", URL: "https://x.example/a", Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte("password=s3cr3t-inc&b=hello+world&a=1")},
			want:     []string{`- "Form[b]": "2"`, `+ "Form[b]": "hello world"`},
			notWant:  []string{"Form[a]", "password"},
		},
		{
			name: "multipart file", reason: "a file shows its name and type, then its content",
			matchers: []match.Matcher{match.Method, match.Form},
			recorded: Request{Method: "POST", URL: "https://x.example/a", Header: http.Header{"Content-Type": {"multipart/form-data; boundary=AAA"}},
				Body: []byte("--AAA\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nT\r\n--AAA\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--AAA--\r\n")},
			incoming: Request{Method: "POST", URL: "https://x.example/a", Header: http.Header{"Content-Type": {"multipart/form-data; boundary=BBB"}},
				Body: []byte("--BBB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhellO\r\n--BBB\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nT\r\n--BBB--\r\n")},
			want:    []string{`- "Form[file]": "a.txt (text/plain): hello"`, `+ "Form[file]": "a.txt (text/plain): hellO"`},
			notWant: []string{"Form[title]", "boundary"},
		},
		{
			name: "query and path", reason: "other features stay whole",
			recorded: Request{Method: "GET", URL: "https://x.example/a?page=1"},
			incoming: Request{Method: "GET", URL: "https://x.example/b?page=2"},
			want:     []string{`- "Path": "/a"`, `+ "Path": "/b"`, `- "Query[page]": "1"`, `+ "Query[page]": "2"`},
		},
		{
			name: "several headers", reason: "one entry per header that differs; the incoming token is redacted before matching, as the recorded one was",
			matchers: []match.Matcher{match.Header("Accept", "Authorization", "X-Trace")},
			recorded: Request{Method: "GET", URL: "https://x.example/", Header: http.Header{"Accept": {"text/plain"}, "Authorization": {"Bearer REDACTED"}, "X-Trace": {"1"}}},
			incoming: Request{Method: "GET", URL: "https://x.example/", Header: http.Header{"Accept": {"text/html", "text/plain"}, "Authorization": {"Bearer s3cr3t-rec"}}},
			want:     []string{`- "Header[Accept]": "text/plain"`, `+ "Header[Accept]": "text/html, text/plain"`, `- "Header[X-Trace]": "1"`, `+ "Header[X-Trace]": ""`},
			notWant:  []string{"Authorization"},
		},
		{
			name: "two Header matchers", reason: "the same header in two matchers stays apart",
			matchers: []match.Matcher{match.Header("Accept"), match.Header("Accept")},
			recorded: Request{Method: "GET", URL: "https://x.example/", Header: http.Header{"Accept": {"text/plain"}}},
			incoming: Request{Method: "GET", URL: "https://x.example/", Header: http.Header{"Accept": {"text/html"}}},
			want:     []string{`- "Header[Accept]": "text/plain"`, `- "Header[Accept]#2": "text/plain"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			matchers := tt.matchers
			if matchers == nil {
				matchers = defaultMatchers()
			}
			cas := New(Interaction{Request: tt.recorded, Response: &Response{StatusCode: 200}})
			r, err := NewRecorder(cas, Config{Mode: ModeReplay, Matchers: matchers, Redact: featureRedaction})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			req, err := http.NewRequest(tt.incoming.Method, tt.incoming.URL, bytes.NewReader(tt.incoming.Body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header = tt.incoming.Header
			_, err = r.RoundTrip(req)
			var miss *noMatchError
			if !errors.As(err, &miss) {
				t.Fatalf("err = %v, want a miss", err)
			}
			nm := miss.report
			diff := strings.Join(strings.Fields(nm.Diff), " ")
			for _, w := range tt.want {
				if !strings.Contains(diff, strings.Join(strings.Fields(w), " ")) {
					t.Errorf("the diff lacks %s (%s):\n%s", w, tt.reason, nm.Diff)
				}
			}
			for _, w := range append(tt.notWant, "s3cr3t") {
				if strings.Contains(nm.Diff, w) {
					t.Errorf("the diff holds %q (%s):\n%s", w, tt.reason, nm.Diff)
				}
			}
		})
	}
}
