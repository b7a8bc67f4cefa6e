package relstore

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"time"
	"unsafe"

	"github.com/relstore/relstore/engine"
)

// codec converts one Go type to and from the engine's record values
// (numbers float64, dates time.Time, buffers []byte, objects
// map[string]any, arrays []any). Codecs are built once per type, from its
// reflect.Type, and then work on raw pointers to values of that type, so
// encoding and decoding do no type introspection.
type codec struct {
	// enc returns the record value of *p.
	enc func(p unsafe.Pointer) any
	// zero reports whether *p is its type's zero value (an encoded struct
	// leaves such fields out).
	zero func(p unsafe.Pointer) bool
	// dec stores record value v into *p; null stores the zero value.
	dec func(p unsafe.Pointer, v any) error
}

// codecFor builds the codec of t; registry is locked (struct types are
// analysed on the way).
func codecFor(t reflect.Type, created *[]reflect.Type) (*codec, error) {
	if t == timeType {
		return timeCodec, nil
	}
	switch t.Kind() {
	case reflect.Struct:
		sm, err := analyze(t, created)
		if err != nil {
			return nil, err
		}
		return sm.codec, nil
	case reflect.Pointer:
		ec, err := codecFor(t.Elem(), created)
		if err != nil {
			return nil, err
		}
		return pointerCodec(t, ec), nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return bytesCodec, nil
		}
		ec, err := codecFor(t.Elem(), created)
		if err != nil {
			return nil, err
		}
		return sliceCodec(t, ec), nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("type %s is not supported: map keys must be strings", t)
		}
		if t == anyMapType {
			return anyMapCodec(), nil
		}
		ec, err := codecFor(t.Elem(), created)
		if err != nil {
			return nil, err
		}
		return mapCodec(t, ec), nil
	case reflect.Interface:
		if t.NumMethod() > 0 {
			return nil, fmt.Errorf("type %s is not supported: only the empty interface (any)", t)
		}
		return anyCodec(), nil
	case reflect.String:
		return stringCodec, nil
	case reflect.Bool:
		return boolCodec, nil
	case reflect.Int:
		return intCodec[int](), nil
	case reflect.Int8:
		return intCodec[int8](), nil
	case reflect.Int16:
		return intCodec[int16](), nil
	case reflect.Int32:
		return intCodec[int32](), nil
	case reflect.Int64:
		return intCodec[int64](), nil
	case reflect.Uint:
		return uintCodec[uint](), nil
	case reflect.Uint8:
		return uintCodec[uint8](), nil
	case reflect.Uint16:
		return uintCodec[uint16](), nil
	case reflect.Uint32:
		return uintCodec[uint32](), nil
	case reflect.Uint64:
		return uintCodec[uint64](), nil
	case reflect.Float32:
		return floatCodec[float32](), nil
	case reflect.Float64:
		return floatCodec[float64](), nil
	}
	return nil, fmt.Errorf("type %s is not supported", t)
}

var anyMapType = reflect.TypeFor[map[string]any]()

// decodeError reports a record value that does not fit a Go type.
func decodeError(v any, want string) error {
	s := fmt.Sprintf("%v", v)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return fmt.Errorf("%w: %T %s is not %s", ErrDecode, v, s, want)
}

var stringCodec = &codec{
	enc:  func(p unsafe.Pointer) any { return *(*string)(p) },
	zero: func(p unsafe.Pointer) bool { return *(*string)(p) == "" },
	dec: func(p unsafe.Pointer, v any) error {
		switch x := v.(type) {
		case string:
			*(*string)(p) = x
		case nil:
			*(*string)(p) = ""
		default:
			return decodeError(v, "a string")
		}
		return nil
	},
}

var boolCodec = &codec{
	enc:  func(p unsafe.Pointer) any { return *(*bool)(p) },
	zero: func(p unsafe.Pointer) bool { return !*(*bool)(p) },
	dec: func(p unsafe.Pointer, v any) error {
		switch x := v.(type) {
		case bool:
			*(*bool)(p) = x
		case nil:
			*(*bool)(p) = false
		default:
			return decodeError(v, "a boolean")
		}
		return nil
	},
}

type signed interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64
}

