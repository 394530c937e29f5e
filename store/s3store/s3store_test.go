package s3store_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io/fs"
	"net/http/httptest"
	"strings"
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
	storetest.Race(t, func() cassette.Store { return s3store.New(f.client(), bucket, "r/") }, "s3://"+bucket+"/r/", "race.dvd.json.zst")
}

// A store stopped mid-test fails the save, and the next load, with an
// error naming the store, the cassette and what to check, and never the
// secret key; a missing bucket is not a missing cassette.
func TestStoppedStore(t *testing.T) {
	f := startS3(t)
	saveErr, loadErr := storetest.Stopped(t, s3store.New(f.client(), bucket, "stop/"), "x.dvd.json", f.Close)
	where := "s3://" + bucket + "/stop/x.dvd.json"
	for _, err := range []error{saveErr, loadErr} {
		if err == nil || !strings.Contains(err.Error(), where) || !strings.Contains(err.Error(), "check the endpoint") || strings.Contains(err.Error(), f.secret) {
			t.Errorf("a stopped store: %v", err)
		}
	}
	if _, err := cassette.LoadFrom(context.Background(), s3store.New(startS3(t).client(), "nosuchbucket", ""), "x.dvd.json"); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing bucket reads as a missing cassette: %v", err)
	}
}
