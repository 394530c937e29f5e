package cassette_test

import (
	"fmt"
	"os"
	"path/filepath"
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
	for _, c := range []codec.Compression{codec.None, codec.Zstd, codec.Gzip} {
		t.Run(c.String(), func(t *testing.T) {
			var read []*cassette.Cassette
			dir := t.TempDir()
			for i, data := range files {
				z, err := codec.Compress(data, c)
				if err != nil {
					t.Fatal(err)
				}
				got, err := cassette.Unmarshal(z)
				if err != nil {
					t.Fatal(err)
				}
				read = append(read, got)
				// Load reads the file into a buffer of its own too.
				path := filepath.Join(dir, fmt.Sprintf("%d%s%s", i, cassette.Ext, c.Ext()))
				if err := os.WriteFile(path, z, 0o644); err != nil {
					t.Fatal(err)
				}
				loaded, err := cassette.Load(path)
				if err != nil {
					t.Fatal(err)
				}
				read = append(read, loaded)
			}
			for i, data := range files {
				want, err := cassette.Unmarshal(data)
				if err != nil {
					t.Fatal(err)
				}
				for _, got := range read[2*i : 2*i+2] {
					if !reflect.DeepEqual(got.Interactions(), want.Interactions()) || !reflect.DeepEqual(got.Clock(), want.Clock()) {
						t.Errorf("file %d: reading the files after it changed what was read from it", i)
					}
				}
			}
		})
	}
}
