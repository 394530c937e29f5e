// The race detector changes what the runtime allocates, so these
// measurements run without it; .ci/run runs the suite both ways.

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

// bigServer streams size bytes from a small buffer, with or without a
// Content-Length, so that the server itself holds no copy of the body.
func bigServer(t testing.TB, size int, withLength bool) *httptest.Server {
	chunk := make([]byte, 32<<10)
	for i := range chunk {
		chunk[i] = byte('a' + i%26)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if withLength {
			w.Header().Set("Content-Length", strconv.Itoa(size))
		}
		for left := size; left > 0; left -= len(chunk) {
			w.Write(chunk[:min(left, len(chunk))])
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// recordBig records one big download and returns the bytes the process
// allocated meanwhile, over the body's size.
func recordBig(t testing.TB, size int, withLength bool) float64 {
	srv := bigServer(t, size, withLength)
	r, err := cassette.NewRecorder(nil, cassette.Config{Mode: cassette.ModeRecord})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/big", nil)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	resp, err := r.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	runtime.ReadMemStats(&after)
	if err != nil || n != int64(size) {
		t.Fatalf("read %d bytes, %v; want %d", n, err, size)
	}
	if got := len(r.Cassette().Interactions()[0].Response.Body); got != size {
		t.Fatalf("recorded %d bytes, want %d", got, size)
	}
	return float64(after.TotalAlloc-before.TotalAlloc) / float64(size)
}

// Recording a 100 MB download allocates about one copy of it: the recorded
// body. The caller's reads stream through without a second one.
func TestRecordingMemory(t *testing.T) {
	const size = 100 << 20
	if ratio := recordBig(t, size, true); ratio > 1.2 {
		t.Errorf("recording %d MB with a Content-Length allocated %.2f copies of the body, want about 1", size>>20, ratio)
	}
	// Without a Content-Length the body arrives in chunks, joined once at
	// the end: two copies at most, one kept.
	if ratio := recordBig(t, size, false); ratio > 2.2 {
		t.Errorf("recording %d MB without a Content-Length allocated %.2f copies of the body, want about 2", size>>20, ratio)
	}
}

// BenchmarkRecordLargeBody reports the bytes allocated per recorded body
// byte ("copies") for a 100 MB download.
func BenchmarkRecordLargeBody(b *testing.B) {
	for _, withLength := range []bool{true, false} {
		name := "chunked"
		if withLength {
			name = "content-length"
		}
		b.Run(name, func(b *testing.B) {
			const size = 100 << 20
			b.SetBytes(size)
			var copies float64
			for b.Loop() {
				copies = recordBig(b, size, withLength)
			}
			b.ReportMetric(copies, "copies")
		})
	}
}

// A HEAD response announces a length but has no body: nothing is reserved
// for it.
func TestHeadAllocatesNothingForTheAnnouncedLength(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "900000000")
	}))
	defer srv.Close()
	r, err := cassette.NewRecorder(nil, cassette.Config{Mode: cassette.ModeRecord})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	req, _ := http.NewRequest("HEAD", srv.URL, nil)
	resp, err := r.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 10<<20 {
		t.Errorf("a HEAD announcing 900 MB allocated %d MB", got>>20)
	}
}

// A small recorded body keeps only its own bytes, not a chunk's capacity:
// a cassette of many small interactions must not hold megabytes of spare
// room.
func TestSmallBodiesKeepNoSpareCapacity(t *testing.T) {
	for _, withLength := range []bool{true, false} {
		srv := bigServer(t, 11, withLength)
		r, err := cassette.NewRecorder(nil, cassette.Config{Mode: cassette.ModeRecord})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", srv.URL, nil)
		resp, err := r.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
		body := r.Cassette().Interactions()[0].Response.Body
		if len(body) != 11 || cap(body) > 64 {
			t.Errorf("Content-Length %v: recorded body len %d cap %d, want 11 and little more", withLength, len(body), cap(body))
		}
		r.Close()
	}
}

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
