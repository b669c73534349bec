package store

import (
	"strconv"
	"testing"
)

func itoa(n int64) string   { return strconv.FormatInt(n, 10) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// propertySeeds is how many seeds a property test runs: 6, or 2 with
// -short (make test; make test-full runs all 6).
func propertySeeds() uint64 {
	if testing.Short() {
		return 2
	}
	return 6
}
