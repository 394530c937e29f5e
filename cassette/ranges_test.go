package cassette_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
)

// rangeServer serves one object that supports Range requests, as S3 does,
// and holds each answer back a little, so that concurrent requests overlap.
func rangeServer(t *testing.T, object []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond)
		http.ServeContent(w, r, "object", time.Time{}, bytes.NewReader(object))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// getRanges sends one GET of url per range, all at once, and returns the
// body each range got.
func getRanges(t *testing.T, rt http.RoundTripper, url string, ranges []string) []string {
	t.Helper()
	got := make([]string, len(ranges))
	var wg sync.WaitGroup
	for i, rg := range ranges {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodGet, url, nil)
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Range", rg)
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Error(err)
			}
			got[i] = string(b)
		})
	}
	wg.Wait()
	return got
}

// TestConcurrentRangesReplayToTheirRequests is a download manager's traffic:
// concurrent GETs of one URL that differ only in Range, which the default
// matchers do not look at. Each must replay the part it asked for.
func TestConcurrentRangesReplayToTheirRequests(t *testing.T) {
	var object []byte // 1 KiB in which every part differs
	for i := 0; len(object) < 1024; i++ {
		object = fmt.Appendf(object, "%d,", i)
	}
	object = object[:1024]
	srv := rangeServer(t, object)
	var ranges []string
	for off := 0; off < len(object); off += 128 {
		ranges = append(ranges, fmt.Sprintf("bytes=%d-%d", off, off+127))
	}
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	recorded := getRanges(t, rec, srv.URL+"/bucket/key", ranges)
	for i, rg := range ranges {
		if want := string(object[i*128 : i*128+128]); recorded[i] != want {
			t.Fatalf("while recording, %s got %q, want %q", rg, recorded[i], want)
		}
	}
	cas := rec.Cassette()
	srv.Close()

	for run := range 5 {
		rep := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay})
		got := getRanges(t, rep, srv.URL+"/bucket/key", ranges)
		for i, rg := range ranges {
			if got[i] != recorded[i] {
				t.Errorf("replay %d: %s got %q, want %q", run, rg, got[i], recorded[i])
			}
		}
	}
	// One at a time, last part first: the order of sending does not decide.
	rep := mustRecorder(t, cas, cassette.Config{Mode: cassette.ModeReplay})
	for i := len(ranges) - 1; i >= 0; i-- {
		if got := getRanges(t, rep, srv.URL+"/bucket/key", ranges[i:i+1]); got[0] != recorded[i] {
			t.Errorf("sequential replay: %s got %q, want %q", ranges[i], got[0], recorded[i])
		}
	}
}

// TestRerecordingConcurrentRangesGivesOneOrder checks that the order of
// requests that overlapped does not depend on the goroutine scheduling: two
// recordings of the same concurrent requests store them alike.
func TestRerecordingConcurrentRangesGivesOneOrder(t *testing.T) {
	object := []byte(strings.Repeat("x", 1000))
	srv := rangeServer(t, object)
	ranges := make([]string, 8)
	for i := range ranges {
		ranges[i] = fmt.Sprintf("bytes=%d-%d", i*100, i*100+99)
	}
	order := func(reverse bool) []string {
		rs := ranges
		if reverse {
			rs = make([]string, len(ranges))
			for i, r := range ranges {
				rs[len(ranges)-1-i] = r
			}
		}
		rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
		getRanges(t, rec, srv.URL+"/o", rs)
		var out []string
		for _, in := range rec.Cassette().Interactions() {
			out = append(out, in.Request.Header.Get("Range"))
		}
		return out
	}
	first := order(false)
	for range 3 {
		if again := order(true); strings.Join(again, " ") != strings.Join(first, " ") {
			t.Fatalf("two recordings of the same requests stored them in different orders:\n%q\n%q", first, again)
		}
	}
}
