module github.com/dvdrw/dvd/cmd/dvd

go 1.25.0

replace github.com/dvdrw/dvd => ../..

require (
	github.com/dnaeon/go-vcr v1.2.0
	github.com/dnaeon/go-vcr/v2 v2.1.0
	github.com/dvdrw/dvd v0.0.0
	go.yaml.in/yaml/v4 v4.0.0
	gopkg.in/dnaeon/go-vcr.v3 v3.2.0
	gopkg.in/dnaeon/go-vcr.v4 v4.0.7
)

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/klauspost/cpuid/v2 v2.2.10 // indirect
	github.com/zeebo/xxh3 v1.1.0 // indirect
	golang.org/x/sys v0.30.0 // indirect
	gopkg.in/yaml.v2 v2.4.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
