package main

import (
	"bytes"
	"testing"

	"github.com/dvdrw/dvd/cassette"
)

// fuzzImport checks what import makes of data, read as name: no panic,
// and, when it reads, interactions that dvd writes and reads back, with
// nothing redaction removes left in them.
func fuzzImport(t *testing.T, name string, data []byte) {
	ins, err := parseImport(name, data, func(string, ...any) {}, nil)
	if err != nil {
		if err.Error() == "" {
			t.Fatal("an empty error")
		}
		return
	}
	b, err := cassette.Marshal(cassette.New(ins...))
	if err != nil {
		t.Fatalf("import read the file, but dvd cannot write what it made: %v", err)
	}
	back, err := cassette.Unmarshal(b)
	if err != nil {
		t.Fatalf("the cassette import made does not read back: %v", err)
	}
	if back.Len() != len(ins) {
		t.Fatalf("%d interactions read back, %d imported", back.Len(), len(ins))
	}
	// Redaction applied: applying it again changes nothing.
	again := back.Interactions()
	for i := range again {
		cassette.Redaction{}.Apply(&again[i])
	}
	if b2, err := cassette.Marshal(cassette.New(again...)); err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("the imported cassette was not redacted as dvd redacts (%v)", err)
	}
}

// FuzzImportGoVCR feeds go-vcr cassettes to import. The seeds are in
// testdata/fuzz/FuzzImportGoVCR: cassettes of go-vcr v1 to v4.
func FuzzImportGoVCR(f *testing.F) {
	f.Add([]byte(validGoVCR))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, "fuzz.yaml", data)
	})
}

// FuzzImportHAR feeds HAR files to import. The seeds are in
// testdata/fuzz/FuzzImportHAR: a browser's HAR and one dvd export wrote.
func FuzzImportHAR(f *testing.F) {
	f.Add([]byte(`{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[{"request":{"method":"GET","url":"http://a/?token=x","headers":[{"name":"authorization","value":"Bearer x"}]},"response":{"status":200,"content":{"text":"eyJhIjoxfQ==","encoding":"base64"}}}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, "fuzz.har", data)
	})
}
