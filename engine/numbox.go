package engine

import (
	"math"
	"sync"
)

// smallNumberCount bounds the integral numbers kept boxed once
// (boxNumber): ids, foreign keys, counts and quantities below it.
const smallNumberCount = 1 << 17

// smallNumbers holds float64(i) boxed in an interface at index i, made on
// first use (3 MB).
var smallNumbers = sync.OnceValue(func() *[smallNumberCount]any {
	t := new([smallNumberCount]any)
	for i := range t {
		t[i] = float64(i)
	}
	return t
})

// boxNumber returns f in an interface: for an integral f in
// [1, smallNumberCount) the shared box from smallNumbers, allocating
// nothing, and a new box otherwise. A record's ids and foreign keys then
// cost no heap object each — less for the garbage collector to mark — and
// records that hold one value share its memory.
func boxNumber(f float64) any {
	if b, ok := sharedNumber(f); ok {
		return b
	}
	return f
}

// sharedNumber returns the shared box of f, when it has one (boxNumber).
func sharedNumber(f float64) (any, bool) {
	if f >= 1 && f < smallNumberCount && f == math.Trunc(f) {
		return smallNumbers()[int(f)], true
	}
	return nil, false
}
