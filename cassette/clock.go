package cassette

import "github.com/dvdrw/dvd/internal/timeline"

// emptyClock reports whether k holds nothing, so that the file leaves it
// out.
func emptyClock(k *timeline.Clock) bool {
	return len(k.Readings) == 0 && k.Seed == [32]byte{} && len(k.Values) == 0
}
