package keyenc

import (
	"encoding/binary"
	"math"
	"slices"
)

const signBit = uint64(1) << 63

// AppendNumber appends the encoding of f. Numbers order by value; -0 is
// encoded as 0 and NaN is encoded as null (see the package documentation).
// It grows b at most once.
func AppendNumber(b []byte, f float64) []byte {
	if f != f { // NaN
		return AppendNull(b)
	}
	b = slices.Grow(b, numberLen)
	return binary.BigEndian.AppendUint64(append(b, TagNumber), numberBits(f))
}

// numberLen is the length of an encoded number: its tag and eight bytes.
const numberLen = 9

// numberBits maps f (not NaN) to a uint64 whose unsigned order is f's
// numeric order.
func numberBits(f float64) uint64 {
	if f == 0 {
		f = 0 // turns -0 into +0
	}
	u := math.Float64bits(f)
	if u&signBit != 0 {
		return ^u
	}
	return u | signBit
}

// decodeNumber decodes the payload after TagNumber.
func decodeNumber(b []byte) (float64, []byte, error) {
	if len(b) < numberSize {
		return 0, nil, corruptf("truncated number")
	}
	u := binary.BigEndian.Uint64(b)
	if u&signBit != 0 {
		u &^= signBit
	} else {
		u = ^u
	}
	f := math.Float64frombits(u)
	if f != f || (f == 0 && math.Signbit(f)) {
		return 0, nil, corruptf("non-canonical number")
	}
	return f, b[numberSize:], nil
}
