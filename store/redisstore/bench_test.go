package redisstore_test

import (
	"testing"

	"github.com/dvdrw/dvd/internal/storetest"
	"github.com/dvdrw/dvd/store/redisstore"
)

// BenchmarkStoreRedis: a redis-server on loopback.
func BenchmarkStoreRedis(b *testing.B) {
	rs := startRedis(b)
	storetest.Bench(b, redisstore.New(rs.client(b), "bench/"))
}
