package cassette_test

import (
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// Tokens recorded under innocent names, in a text body and a URL path,
// reach the file redacted by their shape, and the cassette still replays
// the request that held them.
func TestRecordedTokenShapesRedactedAndReplayed(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	made := func(n int) string {
		const set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		b := make([]byte, n)
		for i := range b {
			b[i] = set[rng.IntN(len(set))]
		}
		return string(b)
	}
	botSecret := "A" + made(34)
	bot := "1234567890:" + botSecret
	ghSecret := made(36)
	slSecret := made(24)
	body := "your key: ghp_" + ghSecret + "\nhook: https://hooks.slack.com/services/T01234567/B0123456789/" + slSecret + "\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, body)
	}))
	defer srv.Close()
	url := srv.URL + "/bot" + bot + "/sendMessage?page=ghp_" + ghSecret

	rec, err := cassette.NewRecorder(nil, cassette.Config{Mode: cassette.ModeOnce})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: rec}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != body {
		t.Fatalf("recording served %q", got)
	}
	path := t.TempDir() + "/c.json"
	if err := rec.Cassette().Save(path); err != nil {
		t.Fatal(err)
	}
	c, err := cassette.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := cassette.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{botSecret, ghSecret, slSecret} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the file holds a token:\n%s", data)
		}
	}
	if !strings.Contains(cassette.PlainMarkers(data), "ghp_REDACTED") || !strings.Contains(cassette.PlainMarkers(data), "/bot1234567890:REDACTED/sendMessage") {
		t.Errorf("the file does not show the markers:\n%s", data)
	}

	replay, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeReplay})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = (&http.Client{Transport: replay}).Get(url)
	if err != nil {
		t.Fatalf("the request with tokens did not replay: %v", err)
	}
	got, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(got), ghSecret) || !strings.Contains(string(got), "ghp_REDACTED") {
		t.Errorf("replayed %q", got)
	}
}
