package engine

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/relstore/relstore/schema"
)

// Coercion follows LoopBack's property setters where they produce a sane
// value (a numeric string into a number, a number into a string, "true" and
// "1" into true) and refuses, with a 422, where LoopBack silently stores
// garbage (NaN for "abc" in a number, true for "maybe" in a boolean, an
// Invalid Date).

// Validation codes relstore adds to LoopBack's set, for values LoopBack would
// have stored as garbage.
const (
	codeNumber  = "number"
	codeBoolean = "boolean"
	codeDate    = "date"
	codeType    = "type"
)

type typeError struct{ code, msg string }

// coerceValue converts v to the declared type t. Null stays null. A value
// that needs no conversion is returned as v itself, the same interface
// value: re-wrapping a string, a number or a slice in a new interface would
// allocate a copy, per property of every record written.
func coerceValue(set *schema.Set, t schema.Type, v any) (any, *typeError) {
	if v == nil {
		return nil, nil
	}
	switch t.Kind {
	case schema.KindString:
		switch x := v.(type) {
		case string:
			return v, nil
		case float64:
			return formatNumber(x), nil
		case bool:
			return strconv.FormatBool(x), nil
		case time.Time:
			return formatDate(x), nil
		}
		return nil, &typeError{codeType, "is not a string"}
	case schema.KindNumber:
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, &typeError{codeNumber, "is not a number"}
			}
			if b, ok := sharedNumber(x); ok {
				return b, nil // the caller's box is left to the collector
			}
			return v, nil
		case int:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case string:
			s := strings.TrimSpace(x)
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || s == "" || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, &typeError{codeNumber, "is not a number"}
			}
			return f, nil
		}
		return nil, &typeError{codeNumber, "is not a number"}
	case schema.KindBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch x {
			case "true", "1":
				return true, nil
			case "false", "0":
				return false, nil
			}
		case float64:
			if x == 1 {
				return true, nil
			}
			if x == 0 {
				return false, nil
			}
		}
		return nil, &typeError{codeBoolean, "is not a boolean"}
	case schema.KindDate:
		if d, ok := toDate(v); ok {
			if x, isTime := v.(time.Time); isTime && x == d {
				return v, nil // already UTC, without a monotonic reading
			}
			return d, nil
		}
		return nil, &typeError{codeDate, "is not a valid date"}
	case schema.KindObject:
		switch x := v.(type) {
		case map[string]any, []any:
			return v, nil
		case string:
			var parsed any
			if err := json.Unmarshal([]byte(x), &parsed); err == nil {
				switch parsed.(type) {
				case map[string]any, []any:
					return parsed, nil
				}
			}
		}
		return nil, &typeError{codeType, "is not an object"}
	case schema.KindAny:
		return v, nil
	case schema.KindArray:
		arr, ok := v.([]any)
		if !ok {
			if s, isStr := v.(string); isStr {
				var parsed []any
				if err := json.Unmarshal([]byte(s), &parsed); err == nil {
					arr, ok = parsed, true
				}
			}
		}
		if !ok {
			return nil, &typeError{codeType, "is not an array"}
		}
		if t.Item == nil {
			if _, given := v.([]any); given {
				return v, nil
			}
			return arr, nil
		}
		out := make([]any, len(arr))
		for i, el := range arr {
			c, err := coerceValue(set, *t.Item, el)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case schema.KindGeoPoint:
		return coerceGeoPoint(v)
	case schema.KindBuffer:
		switch x := v.(type) {
		case []byte:
			return v, nil
		case string:
			return []byte(x), nil
		case map[string]any:
			if x["type"] == "Buffer" {
				if data, ok := x["data"].([]any); ok {
					return bytesFrom(data)
				}
			}
		case []any:
			return bytesFrom(x)
		}
		return nil, &typeError{codeType, "is not a buffer"}
	case schema.KindModel:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, &typeError{codeType, "is not an object"}
		}
		nm := set.Model(t.Model)
		if nm == nil {
			return obj, nil
		}
		out := make(map[string]any, len(obj))
		for k, e := range obj {
			p := nm.Property(k)
			if p == nil {
				if nm.Strict == schema.StrictFilter {
					continue
				}
				if nm.Strict == schema.StrictTrue {
					return nil, &typeError{"unknown-property", "contains property `" + k + "` that is not defined in the model"}
				}
				out[k] = e
				continue
			}
			c, err := coerceValue(set, p.Type, e)
			if err != nil {
				return nil, &typeError{err.code, "has property `" + k + "` that " + err.msg}
			}
			out[k] = c
		}
		return out, nil
	}
	return v, nil
}

func bytesFrom(data []any) (any, *typeError) {
	b := make([]byte, len(data))
	for i, d := range data {
		f, ok := d.(float64)
		if !ok || f < 0 || f > 255 || f != math.Trunc(f) {
			return nil, &typeError{codeType, "is not a buffer"}
		}
		b[i] = byte(f)
	}
	return b, nil
}

