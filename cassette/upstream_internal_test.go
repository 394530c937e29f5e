package cassette

import (
	"net/http"
	"reflect"
	"testing"
)

// The recorder's own upstream has the settings of net/http's default
// transport: a Go release that changes those fails here, and newUpstream
// follows.
func TestUpstreamHasTheDefaultTransportSettings(t *testing.T) {
	std, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t.Skipf("http.DefaultTransport is a %T in this process", http.DefaultTransport)
	}
	want, got := reflect.ValueOf(std).Elem(), reflect.ValueOf(newUpstream()).Elem()
	for i := range want.NumField() {
		f := want.Type().Field(i)
		switch f.Name {
		case "TLSClientConfig", "TLSNextProto":
			continue // filled in by the transport when it is first used
		}
		if !f.IsExported() {
			continue
		}
		w, g := want.Field(i), got.Field(i)
		if f.Type.Kind() == reflect.Func {
			// A func compares by its code: ProxyFromEnvironment, a
			// (*net.Dialer).DialContext, or nil.
			if w.IsNil() != g.IsNil() || !w.IsNil() && w.Pointer() != g.Pointer() {
				t.Errorf("Transport.%s differs from http.DefaultTransport's", f.Name)
			}
			continue
		}
		if !reflect.DeepEqual(w.Interface(), g.Interface()) {
			t.Errorf("Transport.%s = %v, http.DefaultTransport has %v", f.Name, g.Interface(), w.Interface())
		}
	}
}
