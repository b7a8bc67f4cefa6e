package server

import (
	"encoding/json"
	"math"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// jsonTimeLayout is how LoopBack (JavaScript's Date#toJSON) writes dates:
// UTC, millisecond precision.
const jsonTimeLayout = "2006-01-02T15:04:05.000Z"

// contentTypeJSON is the Content-Type of every JSON answer.
const contentTypeJSON = "application/json; charset=utf-8"

// AppendJSON appends v to b as JSON the way LoopBack writes it, as every
// response of the server is written (see appendJSON): dates as
// "2006-01-02T15:04:05.000Z", buffers as Node's Buffer JSON, map keys
// sorted, no HTML escaping. The relstore command writes exports with it.
func AppendJSON(b []byte, v any) []byte { return appendJSON(b, v) }

// appendJSON appends v to b as JSON the way LoopBack's toJSON and
// JSON.stringify write it:
//
//   - time.Time as "2006-01-02T15:04:05.000Z" (UTC, milliseconds);
//   - []byte as Node's Buffer JSON, {"type":"Buffer","data":[1,2,3]};
//   - NaN and ±Inf as null, -0 as 0, other numbers as JavaScript prints
//     them (no exponent between 1e-6 and 1e21);
//   - map keys sorted (clients must not depend on key order);
//   - strings without HTML escaping, invalid UTF-8 replaced by U+FFFD.
//
// Other types (structs, named types) are walked by reflection; a value
// with a MarshalJSON method uses it.
func appendJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendJSONString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case float64:
		return appendJSONNumber(b, x)
	case float32:
		return appendJSONNumber(b, float64(x))
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case uint64:
		return strconv.AppendUint(b, x, 10)
	case json.Number:
		return append(b, x...)
	case time.Time:
		return appendJSONTime(b, x)
	case *time.Time:
		if x == nil {
			return append(b, "null"...)
		}
		return appendJSONTime(b, *x)
	case []byte:
		return appendJSONBuffer(b, x)
	case map[string]any:
		if x == nil {
			return append(b, "null"...)
		}
		var small [16]string // most records: no allocation for the keys
		keys := small[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSON(b, x[k])
		}
		return append(b, '}')
	case []any:
		if x == nil {
			return append(b, "null"...)
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case []map[string]any:
		if x == nil {
			return append(b, "null"...)
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case json.Marshaler:
		raw, err := x.MarshalJSON()
		if err != nil {
			return append(b, "null"...)
		}
		return append(b, raw...)
	}
	return appendJSONReflect(b, reflect.ValueOf(v))
}

// appendJSONReflect handles the types appendJSON has no case for.
func appendJSONReflect(b []byte, rv reflect.Value) []byte {
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return append(b, "null"...)
		}
		return appendJSON(b, rv.Elem().Interface())
	case reflect.Map:
		if rv.IsNil() {
			return append(b, "null"...)
		}
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		keys := rv.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k.String())
			b = append(b, ':')
			b = appendJSON(b, rv.MapIndex(k).Interface())
		}
		return append(b, '}')
	case reflect.Slice:
		if rv.IsNil() {
			return append(b, "null"...)
		}
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return appendJSONBuffer(b, rv.Bytes())
		}
		fallthrough
	case reflect.Array:
		b = append(b, '[')
		for i := 0; i < rv.Len(); i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, rv.Index(i).Interface())
		}
		return append(b, ']')
	case reflect.String:
		return appendJSONString(b, rv.String())
	case reflect.Bool:
		return strconv.AppendBool(b, rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(b, rv.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return appendJSONNumber(b, rv.Float())
	case reflect.Invalid:
		return append(b, "null"...)
	}
	raw, err := json.Marshal(rv.Interface())
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, raw...)
}

// appendJSONTime writes a date as JavaScript's toJSON does (the layout
// needs no escaping).
func appendJSONTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		b = append(b, '"')
		b = t.AppendFormat(b, jsonTimeLayout)
		return append(b, '"')
	}
	// The layout's digits written directly: AppendFormat parses its
	// layout on every call (a twelfth of a large include's response).
	hour, minute, sec := t.Clock()
	b = append(b, '"')
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond()/1e6, 3) // truncated, as AppendFormat does
	return append(b, 'Z', '"')
}

// appendDigits appends the n lowest decimal digits of v >= 0, zero padded.
func appendDigits(b []byte, v, n int) []byte {
	b = append(b, make([]byte, n)...)
	for i := len(b) - 1; i >= len(b)-n; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

// appendJSONNumber writes f as JavaScript's JSON.stringify does.
func appendJSONNumber(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	if f == 0 {
		return append(b, '0') // also -0
	}
	format := byte('f')
	if abs := math.Abs(f); abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Go writes 1e-07 where JavaScript writes 1e-7.
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendJSONBuffer writes bytes as Node's Buffer#toJSON.
func appendJSONBuffer(b []byte, data []byte) []byte {
	b = append(b, `{"type":"Buffer","data":[`...)
	for i, c := range data {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(c), 10)
	}
	return append(b, "]}"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string, escaping only what JSON
// requires (and U+2028/U+2029, which break JavaScript source).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// writeJSON writes v as the JSON body of a response with the given status.
// For HEAD requests only the status and headers are written.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	bp := jsonBufs.Get().(*[]byte)
	body := appendJSON((*bp)[:0], v)
	defer func() {
		// Write has copied body out (into the connection's buffer or
		// onto the wire): the next response may reuse it.
		if cap(body) <= maxPooledJSONBuf {
			*bp = body[:0]
			jsonBufs.Put(bp)
		}
	}()
	h := w.Header()
	h.Set("Content-Type", contentTypeJSON)
	h.Set("X-Content-Type-Options", "nosniff")
	if r != nil && r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away; nothing to do
}

// jsonBufs holds response buffers for reuse: a large response grows its
// buffer by repeated copies, and a fresh one is garbage every time.
var jsonBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxPooledJSONBuf is the largest buffer kept for reuse.
const maxPooledJSONBuf = 4 << 20
