//go:build !race

package cassette_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/corpus"
)

// smallHeap loads the first n cassettes of suite A (many small cassettes)
// from files, as Use does, and returns the live heap the parsed cassettes hold over their files'
// size, and their allocations per cassette.
func smallHeap(t *testing.T, n int) (ratio, allocs float64) {
	t.Helper()
	s, _ := corpus.ShapeNamed("A")
	var files []string
	size := 0
	dir := t.TempDir()
	for i, ins := range s.Generate(1, n) {
		data, err := cassette.Marshal(cassette.New(ins...))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, strconv.Itoa(i)+cassette.Ext)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
		size += len(data)
	}
	cs := make([]*cassette.Cassette, n)
	base := liveHeap()
	allocs = testing.AllocsPerRun(1, func() {
		for i, f := range files {
			c, err := cassette.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			cs[i] = c
		}
	})
	after := liveHeap()
	runtime.KeepAlive(cs)
	return float64(after-base) / float64(size), allocs / float64(n)
}

// A small cassette, as most of a suite's are, holds little more than its
// file once loaded: no chunk of the parser's sized for a large one. (About
// 1.3x on suite A; it was 1.7x with chunks sized from the file. The
// buffers Load pools for the next file are not counted: see liveHeap.)
func TestSmallCassettesHeap(t *testing.T) {
	ratio, allocs := smallHeap(t, 1000)
	t.Logf("1000 cassettes of suite A: the parsed cassettes hold %.2fx their files, %.1f allocations each", ratio, allocs)
	if ratio > 1.5 {
		t.Errorf("small cassettes hold %.2fx their files on the heap, want at most 1.5x", ratio)
	}
}
