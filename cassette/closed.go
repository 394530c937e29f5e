package cassette

import (
	"cmp"
	"fmt"
	"net/http"
)

// closedError is the error of a request sent after [Recorder.Close]. It
// closes the request body, as a RoundTripper must.
func (r *Recorder) closedError(req *http.Request) error {
	if req != nil && req.Body != nil {
		req.Body.Close()
	}
	if req == nil || req.URL == nil {
		return fmt.Errorf("%w: a request was not sent", ErrClosed)
	}
	return fmt.Errorf("%w: %s %s was not sent", ErrClosed, cmp.Or(req.Method, http.MethodGet), r.redact.URL(req.URL.String()))
}
