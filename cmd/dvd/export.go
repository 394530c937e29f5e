package main

import (
	"errors"
	"flag"
)

var exportCommand = &command{
	name:  "export",
	args:  "FILE...",
	short: "TODO",
	long:  "TODO",
	flags: func(fs *flag.FlagSet, e *env) func(args []string) error {
		return func(args []string) error { return errors.New("not built yet") }
	},
}
