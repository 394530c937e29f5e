module github.com/dvdrw/dvd/bench/govcr

go 1.25.0

require github.com/dvdrw/dvd v0.0.0

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
	github.com/klauspost/cpuid/v2 v2.2.10 // indirect
	github.com/zeebo/xxh3 v1.1.0 // indirect
	go.yaml.in/yaml/v4 v4.0.0-rc.6
	golang.org/x/sys v0.30.0 // indirect
	gopkg.in/dnaeon/go-vcr.v4 v4.0.7
)

replace github.com/dvdrw/dvd => ../..
