package cassette

import (
	"context"

	"github.com/dvdrw/dvd/internal/neterr"
)

// recordError returns the error the model holds for a transport error:
// one that says what err said and replays as an error of its type (see
// package internal/neterr). ctx is the request's, or nil.
func recordError(err error, ctx context.Context) error {
	return neterr.Recorded(neterr.Classify(err, ctx))
}

// replayError rebuilds the error the model holds, fresh, of the type it
// was recorded with.
func replayError(err error) error {
	r := neterr.RecordOf(err)
	return neterr.Replay(&r)
}
