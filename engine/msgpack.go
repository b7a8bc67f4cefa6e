package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A hand-rolled msgpack codec for stored records: exactly the normalized
// value set (float64, string, bool, nil, time.Time, []byte, map[string]any,
// []any), with no reflection. The encoder writes the bytes that
// github.com/vmihailenco/msgpack/v5 with SetSortMapKeys(true) writes for the
// same value (stored records and Check depend on it; codec_test.go proves
// it against the library); the decoder reads anything that library could
// have written.
//
// Wire forms the library uses, and so the encoder:
//
//	nil          0xc0
//	bool         0xc2 / 0xc3
//	float64      0xcb + 8 bytes, always (no compaction to integers)
//	string       fixstr (< 32), str8 (< 256), str16 (≤ 0xffff), str32
//	[]byte       bin8 (< 256), bin16, bin32; a nil slice is 0xc0
//	time.Time    ext type -1: fixext4 (seconds), fixext8 (nanoseconds<<34 |
//	             seconds), ext8 with 12 bytes (uint32 ns, int64 seconds)
//	map          fixmap (< 16), map16, map32, keys in byte order; nil 0xc0
//	[]any        fixarray (< 16), array16, array32; a nil slice is 0xc0

// maxNesting bounds the depth of maps and arrays, the record itself being
// level 1, in both directions: the encoder refuses deeper values (a cycle
// would otherwise recurse forever) and the decoder refuses deeper input
// (corrupt bytes could otherwise exhaust the stack). It is above
// encoding/json's own nesting limit, so every JSON body fits.
const maxNesting = 10_001

// ErrCorruptRecord is wrapped by every error about stored record bytes that
// cannot be decoded (truncated, an unknown type code, trailing bytes).
var ErrCorruptRecord = errors.New("relstore: corrupt record")

// errUnsupported tells encodeRecord to hand the record to the library
// encoder: it holds a value outside the normalized set.
var errUnsupported = errors.New("unsupported value")

// errTooDeep: a value nested deeper than maxNesting (or a cycle).
var errTooDeep = fmt.Errorf("value nested deeper than %d levels", maxNesting)

// msgpack type codes.
const (
	mpNil      = 0xc0
	mpFalse    = 0xc2
	mpTrue     = 0xc3
	mpBin8     = 0xc4
	mpBin16    = 0xc5
	mpBin32    = 0xc6
	mpExt8     = 0xc7
	mpExt16    = 0xc8
	mpExt32    = 0xc9
	mpFloat32  = 0xca
	mpFloat64  = 0xcb
	mpUint8    = 0xcc
	mpUint16   = 0xcd
	mpUint32   = 0xce
	mpUint64   = 0xcf
	mpInt8     = 0xd0
	mpInt16    = 0xd1
	mpInt32    = 0xd2
	mpInt64    = 0xd3
	mpFixExt1  = 0xd4
	mpFixExt2  = 0xd5
	mpFixExt4  = 0xd6
	mpFixExt8  = 0xd7
	mpFixExt16 = 0xd8
	mpStr8     = 0xd9
	mpStr16    = 0xda
	mpStr32    = 0xdb
	mpArray16  = 0xdc
	mpArray32  = 0xdd
	mpMap16    = 0xde
	mpMap32    = 0xdf

	mpTimeExt = 0xff // ext type -1
)

// ---- encoder ----

// mpEncoder appends msgpack to buf. Its scratch slice of map entries is a
// stack shared by the nesting levels of one record, so that encoding
// allocates nothing once buf and the stack have grown.
type mpEncoder struct {
	buf   []byte
	pairs []mpPair
}

type mpPair struct {
	k string
	v any
}

var mpEncPool = sync.Pool{New: func() any { return &mpEncoder{buf: make([]byte, 0, 256)} }}

// maxPooledEncoder is the largest buffer an encoder goes back to the pool
// with; a huge record's buffer is left to the GC.
const maxPooledEncoder = 64 << 10

