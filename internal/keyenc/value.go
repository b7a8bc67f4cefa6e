package keyenc

import (
	"fmt"
	"time"
)

// AppendValue appends the encoding of v, dispatching on its dynamic type:
// nil (null); bool; float64, float32, int, int8..int64, uint, uint8..uint64
// (all encoded as a float64 number, see AppendNumber); string; time.Time;
// []byte. Any other type, including pointers and named types, returns b
// unchanged and an error wrapping ErrUnsupportedType.
func AppendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return AppendNull(b), nil
	case bool:
		return AppendBool(b, x), nil
	case string:
		return AppendString(b, x), nil
	case time.Time:
		return AppendTime(b, x), nil
	case []byte:
		return AppendBytes(b, x), nil
	}
	if f, ok := toNumber(v); ok {
		return AppendNumber(b, f), nil
	}
	return b, fmt.Errorf("%w: %T", ErrUnsupportedType, v)
}

// toNumber converts any Go numeric type to float64.
func toNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

// Decode decodes the value at the start of b. It returns nil, bool, float64,
// string, time.Time (in UTC) or []byte (a new slice, never nil), and the
// rest of b, which aliases b. Malformed input returns an error wrapping
// ErrCorrupt.
func Decode(b []byte) (v any, rest []byte, err error) {
	if len(b) == 0 {
		return nil, nil, corruptf("empty input")
	}
	tag, p := b[0], b[1:]
	switch tag {
	case TagNull:
		return nil, p, nil
	case TagFalse:
		return false, p, nil
	case TagTrue:
		return true, p, nil
	case TagNumber:
		return decodeNumberAny(p)
	case TagString:
		return decodeStringAny(p)
	case TagTime:
		return decodeTimeAny(p)
	case TagBytes:
		return decodeBytesAny(p)
	}
	return nil, nil, corruptf("unknown tag 0x%02x", tag)
}

// The *Any helpers return a nil interface (not a typed zero) on error.

func decodeNumberAny(p []byte) (any, []byte, error) {
	f, rest, err := decodeNumber(p)
	if err != nil {
		return nil, nil, err
	}
	return f, rest, nil
}

func decodeStringAny(p []byte) (any, []byte, error) {
	s, rest, err := decodeString(p)
	if err != nil {
		return nil, nil, err
	}
	return s, rest, nil
}

func decodeTimeAny(p []byte) (any, []byte, error) {
	t, rest, err := decodeTime(p)
	if err != nil {
		return nil, nil, err
	}
	return t, rest, nil
}

func decodeBytesAny(p []byte) (any, []byte, error) {
	v, rest, err := decodeBytes(p)
	if err != nil {
		return nil, nil, err
	}
	return v, rest, nil
}

// DecodeAll decodes a whole tuple: every value of b, in order. An empty b
// gives an empty (nil) slice. Any malformed value, including trailing
// garbage, returns an error wrapping ErrCorrupt.
func DecodeAll(b []byte) ([]any, error) {
	var out []any
	for len(b) > 0 {
		v, rest, err := Decode(b)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		b = rest
	}
	return out, nil
}

func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}
