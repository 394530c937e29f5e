package cassette_test

import (
	"os"
	"reflect"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
	"github.com/dvdrw/dvd/internal/corpus"
)

// TestCompressedReadsShareNothing reads compressed cassettes one after the
// other, as a suite does, and checks that reading the next one, into the
// buffer the last one was decompressed into, changes nothing of what was
// read before.
func TestCompressedReadsShareNothing(t *testing.T) {
	var files [][]byte
	for _, name := range []string{"testdata/golden.dvd.json", "testdata/golden-v1.dvd.json", "../testdata/example.dvd.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, data)
	}
	for _, ins := range corpus.Generate(7, 12) {
		data, err := cassette.Marshal(cassette.New(ins...))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, data)
	}
	for _, c := range []codec.Compression{codec.Zstd, codec.Gzip} {
		t.Run(c.String(), func(t *testing.T) {
			var read []*cassette.Cassette
			for _, data := range files {
				z, err := codec.Compress(data, c)
				if err != nil {
					t.Fatal(err)
				}
				got, err := cassette.Unmarshal(z)
				if err != nil {
					t.Fatal(err)
				}
				read = append(read, got)
			}
			for i, data := range files {
				want, err := cassette.Unmarshal(data)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(read[i].Interactions(), want.Interactions()) || !reflect.DeepEqual(read[i].Clock(), want.Clock()) {
					t.Errorf("file %d: reading the files after it changed what was read from it", i)
				}
			}
		})
	}
}
