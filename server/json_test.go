package server

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

type marshalerValue struct{}

func (marshalerValue) MarshalJSON() ([]byte, error) { return []byte(`"custom"`), nil }

func TestAppendJSON(t *testing.T) {
	date := time.Date(1965, 8, 1, 2, 3, 4, 5_678_000, time.FixedZone("X", 3600))
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, `null`},
		{"string", "a\"b\\c\n\t\x01<&>", `"a\"b\\c\n\t\u0001<&>"`},
		{"unicode kept", "é漢😀", `"é漢😀"`},
		{"line separators escaped", "a\u2028b\u2029", `"a\u2028b\u2029"`},
		{"invalid utf8 replaced", "a\xffb", `"a\ufffdb"`},
		{"integer float", 412.0, `412`},
		{"fraction", 1.5, `1.5`},
		{"negative zero", math.Copysign(0, -1), `0`},
		{"NaN is null", math.NaN(), `null`},
		{"+Inf is null", math.Inf(1), `null`},
		{"-Inf is null", math.Inf(-1), `null`},
		{"small uses exponent like JS", 1e-7, `1e-7`},
		{"1e-6 plain", 0.000001, `0.000001`},
		{"big uses exponent like JS", 1e21, `1e+21`},
		{"below 1e21 plain", 1e20, `100000000000000000000`},
		{"int", 42, `42`},
		{"int64", int64(-7), `-7`},
		{"bool", true, `true`},
		{"date in UTC with millis", date, `"1965-08-01T01:03:04.005Z"`},
		{"date pointer", &date, `"1965-08-01T01:03:04.005Z"`},
		{"buffer", []byte{1, 2, 255}, `{"type":"Buffer","data":[1,2,255]}`},
		{"empty buffer", []byte{}, `{"type":"Buffer","data":[]}`},
		{"map keys sorted", map[string]any{"b": 1.0, "a": []any{"x", nil}}, `{"a":["x",null],"b":1}`},
		{"nested dates and NaN", map[string]any{"d": []any{date}, "n": math.NaN()}, `{"d":["1965-08-01T01:03:04.005Z"],"n":null}`},
		{"records", []map[string]any{{"id": 1.0}, {"id": 2.0}}, `[{"id":1},{"id":2}]`},
		{"empty records", []map[string]any{}, `[]`},
		{"nil map", map[string]any(nil), `null`},
		{"string slice by reflection", []string{"a", "b"}, `["a","b"]`},
		{"string map by reflection", map[string]int{"z": 1, "y": 2}, `{"y":2,"z":1}`},
		{"marshaler", marshalerValue{}, `"custom"`},
		{"json.Number", json.Number("12.50"), `12.50`},
		{"struct falls back to encoding/json", struct {
			A int `json:"a"`
		}{3}, `{"a":3}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := string(appendJSON(nil, tc.in))
			if got != tc.want {
				t.Fatalf("appendJSON(%#v) = %s, want %s", tc.in, got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("not valid JSON: %s", got)
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		wantBody string
	}{
		{"GET has a body", http.MethodGet, `{"count":1}`},
		{"HEAD has none", http.MethodHead, ``},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(tc.method, "/api/X", nil)
			writeJSON(w, r, http.StatusCreated, map[string]any{"count": 1})
			if w.Code != http.StatusCreated {
				t.Errorf("status %d", w.Code)
			}
			if ct := w.Header().Get("Content-Type"); ct != contentTypeJSON {
				t.Errorf("Content-Type %q", ct)
			}
			if w.Body.String() != tc.wantBody {
				t.Errorf("body %q, want %q", w.Body.String(), tc.wantBody)
			}
		})
	}
}
