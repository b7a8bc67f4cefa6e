package engine

import (
	"math"
	"testing"
)

// TestBoxNumber: integral numbers from 1 below smallNumberCount come from
// shared boxes without allocating; every other number gets a box of its
// own; the value is always the number given.
func TestBoxNumber(t *testing.T) {
	for _, f := range []float64{1, 2, 7, 10_000, smallNumberCount - 1} {
		if got := boxNumber(f); got != f {
			t.Fatalf("boxNumber(%v) = %v", f, got)
		}
		if n := leastAllocs(10, func() { _ = boxNumber(f) }); n != 0 {
			t.Errorf("boxNumber(%v) allocates %v times", f, n)
		}
	}
	for _, f := range []float64{0.5, 1.5, -1, smallNumberCount, 1e300, math.SmallestNonzeroFloat64} {
		if got := boxNumber(f); got != f {
			t.Fatalf("boxNumber(%v) = %v", f, got)
		}
	}
	// 0 and -0 keep their sign (Go boxes a zero without allocating).
	if got := boxNumber(math.Copysign(0, -1)).(float64); !math.Signbit(got) {
		t.Error("-0 lost its sign")
	}
	if got := boxNumber(0).(float64); math.Signbit(got) || got != 0 {
		t.Errorf("boxNumber(0) = %v", got)
	}
}
