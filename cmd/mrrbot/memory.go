package main

import (
	"math"
	"runtime/debug"
	"strconv"
	"strings"
)

// memoryLimit is the memory mrrbot may use, in bytes, 0 for no limit: the
// GOMEMLIMIT of its environment (the deploy files set it a little under
// the container's limit), or the limit the runtime runs with.
func (c *cli) memoryLimit() int64 {
	if v := strings.TrimSpace(c.getenv("GOMEMLIMIT")); v != "" && v != "off" {
		if n, ok := parseMemLimit(v); ok {
			return n
		}
	}
	if n := debug.SetMemoryLimit(-1); n != math.MaxInt64 {
		return n
	}
	return 0
}

// parseMemLimit reads a GOMEMLIMIT value: a number of bytes, optionally
// with the unit B, KiB, MiB, GiB or TiB, as the Go runtime reads it.
func parseMemLimit(s string) (int64, bool) {
	units := []struct {
		suffix string
		shift  uint
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}}
	shift := uint(0)
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			s, shift = n, u.shift
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64>>shift {
		return 0, false
	}
	return n << shift, true
}
