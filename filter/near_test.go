package filter

import (
	"math"
	"testing"
)

func TestGeoDistance(t *testing.T) {
	// Paris → London.
	cases := []struct {
		unit     string
		min, max float64
	}{
		{"kilometers", 343, 344},
		{"meters", 343000, 344000},
		{"miles", 213, 214},
		{"feet", 1126000, 1130000},
		{"radians", 0.0538, 0.0540},
		{"degrees", 3.08, 3.10},
	}
	for _, c := range cases {
		t.Run(c.unit, func(t *testing.T) {
			d := GeoDistance(48.8566, 2.3522, 51.5074, -0.1278, c.unit)
			if d < c.min || d > c.max {
				t.Errorf("distance %v %s, want in [%v, %v]", d, c.unit, c.min, c.max)
			}
		})
	}
	if d := GeoDistance(1, 2, 1, 2, "miles"); d != 0 {
		t.Errorf("same point: %v", d)
	}
	if d := GeoDistance(0, 0, 0, 180, "radians"); math.Abs(d-math.Pi) > 1e-9 {
		t.Errorf("antipodes: %v", d)
	}
	if !math.IsNaN(GeoDistance(0, 0, 1, 1, "parsecs")) {
		t.Error("unknown unit must give NaN")
	}
}

func TestGeoPoint(t *testing.T) {
	cases := []struct {
		name     string
		in       any
		lat, lng float64
		ok       bool
	}{
		{"object", map[string]any{"lat": 1.5, "lng": -2.0}, 1.5, -2, true},
		{"object strings", map[string]any{"lat": "1.5", "lng": " 2"}, 1.5, 2, true},
		{"array", []any{10.0, 20.0}, 10, 20, true},
		{"string", "10, 20", 10, 20, true},
		{"lat out of range", map[string]any{"lat": 91.0, "lng": 0.0}, 0, 0, false},
		{"lng out of range", []any{0.0, -181.0}, 0, 0, false},
		{"missing lng", map[string]any{"lat": 1.0}, 0, 0, false},
		{"empty string coordinate", map[string]any{"lat": "", "lng": 1.0}, 0, 0, false},
		{"three values", []any{1.0, 2.0, 3.0}, 0, 0, false},
		{"bad string", "1;2", 0, 0, false},
		{"null", nil, 0, 0, false},
		{"number", 5.0, 0, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lat, lng, ok := geoPoint(c.in)
			if ok != c.ok || lat != c.lat || lng != c.lng {
				t.Errorf("got %v %v %v, want %v %v %v", lat, lng, ok, c.lat, c.lng, c.ok)
			}
		})
	}
}

func TestNearSpec_Bounds(t *testing.T) {
	spec := &NearSpec{Lat: 0, Lng: 0, MinDistance: 100, MaxDistance: 200, Unit: "kilometers"}
	// One degree of longitude at the equator is ~111.2 km.
	for lng, want := range map[float64]bool{0.5: false, 1: true, 1.7: true, 2: false} {
		if got := spec.match([]any{0.0, lng}); got != want {
			t.Errorf("lng %v: got %v, want %v", lng, got, want)
		}
	}
	if got := spec.String(); got != "near(0,0 max=200 min=100 kilometers)" {
		t.Errorf("String() = %s", got)
	}
}