type unsigned interface {
	~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// intCodec stores numbers in a signed integer type; a fraction or a value
// out of range is an ErrDecode.
func intCodec[I signed]() *codec {
	return &codec{
		enc:  func(p unsafe.Pointer) any { return float64(*(*I)(p)) },
		zero: func(p unsafe.Pointer) bool { return *(*I)(p) == 0 },
		dec: func(p unsafe.Pointer, v any) error {
			switch x := v.(type) {
			case float64:
				i := I(x)
				if float64(i) != x || math.IsInf(x, 0) {
					return decodeError(v, fmt.Sprintf("a %T", i))
				}
				*(*I)(p) = i
			case nil:
				*(*I)(p) = 0
			default:
				return decodeError(v, "a number")
			}
			return nil
		},
	}
}

// uintCodec stores numbers in an unsigned integer type.
func uintCodec[U unsigned]() *codec {
	return &codec{
		enc:  func(p unsafe.Pointer) any { return float64(*(*U)(p)) },
		zero: func(p unsafe.Pointer) bool { return *(*U)(p) == 0 },
		dec: func(p unsafe.Pointer, v any) error {
			switch x := v.(type) {
			case float64:
				if x < 0 || x != math.Trunc(x) || x > float64(^U(0)) {
					return decodeError(v, fmt.Sprintf("a %T", U(0)))
				}
				*(*U)(p) = U(x)
			case nil:
				*(*U)(p) = 0
			default:
				return decodeError(v, "a number")
			}
			return nil
		},
	}
}

// floatCodec stores numbers in a floating-point type.
func floatCodec[F ~float32 | ~float64]() *codec {
	return &codec{
		enc:  func(p unsafe.Pointer) any { return float64(*(*F)(p)) },
		zero: func(p unsafe.Pointer) bool { return *(*F)(p) == 0 },
		dec: func(p unsafe.Pointer, v any) error {
			switch x := v.(type) {
			case float64:
				*(*F)(p) = F(x)
			case nil:
				*(*F)(p) = 0
			default:
				return decodeError(v, "a number")
			}
			return nil
		},
	}
}

var timeCodec = &codec{
	enc:  func(p unsafe.Pointer) any { return *(*time.Time)(p) },
	zero: func(p unsafe.Pointer) bool { return (*time.Time)(p).IsZero() },
	dec: func(p unsafe.Pointer, v any) error {
		switch x := v.(type) {
		case time.Time:
			*(*time.Time)(p) = x
		case string:
			t, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				return decodeError(v, "a date")
			}
			*(*time.Time)(p) = t
		case nil:
			*(*time.Time)(p) = time.Time{}
		default:
			return decodeError(v, "a date")
		}
		return nil
	},
}

var bytesCodec = &codec{
	enc: func(p unsafe.Pointer) any {
		return append([]byte(nil), *(*[]byte)(p)...)
	},
	zero: func(p unsafe.Pointer) bool { return len(*(*[]byte)(p)) == 0 },
	dec: func(p unsafe.Pointer, v any) error {
		switch x := v.(type) {
		case []byte:
			*(*[]byte)(p) = bytes.Clone(x) // the store's buffer is read-only
		case string:
			*(*[]byte)(p) = []byte(x)
		case nil:
			*(*[]byte)(p) = nil
		default:
			return decodeError(v, "a buffer")
		}
		return nil
	},
}

// anyCodec stores any record value, objects, arrays and buffers deep-copied
// (engine.CloneValue).
func anyCodec() *codec {
	return &codec{
		enc:  func(p unsafe.Pointer) any { return normalize(*(*any)(p)) },
		zero: func(p unsafe.Pointer) bool { return *(*any)(p) == nil },
		dec: func(p unsafe.Pointer, v any) error {
			*(*any)(p) = engine.CloneValue(v) // the store's values are read-only
			return nil
		},
	}
}

// anyMapCodec stores objects as map[string]any.
func anyMapCodec() *codec {
	return &codec{
		enc:  func(p unsafe.Pointer) any { return normalize(*(*map[string]any)(p)) },
		zero: func(p unsafe.Pointer) bool { return len(*(*map[string]any)(p)) == 0 },
		dec: func(p unsafe.Pointer, v any) error {
			switch x := v.(type) {
			case map[string]any:
				*(*map[string]any)(p) = engine.CloneValue(x).(map[string]any)
			case nil:
				*(*map[string]any)(p) = nil
			default:
				return decodeError(v, "an object")
			}
			return nil
		},
	}
}

// pointerCodec: nil is absent (zero), any other pointer is present even
// when it points at a zero value; null decodes to nil.
func pointerCodec(t reflect.Type, ec *codec) *codec {
	elem := t.Elem()
	return &codec{
		enc: func(p unsafe.Pointer) any {
			return ec.enc(*(*unsafe.Pointer)(p))
		},
		zero: func(p unsafe.Pointer) bool { return *(*unsafe.Pointer)(p) == nil },
		dec: func(p unsafe.Pointer, v any) error {
			if v == nil {
				*(*unsafe.Pointer)(p) = nil
				return nil
			}
			np := reflect.New(elem).UnsafePointer()
			if err := ec.dec(np, v); err != nil {
				return err
			}
			*(*unsafe.Pointer)(p) = np
			return nil
		},
	}
}

// sliceCodec: arrays; an empty slice is zero.
func sliceCodec(t reflect.Type, ec *codec) *codec {
	return &codec{
		enc: func(p unsafe.Pointer) any {
			s := reflect.NewAt(t, p).Elem()
			out := make([]any, s.Len())
			for i := range out {
				out[i] = ec.enc(s.Index(i).Addr().UnsafePointer())
			}
			return out
		},
		zero: func(p unsafe.Pointer) bool { return reflect.NewAt(t, p).Elem().Len() == 0 },
		dec: func(p unsafe.Pointer, v any) error {
			dst := reflect.NewAt(t, p).Elem()
			switch x := v.(type) {
			case []any:
				return fill(dst, x, ec.dec)
			case []map[string]any:
				return fill(dst, x, ec.dec)
			case nil:
				dst.SetZero()
				return nil
			}
			return decodeError(v, "an array")
		},
	}
}

