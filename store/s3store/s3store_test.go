package s3store_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/internal/storetest"
	"github.com/dvdrw/dvd/store/s3store"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

const bucket = "cassettes"

// fakeS3 is an S3 in process, on loopback, which honours If-Match and
// If-None-Match on PutObject.
type fakeS3 struct {
	*httptest.Server
	key, secret string
}

func startS3(t testing.TB) *fakeS3 {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	f := &fakeS3{Server: httptest.NewServer(gofakes3.New(backend).Server()), key: "AK" + rand.Text()[:14], secret: rand.Text()}
	t.Cleanup(f.Close)
	return f
}

// client is the real aws-sdk-go-v2 client, path-style, with static
// credentials made up for the test.
func (f *fakeS3) client() *s3.Client {
	return s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(f.URL), UsePathStyle: true,
		Credentials:      credentials.NewStaticCredentialsProvider(f.key, f.secret, ""),
		RetryMaxAttempts: 1,
	})
}

// Recorded on one machine (an empty folder), replayed on another with the
// upstream stopped: once by WithStore, once by DVD_STORE.
func TestRecordHereReplayThere(t *testing.T) {
	f := startS3(t)
	srv := storetest.Upstream(t)
	t.Setenv("CI", "")
	t.Setenv("DVD_MODE", "")
	t.Setenv("DVD_STORE", "")
	t.Run("machine-a", func(t *testing.T) {
		t.Chdir(t.TempDir())
		d := dvdtest.Use(t, "api/list", dvdtest.WithStore(s3store.New(f.client(), bucket, "ci/")))
		if got := storetest.Get(t, d.Client(), srv.URL+"/list"); got != "answer to /list" {
			t.Errorf("got %q", got)
		}
		if want := "s3://" + bucket + "/ci/api/list.dvd.json"; d.Path() != want {
			t.Errorf("Path() = %s, want %s", d.Path(), want)
		}
	})
	srv.Close()
	t.Run("machine-b", func(t *testing.T) {
		t.Chdir(t.TempDir())
		t.Setenv("AWS_ACCESS_KEY_ID", f.key)
		t.Setenv("AWS_SECRET_ACCESS_KEY", f.secret)
		t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
		t.Setenv("DVD_STORE", "s3://"+bucket+"/ci/?region=us-east-1&path_style=true&endpoint="+f.URL)
		d := dvdtest.Use(t, "api/list", dvdtest.WithMode(cassette.ModeReplay))
		if got := storetest.Get(t, d.Client(), srv.URL+"/list"); got != "answer to /list" || d.Recording() {
			t.Errorf("replayed %q", got)
		}
	})
}

// Two machines saving one cassette at once: in ModeAppend both recordings
// are kept; otherwise one save fails naming both, and the other's stays.
func TestRace(t *testing.T) {
	f := startS3(t)
	srv := storetest.Upstream(t)
	ctx := context.Background()
	for _, mode := range []cassette.Mode{cassette.ModeAppend, cassette.ModeRecord, cassette.ModeOnce} {
		t.Run(mode.String(), func(t *testing.T) {
			name := "race-" + mode.String() + ".dvd.json.zst"
			if mode == cassette.ModeAppend {
				c := cassette.New(cassette.Interaction{Request: cassette.Request{Method: "GET", URL: srv.URL + "/seed"},
					Response: &cassette.Response{StatusCode: 200, Body: []byte("seed")}})
				if err := c.SaveTo(ctx, s3store.New(f.client(), bucket, "r/"), name); err != nil {
					t.Fatal(err)
				}
			}
			var ready, wg sync.WaitGroup
			errs := make([]error, 2)
			ready.Add(2)
			start := make(chan struct{})
			for i := range 2 {
				wg.Go(func() {
					s := s3store.New(f.client(), bucket, "r/") // a machine: a client of its own
					c, _ := cassette.LoadFrom(ctx, s, name)
					rec, err := cassette.NewRecorder(c, cassette.Config{Mode: mode, Upstream: srv.Client().Transport})
					if err != nil {
						errs[i] = err
						ready.Done()
						return
					}
					storetest.Get(t, &http.Client{Transport: rec}, srv.URL+"/m"+strconv.Itoa(i))
					rec.Close()
					ready.Done()
					<-start
					errs[i] = rec.Cassette().SaveTo(ctx, s, name)
				})
			}
			ready.Wait()
			close(start)
			wg.Wait()
			got, err := cassette.LoadFrom(ctx, s3store.New(f.client(), bucket, "r/"), name)
			if err != nil {
				t.Fatal(err)
			}
			var urls []string
			for _, in := range got.Interactions() {
				urls = append(urls, in.Request.URL[len(srv.URL):])
			}
			all := strings.Join(urls, " ")
			if mode == cassette.ModeAppend {
				if errors.Join(errs...) != nil || got.Len() != 3 || urls[0] != "/seed" {
					t.Errorf("the store holds %s (%v); want /seed, /m0 and /m1", all, errors.Join(errs...))
				}
				return
			}
			failed := 0
			for _, err := range errs {
				if err != nil {
					failed++
					if !errors.Is(err, cassette.ErrChanged) || !strings.Contains(err.Error(), "s3://"+bucket+"/r/"+name) || !strings.Contains(err.Error(), "recorded at") {
						t.Errorf("the failed save says: %v; want ErrChanged naming the cassette and both recordings", err)
					}
				}
			}
			if failed != 1 || got.Len() != 1 {
				t.Errorf("%d of 2 saves failed, the store holds %s; want one failed and the other's recording kept", failed, all)
			}
		})
	}
}

// A store stopped mid-test fails the save, and the next load, with an
// error naming the store, the cassette and what to check.
func TestStoppedStore(t *testing.T) {
	f := startS3(t)
	srv := storetest.Upstream(t)
	ctx := context.Background()
	s := s3store.New(f.client(), bucket, "stop/")
	c, _ := cassette.LoadFrom(ctx, s, "x.dvd.json")
	rec, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeOnce, Upstream: srv.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Get(t, &http.Client{Transport: rec}, srv.URL+"/x")
	rec.Close()
	f.Close()
	where := "s3://" + bucket + "/stop/x.dvd.json"
	err = rec.Cassette().SaveTo(ctx, s, "x.dvd.json")
	if err == nil || !strings.Contains(err.Error(), where) || !strings.Contains(err.Error(), "check the endpoint") || strings.Contains(err.Error(), f.secret) {
		t.Errorf("save into a stopped store: %v", err)
	}
	_, err = cassette.LoadFrom(ctx, s, "x.dvd.json")
	if err == nil || !strings.Contains(err.Error(), where) || !strings.Contains(err.Error(), "check the endpoint") {
		t.Errorf("load from a stopped store: %v", err)
	}
	if _, err := cassette.LoadFrom(ctx, s3store.New(startS3(t).client(), "nosuchbucket", ""), "x.dvd.json"); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing bucket reads as a missing cassette: %v", err)
	}
}
