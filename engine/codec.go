package engine

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// Records are stored as msgpack maps with sorted keys. Numbers are float64,
// dates msgpack timestamps, buffers bin, objects maps, arrays arrays.

var encPool = sync.Pool{New: func() any {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.SetSortMapKeys(true)
	return &encoder{buf: &buf, enc: enc}
}}

type encoder struct {
	buf *bytes.Buffer
	enc *msgpack.Encoder
}

// encodeRecord returns the stored form of rec (a fresh slice).
func encodeRecord(rec map[string]any) ([]byte, error) {
	e := encPool.Get().(*encoder)
	defer encPool.Put(e)
	e.buf.Reset()
	if err := e.enc.Encode(rec); err != nil {
		return nil, fmt.Errorf("relstore: encode record: %w", err)
	}
	return bytes.Clone(e.buf.Bytes()), nil
}

type decoder struct {
	r *bytes.Reader
	d *msgpack.Decoder
}

var decPool = sync.Pool{New: func() any {
	r := bytes.NewReader(nil)
	return &decoder{r: r, d: msgpack.NewDecoder(r)}
}}

// decodeRecord decodes a stored record into a fresh map owned by the caller.
func decodeRecord(b []byte) (map[string]any, error) {
	dec := decPool.Get().(*decoder)
	defer decPool.Put(dec)
	dec.r.Reset(b)
	dec.d.Reset(dec.r)
	var m map[string]any
	if err := dec.d.Decode(&m); err != nil {
		return nil, fmt.Errorf("relstore: decode record: %w", err)
	}
	fixDecoded(m)
	return m, nil
}

// fixDecoded normalizes what msgpack gives back: times in UTC, integers as
// float64 (only floats are written, but be liberal), nested maps with string
// keys.
func fixDecoded(m map[string]any) {
	for k, v := range m {
		if nv, changed := fixValue(v); changed {
			m[k] = nv
		}
	}
}

func fixValue(v any) (any, bool) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float32:
		return float64(x), true
	case map[string]any:
		fixDecoded(x)
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			nv, _ := fixValue(e)
			m[fmt.Sprint(k)] = nv
		}
		return m, true
	case []any:
		for i, e := range x {
			if nv, changed := fixValue(e); changed {
				x[i] = nv
			}
		}
	}
	return v, false
}
