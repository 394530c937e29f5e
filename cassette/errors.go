package cassette

import (
	"context"

	"github.com/dvdrw/dvd/internal/neterr"
)

// recordError describes a transport error so that [replayError] can rebuild
// one of the same type. ctx is the request's, or nil.
func recordError(err error, ctx context.Context) *Error {
	r := neterr.Classify(err, ctx)
	return &Error{
		Kind: string(r.Kind), Message: r.Message, Op: r.Op, Net: r.Net, Addr: r.Addr,
		Detail: r.Detail, Name: r.Name, Server: r.Server, NotFound: r.NotFound, Temporary: r.Temporary, Timeout: r.Timeout,
		Alert: r.Alert, RecordHeader: r.RecordHeader,
	}
}

// replayError rebuilds a recorded error, of the type it was recorded with.
func replayError(e *Error) error {
	return neterr.Replay(&neterr.Record{
		Kind: neterr.Kind(e.Kind), Message: e.Message, Op: e.Op, Net: e.Net, Addr: e.Addr,
		Detail: e.Detail, Name: e.Name, Server: e.Server, NotFound: e.NotFound, Temporary: e.Temporary, Timeout: e.Timeout,
		Alert: e.Alert, RecordHeader: e.RecordHeader,
	})
}
