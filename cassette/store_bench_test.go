package cassette_test

import (
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/storetest"
)

func BenchmarkStoreDir(b *testing.B)    { storetest.Bench(b, cassette.DirStore(b.TempDir())) }
func BenchmarkStoreMemory(b *testing.B) { storetest.Bench(b, cassette.MemoryStore()) }
