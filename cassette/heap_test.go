// The race detector changes what the runtime allocates, so these
// measurements run without it.

//go:build !race

package cassette_test

import (
	"runtime"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/internal/corpus"
)

// liveHeap returns the bytes live on the heap after two collections: the
// first only moves what sync.Pools hold (the buffers Load keeps for its
// next file) to a victim cache, which the second frees, so that what is
// counted is what the cassettes hold.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// loadedHeap reads data as Use does (Unmarshal, then a replaying
// recorder) and returns the live heap the parsed cassette holds, and what
// the recorder and its index add, both over len(data).
func loadedHeap(t *testing.T, data []byte) (parsed, index float64) {
	t.Helper()
	size := float64(len(data))
	base := liveHeap()
	c, err := cassette.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	data = nil // the file's bytes are the caller's: only what c keeps of them counts
	afterParse := liveHeap()
	r, err := cassette.NewRecorder(c, cassette.Config{Mode: cassette.ModeReplay})
	if err != nil {
		t.Fatal(err)
	}
	afterIndex := liveHeap()
	runtime.KeepAlive(c)
	runtime.KeepAlive(r)
	return float64(afterParse-base) / size, float64(afterIndex-afterParse) / size
}

// A loaded cassette, ready to replay, holds at most twice its plain file
// on the heap: the interactions, their index, and the response headers
// laid out for replay. The index's share is bounded on its own: a cassette
// of a million small interactions, whose parsed form alone is more than
// twice its file (two header maps apiece), is held to it once the parser's
// share allows (see the log).
func TestLoadedHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a cassette of 100,000 interactions")
	}
	for _, tc := range []struct {
		name      string
		ins       func() []cassette.Interaction
		index     float64 // the most the recorder and its index may add
		holdTotal bool    // whether the total is held to 2x yet
	}{
		{"small", func() []cassette.Interaction { return corpus.SmallGETs(100_000) }, 0.6, false},
		// 0.2x of the file before the layout of issue 20 made the file an
		// eighth smaller; the index is as large as it was.
		{"corpus", func() []cassette.Interaction { return corpusInteractions(20_000) }, 0.25, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := cassette.Marshal(cassette.New(tc.ins()...))
			if err != nil {
				t.Fatal(err)
			}
			n := len(data)
			parsed, index := loadedHeap(t, data)
			t.Logf("%d MB file: parsed cassette %.3fx the file, recorder and index %.3fx, total %.3fx", n>>20, parsed, index, parsed+index)
			if index > tc.index {
				t.Errorf("the recorder and index of a %d MB cassette hold %.2fx its file, want at most %.2fx", n>>20, index, tc.index)
			}
			if tc.holdTotal && parsed+index > 2 {
				t.Errorf("a loaded %d MB cassette holds %.2fx its file on the heap (parsed %.2fx, index %.2fx), want at most 2x", n>>20, parsed+index, parsed, index)
			}
		})
	}
}
