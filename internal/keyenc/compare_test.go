package keyenc

import (
	"math"
	"testing"
	"time"
)

func TestCompare(t *testing.T) {
	type opaque struct{}
	when := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		a, b any
		want int
	}{
		{"nil equal", nil, nil, 0},
		{"nil below false", nil, false, -1},
		{"false below true", false, true, -1},
		{"true below number", true, math.Inf(-1), -1},
		{"number below string", math.Inf(1), "", -1},
		{"string below date", "\xff", time.Time{}, -1},
		{"date below bytes", when, []byte(nil), -1},
		{"nil bytes equal empty", []byte(nil), []byte{}, 0},
		{"mixed numeric types", int8(-1), uint64(0), -1},
		{"float32 vs float64", float32(2), 1.5, 1},
		{"negative zero", math.Copysign(0, -1), 0, 0},
		{"NaN is null", math.NaN(), nil, 0},
		{"NaN below false", math.NaN(), false, -1},
		{"utf8 byte order", "\uffff", "\U0001F600", -1},
		{"prefix first", "ab", "abc", -1},
		{"dates by instant", when.In(time.FixedZone("e", 3600)), when, 0},
		{"dates ordered", when, when.Add(time.Nanosecond), -1},
		{"bytes", []byte{1}, []byte{0, 5}, 1},
		{"unsupported after bytes", opaque{}, []byte{0xff}, 1},
		{"unsupported equal", opaque{}, map[string]int{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Compare(tt.a, tt.b); got != tt.want {
				t.Fatalf("Compare(%#v, %#v) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := Compare(tt.b, tt.a); got != -tt.want {
				t.Fatalf("Compare(%#v, %#v) = %d, want %d", tt.b, tt.a, got, -tt.want)
			}
		})
	}
}
