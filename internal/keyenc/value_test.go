package keyenc

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"
)

func TestAppendValueTypes(t *testing.T) {
	when := time.Date(2001, 2, 3, 4, 5, 6, 7, time.UTC)
	tests := []struct {
		name string
		in   any
		want []byte
	}{
		{"nil", nil, AppendNull(nil)},
		{"bool", true, AppendBool(nil, true)},
		{"float64", 1.5, AppendNumber(nil, 1.5)},
		{"float32", float32(1.5), AppendNumber(nil, 1.5)},
		{"int", -3, AppendNumber(nil, -3)},
		{"int8", int8(-3), AppendNumber(nil, -3)},
		{"int16", int16(300), AppendNumber(nil, 300)},
		{"int32", int32(-70000), AppendNumber(nil, -70000)},
		{"int64", int64(1 << 40), AppendNumber(nil, 1<<40)},
		{"uint", uint(3), AppendNumber(nil, 3)},
		{"uint8", uint8(255), AppendNumber(nil, 255)},
		{"uint16", uint16(65535), AppendNumber(nil, 65535)},
		{"uint32", uint32(1 << 31), AppendNumber(nil, 1<<31)},
		{"uint64", uint64(math.MaxUint64), AppendNumber(nil, math.MaxUint64)},
		{"string", "x", AppendString(nil, "x")},
		{"time", when, AppendTime(nil, when)},
		{"bytes", []byte("x"), AppendBytes(nil, []byte("x"))},
		{"nil bytes", []byte(nil), AppendBytes(nil, []byte{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendValue([]byte{1}, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if want := append([]byte{1}, tt.want...); !bytes.Equal(got, want) {
				t.Fatalf("AppendValue(%#v) = %x, want %x", tt.in, got, want)
			}
		})
	}
}

func TestAppendValueUnsupported(t *testing.T) {
	type myString string
	s := "x"
	tests := []struct {
		name string
		in   any
	}{
		{"named string", myString("x")},
		{"pointer", &s},
		{"map", map[string]any{}},
		{"slice of any", []any{1}},
		{"struct", struct{}{}},
		{"complex", complex(1, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendValue([]byte{1}, tt.in)
			if !errors.Is(err, ErrUnsupportedType) {
				t.Fatalf("err = %v, want ErrUnsupportedType", err)
			}
			if !bytes.Equal(got, []byte{1}) {
				t.Fatalf("buffer modified on error: %x", got)
			}
		})
	}
}

func TestDecodeCorrupt(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"unknown tag", []byte{0x01}},
		{"unknown high tag", []byte{0xFF}},
		{"truncated number", AppendNumber(nil, 1)[:5]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _, err := Decode(tt.in)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Decode(%x) err = %v, want ErrCorrupt", tt.in, err)
			}
			if v != nil {
				t.Fatalf("Decode(%x) value = %#v on error, want nil", tt.in, v)
			}
		})
	}
}

func TestDecodeAll(t *testing.T) {
	tuple := AppendString(AppendNumber(AppendNull(nil), 2), "z")
	tests := []struct {
		name    string
		in      []byte
		want    []any
		wantErr bool
	}{
		{"empty", nil, nil, false},
		{"tuple", tuple, []any{nil, 2.0, "z"}, false},
		{"trailing garbage", append(append([]byte(nil), tuple...), 0x01), nil, true},
		{"truncated last", tuple[:len(tuple)-1], nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeAll(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("err = %v, want ErrCorrupt", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
			for i := range got {
				if !sameValue(got[i], tt.want[i]) {
					t.Fatalf("element %d: got %#v, want %#v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	key := AppendString(AppendNumber(nil, 42), "customer@example.com")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		v, rest, err := Decode(key)
		if err != nil || v == nil {
			b.Fatal(err)
		}
		if _, _, err := Decode(rest); err != nil {
			b.Fatal(err)
		}
	}
}
