// Package replayed marks the responses served from a cassette, so that
// dvdtest tells them from responses that came from the network.
package replayed

import "net/http"

// A Mark, embedded in the body of a response, marks the response as
// replayed. It takes no room.
type Mark struct{}

func (Mark) replayed() {}

// marked is a body that embeds a Mark.
type marked interface{ replayed() }

// Is reports whether resp was replayed: whether its body embeds a [Mark].
func Is(resp *http.Response) bool {
	if resp == nil {
		return false
	}
	_, ok := resp.Body.(marked)
	return ok
}
