package dvdtest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
)

func TestSmoke(t *testing.T) {
	t.Chdir(t.TempDir())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"path":"`+r.URL.Path+`"}`)
	}))
	t.Run("record", func(t *testing.T) {
		d := dvdtest.Use(t, "smoke", dvdtest.WithMode(cassette.ModeOnce))
		resp, err := d.Client().Get(srv.URL + "/a?x=1")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Logf("%s %v", b, d.Replayed(resp))
	})
	srv.Close()
	data, _ := os.ReadFile("testdata/smoke.dvd.json")
	t.Logf("%s", data)
	t.Run("replay", func(t *testing.T) {
		d := dvdtest.Use(t, "smoke", dvdtest.WithMode(cassette.ModeOnce))
		resp, err := d.Client().Get(srv.URL + "/a?x=1")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		t.Logf("%s %v", b, d.Replayed(resp))
		_, err = d.Client().Get(srv.URL + "/a?x=2")
		t.Logf("err: %v", err)
	})
}
