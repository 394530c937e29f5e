module github.com/dvdrw/dvd/cmd/dvd

go 1.25.0

replace github.com/dvdrw/dvd => ../..
