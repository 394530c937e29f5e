package cassette_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/dvdrw/dvd/cassette"
)

// A cassette file: text bodies stay text, short JSON bodies stay JSON on
// one line, and what can be derived (the usual status text, HTTP/1.1, a
// content length equal to the body's) is left out.
func ExampleMarshal() {
	c := cassette.New(cassette.Interaction{
		Request: cassette.Request{
			Method: "POST",
			URL:    "https://api.example.com/greetings",
			Header: http.Header{"Content-Type": {"application/json"}},
			Body:   []byte(`{"to":"world"}`),
		},
		Response: &cassette.Response{
			Status: "201 Created", StatusCode: 201, Proto: "HTTP/1.1",
			Header:        http.Header{"Content-Type": {"text/plain"}},
			Body:          []byte("hello, world\n"),
			ContentLength: 13,
		},
		Duration: 42 * time.Millisecond,
	})
	data, err := cassette.Marshal(c)
	if err != nil {
		panic(err)
	}
	fmt.Print(string(data))
	// Output:
	// {
	//   "version": 1,
	//   "interactions": [
	//     {
	//       "request": {
	//         "method": "POST",
	//         "url": "https://api.example.com/greetings",
	//         "headers": {
	//           "Content-Type": ["application/json"]
	//         },
	//         "body_json": {"to":"world"}
	//       },
	//       "response": {
	//         "code": 201,
	//         "headers": {
	//           "Content-Type": ["text/plain"]
	//         },
	//         "body": "hello, world\n"
	//       },
	//       "duration": "42ms"
	//     }
	//   ]
	// }
}
