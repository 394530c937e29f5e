package redisstore_test

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/dvdtest"
	"github.com/dvdrw/dvd/internal/storetest"
	"github.com/dvdrw/dvd/store/redisstore"
	"github.com/redis/go-redis/v9"
)

// server is a redis-server this test started on a loopback port.
type server struct {
	addr string
	cmd  *exec.Cmd
}

// startRedis starts Debian's redis-server on a free loopback port, without
// persistence, and stops it when the test ends. A missing binary fails the
// test: the store is tested against a real Redis or not at all.
func startRedis(t testing.TB) *server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is not installed: the Redis store is tested against a real server. Install it: apt-get install -y redis-server (Debian), brew install redis (macOS)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &server{addr: "127.0.0.1:" + strconv.Itoa(port)}
	s.cmd = exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	rdb := redis.NewClient(&redis.Options{Addr: s.addr})
	defer rdb.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if rdb.Ping(context.Background()).Err() == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not answer on %s within 10s", s.addr)
		}
	}
}

func (s *server) stop() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

func (s *server) client(t testing.TB) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// Recorded on one machine (an empty folder), replayed on another with the
// upstream stopped, through DVD_STORE, which importing the package makes
// know redis://.
func TestRecordHereReplayThere(t *testing.T) {
	rs := startRedis(t)
	srv := storetest.Upstream(t)
	t.Setenv("CI", "")
	t.Setenv("DVD_MODE", "")
	t.Setenv("DVD_STORE", "redis://"+rs.addr+"/0?prefix=ci/")
	t.Run("machine-a", func(t *testing.T) {
		t.Chdir(t.TempDir())
		d := dvdtest.Use(t, "api/list", dvdtest.Compress(codec.Zstd))
		if got := storetest.Get(t, d.Client(), srv.URL+"/list"); got != "answer to /list" {
			t.Errorf("got %q", got)
		}
		if want := "redis://" + rs.addr + "/ci/api/list.dvd.json.zst"; d.Path() != want {
			t.Errorf("Path() = %s, want %s", d.Path(), want)
		}
	})
	srv.Close()
	t.Run("machine-b", func(t *testing.T) {
		t.Chdir(t.TempDir())
		d := dvdtest.Use(t, "api/list", dvdtest.Compress(codec.Zstd), dvdtest.WithMode(cassette.ModeReplay))
		if got := storetest.Get(t, d.Client(), srv.URL+"/list"); got != "answer to /list" || d.Recording() {
			t.Errorf("replayed %q", got)
		}
	})
	n, err := rs.client(t).Exists(context.Background(), "ci/api/list.dvd.json.zst").Result()
	if err != nil || n != 1 {
		t.Errorf("the key is not where the docs say: %d %v", n, err)
	}
}

// Two machines saving one cassette at once: in ModeAppend both recordings
// are kept; otherwise one save fails naming both, and the other's stays.
func TestRace(t *testing.T) {
	rs := startRedis(t)
	storetest.Race(t, func() cassette.Store { return redisstore.New(rs.client(t), "r/") }, "redis://"+rs.addr+"/r/", "race.dvd.json")
}

// A store stopped mid-test fails the save, and the next load, with an
// error naming the store, the cassette and what to check.
func TestStoppedStore(t *testing.T) {
	rs := startRedis(t)
	saveErr, loadErr := storetest.Stopped(t, redisstore.New(rs.client(t), "stop/"), "x.dvd.json", rs.stop)
	where := "redis://" + rs.addr + "/stop/x.dvd.json"
	for _, err := range []error{saveErr, loadErr} {
		if err == nil || !strings.Contains(err.Error(), where) || !strings.Contains(err.Error(), "check that the server runs") {
			t.Errorf("a stopped store: %v", err)
		}
	}
}

// A TTL is opt-in: New sets none, NewTTL and ttl= do.
func TestTTL(t *testing.T) {
	rs := startRedis(t)
	ctx := context.Background()
	rdb := rs.client(t)
	if err := cassette.New().SaveTo(ctx, redisstore.New(rdb, "t/"), "none.dvd.json"); err != nil {
		t.Fatal(err)
	}
	if err := cassette.New().SaveTo(ctx, redisstore.NewTTL(rdb, "t/", time.Hour), "hour.dvd.json"); err != nil {
		t.Fatal(err)
	}
	viaURL, err := cassette.OpenStore("redis://" + rs.addr + "/0?prefix=t/&ttl=2h")
	if err != nil {
		t.Fatal(err)
	}
	if err := cassette.New().SaveTo(ctx, viaURL, "url.dvd.json"); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]time.Duration{"t/none.dvd.json": -1, "t/hour.dvd.json": time.Hour, "t/url.dvd.json": 2 * time.Hour} {
		got, err := rdb.PTTL(ctx, key).Result()
		if err != nil || (want < 0 && got >= 0) || (want > 0 && (got <= want-time.Minute || got > want)) {
			t.Errorf("%s: TTL %v (%v), want %v", key, got, err, want)
		}
	}
}

// The bytes in Redis are the file's: a cassette copied in with SET
// replays.
func TestCopiedBytes(t *testing.T) {
	rs := startRedis(t)
	ctx := context.Background()
	rdb := rs.client(t)
	c := cassette.New(cassette.Interaction{Request: cassette.Request{Method: "GET", URL: "http://copied.test/"},
		Response: &cassette.Response{StatusCode: 200, Body: []byte("copied")}})
	dir := t.TempDir()
	if err := c.Save(dir + "/c.dvd.json.gz"); err != nil {
		t.Fatal(err)
	}
	data, _, err := cassette.DirStore(dir).Load(ctx, "c.dvd.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	if err := rdb.Set(ctx, "cp/c.dvd.json.gz", data, 0).Err(); err != nil {
		t.Fatal(err)
	}
	got, err := cassette.LoadFrom(ctx, redisstore.New(rdb, "cp/"), "c.dvd.json.gz")
	if err != nil || got.Len() != 1 {
		t.Fatalf("the copy: %v", err)
	}
	// A save over the copy checks it as it is: a recording that loaded it
	// saves; one that expected nothing there does not.
	if err := got.SaveTo(ctx, redisstore.New(rdb, "cp/"), "c.dvd.json.gz"); err != nil {
		t.Errorf("a save at the copy's version: %v", err)
	}
}
