package filter

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/relstore/relstore/schema"
)

// Coercion of where operands by the declared type of the property (juggler
// model-utils _coerce), with relstore's errors where LoopBack keeps an
// operand that can never match or crashes:
//
//   - number: numbers stay, numeric strings ("21", " 2e3 ", "0x1A", "")
//     become numbers as Number() does, booleans become 0/1; a non-numeric
//     string is INVALID_VALUE (LoopBack keeps the string, so the condition
//     silently matches nothing).
//   - boolean: true/false, "true"/"1", "false"/"0", 1/0; anything else is
//     INVALID_VALUE (LoopBack: Boolean(v), so "no" is true).
//   - date: RFC 3339/ISO 8601 strings (a date alone, a local time without
//     an offset is read as UTC), a few RFC 1123/ANSI forms, numbers as
//     milliseconds since the epoch; invalid → INVALID_VALUE (LoopBack: 500).
//   - string: strings stay, numbers and booleans become their JavaScript
//     string form (String(v)).
//   - other kinds (object, any, buffer, geopoint, model) and dynamic
//     properties: the value is kept as given.
//
// nil (null) always stays nil.

// coerceScalar coerces one operand by t (nil: untyped). It returns a
// description of the problem when the value cannot be coerced.
func coerceScalar(t *schema.Type, v any) (any, string) {
	v = normalizeNumber(v)
	if v == nil || t == nil {
		return v, ""
	}
	switch t.Kind {
	case schema.KindNumber:
		switch x := v.(type) {
		case float64:
			return x, ""
		case bool:
			return jsToNumber(x), ""
		case string:
			f := jsStringToNumber(x)
			if math.IsNaN(f) {
				return nil, fmt.Sprintf("%s is not a number", jsonString(x))
			}
			return f, ""
		}
		return nil, fmt.Sprintf("%s is not a number", jsonString(v))
	case schema.KindBoolean:
		switch x := v.(type) {
		case bool:
			return x, ""
		case string:
			switch x {
			case "true", "1":
				return true, ""
			case "false", "0":
				return false, ""
			}
		case float64:
			switch x {
			case 1:
				return true, ""
			case 0:
				return false, ""
			}
		}
		return nil, fmt.Sprintf("%s is not a boolean", jsonString(v))
	case schema.KindDate:
		switch x := v.(type) {
		case time.Time:
			return x, ""
		case string:
			if d, ok := parseDate(x); ok {
				return d, ""
			}
		case float64:
			if d, ok := dateFromMillis(x); ok {
				return d, ""
			}
		}
		return nil, fmt.Sprintf("%s is not a valid date", jsonString(v))
	case schema.KindString:
		switch x := v.(type) {
		case string:
			return x, ""
		case float64, bool:
			return jsToString(x), ""
		}
		return nil, fmt.Sprintf("%s is not a string", jsonString(v))
	}
	return v, ""
}

// maxDateMillis is JavaScript's time value range (TimeClip).
const maxDateMillis = 8.64e15

func dateFromMillis(ms float64) (time.Time, bool) {
	if math.IsNaN(ms) || math.IsInf(ms, 0) || math.Abs(ms) > maxDateMillis {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(ms)).UTC(), true // TimeClip truncates
}

var isoDate = regexp.MustCompile(`^([+-]\d{6}|\d{4})(?:-(\d{2})(?:-(\d{2}))?)?` +
	`(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$`)

// otherDateLayouts are non-ISO forms JavaScript's Date parser also reads.
var otherDateLayouts = []string{
	time.RFC1123, time.RFC1123Z, time.RFC850, time.ANSIC, time.UnixDate,
	"Mon Jan 02 2006 15:04:05 GMT-0700", "Mon Jan 02 2006",
	"Jan 2 2006", "Jan 2, 2006", "January 2, 2006", "2 January 2006",
	"2006/01/02", "2006/01/02 15:04:05", "01/02/2006",
}

// parseDate reads s as new Date(s) would, on a server whose time zone is
// UTC. ok is false for an invalid date.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if m := isoDate.FindStringSubmatch(s); m != nil {
		return isoParts(m)
	}
	if strings.HasSuffix(s, " (Coordinated Universal Time)") {
		s = strings.TrimSuffix(s, " (Coordinated Universal Time)")
	}
	for _, layout := range otherDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func isoParts(m []string) (time.Time, bool) {
	num := func(s string, def int) int {
		if s == "" {
			return def
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	year := num(m[1], 0)
	if m[1] == "-000000" {
		return time.Time{}, false
	}
	month, day := num(m[2], 1), num(m[3], 1)
	hour, minute, sec := num(m[4], 0), num(m[5], 0), num(m[6], 0)
	nsec := 0
	if m[7] != "" {
		frac := (m[7] + "000000000")[:9]
		nsec, _ = strconv.Atoi(frac)
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
		hour > 24 || minute > 59 || sec > 59 || (hour == 24 && (minute != 0 || sec != 0 || nsec != 0)) {
		return time.Time{}, false
	}
	loc := time.UTC
	if z := m[8]; z != "" && z != "Z" && z != "z" {
		sign := 1
		if z[0] == '-' {
			sign = -1
		}
		digits := strings.ReplaceAll(z[1:], ":", "")
		oh, om := num(digits[:2], 0), 0
		if len(digits) == 4 {
			om = num(digits[2:], 0)
		}
		if oh > 23 || om > 59 {
			return time.Time{}, false
		}
		loc = time.FixedZone("", sign*(oh*3600+om*60))
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc).UTC()
	return t, math.Abs(float64(t.UnixMilli())) <= maxDateMillis
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
