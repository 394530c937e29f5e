package interop

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry/handlers"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/sirupsen/logrus"
)

// registry returns a start func of distribution's registry, in process,
// storing in memory; over TLS (httptest's certificate, which the wire
// trusts) unless plainHTTP.
func registry(plainHTTP bool) startFunc {
	return func(t *testing.T, addr string) (string, func()) {
		t.Helper()
		logrus.SetOutput(io.Discard)
		config := &configuration.Configuration{
			Storage: configuration.Storage{
				"inmemory":    configuration.Parameters{},
				"maintenance": configuration.Parameters{"uploadpurging": map[any]any{"enabled": false}},
			},
		}
		config.HTTP.Secret = "interop-registry-state-secret" // signs upload state: not a credential of the user
		ctx, cancel := context.WithCancel(context.Background())
		app := handlers.NewApp(ctx, config)
		if plainHTTP {
			endpoint, stop := listenOn(t, addr, app)
			return endpoint, func() { stop(); cancel(); app.Shutdown() }
		}
		var ln net.Listener
		var err error
		for range 50 {
			if ln, err = net.Listen("tcp", addr); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("interop: listening on %s: %v", addr, err)
		}
		srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: app}}
		srv.StartTLS()
		stop := func() { srv.Close(); cancel(); app.Shutdown() }
		t.Cleanup(stop)
		return srv.URL, stop
	}
}

// image returns an image of n layers whose bytes are the same on every
// run, so that its digests are too.
func image(t testing.TB, n int) v1.Image {
	t.Helper()
	img := empty.Image
	for i := range n {
		var err error
		img, err = mutate.AppendLayers(img, static.NewLayer(randomBytes(40<<10+i, uint64(i+1)), types.DockerLayer))
		if err != nil {
			t.Fatal(err)
		}
	}
	return img
}

type pushed struct {
	Digest   string
	Layers   []string
	Tags     []string
	Layer0   digest // the first layer, pulled
	Manifest int64
}

// pushPull pushes img to the registry at endpoint as interop/app:v1 with
// jobs uploads at once, then lists the tags, pulls the manifest and reads
// the first layer back.
func pushPull(t *testing.T, hc *http.Client, endpoint string, img v1.Image, jobs int, nameOpts ...name.Option) pushed {
	ctx := t.Context()
	host := strings.TrimPrefix(strings.TrimPrefix(endpoint, "https://"), "http://")
	ref, err := name.ParseReference(host+"/interop/app:v1", nameOpts...)
	if err != nil {
		t.Fatal(err)
	}
	opts := []remote.Option{
		remote.WithContext(ctx), remote.WithTransport(hc.Transport), remote.WithJobs(jobs),
		remote.WithRetryBackoff(remote.Backoff{Steps: 1}), // a miss fails at once
	}
	if err := remote.Write(ref, img, opts...); err != nil {
		t.Fatalf("remote.Write: %v", brief(err))
	}
	var p pushed
	if p.Tags, err = remote.List(ref.Context(), opts...); err != nil {
		t.Fatalf("remote.List: %v", brief(err))
	}
	got, err := remote.Image(ref, opts...)
	if err != nil {
		t.Fatalf("remote.Image: %v", brief(err))
	}
	d, err := got.Digest()
	if err != nil {
		t.Fatalf("the pulled image's digest: %v", brief(err))
	}
	want, _ := img.Digest()
	if d != want {
		t.Errorf("pulled image %s, pushed %s", d, want)
	}
	p.Digest = d.String()
	if p.Manifest, err = got.Size(); err != nil {
		t.Fatal(err)
	}
	layers, err := got.Layers()
	if err != nil {
		t.Fatalf("the pulled image's layers: %v", brief(err))
	}
	for _, l := range layers {
		ld, _ := l.Digest()
		p.Layers = append(p.Layers, ld.String())
	}
	rc, err := layers[0].Compressed() // checked against its digest as it is read
	if err != nil {
		t.Fatalf("pulling the first layer: %v", brief(err))
	}
	b, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatalf("pulling the first layer: %v", brief(err))
	}
	if d := diffBytes(b, randomBytes(40<<10, 1)); d != "" {
		t.Errorf("the first layer: %s", d)
	}
	p.Layer0 = digestOf(b)
	return p
}

// TestGGCRPush pushes an image of three layers to a registry over TLS,
// one upload at a time, and pulls it back.
func TestGGCRPush(t *testing.T) { testGGCRPush(t, "ggcr/push", lifecycle{}) }

func testGGCRPush(t *testing.T, name string, how lifecycle) {
	img := image(t, 3)
	recordRerecord(t, name, registry(false), how, func(t *testing.T, hc *http.Client, endpoint string) pushed {
		return pushPull(t, hc, endpoint, img, 1)
	})
}

// TestGGCRPushParallel pushes an image of six layers with
// go-containerregistry's default of four uploads at once. The requests that
// open the uploads are identical and receive different Locations; replayed
// in another order, each caller must still continue its own upload. It
// replays 20 times.
func TestGGCRPushParallel(t *testing.T) {
	img := image(t, 6)
	recordRerecord(t, "ggcr/push_parallel", registry(false), lifecycle{replays: 20}, func(t *testing.T, hc *http.Client, endpoint string) pushed {
		return pushPull(t, hc, endpoint, img, 4)
	})
}

// TestGGCRPushInsecureFallback pushes to a registry that speaks plain HTTP
// on loopback: go-containerregistry tries https:// first, gets a plain-HTTP
// answer and falls back to http://. The server answered: that is no
// outage, and the passing recording is saved.
func TestGGCRPushInsecureFallback(t *testing.T) {
	img := image(t, 2)
	recordRerecord(t, "ggcr/push_insecure", registry(true), lifecycle{}, func(t *testing.T, hc *http.Client, endpoint string) pushed {
		return pushPull(t, hc, endpoint, img, 1, name.Insecure)
	})
}