// appendRecord appends the stored form of rec to buf. It returns
// errUnsupported for a value outside the normalized set, errTooDeep for
// nesting beyond maxNesting.
func (e *mpEncoder) appendRecord(rec map[string]any) error {
	if rec == nil {
		e.buf = append(e.buf, mpNil)
		return nil
	}
	return e.appendMap(rec, 1)
}

func (e *mpEncoder) appendValue(v any, depth int) error {
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, mpNil)
	case float64:
		e.buf = append(e.buf, mpFloat64)
		e.buf = binary.BigEndian.AppendUint64(e.buf, math.Float64bits(x))
	case string:
		if uint64(len(x)) > math.MaxUint32 {
			return errUnsupported
		}
		e.appendStringHeader(len(x))
		e.buf = append(e.buf, x...)
	case bool:
		if x {
			e.buf = append(e.buf, mpTrue)
		} else {
			e.buf = append(e.buf, mpFalse)
		}
	case time.Time:
		e.appendTime(x)
	case []byte:
		switch n := len(x); {
		case x == nil:
			e.buf = append(e.buf, mpNil)
			return nil
		case n < 256:
			e.buf = append(e.buf, mpBin8, byte(n))
		case n <= math.MaxUint16:
			e.buf = append(e.buf, mpBin16, byte(n>>8), byte(n))
		case uint64(n) <= math.MaxUint32:
			e.buf = append(e.buf, mpBin32)
			e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n))
		default:
			return errUnsupported
		}
		e.buf = append(e.buf, x...)
	case map[string]any:
		if x == nil {
			e.buf = append(e.buf, mpNil)
			return nil
		}
		return e.appendMap(x, depth+1)
	case []any:
		if x == nil {
			e.buf = append(e.buf, mpNil)
			return nil
		}
		return e.appendArray(x, depth+1)
	default:
		return errUnsupported
	}
	return nil
}

func (e *mpEncoder) appendStringHeader(n int) {
	switch {
	case n < 32:
		e.buf = append(e.buf, 0xa0|byte(n))
	case n < 256:
		e.buf = append(e.buf, mpStr8, byte(n))
	case n <= math.MaxUint16:
		e.buf = append(e.buf, mpStr16, byte(n>>8), byte(n))
	default:
		e.buf = append(e.buf, mpStr32)
		e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n))
	}
}

// appendTime writes the msgpack timestamp extension exactly as the library
// does (including its reading of pre-1970 seconds as a large uint64, which
// always takes the 12-byte form).
func (e *mpEncoder) appendTime(t time.Time) {
	secs := uint64(t.Unix())
	nsec := uint64(t.Nanosecond())
	if secs>>34 == 0 {
		data := nsec<<34 | secs
		if data&0xffffffff00000000 == 0 {
			e.buf = append(e.buf, mpFixExt4, mpTimeExt)
			e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(data))
			return
		}
		e.buf = append(e.buf, mpFixExt8, mpTimeExt)
		e.buf = binary.BigEndian.AppendUint64(e.buf, data)
		return
	}
	e.buf = append(e.buf, mpExt8, 12, mpTimeExt)
	e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(nsec))
	e.buf = binary.BigEndian.AppendUint64(e.buf, secs)
}

func (e *mpEncoder) appendMap(m map[string]any, depth int) error {
	if depth > maxNesting {
		return errTooDeep
	}
	n := len(m)
	switch {
	case n < 16:
		e.buf = append(e.buf, 0x80|byte(n))
	case n <= math.MaxUint16:
		e.buf = append(e.buf, mpMap16, byte(n>>8), byte(n))
	case uint64(n) <= math.MaxUint32:
		e.buf = append(e.buf, mpMap32)
		e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n))
	default:
		return errUnsupported
	}
	// This level's entries go on top of the stack; nested maps push above
	// them and pop back, so base..end stays this level's (the stack may
	// move when it grows: index it, never keep a subslice).
	base := len(e.pairs)
	for k, v := range m {
		e.pairs = append(e.pairs, mpPair{k, v})
	}
	end := len(e.pairs)
	sortPairs(e.pairs[base:end])
	var err error
	for i := base; i < end && err == nil; i++ {
		p := e.pairs[i]
		if uint64(len(p.k)) > math.MaxUint32 {
			err = errUnsupported
			break
		}
		e.appendStringHeader(len(p.k))
		e.buf = append(e.buf, p.k...)
		err = e.appendValue(p.v, depth)
	}
	clear(e.pairs[base:end]) // the pooled encoder must not pin values
	e.pairs = e.pairs[:base]
	return err
}

