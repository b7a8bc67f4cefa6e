package filter

// This file reproduces the few pieces of JavaScript value semantics the
// juggler memory connector relies on: loose equality (==), the connector's
// compare(), ToNumber, ToString and Number#toString. Values are relstore's
// normalized record values (float64, string, bool, nil, time.Time, []byte,
// map[string]any, []any) plus the undefined marker for missing properties.
//
// Strings compare by Go byte order (UTF-8), which equals JavaScript's UTF-16
// code-unit order except between U+E000..U+FFFF and supplementary characters.

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// undefinedType marks a missing property (JavaScript undefined).
type undefinedType struct{}

var undefined = undefinedType{}

func isNullish(v any) bool {
	switch v.(type) {
	case nil, undefinedType:
		return true
	}
	return false
}

// normalizeNumber turns the Go numeric types a caller may hand over into
// float64; other values are returned unchanged.
func normalizeNumber(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int8:
		return float64(x)
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case uint:
		return float64(x)
	case uint8:
		return float64(x)
	case uint16:
		return float64(x)
	case uint32:
		return float64(x)
	case uint64:
		return float64(x)
	case float32:
		return float64(x)
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
		return string(x)
	}
	return v
}

// jsDecimal is JavaScript's StrDecimalLiteral (without Infinity).
var jsDecimal = regexp.MustCompile(`^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// jsStringToNumber is JavaScript's Number(string).
func jsStringToNumber(s string) float64 {
	s = strings.TrimFunc(s, func(r rune) bool {
		return r == '\uFEFF' || r == '\u00A0' || r == '\u2028' || r == '\u2029' || r == ' ' ||
			r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r' || (r >= '\u2000' && r <= '\u200A') ||
			r == '\u1680' || r == '\u202F' || r == '\u205F' || r == '\u3000'
	})
	switch s {
	case "":
		return 0
	case "Infinity", "+Infinity":
		return math.Inf(1)
	case "-Infinity":
		return math.Inf(-1)
	}
	if len(s) > 2 && s[0] == '0' {
		base := 0
		switch s[1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
		if base != 0 {
			var f float64
			for _, c := range s[2:] {
				d := digitValue(c)
				if d < 0 || d >= base {
					return math.NaN()
				}
				f = f*float64(base) + float64(d)
			}
			return f
		}
	}
	if !jsDecimal.MatchString(s) {
		return math.NaN()
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return math.NaN()
	}
	return f
}

func digitValue(c rune) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// jsNumberString is JavaScript's Number#toString() (radix 10).
func jsNumberString(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	sign := ""
	if f < 0 {
		sign = "-"
		f = -f
	}
	// Shortest round-trip digits: d.ddddde±x
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	k := len(digits)
	n := x + 1 // value = 0.digits × 10^n
	switch {
	case k <= n && n <= 21:
		return sign + digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return sign + digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return sign + "0." + strings.Repeat("0", -n) + digits
	}
	es := "+"
	if n-1 < 0 {
		es = "-"
	}
	ev := n - 1
	if ev < 0 {
		ev = -ev
	}
	if k == 1 {
		return sign + digits + "e" + es + strconv.Itoa(ev)
	}
	return sign + digits[:1] + "." + digits[1:] + "e" + es + strconv.Itoa(ev)
}

// jsDateString is JavaScript's Date#toString() on a UTC server.
func jsDateString(t time.Time) string {
	return t.UTC().Format("Mon Jan 02 2006 15:04:05") + " GMT+0000 (Coordinated Universal Time)"
}

// jsToString is JavaScript's String(v) (ToString after ToPrimitive).
func jsToString(v any) string {
	switch x := normalizeNumber(v).(type) {
	case undefinedType:
		return "undefined"
	case nil:
		return "null"
	case string:
		return x
	case float64:
		return jsNumberString(x)
	case bool:
		if x {
			return "true"
		}
		return "false"
	case time.Time:
		return jsDateString(x)
	case []byte:
		return strings.ToValidUTF8(string(x), "\uFFFD")
	case []any:
		var b strings.Builder
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if !isNullish(e) {
				b.WriteString(jsToString(e))
			}
		}
		return b.String()
	case map[string]any:
		return "[object Object]"
	}
	return "[object Object]"
}

// jsToPrimitive is JavaScript's ToPrimitive: objects become a number (a Date
// with the number hint) or a string; primitives are returned as they are.
func jsToPrimitive(v any, numberHint bool) any {
	switch x := normalizeNumber(v).(type) {
	case time.Time:
		if numberHint {
			return float64(x.UnixMilli())
		}
		return jsDateString(x)
	case []byte, []any, map[string]any:
		return jsToString(x)
	default:
		return x
	}
}

// jsToNumber is JavaScript's Number(v).
func jsToNumber(v any) float64 {
	switch x := jsToPrimitive(v, true).(type) {
	case undefinedType:
		return math.NaN()
	case nil:
		return 0
	case float64:
		return x
	case bool:
		if x {
			return 1
		}
		return 0
	case string:
		return jsStringToNumber(x)
	}
	return math.NaN()
}

func isObject(v any) bool {
	switch v.(type) {
	case time.Time, []byte, []any, map[string]any:
		return true
	}
	return false
}

// jsLooseEqual is JavaScript's == (Abstract Equality). Two objects are
// equal only when they are the same object, which never happens between an
// operand and a record value, so it reports false for them.
func jsLooseEqual(a, b any) bool {
	a, b = normalizeNumber(a), normalizeNumber(b)
	if isNullish(a) || isNullish(b) {
		return isNullish(a) && isNullish(b)
	}
	if isObject(a) && isObject(b) {
		return false
	}
	if isObject(a) {
		return jsLooseEqual(jsToPrimitive(a, false), b)
	}
	if isObject(b) {
		return jsLooseEqual(a, jsToPrimitive(b, false))
	}
	switch x := a.(type) {
	case float64:
		switch y := b.(type) {
		case float64:
			return x == y
		case string:
			return x == jsStringToNumber(y)
		case bool:
			return x == jsToNumber(y)
		}
	case string:
		switch y := b.(type) {
		case string:
			return x == y
		case float64:
			return jsStringToNumber(x) == y
		case bool:
			return jsStringToNumber(x) == jsToNumber(y)
		}
	case bool:
		switch y := b.(type) {
		case bool:
			return x == y
		default:
			return jsLooseEqual(jsToNumber(x), y)
		}
	}
	return false
}

// jsLess is JavaScript's a < b (Abstract Relational Comparison).
func jsLess(a, b any) bool {
	pa, pb := jsToPrimitive(a, true), jsToPrimitive(b, true)
	sa, aok := pa.(string)
	sb, bok := pb.(string)
	if aok && bok {
		return sa < sb
	}
	return jsToNumber(pa) < jsToNumber(pb)
}

// jsCompare is the memory connector's compare(val1, val2): the sign of the
// comparison, and ok false where JavaScript yields NaN (the values are not
// comparable: null against a value, a number against "abc", ...).
func jsCompare(a, b any) (sign int, ok bool) {
	a, b = normalizeNumber(a), normalizeNumber(b)
	if isNullish(a) || isNullish(b) {
		if isNullish(a) && isNullish(b) {
			return 0, true
		}
		return 0, false
	}
	var d float64
	switch x := a.(type) {
	case float64:
		d = x - jsToNumber(b)
	case bool:
		d = jsToNumber(x) - jsToNumber(b)
	case time.Time:
		if y, isTime := b.(time.Time); isTime {
			// Exact instant order (milliseconds in JavaScript).
			return x.Compare(y), true
		}
		d = float64(x.UnixMilli()) - jsToNumber(b)
	case string:
		switch {
		case jsLess(b, x):
			return 1, true
		case jsLess(x, b):
			return -1, true
		case jsLooseEqual(x, b):
			return 0, true
		}
		return 0, false
	default:
		if jsLooseEqual(a, b) {
			return 0, true
		}
		return 0, false
	}
	switch {
	case math.IsNaN(d):
		return 0, false
	case d > 0:
		return 1, true
	case d < 0:
		return -1, true
	}
	return 0, true
}

// valuesEqual is the equality of inq and nin: JavaScript ==, except that two
// dates are equal when they are the same instant (the memory connector
// compares Date objects by reference, so they never are) and two buffers
// when they hold the same bytes.
func valuesEqual(operand, value any) bool {
	if x, ok := operand.(time.Time); ok {
		if y, ok := value.(time.Time); ok {
			return x.Equal(y)
		}
	}
	if x, ok := operand.([]byte); ok {
		if y, ok := value.([]byte); ok {
			return bytes.Equal(x, y)
		}
	}
	return jsLooseEqual(operand, value)
}

// jsonString renders v as JSON.stringify would (used in messages where
// LoopBack prints %j). Object keys are sorted.
func jsonString(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(jsonable(v)); err != nil {
		return "null"
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// jsonable replaces values encoding/json cannot encode the way
// JSON.stringify does.
func jsonable(v any) any {
	switch x := normalizeNumber(v).(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000Z")
	case undefinedType:
		return nil
	case []byte:
		data := make([]any, len(x))
		for i, c := range x {
			data[i] = float64(c)
		}
		return map[string]any{"type": "Buffer", "data": data}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonable(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonable(e)
		}
		return out
	case string:
		if !utf8.ValidString(x) {
			return strings.ToValidUTF8(x, "\uFFFD")
		}
		return x
	case nil, bool:
		return x
	}
	return nil
}
