package keyenc

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

func TestUvarintBoundaries(t *testing.T) {
	tests := []struct {
		name string
		v    uint64
		n    int // encoded length
	}{
		{"zero", 0, 1},
		{"largest single byte", uvarintMaxSmall, 1},
		{"smallest two bytes", uvarintMaxSmall + 1, 2},
		{"255", 255, 2},
		{"256", 256, 3},
		{"65535", 65535, 3},
		{"65536", 65536, 4},
		{"2^56-1", 1<<56 - 1, 8},
		{"2^56", 1 << 56, 9},
		{"max", math.MaxUint64, MaxUvarintLen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := AppendUvarint([]byte{0xAA}, tt.v)[1:]
			if len(enc) != tt.n {
				t.Fatalf("len(enc(%d)) = %d (%x), want %d", tt.v, len(enc), enc, tt.n)
			}
			v, rest, err := DecodeUvarint(append(enc, 7))
			if err != nil || v != tt.v || !bytes.Equal(rest, []byte{7}) {
				t.Fatalf("DecodeUvarint(%x) = %d, %x, %v", enc, v, rest, err)
			}
			for n := 0; n < len(enc); n++ {
				if _, _, err := DecodeUvarint(enc[:n]); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("truncated %x: err = %v, want ErrCorrupt", enc[:n], err)
				}
			}
		})
	}
}

func TestUvarintPropertyOrder(t *testing.T) {
	r := newRand(t)
	randU := func() uint64 { return r.Uint64() >> r.UintN(64) }
	for i := 0; i < 50000; i++ {
		a, b := randU(), randU()
		ea, eb := AppendUvarint(nil, a), AppendUvarint(nil, b)
		want := 0
		if a < b {
			want = -1
		} else if a > b {
			want = 1
		}
		if got := bytes.Compare(ea, eb); got != want {
			t.Fatalf("a=%d b=%d: bytes.Compare(%x, %x) = %d, want %d", a, b, ea, eb, got, want)
		}
		if v, rest, err := DecodeUvarint(ea); err != nil || v != a || len(rest) != 0 {
			t.Fatalf("DecodeUvarint(%x) = %d, %x, %v; want %d", ea, v, rest, err, a)
		}
	}
}

func TestUvarintRejectsNonMinimal(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"small value in long form", []byte{uvarintLenBase, 5}},
		{"leading zero byte", []byte{uvarintLenBase + 1, 0x00, 0xFF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v, _, err := DecodeUvarint(tt.in); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("DecodeUvarint(%x) = %d, %v; want ErrCorrupt", tt.in, v, err)
			}
		})
	}
}
