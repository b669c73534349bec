package store

import (
	"math"
	"testing"
)

// The bitmap is used only where the product of the key's parts fits it,
// and never where the product overflows.
func TestKeySpace(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		parts []int64
		size  int64
		fits  bool
	}{
		{"one BACI year", []int64{1, 227, 227, 5000, 1}, 257645000, true},
		{"the limit", []int64{1 << 15, 1 << 15}, keysetMaxBits, true},
		{"one over", []int64{keysetMaxBits + 1}, 0, false},
		{"a monthly file of every reporter", []int64{2, 250, 250, 7000, 13}, 0, false},
		{"a monthly file of one reporter", []int64{2, 1, 250, 7000, 13}, 45500000, true},
		{"overflow", []int64{math.MaxInt64, math.MaxInt64}, 0, false},
		{"an empty part", []int64{1, 0, 3}, 0, false},
		{"a negative part", []int64{-1, -1}, 0, false},
	} {
		size, fits := keySpace(c.parts...)
		if fits != c.fits || (fits && size != c.size) {
			t.Errorf("%s: keySpace(%v) = %d, %v; want %d, %v", c.name, c.parts, size, fits, c.size, c.fits)
		}
	}
}
