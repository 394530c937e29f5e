// The race detector changes what the runtime allocates, so these
// measurements run without it.

//go:build !race

package cassette_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// A response that announces a huge length and is abandoned early costs
// memory in proportion to what the client read, not to what the server
// announced.
func TestAbandonedBodyReservesWhatWasRead(t *testing.T) {
	const announced = 512 << 20
	chunk := make([]byte, 32<<10)
	for i := range chunk {
		chunk[i] = byte('a' + i%26)
	}
	for _, tc := range []struct {
		name, reason string
		read         int // bytes the server sends and the client reads before closing
		most         uint64
	}{
		{name: "16 bytes", reason: "a client that reads a few bytes, to sniff the type say, then closes", read: 16, most: 1 << 20},
		{name: "1 MiB", reason: "the reservation grows with what is read, no faster than a few times it", read: 1 << 20, most: 4 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(announced))
				for left := tc.read; left > 0; left -= len(chunk) {
					w.Write(chunk[:min(left, len(chunk))])
				}
				w.(http.Flusher).Flush()
				<-r.Context().Done() // the rest never comes: the client closes first
			}))
			defer srv.Close()
			r := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
			req := newReq(t, "GET", srv.URL+"/huge", nil)
			buf := make([]byte, tc.read)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			resp := mustDo(t, r, req)
			_, err := io.ReadFull(resp.Body, buf)
			resp.Body.Close()
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > tc.most {
				t.Errorf("reading %d bytes of a body that announced %d MiB allocated %d KiB, want at most %d KiB (%s)",
					tc.read, announced>>20, got>>10, tc.most>>10, tc.reason)
			}
			rec := r.Cassette().Interactions()[0].Response
			if len(rec.Body) != tc.read || !rec.Truncated {
				t.Errorf("stored %d bytes, truncated %v; want the %d bytes read, truncated", len(rec.Body), rec.Truncated, tc.read)
			}
		})
	}
}
