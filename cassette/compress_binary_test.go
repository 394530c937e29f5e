package cassette_test

import (
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/dvdrw/dvd/cassette"
	"github.com/dvdrw/dvd/codec"
)

// A cassette of binary bodies, which the file holds as base64, compresses
// as base64 does: to about 75%, its 6 bits of information a byte.
func TestBinaryBodiesCompress(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var ins []cassette.Interaction
	for i := range 40 {
		body := make([]byte, 1000+r.IntN(40000))
		for j := range body {
			body[j] = byte(r.Uint32())
		}
		ins = append(ins, cassette.Interaction{
			Request: cassette.Request{Method: "GET", URL: "https://blobs.example/" + string(rune('a'+i%26))},
			Response: &cassette.Response{
				StatusCode: 200, Header: http.Header{"Content-Type": {"application/octet-stream"}},
				Body: body, ContentLength: int64(len(body)),
			},
		})
	}
	raw, err := cassette.Marshal(cassette.New(ins...))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []codec.Compression{codec.Zstd, codec.Gzip} {
		z, err := codec.Compress(raw, c)
		if err != nil {
			t.Fatal(err)
		}
		ratio := float64(len(z)) / float64(len(raw))
		t.Logf("%v: %d of %d bytes, %.3f", c, len(z), len(raw), ratio)
		if ratio > 0.80 {
			t.Errorf("%v leaves a cassette of binary bodies at %.1f%% of its size, want at most 80%%", c, 100*ratio)
		}
		back, err := codec.Decompress(z, nil)
		if err != nil || string(back) != string(raw) {
			t.Errorf("%v: decompressed: %v", c, err)
		}
	}
}
