package redact

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkRedactJSONUniqueKeys measures the prefilter on a JSON document
// without a secret whose keys all differ, so that none is classified from
// an earlier one: the worst case of mayHold's key cache.
func BenchmarkRedactJSONUniqueKeys(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("{")
	for i := range 400 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `"field_%d_name":"value of some length %d","count_%d":%d`, i, i, i, i)
	}
	sb.WriteString("}")
	body := []byte(sb.String())
	r := New(Options{})
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, changed := r.JSON(body); changed {
			b.Fatal("a body without secrets changed")
		}
	}
}
