package engine

import (
	"math"
	"testing"
	"time"

	"github.com/relstore/relstore/schema"
)

// TestCoerceValueKeepsConvertedValues: a value already of the declared type
// comes back as the same interface value, without an allocation; one that
// needs converting is converted.
func TestCoerceValueKeepsConvertedValues(t *testing.T) {
	utc := time.Date(2024, 5, 6, 7, 8, 9, 10e6, time.UTC)
	paris := time.FixedZone("CEST", 2*3600)
	cases := []struct {
		kind      schema.Kind
		in, want  any
		allocFree bool
	}{
		{schema.KindNumber, 42.5, 42.5, true},
		{schema.KindNumber, 42.0, 42.0, true}, // a shared box (boxNumber)
		{schema.KindNumber, "7", 7.0, false},
		{schema.KindString, "abc", "abc", true},
		{schema.KindString, 3.0, "3", false},
		{schema.KindDate, utc, utc, true},
		{schema.KindDate, utc.In(paris), utc, false},
		{schema.KindDate, time.Now(), nil, false}, // monotonic reading stripped
		{schema.KindObject, []any{1.0}, []any{1.0}, true},
		{schema.KindArray, []any{"x"}, []any{"x"}, true},
		{schema.KindBuffer, []byte("hi"), []byte("hi"), true},
	}
	for _, c := range cases {
		typ := schema.Type{Kind: c.kind}
		got, terr := coerceValue(nil, typ, c.in)
		if terr != nil {
			t.Fatalf("%s %#v: %v", c.kind, c.in, terr)
		}
		if c.want != nil && !sameJSON(got, c.want) {
			t.Errorf("%s %#v = %#v, want %#v", c.kind, c.in, got, c.want)
		}
		if tm, ok := got.(time.Time); ok && (tm.Location() != time.UTC || tm != tm.Round(0)) {
			t.Errorf("%s %#v = %#v, want UTC without a monotonic reading", c.kind, c.in, got)
		}
		if c.allocFree {
			if n := leastAllocs(20, func() { _, _ = coerceValue(nil, typ, c.in) }); n != 0 {
				t.Errorf("%s %#v: %v allocations, want 0", c.kind, c.in, n)
			}
		}
	}
}

func sameJSON(a, b any) bool {
	switch x := a.(type) {
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	case []byte:
		y, ok := b.([]byte)
		return ok && string(x) == string(y)
	}
	return looseEqualJSON(a, b)
}

// TestCoerceNumberID: a numeric id from a client comes back as the same
// number whatever its form — float64, int, int64, a string with spaces —
// and not at all when it names no number; a float64 keeps its box and a
// small integral one costs no allocation.
func TestCoerceNumberID(t *testing.T) {
	set := loadSet(t, `{"name": "N", "properties": {"id": {"type": "number", "id": true}}}`)
	ms := &modelState{m: set.Model("N"), idProps: set.Model("N").IDProperties()}
	tests := []struct {
		name string
		in   any
		want any
		ok   bool
	}{
		{"float64", 42.0, 42.0, true},
		{"fraction", 2.5, 2.5, true},
		{"large", 1e12, 1e12, true},
		{"int", 7, 7.0, true},
		{"int64", int64(300000), 300000.0, true},
		{"string", " 12 ", 12.0, true},
		{"string fraction", "0.5", 0.5, true},
		{"NaN", math.NaN(), nil, false},
		{"string NaN", "NaN", nil, false},
		{"string Inf", "Infinity", nil, false},
		{"empty string", "", nil, false},
		{"word", "abc", nil, false},
		{"bool", true, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ms.coerceID(tc.in)
			if ok != tc.ok || (ok && got != tc.want) {
				t.Fatalf("coerceID(%#v) = %#v, %v; want %#v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
	var id any = 123456.0
	if n := leastAllocs(100, func() { _, _ = ms.coerceID(id) }); n != 0 {
		t.Errorf("coerceID of a float64: %v allocations, want 0", n)
	}
	if n := leastAllocs(100, func() { _, _ = ms.coerceID("99") }); n != 0 {
		t.Errorf(`coerceID("99"): %v allocations, want 0`, n)
	}
}
