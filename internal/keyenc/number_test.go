package keyenc

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

// TestNumberOrderEdgeCases: a hand-sorted list of numbers must encode in
// strictly increasing order.
func TestNumberOrderEdgeCases(t *testing.T) {
	ordered := []float64{
		math.Inf(-1), -math.MaxFloat64, -1e300, math.MinInt64, -(1 << 53), -math.Pi, -1, -0.5,
		-0x1p-1022, -math.SmallestNonzeroFloat64, 0,
		math.SmallestNonzeroFloat64, 0x1p-1022, 1e-300, 0.5, 1, math.Pi,
		1 << 53, 1<<53 + 2, math.MaxInt64, math.MaxUint64, 1e300, math.MaxFloat64, math.Inf(1),
	}
	for i := 1; i < len(ordered); i++ {
		a, b := AppendNumber(nil, ordered[i-1]), AppendNumber(nil, ordered[i])
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("enc(%g)=%x not below enc(%g)=%x", ordered[i-1], a, ordered[i], b)
		}
	}
}

func TestNumberEncoding(t *testing.T) {
	negZero := math.Copysign(0, -1)
	tests := []struct {
		name string
		a, b any
	}{
		{"negative zero is zero", negZero, 0.0},
		{"int and float agree", 42, 42.0},
		{"int64 and uint8 agree", int64(7), uint8(7)},
		{"float32 widened", float32(0.5), 0.5},
		{"MinInt64 is -2^63", int64(math.MinInt64), -0x1p63},
		{"NaN is null", math.NaN(), nil},
		{"float32 NaN is null", float32(math.NaN()), nil},
		{"int beyond 2^53 rounds like float64", int64(1<<53 + 1), float64(1 << 53)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ea, eb := encode(t, tt.a), encode(t, tt.b)
			if !bytes.Equal(ea, eb) {
				t.Fatalf("enc(%#v)=%x != enc(%#v)=%x", tt.a, ea, tt.b, eb)
			}
			if c := Compare(tt.a, tt.b); c != 0 {
				t.Fatalf("Compare(%#v, %#v) = %d, want 0", tt.a, tt.b, c)
			}
		})
	}
	if got := AppendNumber(nil, math.NaN()); !bytes.Equal(got, []byte{TagNull}) {
		t.Fatalf("AppendNumber(NaN) = %x, want null", got)
	}
	if got := AppendNumber(nil, 1); len(got) != 1+numberSize || got[0] != TagNumber {
		t.Fatalf("AppendNumber(1) = %x, want tag + %d bytes", got, numberSize)
	}
}

func TestDecodeNumberRejectsNonCanonical(t *testing.T) {
	tests := []struct {
		name string
		bits uint64 // raw payload
	}{
		{"negative zero", ^math.Float64bits(math.Copysign(0, -1))},
		{"positive NaN", math.Float64bits(math.NaN()) | signBit},
		{"negative NaN", ^(math.Float64bits(math.NaN()) | signBit)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := append([]byte{TagNumber}, 0, 0, 0, 0, 0, 0, 0, 0)
			for i := 0; i < 8; i++ {
				b[1+i] = byte(tt.bits >> (56 - 8*i))
			}
			if v, _, err := Decode(b); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Decode(%x) = %#v, %v; want ErrCorrupt", b, v, err)
			}
		})
	}
}

func BenchmarkAppendNumber(b *testing.B) {
	buf := make([]byte, 0, 64)
	f := 12345.678
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = AppendNumber(buf[:0], f)
	}
}

// TestAppendNumberAllocs: encoding a number into an empty slice allocates
// once (the tag and the eight bytes together), and not at all into one
// with room.
func TestAppendNumberAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = AppendNumber(nil, 42) }); n != 1 {
		t.Errorf("AppendNumber(nil, 42): %v allocations, want 1", n)
	}
	buf := make([]byte, 0, numberLen)
	if n := testing.AllocsPerRun(100, func() { _ = AppendNumber(buf[:0], 42) }); n != 0 {
		t.Errorf("AppendNumber into a %d-byte buffer: %v allocations, want 0", numberLen, n)
	}
}
