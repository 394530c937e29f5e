package cassette

// UnusedPositions returns the position in the cassette, from 1, of each
// interaction that [Recorder.Unused] returns, in the same order: the
// number a miss's message gives an interaction (#3). Replays between the
// two calls change both, so call them once the requests are over, as
// after [Recorder.Close].
func (r *Recorder) UnusedPositions() []int {
	if r.index == nil {
		return nil
	}
	var out []int
	for _, e := range r.index.Unused() {
		out = append(out, e.Position()+1)
	}
	return out
}
