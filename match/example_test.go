package match_test

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/dvdrw/dvd/match"
)

// Each matcher reads one feature of a request in a canonical form; requests
// whose features are all equal are the same request.
func ExampleQuery() {
	a, _ := http.NewRequest("GET", "https://api.example.com/search?q=go+vcr&page=2", nil)
	b, _ := http.NewRequest("GET", "https://api.example.com/search?page=2&q=go%20vcr", nil)
	fmt.Println(match.Query(a, nil).Value)
	fmt.Println(match.Query(a, nil) == match.Query(b, nil))
	// Output:
	// page=2&q=go+vcr
	// true
}

// Any function of the Matcher type feeds the index too, here a tenant
// taken from the path.
func ExampleMatcher() {
	tenant := match.Matcher(func(r *http.Request, _ []byte) match.Feature {
		first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		return match.Feature{Name: "Tenant", Value: first}
	})
	r, _ := http.NewRequest("GET", "https://api.example.com/acme/users", nil)
	fmt.Println(tenant(r, nil))
	// Output:
	// {Tenant acme}
}

// JSONBody compares bodies as JSON values.
func ExampleJSONBody() {
	r, _ := http.NewRequest("POST", "https://api.example.com/users", nil)
	a := match.JSONBody(r, []byte(`{"name": "ada", "admin": false}`))
	b := match.JSONBody(r, []byte(`{"admin":false,"name":"ada"}`))
	fmt.Println(a.Value, a == b)
	// Output:
	// {"admin":false,"name":"ada"} true
}