// sortPairs sorts by key in byte order (the order of sort.Strings, which
// the library uses): insertion sort for the few keys of a typical record.
func sortPairs(p []mpPair) {
	if len(p) > 12 {
		slices.SortFunc(p, func(a, b mpPair) int { return strings.Compare(a.k, b.k) })
		return
	}
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].k < p[j-1].k; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

func (e *mpEncoder) appendArray(a []any, depth int) error {
	if depth > maxNesting {
		return errTooDeep
	}
	n := len(a)
	switch {
	case n < 16:
		e.buf = append(e.buf, 0x90|byte(n))
	case n <= math.MaxUint16:
		e.buf = append(e.buf, mpArray16, byte(n>>8), byte(n))
	case uint64(n) <= math.MaxUint32:
		e.buf = append(e.buf, mpArray32)
		e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n))
	default:
		return errUnsupported
	}
	for _, v := range a {
		if err := e.appendValue(v, depth); err != nil {
			return err
		}
	}
	return nil
}

// ---- decoder ----

// mpDecoder reads one stored record from b. It never reads past b and
// never allocates more than the input could describe: a length is checked
// against the bytes left before anything is made for it.
type mpDecoder struct {
	b   []byte
	off int
}

// corruptError describes undecodable record bytes; it wraps
// ErrCorruptRecord.
type corruptError struct {
	off  int
	what string
}

func (e *corruptError) Error() string {
	return fmt.Sprintf("relstore: decode record: %s at byte %d (corrupt record)", e.what, e.off)
}

func (e *corruptError) Unwrap() error { return ErrCorruptRecord }

func (d *mpDecoder) fail(what string) error { return &corruptError{off: d.off, what: what} }

// whatTruncated is the description of input that ends too soon (or of a
// length beyond its end).
const whatTruncated = "truncated input"

func (d *mpDecoder) truncated() error { return d.fail(whatTruncated) }

// decodeRecordBytes decodes a whole stored record: one map (or nil, which
// the library reads as a nil map) and nothing after it.
func decodeRecordBytes(b []byte) (map[string]any, error) {
	d := mpDecoder{b: b}
	n, isNil, err := d.recordHeader()
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if !isNil {
		if m, err = d.mapBody(n, 1); err != nil {
			return nil, err
		}
	}
	if d.off != len(b) {
		return nil, d.fail(fmt.Sprintf("%d trailing bytes", len(b)-d.off))
	}
	return m, nil
}

// recordHeader reads the head of a stored record: the number of pairs of
// its map, or isNil for a nil record (read as a nil map).
func (d *mpDecoder) recordHeader() (n int, isNil bool, err error) {
	if !d.need(1) {
		return 0, false, d.truncated()
	}
	c := d.b[d.off]
	d.off++
	if isExt(c) {
		// The library skips an extension header in front of a map
		// (its DecodeMapLen); so do we.
		skip := 1 + extLenBytes(c)
		if len(d.b)-d.off < skip+1 {
			return 0, false, d.truncated()
		}
		d.off += skip
		c = d.b[d.off]
		d.off++
	}
	if c == mpNil {
		return 0, true, nil
	}
	n, ok, err := d.mapLen(c)
	if err != nil {
		return 0, false, err
	}
	if !ok {
		d.off--
		return 0, false, d.fail(fmt.Sprintf("type code %#x where a record map belongs", c))
	}
	return n, false, nil
}

func isExt(c byte) bool {
	return (c >= mpFixExt1 && c <= mpFixExt16) || (c >= mpExt8 && c <= mpExt32)
}

