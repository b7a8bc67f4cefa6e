package server

import (
	"encoding/json"
	"math"
	"math/rand/v2"
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

// TestAppendJSONTime: the direct formatting writes what the layout does,
// for random instants across years 0–9999 (and the layout's own output
// outside them), in any zone, with any sub-millisecond remainder.
func TestAppendJSONTime(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	lo := time.Date(-20, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(10020, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	zones := []*time.Location{time.UTC, time.FixedZone("x", -9*3600-1800), time.FixedZone("y", 14*3600)}
	cases := []time.Time{
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(1965, 8, 1, 1, 3, 4, 5_999_999, time.UTC),
	}
	for range 5000 {
		sec := lo + rng.Int64N(hi-lo)
		cases = append(cases, time.Unix(sec, rng.Int64N(1e9)).In(zones[rng.IntN(len(zones))]))
	}
	for _, tc := range cases {
		want := `"` + tc.UTC().Format(jsonTimeLayout) + `"`
		if got := string(appendJSONTime([]byte("x"), tc)); got != "x"+want {
			t.Fatalf("%v: %s, want x%s", tc, got, want)
		}
	}
}

// discardWriter is an http.ResponseWriter that keeps nothing.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// BenchmarkWriteJSON writes an include's answer: 1,000 orders (with a
// date) each with its customer, as the daemon answers Q4 of the
// benchmark workload (ten times smaller).
func BenchmarkWriteJSON(b *testing.B) {
	recs := make([]map[string]any, 1000)
	for i := range recs {
		recs[i] = map[string]any{
			"id": float64(i + 1), "customerId": float64(i%97 + 1), "total": float64(i) * 1.25, "status": "shipped",
			"createdAt": time.UnixMilli(1_700_000_000_000 + int64(i)*86_400_123).UTC(),
			"customer":  map[string]any{"id": float64(i%97 + 1), "name": "customer name", "age": 41.0, "city": "C7"},
		}
	}
	w := &discardWriter{h: http.Header{}}
	r := httptest.NewRequest(http.MethodGet, "/api/Orders", nil)
	b.ReportAllocs()
	for b.Loop() {
		writeJSON(w, r, http.StatusOK, recs)
	}
}
