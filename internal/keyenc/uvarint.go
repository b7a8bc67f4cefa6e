package keyenc

import (
	"encoding/binary"
	"math/bits"
)

// Uvarint layout: values up to uvarintMaxSmall are one byte holding the
// value; larger values are a length byte uvarintLenBase+n-1 followed by the
// value in n big-endian bytes (n = 1..8, minimal). Longer values have larger
// length bytes, so the encoding sorts by value.
const (
	uvarintMaxSmall = 0xF7
	uvarintLenBase  = 0xF8
)

// MaxUvarintLen is the longest encoding AppendUvarint produces, in bytes.
const MaxUvarintLen = 9

// AppendUvarint appends an order-preserving, self-delimiting encoding of v:
// one byte for v <= 247, at most MaxUvarintLen bytes otherwise. It has no
// type tag; it is meant for model, index and sequence ids inside keys.
func AppendUvarint(b []byte, v uint64) []byte {
	if v <= uvarintMaxSmall {
		return append(b, byte(v))
	}
	n := (bits.Len64(v) + 7) / 8
	b = append(b, byte(uvarintLenBase+n-1))
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// DecodeUvarint decodes a value written by AppendUvarint from the start of
// b and returns it with the rest of b (which aliases b). It returns
// ErrCorrupt if b is empty, truncated or not minimally encoded.
func DecodeUvarint(b []byte) (v uint64, rest []byte, err error) {
	if len(b) == 0 {
		return 0, nil, corruptf("empty uvarint")
	}
	if b[0] <= uvarintMaxSmall {
		return uint64(b[0]), b[1:], nil
	}
	n := int(b[0]-uvarintLenBase) + 1
	if len(b) < 1+n {
		return 0, nil, corruptf("truncated uvarint")
	}
	var buf [8]byte
	copy(buf[8-n:], b[1:1+n])
	v = binary.BigEndian.Uint64(buf[:])
	if v <= uvarintMaxSmall || (bits.Len64(v)+7)/8 != n {
		return 0, nil, corruptf("non-minimal uvarint")
	}
	return v, b[1+n:], nil
}