// extLenBytes is the size of the length field of an ext code.
func extLenBytes(c byte) int {
	switch c {
	case mpExt8:
		return 1
	case mpExt16:
		return 2
	case mpExt32:
		return 4
	}
	return 0
}

// need reports whether n more bytes are there.
func (d *mpDecoder) need(n int) bool { return n >= 0 && len(d.b)-d.off >= n }

func (d *mpDecoder) u8() (int, bool) {
	if !d.need(1) {
		return 0, false
	}
	v := d.b[d.off]
	d.off++
	return int(v), true
}

func (d *mpDecoder) u16() (int, bool) {
	if !d.need(2) {
		return 0, false
	}
	v := binary.BigEndian.Uint16(d.b[d.off:])
	d.off += 2
	return int(v), true
}

func (d *mpDecoder) u32() (uint32, bool) {
	if !d.need(4) {
		return 0, false
	}
	v := binary.BigEndian.Uint32(d.b[d.off:])
	d.off += 4
	return v, true
}

func (d *mpDecoder) u64() (uint64, bool) {
	if !d.need(8) {
		return 0, false
	}
	v := binary.BigEndian.Uint64(d.b[d.off:])
	d.off += 8
	return v, true
}

// mapLen reads the length following map code c; ok is false when c is not
// a map code.
func (d *mpDecoder) mapLen(c byte) (n int, ok bool, err error) {
	switch {
	case c >= 0x80 && c <= 0x8f:
		return int(c & 0x0f), true, nil
	case c == mpMap16:
		if n, ok = d.u16(); !ok {
			return 0, true, d.truncated()
		}
		return n, true, nil
	case c == mpMap32:
		v, ok := d.u32()
		if !ok {
			return 0, true, d.truncated()
		}
		return int(v), true, nil
	}
	return 0, false, nil
}