func coerceGeoPoint(v any) (any, *typeError) {
	var lat, lng float64
	switch x := v.(type) {
	case map[string]any:
		la, ok1 := toFloat(x["lat"])
		ln, ok2 := toFloat(x["lng"])
		if !ok1 || !ok2 {
			return nil, &typeError{codeType, "is not a valid GeoPoint"}
		}
		lat, lng = la, ln
	case string:
		parts := strings.Split(x, ",")
		if len(parts) != 2 {
			return nil, &typeError{codeType, "is not a valid GeoPoint"}
		}
		la, ok1 := toFloat(strings.TrimSpace(parts[0]))
		ln, ok2 := toFloat(strings.TrimSpace(parts[1]))
		if !ok1 || !ok2 {
			return nil, &typeError{codeType, "is not a valid GeoPoint"}
		}
		lat, lng = la, ln
	case []any:
		if len(x) != 2 {
			return nil, &typeError{codeType, "is not a valid GeoPoint"}
		}
		la, ok1 := toFloat(x[0])
		ln, ok2 := toFloat(x[1])
		if !ok1 || !ok2 {
			return nil, &typeError{codeType, "is not a valid GeoPoint"}
		}
		lat, lng = la, ln
	default:
		return nil, &typeError{codeType, "is not a valid GeoPoint"}
	}
	if lat < -90 || lat > 90 || lng < -180 || lng > 180 {
		return nil, &typeError{codeType, "is not a valid GeoPoint (lat must be within -90..90, lng within -180..180)"}
	}
	return map[string]any{"lat": lat, "lng": lng}, nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

// dateLayouts are the date formats accepted for date properties, tried in
// order; a layout without a zone is read as UTC (as JavaScript reads
// date-only forms).
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
	"2006-01",
	"2006",
	time.RFC1123Z,
	time.RFC1123,
	"Mon Jan 02 2006 15:04:05 GMT-0700",
}

// toDate converts a date, an ISO-8601 string or a number of milliseconds
// since the epoch into a UTC time with millisecond precision.
func toDate(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 8.64e15 {
			return time.Time{}, false
		}
		return time.UnixMilli(int64(x)).UTC(), true
	case string:
		s := strings.TrimSpace(x)
		for _, layout := range dateLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC().Truncate(time.Millisecond), true
			}
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && s != "" {
			return toDate(f)
		}
	}
	return time.Time{}, false
}

// formatDate renders a date as JavaScript's toISOString does.
func formatDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// formatNumber renders a number as JavaScript's String(n) does for the
// common cases (integers without a fraction, otherwise the shortest form).
func formatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// blank reports LoopBack's notion of a blank value for `required`.
func blank(v any, present bool) bool {
	if !present || v == nil {
		return true
	}
	switch x := v.(type) {
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case float64:
		return math.IsNaN(x)
	}
	return false
}

// newID returns a random identifier for defaultFn uuid/guid/uuidv4
// (version-4 layout) or shortid/nanoid (n URL-safe characters).
func newID(fn string) string {
	switch fn {
	case "shortid", "nanoid":
		const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-"
		b := make([]byte, 9)
		_, _ = rand.Read(b)
		for i := range b {
			b[i] = alphabet[int(b[i])%len(alphabet)]
		}
		return string(b)
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// checkJSONSchema applies a property's jsonSchema constraints to a present,
// non-null value, adding failures to verr.
func checkJSONSchema(verr *ValidationError, p *schema.Property, v any) {
	js := p.JSONSchema
	if js == nil || v == nil {
		return
	}
	fail := func(keyword, msg string) {
		if custom := errorMessageFor(js.ErrorMessage, keyword); custom != "" {
			msg = custom
		}
		verr.Add(p.Name, keyword, msg, v)
	}
	if s, ok := v.(string); ok {
		n := utf8.RuneCountInString(s)
		if js.MinLength != nil && n < *js.MinLength {
			fail("minLength", "must NOT have fewer than "+strconv.Itoa(*js.MinLength)+" characters")
		}
		if js.MaxLength != nil && n > *js.MaxLength {
			fail("maxLength", "must NOT have more than "+strconv.Itoa(*js.MaxLength)+" characters")
		}
		if js.Pattern != "" {
			if re, err := regexp.Compile(js.Pattern); err == nil && !re.MatchString(s) {
				fail("pattern", "must match pattern \""+js.Pattern+"\"")
			}
		}
		if js.Format != "" && !checkFormat(js.Format, s) {
			fail("format", "must match format \""+js.Format+"\"")
		}
	}
	if f, ok := v.(float64); ok {
		if js.Minimum != nil && f < *js.Minimum {
			fail("minimum", "must be >= "+formatNumber(*js.Minimum))
		}
		if js.Maximum != nil && f > *js.Maximum {
			fail("maximum", "must be <= "+formatNumber(*js.Maximum))
		}
	}
	if len(js.Enum) > 0 {
		found := false
		for _, e := range js.Enum {
			if looseEqualJSON(e, v) {
				found = true
			}
		}
		if !found {
			fail("enum", "must be equal to one of the allowed values")
		}
	}
}

func looseEqualJSON(a, b any) bool {
	ab, _ := json.Marshal(a)
	bb, _ := json.Marshal(b)
	return string(ab) == string(bb)
}

func errorMessageFor(em any, keyword string) string {
	switch x := em.(type) {
	case string:
		return x
	case map[string]any:
		if s, ok := x[keyword].(string); ok {
			return s
		}
	}
	return ""
}

var (
	reEmail = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
	reUUID  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	reURI   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$`)
	reDate  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	reIPv4  = regexp.MustCompile(`^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$`)
)

// checkFormat validates the common JSON Schema formats; unknown formats
// pass (as AJV does with unknownFormats ignored).
func checkFormat(format, s string) bool {
	switch format {
	case "email":
		return reEmail.MatchString(s)
	case "uuid":
		return reUUID.MatchString(s)
	case "uri", "url":
		return reURI.MatchString(s)
	case "date":
		if !reDate.MatchString(s) {
			return false
		}
		_, err := time.Parse("2006-01-02", s)
		return err == nil
	case "date-time":
		_, err := time.Parse(time.RFC3339Nano, s)
		return err == nil
	case "ipv4":
		m := reIPv4.FindStringSubmatch(s)
		if m == nil {
			return false
		}
		for _, part := range m[1:] {
			if n, _ := strconv.Atoi(part); n > 255 {
				return false
			}
		}
		return true
	}
	return true
}
