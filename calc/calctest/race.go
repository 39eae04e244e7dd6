//go:build race

package calctest

// Race is whether the tests were built with the race detector.
const Race = true
