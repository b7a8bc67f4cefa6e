package filter

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// NearSpec is the operand of a near condition: {loc: {near: origin,
// maxDistance, minDistance, unit}}. Distances are great-circle distances
// (haversine) in Unit, as LoopBack's GeoPoint.distanceBetween computes them.
type NearSpec struct {
	Lat, Lng float64
	// MaxDistance and MinDistance bound the distance (inclusive); 0 means
	// no bound.
	MaxDistance float64
	MinDistance float64
	// Unit is one of the keys of EarthRadius; "miles" when not given.
	Unit string
}

// DefaultUnit is the distance unit of a near condition without unit.
const DefaultUnit = "miles"

// EarthRadius is the radius of the earth in each distance unit LoopBack
// accepts (juggler geo.js). "radians" and "degrees" give angular distances.
var EarthRadius = map[string]float64{
	"kilometers": 6370.99056,
	"meters":     6370990.56,
	"miles":      3958.75,
	"feet":       20902200,
	"radians":    1,
	"degrees":    180 / math.Pi,
}

// GeoDistance returns the haversine distance between two points given in
// degrees, in unit (a key of EarthRadius; an unknown unit yields NaN).
func GeoDistance(lat1, lng1, lat2, lng2 float64, unit string) float64 {
	r, ok := EarthRadius[unit]
	if !ok {
		return math.NaN()
	}
	const deg2rad = math.Pi / 180
	x1, y1, x2, y2 := lat1*deg2rad, lng1*deg2rad, lat2*deg2rad, lng2*deg2rad
	hav := func(a float64) float64 { s := math.Sin(a / 2); return s * s }
	f := math.Sqrt(hav(x2-x1) + math.Cos(x2)*math.Cos(x1)*hav(y2-y1))
	return 2 * math.Asin(math.Min(1, f)) * r
}

// String renders `near(lat,lng max=.. min=.. unit)`.
func (n *NearSpec) String() string {
	if n == nil {
		return "near(?)"
	}
	s := fmt.Sprintf("near(%s,%s", jsNumberString(n.Lat), jsNumberString(n.Lng))
	if n.MaxDistance > 0 {
		s += " max=" + jsNumberString(n.MaxDistance)
	}
	if n.MinDistance > 0 {
		s += " min=" + jsNumberString(n.MinDistance)
	}
	return s + " " + n.Unit + ")"
}

// Distance returns the distance from the origin of a near condition to the
// location the record holds at c.Path, and false when the record has no
// usable location (missing, null, not a point) or c is not a near
// condition. A location is {lat, lng}, [lat, lng] or "lat,lng".
func (c *Cond) Distance(rec map[string]any) (float64, bool) {
	if c == nil || c.Op != OpNear || c.Near == nil {
		return 0, false
	}
	v, ok := lookupPath(rec, c.Path)
	if !ok {
		return 0, false
	}
	lat, lng, ok := geoPoint(v)
	if !ok {
		return 0, false
	}
	return GeoDistance(c.Near.Lat, c.Near.Lng, lat, lng, c.Near.Unit), true
}

// matchNear reports whether loc is within the bounds of the near spec.
func (n *NearSpec) match(loc any) bool {
	lat, lng, ok := geoPoint(loc)
	if !ok {
		return false
	}
	d := GeoDistance(n.Lat, n.Lng, lat, lng, n.Unit)
	if math.IsNaN(d) {
		return false
	}
	if n.MinDistance > 0 && d < n.MinDistance {
		return false
	}
	if n.MaxDistance > 0 && d > n.MaxDistance {
		return false
	}
	return true
}

// geoPoint reads a location as LoopBack's GeoPoint constructor does: an
// object {lat, lng}, an array [lat, lng] or a string "lat,lng". Coordinates
// must be numbers (numeric strings are accepted) within range.
func geoPoint(v any) (lat, lng float64, ok bool) {
	var la, ln any
	switch x := v.(type) {
	case map[string]any:
		la, ln = x["lat"], x["lng"]
	case []any:
		if len(x) != 2 {
			return 0, 0, false
		}
		la, ln = x[0], x[1]
	case string:
		parts := strings.Split(x, ",")
		if len(parts) != 2 {
			return 0, 0, false
		}
		la, ln = strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
	default:
		return 0, 0, false
	}
	lat, ok1 := coordinate(la)
	lng, ok2 := coordinate(ln)
	if !ok1 || !ok2 || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
		return 0, 0, false
	}
	return lat, lng, true
}

func coordinate(v any) (float64, bool) {
	switch x := normalizeNumber(v).(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case string:
		if strings.TrimSpace(x) == "" {
			return 0, false
		}
		f := jsStringToNumber(x)
		return f, !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// parseNear builds a NearSpec from the operator object of a near condition.
// fail reports a problem with the clause.
func parseNear(ops map[string]any, fail func(detail string) error) (*NearSpec, error) {
	lat, lng, ok := geoPoint(ops["near"])
	if !ok {
		return nil, fail(fmt.Sprintf("near expects a point {lat, lng}, [lat, lng] or \"lat,lng\", got %s", jsonString(ops["near"])))
	}
	spec := &NearSpec{Lat: lat, Lng: lng, Unit: DefaultUnit}
	for _, key := range []string{"maxDistance", "minDistance"} {
		raw, ok := ops[key]
		if !ok || raw == nil {
			continue
		}
		var d float64
		switch x := normalizeNumber(raw).(type) {
		case float64:
			d = x
		case string:
			d = jsStringToNumber(x)
			if strings.TrimSpace(x) == "" {
				d = math.NaN()
			}
		default:
			d = math.NaN()
		}
		if math.IsNaN(d) || math.IsInf(d, 0) || d < 0 {
			return nil, fail(fmt.Sprintf("%s must be a non-negative number, got %s", key, jsonString(raw)))
		}
		if key == "maxDistance" {
			spec.MaxDistance = d
		} else {
			spec.MinDistance = d
		}
	}
	if raw, ok := ops["unit"]; ok && raw != nil {
		u, isStr := raw.(string)
		if _, known := EarthRadius[u]; !isStr || !known {
			return nil, fail(fmt.Sprintf("unknown distance unit %s (use miles, kilometers, meters, feet, radians or degrees)", jsonString(raw)))
		}
		spec.Unit = u
	}
	return spec, nil
}

// arrayIndex reports whether seg is a canonical non-negative integer.
func arrayIndex(seg string) (int, bool) {
	if seg == "" || (len(seg) > 1 && seg[0] == '0') {
		return 0, false
	}
	for _, c := range seg {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	i, err := strconv.Atoi(seg)
	return i, err == nil
}
