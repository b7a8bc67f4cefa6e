package engine

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// Records are stored as msgpack maps with sorted keys. Numbers are float64,
// dates msgpack timestamps, buffers bin, objects maps, arrays arrays. The
// codec itself is in msgpack.go; the library is only the encoder of last
// resort for a value outside the normalized set, so that such a record is
// stored exactly as before.

var libEncPool = sync.Pool{New: func() any {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.SetSortMapKeys(true)
	return &libEncoder{buf: &buf, enc: enc}
}}

type libEncoder struct {
	buf *bytes.Buffer
	enc *msgpack.Encoder
}

// encodeRecord returns the stored form of rec (a fresh slice).
func encodeRecord(rec map[string]any) ([]byte, error) {
	e := mpEncPool.Get().(*mpEncoder)
	e.buf = e.buf[:0]
	err := e.appendRecord(rec)
	var out []byte
	if err == nil {
		out = bytes.Clone(e.buf)
	}
	if cap(e.buf) <= maxPooledEncoder {
		mpEncPool.Put(e)
	}
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, errUnsupported):
		return encodeRecordLib(rec)
	default:
		return nil, fmt.Errorf("relstore: encode record: %w", err)
	}
}

// checkStorable returns the error encodeRecord would return for rec,
// without encoding it when every value is in the normalized set and nested
// within maxNesting (the common case: a walk of the values). A memory store
// keeps records decoded only (memrecords.go) but refuses, as a Pebble
// store does, what could not be stored.
func checkStorable(rec map[string]any) error {
	if normalizedMap(rec, 1) {
		return nil
	}
	_, err := encodeRecord(rec)
	return err
}

// normalizedMap reports whether m, at nesting depth depth, and everything
// in it are values the hand-rolled encoder writes without an error; false
// leaves the verdict to the encoder.
func normalizedMap(m map[string]any, depth int) bool {
	if depth > maxNesting || uint64(len(m)) > math.MaxUint32 {
		return false
	}
	for k, v := range m {
		if uint64(len(k)) > math.MaxUint32 || !normalizedValue(v, depth) {
			return false
		}
	}
	return true
}

func normalizedValue(v any, depth int) bool {
	switch x := v.(type) {
	case nil, float64, bool, time.Time:
		return true
	case string:
		return uint64(len(x)) <= math.MaxUint32
	case []byte:
		return uint64(len(x)) <= math.MaxUint32
	case map[string]any:
		return normalizedMap(x, depth+1)
	case []any:
		if depth+1 > maxNesting || uint64(len(x)) > math.MaxUint32 {
			return false
		}
		for _, e := range x {
			if !normalizedValue(e, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// encodeRecordLib encodes rec with the msgpack library (reflection, any
// type it knows).
func encodeRecordLib(rec map[string]any) ([]byte, error) {
	e := libEncPool.Get().(*libEncoder)
	defer libEncPool.Put(e)
	e.buf.Reset()
	if err := e.enc.Encode(rec); err != nil {
		return nil, fmt.Errorf("relstore: encode record: %w", err)
	}
	return bytes.Clone(e.buf.Bytes()), nil
}

// decodeRecord decodes a stored record into a fresh map owned by the
// caller, with normalized values: numbers of any msgpack width as float64,
// timestamps as UTC times, bin as []byte, nested maps as map[string]any
// (a key that is not a string is printed with fmt.Sprint), arrays as
// []any. Strings and keys may be shared with other decoded records (they
// are immutable). Undecodable bytes give an error wrapping
// ErrCorruptRecord.
func decodeRecord(b []byte) (map[string]any, error) {
	return decodeRecordBytes(b)
}

// EncodeRecord returns the stored form of a record (a fresh slice): a
// msgpack map with sorted keys, byte for byte what
// github.com/vmihailenco/msgpack/v5 writes with SetSortMapKeys(true). rec
// should hold normalized values (float64, string, bool, nil, time.Time,
// []byte, map[string]any, []any); any other value is encoded by that
// library. It is exported for tools and benchmarks; the engine calls it on
// every write.
func EncodeRecord(rec map[string]any) ([]byte, error) { return encodeRecord(rec) }

// DecodeRecord decodes the stored form of a record into a fresh map owned
// by the caller, with normalized values (see EncodeRecord). Corrupt or
// truncated input is an error wrapping ErrCorruptRecord; it never panics.
func DecodeRecord(b []byte) (map[string]any, error) { return decodeRecord(b) }
