package unsafeconv

import "testing"

// TestString checks that String holds the bytes it is given, in either
// build.
func TestString(t *testing.T) {
	for _, b := range [][]byte{nil, {}, []byte("a"), []byte("héllo, \x00\xff")} {
		if got := String(b); got != string(b) {
			t.Errorf("String(%q) = %q", b, got)
		}
	}
}
