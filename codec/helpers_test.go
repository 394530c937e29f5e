package codec_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dvdrw/dvd/codec"
)

// sample returns n similar lines of JSON, as a cassette holds them: the
// content the tests compress and write.
func sample(n int) []byte {
	var b strings.Builder
	b.WriteString("{\"version\": 1, \"interactions\": [\n")
	for i := range n {
		fmt.Fprintf(&b, "  {\"request\": {\"method\": \"GET\", \"url\": \"https://api.github.com/repos/dvdrw/dvd/issues?page=%d\"}},\n", i%7)
	}
	b.WriteString("]}\n")
	return []byte(b.String())
}

// mustCompress compresses raw with c and fails the test on error.
func mustCompress(t testing.TB, raw []byte, c codec.Compression) []byte {
	t.Helper()
	b, err := codec.Compress(raw, c)
	if err != nil {
		t.Fatalf("Compress(%v): %v", c, err)
	}
	return b
}

// wantRead fails the test unless codec.ReadFile reads want from path.
func wantRead(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := codec.ReadFile(path)
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", path, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadFile(%s) mismatch (-want +got):\n%s", path, diff)
	}
}
