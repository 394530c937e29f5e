package govcr

import (
	"os"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

func BenchmarkZZLoadB(b *testing.B) {
	sf := loadSuite(b, os.Getenv("ZZ_SUITE"))
	var datas [][]byte
	n := 0
	for _, p := range sf.plain {
		d, _ := os.ReadFile(p)
		datas = append(datas, d)
		n += len(d)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range datas {
			if _, err := cassette.Unmarshal(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}
