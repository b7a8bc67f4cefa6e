package keyenc

import (
	"bytes"
	"strings"
	"time"
)

// Ranks of the value classes in the cross-type order.
const (
	rankNull = iota
	rankFalse
	rankTrue
	rankNumber
	rankString
	rankTime
	rankBytes
	rankUnsupported
)

// Compare returns -1, 0 or +1 as a is less than, equal to or greater than b
// in the order of the encodings: for every pair of values AppendValue
// accepts, Compare(a, b) == bytes.Compare(enc(a), enc(b)). It accepts the
// same Go types as AppendValue; numbers of different Go types compare by
// value after conversion to float64, NaN compares as null, and dates compare
// by instant. Values of unsupported types sort after every supported value
// and compare equal to each other. Compare never panics.
func Compare(a, b any) int {
	ra, rb := rank(a), rank(b)
	if ra != rb {
		if ra < rb {
			return -1
		}
		return 1
	}
	switch ra {
	case rankNumber:
		x, _ := toNumber(a)
		y, _ := toNumber(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case rankString:
		return strings.Compare(a.(string), b.(string))
	case rankTime:
		return compareTime(a.(time.Time), b.(time.Time))
	case rankBytes:
		return bytes.Compare(a.([]byte), b.([]byte))
	}
	return 0
}

// compareTime compares instants by wall clock, ignoring monotonic readings
// (which the encoding does not keep).
func compareTime(x, y time.Time) int {
	return x.Round(0).Compare(y.Round(0))
}

func rank(v any) int {
	switch x := v.(type) {
	case nil:
		return rankNull
	case bool:
		if x {
			return rankTrue
		}
		return rankFalse
	case string:
		return rankString
	case time.Time:
		return rankTime
	case []byte:
		return rankBytes
	}
	if f, ok := toNumber(v); ok {
		if f != f {
			return rankNull
		}
		return rankNumber
	}
	return rankUnsupported
}
