//go:build purego

package unsafeconv

// String returns a string that holds the bytes of b: with the purego build
// tag, a copy of them.
func String(b []byte) string { return string(b) }
