package engine

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

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
