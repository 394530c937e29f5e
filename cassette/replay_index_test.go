package cassette

import (
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"unsafe"
)

// An entry fills three cache lines exactly: a lookup in a large cassette
// touches as few as it can.
func TestEntrySize(t *testing.T) {
	if size := unsafe.Sizeof(entry{}); size != 192 && unsafe.Sizeof(uintptr(0)) == 8 {
		t.Errorf("an index entry is %d bytes, want 192", size)
	}
}

// Header pairs survive crossing chunks, whatever the header's size.
func TestPairsAcrossChunks(t *testing.T) {
	var p pairs
	var hs []http.Header
	var kvs [][]string
	for i := range 3000 {
		h := http.Header{"A": {"1"}, "B": {"2", "3"}}
		if i%700 == 0 {
			for j := range pairsChunk {
				h.Add("Big", strconv.Itoa(j))
			}
		}
		if i%900 == 0 {
			h["Empty"] = []string{}
		}
		kv, noValues := p.add(h)
		if noValues != (i%900 == 0) {
			t.Fatalf("header %d: noValues = %v", i, noValues)
		}
		hs, kvs = append(hs, h), append(kvs, kv)
	}
	for i, h := range hs {
		got := http.Header{}
		for j := 0; j < len(kvs[i]); j += 2 {
			got[kvs[i][j]] = append(got[kvs[i][j]], kvs[i][j+1])
		}
		delete(h, "Empty")
		if !reflect.DeepEqual(got, h) {
			t.Fatalf("header %d: pairs give %d keys, want %d", i, len(got), len(h))
		}
	}
}