// mapBody reads n key/value pairs into a fresh map. A later duplicate key
// wins, as with the library.
func (d *mpDecoder) mapBody(n, depth int) (map[string]any, error) {
	if depth > maxNesting {
		return nil, d.fail("nesting too deep")
	}
	// Every pair takes at least two bytes. (n < 0: a 32-bit length on a
	// 32-bit platform.)
	if n < 0 || n > (len(d.b)-d.off)/2 {
		return nil, d.truncated()
	}
	m := make(map[string]any, n)
	for range n {
		k, err := d.key(depth)
		if err != nil {
			return nil, err
		}
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, nil
}

// key reads a map key: a string, bin or nil (read as "", as the library
// does) is taken as is and interned; any other value is decoded and
// printed with fmt.Sprint (the library refuses those; be liberal).
func (d *mpDecoder) key(depth int) (string, error) {
	if !d.need(1) {
		return "", d.truncated()
	}
	c := d.b[d.off]
	var n int
	ok := true
	switch {
	case c >= 0xa0 && c <= 0xbf:
		d.off++
		n = int(c & 0x1f)
	case c == mpStr8 || c == mpBin8:
		d.off++
		n, ok = d.u8()
	case c == mpStr16 || c == mpBin16:
		d.off++
		n, ok = d.u16()
	case c == mpStr32 || c == mpBin32:
		d.off++
		var v uint32
		v, ok = d.u32()
		n = int(v)
	case c == mpNil:
		d.off++
		return "", nil
	default:
		v, err := d.value(depth)
		if err != nil {
			return "", err
		}
		return fmt.Sprint(v), nil
	}
	if !ok || !d.need(n) {
		return "", d.truncated()
	}
	s := keyInterns.string(d.b[d.off : d.off+n])
	d.off += n
	return s, nil
}

// value reads one value of a record (depth is the nesting level of the
// container it is in).
func (d *mpDecoder) value(depth int) (any, error) {
	if !d.need(1) {
		return nil, d.truncated()
	}
	c := d.b[d.off]
	d.off++
	switch {
	case c <= 0x7f:
		return float64(c), nil
	case c >= 0xe0:
		return float64(int8(c)), nil
	case c <= 0x8f:
		return d.mapBody(int(c&0x0f), depth+1)
	case c <= 0x9f:
		return d.array(int(c&0x0f), depth+1)
	case c <= 0xbf:
		return d.str(int(c & 0x1f))
	}
	switch c {
	case mpNil:
		return nil, nil
	case mpFalse:
		return false, nil
	case mpTrue:
		return true, nil
	case mpFloat64:
		v, ok := d.u64()
		if !ok {
			return nil, d.truncated()
		}
		return boxNumber(math.Float64frombits(v)), nil
	case mpFloat32:
		v, ok := d.u32()
		if !ok {
			return nil, d.truncated()
		}
		return float64(math.Float32frombits(v)), nil
	case mpUint8:
		v, ok := d.u8()
		if !ok {
			return nil, d.truncated()
		}
		return float64(v), nil
	case mpUint16:
		v, ok := d.u16()
		if !ok {
			return nil, d.truncated()
		}
		return float64(v), nil
	case mpUint32:
		v, ok := d.u32()
		if !ok {
			return nil, d.truncated()
		}
		return float64(v), nil
	case mpUint64:
		v, ok := d.u64()
		if !ok {
			return nil, d.truncated()
		}
		return float64(v), nil
	case mpInt8:
		v, ok := d.u8()
		if !ok {
			return nil, d.truncated()
		}
		return float64(int8(v)), nil
	case mpInt16:
		v, ok := d.u16()
		if !ok {
			return nil, d.truncated()
		}
		return float64(int16(v)), nil
	case mpInt32:
		v, ok := d.u32()
		if !ok {
			return nil, d.truncated()
		}
		return float64(int32(v)), nil
	case mpInt64:
		v, ok := d.u64()
		if !ok {
			return nil, d.truncated()
		}
		return float64(int64(v)), nil
	case mpStr8:
		n, ok := d.u8()
		if !ok {
			return nil, d.truncated()
		}
		return d.str(n)
	case mpStr16:
		n, ok := d.u16()
		if !ok {
			return nil, d.truncated()
		}
		return d.str(n)
	case mpStr32:
		n, ok := d.u32()
		if !ok {
			return nil, d.truncated()
		}
		return d.str(int(n))
	case mpBin8:
		n, ok := d.u8()
		if !ok {
			return nil, d.truncated()
		}
		return d.bin(n)
	case mpBin16:
		n, ok := d.u16()
		if !ok {
			return nil, d.truncated()
		}
		return d.bin(n)
	case mpBin32:
		n, ok := d.u32()
		if !ok {
			return nil, d.truncated()
		}
		return d.bin(int(n))
	case mpArray16:
		n, ok := d.u16()
		if !ok {
			return nil, d.truncated()
		}
		return d.array(n, depth+1)
	case mpArray32:
		n, ok := d.u32()
		if !ok {
			return nil, d.truncated()
		}
		return d.array(int(n), depth+1)
	case mpMap16:
		n, ok := d.u16()
		if !ok {
			return nil, d.truncated()
		}
		return d.mapBody(n, depth+1)
	case mpMap32:
		n, ok := d.u32()
		if !ok {
			return nil, d.truncated()
		}
		return d.mapBody(int(n), depth+1)
	case mpFixExt1, mpFixExt2, mpFixExt4, mpFixExt8, mpFixExt16:
		return d.ext(1 << (c - mpFixExt1))
	case mpExt8:
		n, ok := d.u8()
		if !ok {
			return nil, d.truncated()
		}
		return d.ext(n)
	case mpExt16:
		n, ok := d.u16()
		if !ok {
			return nil, d.truncated()
		}
		return d.ext(n)
	case mpExt32:
		n, ok := d.u32()
		if !ok {
			return nil, d.truncated()
		}
		return d.ext(int(n))
	}
	d.off--
	return nil, d.fail(fmt.Sprintf("unknown type code %#x", c))
}

// str returns the next n bytes as a string value: short ones are interned,
// boxed, so that a repeated value (a status, a city) costs no allocation.
func (d *mpDecoder) str(n int) (any, error) {
	if !d.need(n) {
		return nil, d.truncated()
	}
	b := d.b[d.off : d.off+n]
	d.off += n
	if n == 0 {
		return "", nil
	}
	return valueInterns.boxed(b), nil
}

// bin returns the next n bytes as a fresh []byte (empty, not nil, for
// n == 0: the library reads it so).
func (d *mpDecoder) bin(n int) (any, error) {
	if !d.need(n) {
		return nil, d.truncated()
	}
	b := make([]byte, n)
	copy(b, d.b[d.off:])
	d.off += n
	return b, nil
}

func (d *mpDecoder) array(n, depth int) (any, error) {
	if depth > maxNesting {
		return nil, d.fail("nesting too deep")
	}
	// Every element takes at least one byte.
	if n < 0 || n > len(d.b)-d.off {
		return nil, d.truncated()
	}
	a := make([]any, n)
	for i := range a {
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		a[i] = v
	}
	return a, nil
}

// ext reads an extension of n data bytes (its type byte comes first): only
// the timestamp (type -1), in its 4-, 8- and 12-byte forms, as a UTC time.
func (d *mpDecoder) ext(n int) (any, error) {
	if !d.need(1) {
		return nil, d.truncated()
	}
	typ := int8(d.b[d.off])
	d.off++
	if typ != -1 {
		d.off--
		return nil, d.fail(fmt.Sprintf("unknown extension type %d", typ))
	}
	if !d.need(n) {
		return nil, d.truncated()
	}
	b := d.b[d.off : d.off+n]
	var sec, nsec int64
	switch n {
	case 4:
		sec = int64(binary.BigEndian.Uint32(b))
	case 8:
		v := binary.BigEndian.Uint64(b)
		nsec = int64(v >> 34)
		sec = int64(v & (1<<34 - 1))
	case 12:
		nsec = int64(binary.BigEndian.Uint32(b))
		sec = int64(binary.BigEndian.Uint64(b[4:]))
	default:
		return nil, d.fail(fmt.Sprintf("timestamp of %d bytes", n))
	}
	d.off += n
	return time.Unix(sec, nsec).UTC(), nil
}

// ---- interning ----

// internTable is a fixed-size, direct-mapped cache of short strings, safe
// for concurrent use: a lookup hashes the bytes to one slot and hits when
// that slot holds an equal string; a miss makes the string and overwrites
// the slot. Its memory is bounded by its size times maxInternLen. Each
// slot keeps the string boxed in an interface, so a hit also saves boxing
// a string value into a record's any.
type internTable struct {
	seed  maphash.Seed
	slots []atomic.Value // of any(string)
	mask  uint64
}

// maxInternLen is the longest string interned; longer ones are rarely
// repeated property names or enumerated values.
const maxInternLen = 32

// newInternTable makes a table of size slots (a power of two).
func newInternTable(size int) *internTable {
	return &internTable{seed: maphash.MakeSeed(), slots: make([]atomic.Value, size), mask: uint64(size - 1)}
}

var (
	// keyInterns holds property names: a decoded record allocates none
	// of its keys.
	keyInterns = newInternTable(1024)
	// valueInterns holds short string values.
	valueInterns = newInternTable(4096)
)

// boxed returns string(b) in an interface, from the table when it is
// there.
func (t *internTable) boxed(b []byte) any {
	if len(b) > maxInternLen {
		return string(b)
	}
	slot := &t.slots[maphash.Bytes(t.seed, b)&t.mask]
	if v := slot.Load(); v != nil {
		if s := v.(string); s == string(b) {
			return v
		}
	}
	var v any = string(b)
	slot.Store(v)
	return v
}

// string returns string(b), from the table when it is there.
func (t *internTable) string(b []byte) string {
	if len(b) == 0 || len(b) > maxInternLen {
		return string(b)
	}
	return t.boxed(b).(string)
}
