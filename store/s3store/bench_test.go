package s3store_test

import (
	"testing"

	"github.com/dvdrw/dvd/internal/storetest"
	"github.com/dvdrw/dvd/store/s3store"
)

// BenchmarkStoreS3: gofakes3 in process, over loopback HTTP.
func BenchmarkStoreS3(b *testing.B) {
	storetest.Bench(b, s3store.New(startS3(b).client(), bucket, "bench/"))
}
