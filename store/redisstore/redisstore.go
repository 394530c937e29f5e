// Package redisstore keeps dvd's cassettes in Redis, so that CI machines
// share them: a recording made once replays on every shard and every
// later run.
//
// A cassette is the string at the key PREFIX+NAME, NAME being its name
// with extension (github/list_repos.dvd.json, or .zst, .gz), holding the
// bytes its file would hold: copy one in with
//
//	redis-cli -x SET PREFIXgithub/list_repos.dvd.json < testdata/github/list_repos.dvd.json
//
// and out with redis-cli --raw GET (mind the newline --raw adds).
//
// A save is one Lua script, run atomically by Redis: it stores the
// cassette only if the key still holds what the recording loaded (told
// by the SHA-1 of its bytes, or by its absence), so that two machines
// saving one cassette at once never lose a recording without a word (see
// cassette.Cassette.SaveTo). It works on a single Redis and on a cluster,
// for it touches one key.
//
// Importing the package registers the schemes redis and rediss with
// cassette.OpenStore, for DVD_STORE:
//
//	DVD_STORE='redis://localhost:6379/0?prefix=dvd/&ttl=720h' go test ./...
//
// where prefix and ttl are this package's and the rest is go-redis's URL
// (redis.ParseURL).
//
// Cassettes do not expire unless asked to ([NewTTL], or ttl= in the URL).
// An expired cassette is gone: a replay-only CI (DVD_MODE=replay, or CI
// set) then fails every test that used it until someone records it again.
// Prefer dvdtest.MaxAge, which re-records a stale cassette where recording
// is allowed and only logs elsewhere.
package redisstore

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/dvdrw/dvd/cassette"
	"github.com/redis/go-redis/v9"
)

func init() {
	cassette.RegisterStore("redis", open)
	cassette.RegisterStore("rediss", open)
}

// New returns a store that keeps each cassette at the key prefix+name in
// rdb, without expiry. prefix is taken as it is: end it with / or : to
// keep it apart from the name, such as "dvd/".
func New(rdb redis.UniversalClient, prefix string) cassette.Store {
	return NewTTL(rdb, prefix, 0)
}

// NewTTL returns a store as [New] does, whose saves make the cassette
// expire ttl after it is saved, when ttl is positive. Read the package
// documentation first: an expired cassette fails a replay-only CI.
func NewTTL(rdb redis.UniversalClient, prefix string, ttl time.Duration) cassette.Store {
	return &store{rdb: rdb, prefix: prefix, ttl: ttl, host: hostOf(rdb)}
}

type store struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
	host   string
}

// hostOf names the server of rdb for messages, without its password.
func hostOf(rdb redis.UniversalClient) string {
	switch c := rdb.(type) {
	case *redis.Client:
		return c.Options().Addr
	case *redis.ClusterClient:
		return strings.Join(c.Options().Addrs, ",")
	}
	return "redis"
}

// Where returns redis://HOST/PREFIXname.
func (s *store) Where(name string) string { return "redis://" + s.host + "/" + s.prefix + name }

// Load gets the cassette; its version is the SHA-1 of its bytes.
func (s *store) Load(ctx context.Context, name string) ([]byte, string, error) {
	data, err := s.rdb.Get(ctx, s.prefix+name).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, "", &fs.PathError{Op: "load", Path: s.Where(name), Err: fs.ErrNotExist}
	}
	if err != nil {
		return nil, "", s.unreachable(err)
	}
	return data, version(data), nil
}

// save stores ARGV[2] at KEYS[1] if the SHA-1 of what the key holds is
// ARGV[1] ("" for nothing), with an expiry of ARGV[3] milliseconds when
// positive. Redis runs a script whole, with no other command between.
var save = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
local have = ''
if cur then have = redis.sha1hex(cur) end
if have ~= ARGV[1] then return redis.error_reply('DVDCHANGED ' .. have) end
local ttl = tonumber(ARGV[3])
if ttl > 0 then
	redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
else
	redis.call('SET', KEYS[1], ARGV[2])
end
return 1
`)

// Save stores the cassette by the script save: one round trip (two the
// first time a server sees the script).
func (s *store) Save(ctx context.Context, name string, data []byte, ifVersion string) (string, error) {
	err := save.Run(ctx, s.rdb, []string{s.prefix + name}, ifVersion, data, s.ttl.Milliseconds()).Err()
	if err != nil {
		if rest, ok := strings.CutPrefix(err.Error(), "DVDCHANGED"); ok {
			return "", fmt.Errorf("%w: %s holds version %q, not %q", cassette.ErrChanged, s.Where(name), strings.TrimSpace(rest), ifVersion)
		}
		return "", s.unreachable(err)
	}
	return version(data), nil
}

func (s *store) unreachable(err error) error {
	return fmt.Errorf("the Redis server %s: %w: check that the server runs and accepts this client "+
		"(address, password, TLS), and that DVD_STORE or the client given to redisstore.New names it", s.host, err)
}

// version is the SHA-1 of data, in hex, as Redis's redis.sha1hex gives it.
func version(data []byte) string {
	sum := sha1.Sum(data)
	return hex.EncodeToString(sum[:])
}

// open makes the store of a DVD_STORE URL: go-redis's URL, with prefix=
// and ttl= as this package's own query parameters.
func open(u *url.URL) (cassette.Store, error) {
	q := u.Query()
	prefix := q.Get("prefix")
	var ttl time.Duration
	if v := q.Get("ttl"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("redisstore: ttl=%s is not a duration such as 720h", v)
		}
		ttl = d
	}
	q.Del("prefix")
	q.Del("ttl")
	rest := *u
	rest.RawQuery = q.Encode()
	opts, err := redis.ParseURL(rest.String())
	if err != nil {
		return nil, fmt.Errorf("redisstore: %v", err)
	}
	return NewTTL(redis.NewClient(opts), prefix, ttl), nil
}
