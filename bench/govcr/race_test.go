//go:build race

package govcr

const raceEnabled = true
