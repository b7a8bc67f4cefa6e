package filter

import (
	"math"
	"testing"
	"time"
)

func TestJSNumberString(t *testing.T) {
	a, b := 0.1, 0.2
	point3 := a + b // computed at run time: 0.30000000000000004
	cases := []struct {
		in   float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {1, "1"}, {-1.5, "-1.5"}, {10, "10"}, {123.456, "123.456"},
		{1e21, "1e+21"}, {1e20, "100000000000000000000"}, {123456789012345680000, "123456789012345680000"},
		{0.000001, "0.000001"}, {1e-7, "1e-7"}, {1.5e-10, "1.5e-10"}, {2.5e25, "2.5e+25"},
		{point3, "0.30000000000000004"}, {math.NaN(), "NaN"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"},
	}
	for _, c := range cases {
		if got := jsNumberString(c.in); got != c.want {
			t.Errorf("jsNumberString(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestJSStringToNumber(t *testing.T) {
	cases := []struct {
		in   string
		want float64 // NaN compared with IsNaN
	}{
		{"", 0}, {"  ", 0}, {"12", 12}, {" 12 ", 12}, {"1.5", 1.5}, {".5", 0.5}, {"5.", 5}, {"-3", -3}, {"+3", 3},
		{"1e3", 1000}, {"1E-2", 0.01}, {"0x1A", 26}, {"0b101", 5}, {"0o17", 15}, {"Infinity", math.Inf(1)}, {"-Infinity", math.Inf(-1)},
		{"abc", math.NaN()}, {"12abc", math.NaN()}, {"1_000", math.NaN()}, {"inf", math.NaN()}, {"NaN", math.NaN()},
		{"-0x1", math.NaN()}, {"0x", math.NaN()}, {"1e", math.NaN()}, {"\u00a012\ufeff", 12},
	}
	for _, c := range cases {
		got := jsStringToNumber(c.in)
		if got != c.want && !(math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("Number(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestJSLooseEqual(t *testing.T) {
	d := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		a, b any
		want bool
	}{
		{"null null", nil, nil, true},
		{"null undefined", nil, undefined, true},
		{"null zero", nil, 0.0, false},
		{"null empty string", nil, "", false},
		{"number string", 10.0, "10", true},
		{"number padded string", 10.0, " 10 ", true},
		{"zero empty string", 0.0, "", true},
		{"number true", 1.0, true, true},
		{"number false", 0.0, false, true},
		{"two true", 2.0, true, false},
		{"string true", "1", true, true},
		{"string word true", "true", true, false},
		{"false empty", false, "", true},
		{"strings", "a", "a", true},
		{"strings differ", "a", "A", false},
		{"NaN", math.NaN(), math.NaN(), false},
		{"array string", []any{"a", "b"}, "a,b", true},
		{"array one number", []any{5.0}, 5.0, true},
		{"object string", map[string]any{}, "[object Object]", true},
		{"date string", d, "Wed Jan 01 2020 00:00:00 GMT+0000 (Coordinated Universal Time)", true},
		{"date date not equal objects", d, d, false},
		{"buffer string", []byte("hi"), "hi", true},
		{"ints", 3, 3.0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := jsLooseEqual(c.a, c.b); got != c.want {
				t.Errorf("%v == %v: got %v", c.a, c.b, got)
			}
			if got := jsLooseEqual(c.b, c.a); got != c.want {
				t.Errorf("%v == %v (swapped): got %v", c.b, c.a, got)
			}
		})
	}
	if !valuesEqual(d, d.Add(0)) || valuesEqual(d, d.Add(time.Millisecond)) || !valuesEqual([]byte("a"), []byte("a")) {
		t.Error("valuesEqual on dates/buffers")
	}
}

func TestJSCompare(t *testing.T) {
	d := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		a, b any
		sign int
		ok   bool
	}{
		{"numbers", 1.0, 2.0, -1, true},
		{"number string", 10.0, "9", 1, true},
		{"number bad string", 10.0, "abc", 0, false},
		{"string number", "10", 9.0, 1, true},
		{"strings code units", "Zed", "alfred", -1, true},
		{"strings digits", "10", "9", -1, true},
		{"string equal", "a", "a", 0, true},
		{"string word number", "abc", 5.0, 0, false},
		{"booleans", true, false, 1, true},
		{"boolean number", true, 1.0, 0, true},
		{"dates", d, d.Add(time.Hour), -1, true},
		{"date number", d, float64(d.UnixMilli()), 0, true},
		{"null null", nil, nil, 0, true},
		{"null number", nil, 0.0, 0, false},
		{"number undefined", 1.0, undefined, 0, false},
		{"object equal string", map[string]any{}, "[object Object]", 0, true},
		{"object number", map[string]any{}, 1.0, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, ok := jsCompare(c.a, c.b)
			if s != c.sign || ok != c.ok {
				t.Errorf("compare(%v, %v) = %d %v, want %d %v", c.a, c.b, s, ok, c.sign, c.ok)
			}
		})
	}
}

func TestJSToString(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{undefined, "undefined"}, {nil, "null"}, {true, "true"}, {25.0, "25"}, {"s", "s"},
		{[]any{1.0, nil, []any{"a", "b"}}, "1,,a,b"}, {map[string]any{"a": 1.0}, "[object Object]"},
		{[]byte("hé"), "hé"}, {time.Date(2021, 6, 1, 13, 4, 5, 0, time.UTC), "Tue Jun 01 2021 13:04:05 GMT+0000 (Coordinated Universal Time)"},
	}
	for _, c := range cases {
		if got := jsToString(c.in); got != c.want {
			t.Errorf("String(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestJSONString(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{map[string]any{"b": 1.0, "a": "<&>"}, `{"a":"<&>","b":1}`},
		{[]any{math.NaN(), undefined, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, `[null,null,"2020-01-01T00:00:00.000Z"]`},
		{[]byte{1, 2}, `{"data":[1,2],"type":"Buffer"}`},
		{"\xff", "\"\uFFFD\""},
		{struct{}{}, `null`},
	}
	for _, c := range cases {
		if got := jsonString(c.in); got != c.want {
			t.Errorf("jsonString(%v) = %s, want %s", c.in, got, c.want)
		}
	}
}
