//go:build !race

package govcr

const raceEnabled = false
