package cassette_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// uploadServer opens uploads as a container registry does: POST gives an
// upload id in Location, PATCH sends the data there and gets a state for
// it, PUT with the state and the data's digest completes it, and fails
// when they do not belong together.
func uploadServer() *httptest.Server {
	var mu sync.Mutex
	data := map[string]string{} // upload id → digest of its data
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/uploads/")
		switch r.Method {
		case "POST":
			b := make([]byte, 16)
			rand.Read(b)
			w.Header().Set("Location", "/uploads/"+hex.EncodeToString(b))
			w.WriteHeader(http.StatusAccepted)
		case "PATCH":
			body, _ := io.ReadAll(r.Body)
			sum := sha256.Sum256(body)
			mu.Lock()
			data[id] = hex.EncodeToString(sum[:])
			mu.Unlock()
			w.Header().Set("Location", "/uploads/"+id+"?state="+hex.EncodeToString(sum[:8]))
			w.WriteHeader(http.StatusAccepted)
		case "PUT":
			mu.Lock()
			want := data[id]
			mu.Unlock()
			if r.URL.Query().Get("digest") != want || !strings.HasPrefix(want, r.URL.Query().Get("state")) {
				http.Error(w, "digest does not match the upload", http.StatusBadRequest)
				return
			}
			fmt.Fprintf(w, "stored %s", want[:12])
		}
	}))
}

// upload sends one blob as a registry client does; it returns the final
// response's status and body.
func upload(rt http.RoundTripper, base, blob string) (string, error) {
	do := func(method, url, body string) (*http.Response, error) {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		return rt.RoundTrip(req)
	}
	resp, err := do("POST", base+"/uploads/", "")
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	resp, err = do("PATCH", base+resp.Header.Get("Location"), blob)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	sum := sha256.Sum256([]byte(blob))
	resp, err = do("PUT", base+resp.Header.Get("Location")+"&digest="+hex.EncodeToString(sum[:]), "")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.Status + " " + string(b), nil
}

// uploadAll uploads blobs in parallel and returns the outcome of each.
func uploadAll(rt http.RoundTripper, base string, blobs []string) ([]string, []error) {
	out, errs := make([]string, len(blobs)), make([]error, len(blobs))
	var wg sync.WaitGroup
	for i, b := range blobs {
		wg.Go(func() { out[i], errs[i] = upload(rt, base, b) })
	}
	wg.Wait()
	return out, errs
}

// TestParallelRequestsFollowTheirValues records blobs uploaded in
// parallel, whose identical POSTs got different upload ids, and replays
// them many times: whichever id replay hands a caller, its PATCH and PUT
// are matched as the recorded ones that carried its data, and every
// upload completes as it did.
func TestParallelRequestsFollowTheirValues(t *testing.T) {
	srv := uploadServer()
	defer srv.Close()
	blobs := []string{"layer one", "layer two", "layer three", "layer four"}
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord})
	want, errs := uploadAll(rec, srv.URL, blobs)
	for i, err := range errs {
		if err != nil || !strings.HasPrefix(want[i], "200") {
			t.Fatalf("recording, upload %d: %q, %v", i, want[i], err)
		}
	}
	rec.Close()
	c := rec.Cassette()
	for run := range 30 {
		rep := mustRecorder(t, c, cassette.Config{Mode: cassette.ModeReplay})
		got, errs := uploadAll(rep, srv.URL, blobs)
		for i := range blobs {
			if errs[i] != nil || got[i] != want[i] {
				t.Fatalf("replay %d, upload %d: %q, %v; recorded %q", run, i, got[i], errs[i], want[i])
			}
		}
	}
}

// TestConcurrentTwinsLogged records identical requests sent at once that
// got different responses: the log says so, once per request.
func TestConcurrentTwinsLogged(t *testing.T) {
	srv := uploadServer()
	defer srv.Close()
	var mu sync.Mutex
	var logged []string
	rec := mustRecorder(t, nil, cassette.Config{Mode: cassette.ModeRecord, Logf: func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		logged = append(logged, fmt.Sprintf(format, args...))
	}})
	// The POSTs overlap: the server holds each until both arrived.
	var wg sync.WaitGroup
	arrived := make(chan struct{}, 2)
	held := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		for len(arrived) < 2 {
			runtime.Gosched()
		}
		srv.Config.Handler.ServeHTTP(w, r)
	}))
	defer held.Close()
	for range 2 {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", held.URL+"/uploads/", nil)
			if resp, err := rec.RoundTrip(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if len(logged) != 1 || !strings.Contains(logged[0], "POST "+held.URL+"/uploads/ was sent twice at once") {
		t.Errorf("logged %q, want one line about the twin POSTs", logged)
	}
}
