package cassette

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/internal/redact"
)

// apiBody returns a JSON list like a REST API's, of n objects whose field
// names hold the stems of secret names (keys_url, token_type) but no
// secret name.
func apiBody(n int) []byte {
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"repo-%d","full_name":"octo/repo-%d","keys_url":"https://api.example.com/repos/octo/repo-%d/keys{/key_id}","owner":{"login":"octo","id":1,"type":"User"},"private":false,"description":"A repository with a description of some length","stargazers_count":%d}`, i, i, i, i, i*7)
	}
	b.WriteString("]")
	return []byte(b.String())
}

// BenchmarkRedactInteraction measures what recording costs on top of the
// round trip: the redaction of a JSON API interaction, which holds no
// secret but names like them.
func BenchmarkRedactInteraction(b *testing.B) {
	body := apiBody(50)
	rd := redact.New(redact.Options(Redaction{}))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		in := Interaction{
			Request: Request{Method: "GET", URL: "https://api.example.com/user/repos?page=2&per_page=50",
				Header: http.Header{"Authorization": {"Bearer x"}, "Accept": {"application/json"}}},
			Response: &Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}, "Link": {`<https://api.example.com/user/repos?page=3>; rel="next"`}}, Body: body},
		}
		redactInteraction(rd, &in)
	}
}