// fill makes dst a new slice of the elements of xs decoded by dec. A new
// array is allocated: the slice dst held before is not written to.
func fill[E any](dst reflect.Value, xs []E, dec func(p unsafe.Pointer, v any) error) error {
	dst.SetZero()
	dst.Grow(len(xs))
	dst.SetLen(len(xs))
	for i, x := range xs {
		if err := dec(dst.Index(i).Addr().UnsafePointer(), x); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return nil
}

// mapCodec: objects with typed values; an empty map is zero.
func mapCodec(t reflect.Type, ec *codec) *codec {
	elem := t.Elem()
	return &codec{
		enc: func(p unsafe.Pointer) any {
			m := reflect.NewAt(t, p).Elem()
			out := make(map[string]any, m.Len())
			tmp := reflect.New(elem).Elem()
			it := m.MapRange()
			for it.Next() {
				tmp.Set(it.Value())
				out[it.Key().String()] = ec.enc(tmp.Addr().UnsafePointer())
			}
			return out
		},
		zero: func(p unsafe.Pointer) bool { return reflect.NewAt(t, p).Elem().Len() == 0 },
		dec: func(p unsafe.Pointer, v any) error {
			dst := reflect.NewAt(t, p).Elem()
			switch x := v.(type) {
			case map[string]any:
				m := reflect.MakeMapWithSize(t, len(x))
				for k, el := range x {
					ev := reflect.New(elem)
					if err := ec.dec(ev.UnsafePointer(), el); err != nil {
						return fmt.Errorf("[%q]: %w", k, err)
					}
					m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev.Elem())
				}
				dst.Set(m)
			case nil:
				dst.SetZero()
			default:
				return decodeError(v, "an object")
			}
			return nil
		},
	}
}

// structCodec is the codec of a struct model: an object of its non-zero
// property fields.
func structCodec(sm *structModel) *codec {
	return &codec{
		enc: func(p unsafe.Pointer) any { return sm.encode(p, nil) },
		zero: func(p unsafe.Pointer) bool {
			for _, f := range sm.fields {
				if !f.relation && !f.c.zero(unsafe.Add(p, f.off)) {
					return false
				}
			}
			return true
		},
		dec: func(p unsafe.Pointer, v any) error {
			switch x := v.(type) {
			case map[string]any:
				return sm.decode(p, x)
			case nil:
				reflect.NewAt(sm.typ, p).Elem().SetZero()
				return nil
			}
			return decodeError(v, "an object")
		},
	}
}

// encode returns the record of the struct at p: every property field that
// is not zero (a nil pointer, an empty string, 0, false, a zero time, an
// empty slice or map), except the fields skip marks; fields holding related
// records are never written.
func (sm *structModel) encode(p unsafe.Pointer, skip []bool) map[string]any {
	out := make(map[string]any, len(sm.fields))
	for i, f := range sm.fields {
		if f.relation || (skip != nil && skip[i]) {
			continue
		}
		fp := unsafe.Add(p, f.off)
		if f.c.zero(fp) {
			continue
		}
		out[f.name] = f.c.enc(fp)
	}
	return out
}

// decode stores the values of rec into the fields of the struct at p,
// included related records too. Fields rec does not mention keep their
// values; keys no field has are ignored.
func (sm *structModel) decode(p unsafe.Pointer, rec map[string]any) error {
	for _, f := range sm.fields {
		v, ok := rec[f.name]
		if !ok {
			continue
		}
		if err := f.c.dec(unsafe.Add(p, f.off), v); err != nil {
			return fmt.Errorf("%s.%s: %w", sm.name, f.name, err)
		}
	}
	return nil
}

// normalize turns a Go value given by a caller (a filter value, a patch, an
// any field) into a record value: integers and float32 → float64, named
// basic types → their basic type, structs → objects (through their
// codec), slices → []any, string-keyed maps → map[string]any, pointers →
// their target or nil. Other values are returned unchanged.
func normalize(v any) any {
	switch x := v.(type) {
	case nil, string, bool, float64, time.Time, []byte:
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case Filter:
		return normalize(map[string]any(x))
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return normalize(rv.Elem().Interface())
	case reflect.Struct:
		if rv.Type() == timeType {
			return rv.Interface()
		}
		sm, err := modelOf(rv.Type())
		if err != nil {
			return v
		}
		tmp := reflect.New(rv.Type())
		tmp.Elem().Set(rv)
		return sm.encode(tmp.UnsafePointer(), nil)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			return rv.Bytes()
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = normalize(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return v
		}
		out := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			out[it.Key().String()] = normalize(it.Value().Interface())
		}
		return out
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	}
	return v
}
