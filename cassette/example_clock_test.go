package cassette_test

import (
	"context"
	"fmt"
	"time"

	"github.com/dvdrw/dvd/cassette"
)

// A Recorder remembers what the code took from time and chance, without
// testing: the clock readings, the seed of Rand and the named values are
// kept in the cassette, and replay gives them back; Sleep returns at once
// on replay.
func ExampleRecorder_Value() {
	rec, _ := cassette.NewRecorder(nil, cassette.Config{Mode: cassette.ModeRecord})
	bucket, _ := rec.Value("bucket", func() string { return "tf-acc-8f3a2c" })
	started := rec.Now()
	g, _ := rec.Rand()
	draw := g.IntN(100)
	rec.Close()
	recorded := rec.Cassette() // recorded.Save(path) writes it, "clock" section and all

	play, _ := cassette.NewRecorder(recorded, cassette.Config{Mode: cassette.ModeReplay})
	again, _ := play.Value("bucket", func() string { panic("not called on replay") })
	replayed, _ := play.Rand()
	fmt.Println(again == bucket, play.Now() == started, replayed.IntN(100) == draw)
	fmt.Println(play.Sleep(context.Background(), time.Hour)) // at once
	// Output:
	// true true true
	// <nil>
}
