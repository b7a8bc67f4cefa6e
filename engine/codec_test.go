package engine

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// The codec tests hold the hand-rolled codec (msgpack.go) to the msgpack
// library it replaced: the library's encoder with sorted keys, and its
// decoder followed by the normalization the engine did (libDecodeRecord).

// codecSeed is the seed of the random records; every failure names it.
const codecSeed = 20261122

// libDecodeRecord is the decoder the engine used before msgpack.go: the
// library into map[string]any, then normalized. ok reports that the
// library also consumed every byte (it ignores trailing bytes, which the
// engine's decoder refuses).
func libDecodeRecord(b []byte) (m map[string]any, ok bool, err error) {
	r := bytes.NewReader(b)
	if err := msgpack.NewDecoder(r).Decode(&m); err != nil {
		return nil, false, err
	}
	libFixMap(m)
	return m, r.Len() == 0, nil
}

func libFixMap(m map[string]any) {
	for k, v := range m {
		m[k] = libFixValue(v)
	}
}

func libFixValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC()
	case int8:
		return float64(x)
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
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
	case map[string]any:
		libFixMap(x)
	case []any:
		for i, e := range x {
			x[i] = libFixValue(e)
		}
	}
	return v
}

// normalized is what decoding the stored form of v gives: times in UTC
// (without monotonic reading), everything else as is.
func normalized(v any) any {
	switch x := v.(type) {
	case time.Time:
		return time.Unix(x.Unix(), int64(x.Nanosecond())).UTC()
	case map[string]any:
		if x == nil {
			return nil
		}
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = normalized(e)
		}
		return m
	case []any:
		if x == nil {
			return nil
		}
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = normalized(e)
		}
		return a
	case []byte:
		if x == nil {
			return nil
		}
	}
	return v
}

// codecSameValue is reflect.DeepEqual for record values, except that NaN equals
// NaN and times must be equal instants in the same location.
func codecSameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (x == y && math.Signbit(x) == math.Signbit(y) || math.IsNaN(x) && math.IsNaN(y))
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y) && x.Location() == y.Location()
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || (x == nil) != (y == nil) || len(x) != len(y) {
			return false
		}
		for k, e := range x {
			f, ok := y[k]
			if !ok || !codecSameValue(e, f) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || (x == nil) != (y == nil) || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !codecSameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case []byte:
		y, ok := b.([]byte)
		return ok && (x == nil) == (y == nil) && bytes.Equal(x, y)
	case nil:
		return b == nil
	}
	return a == b
}

func codecSameRecord(a, b map[string]any) bool {
	return codecSameValue(a, b)
}

// recordGen makes random records of every value kind, with lengths and
// numbers around the msgpack format boundaries.
type recordGen struct {
	r   *rand.Rand
	loc *time.Location
}

func newRecordGen(seed uint64) *recordGen {
	return &recordGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), loc: time.FixedZone("X", -7*3600-1800)}
}

// length picks a length, often at or near a format boundary.
func (g *recordGen) length(maxLen int) int {
	edges := []int{0, 1, 15, 16, 31, 32, 255, 256}
	switch {
	case g.r.IntN(200) == 0 && maxLen >= 65536:
		return 65535 + g.r.IntN(2) // the 16/32-bit boundary, rarely: it is big
	case g.r.IntN(4) == 0:
		if n := edges[g.r.IntN(len(edges))]; n <= maxLen {
			return n
		}
	}
	return g.r.IntN(min(maxLen, 40) + 1)
}

func (g *recordGen) str(maxLen int) string {
	n := g.length(maxLen)
	alphabets := []string{"abc", "abcdefghijklmnopqrstuvwxyz", "aé€\x00\xff𝄞"}
	al := []rune(alphabets[g.r.IntN(len(alphabets))])
	var sb strings.Builder
	for sb.Len() < n {
		sb.WriteRune(al[g.r.IntN(len(al))])
	}
	return sb.String()[:n] // may cut a rune: any bytes are a valid msgpack string
}

func (g *recordGen) float() float64 {
	switch g.r.IntN(12) {
	case 0:
		return float64(g.r.IntN(100))
	case 1:
		return -float64(g.r.IntN(1 << 20))
	case 2:
		return g.r.NormFloat64() * 1e6
	case 3:
		return math.Copysign(0, -1)
	case 4:
		return []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, math.SmallestNonzeroFloat64, 1 << 53, -(1 << 63)}[g.r.IntN(7)]
	case 5:
		return float64(g.r.Uint64())
	default:
		return math.Round(g.r.Float64()*1e6) / 100
	}
}

func (g *recordGen) time() time.Time {
	var t time.Time
	switch g.r.IntN(7) {
	case 0: // whole seconds before 2106: the 4-byte form
		t = time.Unix(g.r.Int64N(1<<32), 0)
	case 1: // with nanoseconds: the 8-byte form
		t = time.Unix(g.r.Int64N(1<<34), g.r.Int64N(1e9))
	case 2: // before 1970: the 12-byte form
		t = time.Unix(-g.r.Int64N(1<<40), g.r.Int64N(1e9))
	case 3: // after 2514: the 12-byte form
		t = time.Unix(1<<34+g.r.Int64N(1<<40), g.r.Int64N(1e9))
	case 4: // JavaScript's extremes
		t = []time.Time{time.UnixMilli(8.64e15), time.UnixMilli(-8.64e15), {}, time.Unix(0, 0), time.Unix(1<<32-1, 0), time.Unix(1<<32, 0), time.Unix(1<<34-1, 999999999)}[g.r.IntN(7)]
	default: // the workload's: milliseconds
		t = time.UnixMilli(1.6e12 + g.r.Int64N(1e11))
	}
	switch g.r.IntN(3) {
	case 0:
		return t.UTC()
	case 1:
		return t.In(g.loc)
	}
	return t // local, possibly with a monotonic reading (time.Now is not used: none)
}

func (g *recordGen) bytes() []byte {
	if g.r.IntN(6) == 0 {
		return nil
	}
	b := make([]byte, g.length(70000))
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	return b
}

func (g *recordGen) value(depth int) any {
	k := g.r.IntN(12)
	if depth > 4 && k >= 9 {
		k = g.r.IntN(9)
	}
	switch k {
	case 0:
		return nil
	case 1:
		return g.r.IntN(2) == 0
	case 2, 3:
		return g.float()
	case 4, 5:
		return g.str(70000)
	case 6:
		return g.time()
	case 7:
		return g.bytes()
	case 8:
		return []string{"pending", "paid", "shipped", "delivered", "cancelled"}[g.r.IntN(5)]
	case 9:
		if g.r.IntN(8) == 0 {
			return map[string]any(nil)
		}
		return g.object(depth + 1)
	default:
		if g.r.IntN(8) == 0 {
			return []any(nil)
		}
		a := make([]any, g.size(depth))
		for i := range a {
			a[i] = g.value(depth + 1)
		}
		return a
	}
}

// size is the length of a map or array at a nesting depth: around the
// fix/16-bit boundary now and then, small below the top level.
func (g *recordGen) size(depth int) int {
	if g.r.IntN(8*depth) == 0 {
		return 15 + g.r.IntN(2)
	}
	if depth == 1 {
		return g.r.IntN(12)
	}
	return g.r.IntN(5)
}

func (g *recordGen) object(depth int) map[string]any {
	n := g.size(depth)
	m := make(map[string]any, n)
	for range n {
		var k string
		switch g.r.IntN(4) {
		case 0:
			k = []string{"id", "customerId", "total", "status", "createdAt", "name", "age", "city", "", "a", "aa", "a\x00", "B", "é"}[g.r.IntN(14)]
		default:
			k = g.str(300)
		}
		m[k] = g.value(depth)
	}
	return m
}

func randomRecords(t testing.TB, n int) []map[string]any {
	t.Logf("random records: seed %d", codecSeed)
	g := newRecordGen(codecSeed)
	recs := make([]map[string]any, n)
	for i := range recs {
		recs[i] = g.object(1)
	}
	return recs
}

func TestCodecMatchesLibrary(t *testing.T) {
	for i, rec := range randomRecords(t, 3000) {
		want, err := encodeRecordLib(rec)
		if err != nil {
			t.Fatalf("seed %d record %d: library: %v", codecSeed, i, err)
		}
		got, err := encodeRecord(rec)
		if err != nil {
			t.Fatalf("seed %d record %d: %v", codecSeed, i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("seed %d record %d: encodings differ\n got %x\nwant %x", codecSeed, i, got, want)
		}
		dec, err := decodeRecord(got)
		if err != nil {
			t.Fatalf("seed %d record %d: decode: %v", codecSeed, i, err)
		}
		lib, ok, err := libDecodeRecord(got)
		if err != nil || !ok {
			t.Fatalf("seed %d record %d: library decode: %v (all read: %v)", codecSeed, i, err, ok)
		}
		if !codecSameRecord(dec, lib) {
			t.Fatalf("seed %d record %d: decoded values differ\n got %#v\nwant %#v", codecSeed, i, dec, lib)
		}
		if norm := normalized(rec).(map[string]any); !codecSameRecord(dec, norm) {
			t.Fatalf("seed %d record %d: decode(encode(x)) != x\n got %#v\nwant %#v", codecSeed, i, dec, norm)
		}
	}
}

// TestCodecBoundaries encodes every length at and around each format
// boundary, including the 16- and 32-bit forms of maps and arrays.
func TestCodecBoundaries(t *testing.T) {
	var recs []map[string]any
	for _, n := range []int{0, 1, 15, 16, 31, 32, 255, 256, 65535, 65536, 70000} {
		big := make(map[string]any, n)
		arr := make([]any, n)
		for i := range n {
			big[fmt.Sprintf("k%06d", i)] = float64(i)
			arr[i] = i%2 == 0
		}
		recs = append(recs,
			map[string]any{"s": strings.Repeat("x", n), "b": bytes.Repeat([]byte{7}, n)},
			map[string]any{"a": arr, "m": big},
			big,
			map[string]any{strings.Repeat("k", n): nil},
		)
	}
	recs = append(recs, nil, map[string]any{}, map[string]any{"e": map[string]any{}, "f": []any{}, "g": []byte{}, "h": ""})
	for i, rec := range recs {
		want, err := encodeRecordLib(rec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeRecord(rec)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("record %d: encodings differ (%d and %d bytes)", i, len(got), len(want))
		}
		dec, err := decodeRecord(got)
		if err != nil {
			t.Fatalf("record %d: decode: %v", i, err)
		}
		if rec == nil {
			if dec != nil {
				t.Fatalf("nil record decoded as %#v", dec)
			}
			continue
		}
		if !codecSameRecord(dec, normalized(rec).(map[string]any)) {
			t.Fatalf("record %d: round trip differs", i)
		}
	}
}

// TestCodecFallback: values outside the normalized set go to the library
// encoder, so they are stored exactly as before.
func TestCodecFallback(t *testing.T) {
	type named string
	for _, rec := range []map[string]any{
		{"i": 5, "u": uint8(200), "i64": int64(-1 << 40)},
		{"f32": float32(1.5), "n": json.Number("12")},
		{"nested": map[string]any{"deep": []any{1, "x", named("y")}}},
		{"ss": []string{"a", "b"}, "ms": map[string]string{"b": "1", "a": "2"}},
		{"t": new(time.Time), "p": (*int)(nil)},
	} {
		want, err := encodeRecordLib(rec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeRecord(rec)
		if err != nil {
			t.Fatalf("%v: %v", rec, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%v: encodings differ\n got %x\nwant %x", rec, got, want)
		}
		if _, err := decodeRecord(got); err != nil {
			t.Fatalf("%v: decode: %v", rec, err)
		}
	}
	if _, err := encodeRecord(map[string]any{"c": make(chan int)}); err == nil {
		t.Fatal("a channel was encoded")
	}
}

// TestCodecNesting: records nested up to maxNesting levels round-trip;
// deeper ones, and cycles, are errors, not stack overflows.
func TestCodecNesting(t *testing.T) {
	ok := map[string]any{}
	cur := ok
	for range maxNesting - 1 {
		next := map[string]any{}
		cur["n"] = next
		cur = next
	}
	b, err := encodeRecord(ok)
	if err != nil {
		t.Fatalf("%d levels: %v", maxNesting, err)
	}
	if _, err := decodeRecord(b); err != nil {
		t.Fatalf("%d levels: decode: %v", maxNesting, err)
	}
	cur["n"] = map[string]any{}
	if _, err := encodeRecord(ok); err == nil {
		t.Fatalf("%d levels were encoded", maxNesting+1)
	}
	arrays := map[string]any{}
	var v any = 1.0
	for range maxNesting {
		v = []any{v}
	}
	arrays["a"] = v
	if _, err := encodeRecord(arrays); err == nil {
		t.Fatalf("%d levels of arrays were encoded", maxNesting+1)
	}
	cyc := map[string]any{}
	cyc["self"] = cyc
	if _, err := encodeRecord(cyc); err == nil {
		t.Fatal("a cycle was encoded")
	}
	// Corrupt input: a million nested arrays.
	in := append([]byte{0x81, 0xa1, 'a'}, bytes.Repeat([]byte{0x91}, 1<<20)...)
	in = append(in, 0xc0)
	if _, err := decodeRecord(in); !errors.Is(err, ErrCorruptRecord) {
		t.Fatalf("deep input: %v", err)
	}
}

// mp builds msgpack by hand for the decoder tests.
func mp(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch x := p.(type) {
		case int:
			b = append(b, byte(x))
		case string:
			b = append(b, x...)
		case []byte:
			b = append(b, x...)
		case uint16:
			b = binary.BigEndian.AppendUint16(b, x)
		case uint32:
			b = binary.BigEndian.AppendUint32(b, x)
		case uint64:
			b = binary.BigEndian.AppendUint64(b, x)
		default:
			panic(fmt.Sprintf("mp: %T", p))
		}
	}
	return b
}

// TestDecodeLiberal: forms the library may have written (or reads) that
// the encoder never writes decode to the same normalized values as the
// library gives.
func TestDecodeLiberal(t *testing.T) {
	ts := time.Date(2021, 3, 4, 5, 6, 7, 8, time.UTC)
	cases := []struct {
		name string
		in   []byte
		want map[string]any
	}{
		{"fixints", mp(0x82, 0xa1, "a", 0x7f, 0xa1, "b", 0xe0), map[string]any{"a": 127.0, "b": -32.0}},
		{"uints", mp(0x84, 0xa1, "a", 0xcc, 0xff, 0xa1, "b", 0xcd, uint16(65535), 0xa1, "c", 0xce, uint32(1<<32-1), 0xa1, "d", 0xcf, uint64(1<<64-1)),
			map[string]any{"a": 255.0, "b": 65535.0, "c": float64(1<<32 - 1), "d": float64(uint64(1<<64 - 1))}},
		{"ints", mp(0x84, 0xa1, "a", 0xd0, 0x80, 0xa1, "b", 0xd1, uint16(0x8000), 0xa1, "c", 0xd2, uint32(0x80000000), 0xa1, "d", 0xd3, uint64(1<<63)),
			map[string]any{"a": -128.0, "b": -32768.0, "c": float64(math.MinInt32), "d": float64(math.MinInt64)}},
		{"float32", mp(0x81, 0xa1, "f", 0xca, uint32(math.Float32bits(0.1))), map[string]any{"f": float64(float32(0.1))}},
		{"str forms", mp(0x83, 0xd9, 1, "a", 0xd9, 0, 0xda, uint16(1), "b", 0xda, uint16(2), "xy", 0xdb, uint32(1), "c", 0xdb, uint32(0)),
			map[string]any{"a": "", "b": "xy", "c": ""}},
		{"bin keys", mp(0x82, 0xc4, 1, "a", 0xc3, 0xc5, uint16(1), "b", 0xc4, 0), map[string]any{"a": true, "b": []byte{}}},
		{"nil key", mp(0x81, 0xc0, 0xc2), map[string]any{"": false}},
		{"map16 array32", mp(0xde, uint16(1), 0xa1, "a", 0xdd, uint32(2), 0xc0, 0xdc, uint16(0)), map[string]any{"a": []any{nil, []any{}}}},
		{"map32 nested", mp(0xdf, uint32(1), 0xa1, "m", 0xde, uint16(1), 0xa1, "x", 0x01), map[string]any{"m": map[string]any{"x": 1.0}}},
		{"duplicate key", mp(0x82, 0xa1, "a", 0x01, 0xa1, "a", 0x02), map[string]any{"a": 2.0}},
		{"time4", mp(0x81, 0xa1, "t", 0xd6, 0xff, uint32(ts.Unix())), map[string]any{"t": ts.Truncate(time.Second)}},
		{"time8", mp(0x81, 0xa1, "t", 0xd7, 0xff, uint64(ts.Nanosecond())<<34|uint64(ts.Unix())), map[string]any{"t": ts}},
		{"time12", mp(0x81, 0xa1, "t", 0xc7, 12, 0xff, uint32(ts.Nanosecond()), uint64(ts.Unix())), map[string]any{"t": ts}},
		{"time12 negative", mp(0x81, 0xa1, "t", 0xc7, 12, 0xff, uint32(5), uint64(1<<64-10)), map[string]any{"t": time.Unix(-10, 5).UTC()}},
		{"time ext16", mp(0x81, 0xa1, "t", 0xc8, uint16(4), 0xff, uint32(7)), map[string]any{"t": time.Unix(7, 0).UTC()}},
		{"time ext32", mp(0x81, 0xa1, "t", 0xc9, uint32(4), 0xff, uint32(7)), map[string]any{"t": time.Unix(7, 0).UTC()}},
		{"time8 big nanos", mp(0x81, 0xa1, "t", 0xd7, 0xff, uint64(1<<30-1)<<34|5), map[string]any{"t": time.Unix(5, 1<<30-1).UTC()}},
		{"ext before map", mp(0xd4, 0x01, 0x81, 0xa1, "a", 0xc3), map[string]any{"a": true}},
		{"ext8 before map", mp(0xc7, 0x00, 0x05, 0x81, 0xa1, "a", 0xc3), map[string]any{"a": true}},
		{"nil record", mp(0xc0), nil},
	}
	for _, c := range cases {
		got, err := decodeRecord(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if (got == nil) != (c.want == nil) || !codecSameRecord(got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.name, got, c.want)
		}
		lib, ok, err := libDecodeRecord(c.in)
		if err != nil || !ok || !codecSameRecord(got, lib) {
			t.Errorf("%s: library gives %#v (%v, all read %v)", c.name, lib, err, ok)
		}
	}
	// Keys the library refuses are printed.
	got, err := decodeRecord(mp(0x83, 0x05, 0xc3, 0xca, uint32(math.Float32bits(1.5)), 0xc2, 0xcb, uint64(math.Float64bits(-2.25)), 0xc0))
	want := map[string]any{"5": true, "1.5": false, "-2.25": nil}
	if err != nil || !codecSameRecord(got, want) {
		t.Errorf("non-string keys: %#v %v", got, err)
	}
}

// TestDecodeCorrupt: truncated and damaged input is an error wrapping
// ErrCorruptRecord, never a panic; whatever the library reads completely
// decodes to the same values.
func TestDecodeCorrupt(t *testing.T) {
	for _, in := range [][]byte{
		nil, {0x81}, {0x81, 0xa1}, {0x81, 0xa1, 'a'}, {0xc1}, {0x81, 0xa1, 'a', 0xc1},
		{0x93}, {0x01}, {0xa1, 'a'}, {0x91, 0xc0},
		{0x80, 0x00}, // trailing byte
		{0x81, 0xa1, 'a', 0xd6, 0x01, 0, 0, 0, 0},             // an ext type other than -1
		{0x81, 0xa1, 'a', 0xd5, 0xff, 0, 0},                   // a 2-byte timestamp
		{0x81, 0xa1, 'a', 0xdb, 0xff, 0xff, 0xff, 0xff},       // a 4 GB string
		{0x81, 0xa1, 'a', 0xc6, 0xff, 0xff, 0xff, 0xff},       // a 4 GB buffer
		{0xdf, 0xff, 0xff, 0xff, 0xff},                        // 4 G pairs
		{0x81, 0xa1, 'a', 0xdd, 0xff, 0xff, 0xff, 0xff},       // 4 G elements
		{0x81, 0xa1, 'a', 0xc9, 0xff, 0xff, 0xff, 0xff, 0xff}, // a 4 GB ext
		{0x81, 0xdb, 0x00, 0x00, 0x01, 0x00, 'a'},             // a key longer than the input
		{0x81, 0xd9}, {0x81, 0xda, 0x00}, {0x81, 0xdb, 0, 0, 0}, {0x81, 0xc4}, // cut key lengths
		{0x81, 0x81, 0xa1, 'a'}, // a map key that is a cut map
		{0xd4}, {0xc7, 0x01},    // a cut ext header before the map
		{0xc3}, // not a map
	} {
		rec, err := decodeRecord(in)
		if err == nil {
			t.Errorf("%x: decoded as %#v", in, rec)
			continue
		}
		if !errors.Is(err, ErrCorruptRecord) {
			t.Errorf("%x: error %v does not wrap ErrCorruptRecord", in, err)
		}
	}
	recs := randomRecords(t, 300)
	r := rand.New(rand.NewPCG(codecSeed, 1))
	for i, rec := range recs {
		enc, err := encodeRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		// A strict prefix is truncated (50 of them per record).
		step := max(1, len(enc)/50)
		for n := 0; n < len(enc); n += step {
			if got, err := decodeRecord(enc[:n]); !errors.Is(err, ErrCorruptRecord) {
				t.Fatalf("seed %d record %d cut at %d: %#v, %v", codecSeed, i, n, got, err)
			}
		}
		// Damage: the decoder agrees with the library where the library
		// reads the whole input.
		for range 20 {
			bad := bytes.Clone(enc)
			for range 1 + r.IntN(3) {
				bad[r.IntN(len(bad))] = byte(r.IntN(256))
			}
			checkDecodeAgainstLibrary(t, bad)
		}
	}
}

// checkDecodeAgainstLibrary decodes in both ways: no panic, an error
// wraps ErrCorruptRecord, the library's complete reads agree, and a
// decoded record round-trips.
func checkDecodeAgainstLibrary(t *testing.T, in []byte) {
	t.Helper()
	got, err := decodeRecord(in)
	if err != nil && !errors.Is(err, ErrCorruptRecord) {
		t.Fatalf("%x: error %v does not wrap ErrCorruptRecord", in, err)
	}
	// The library allocates whatever a length says, before reading: ask it
	// only about input whose lengths the decoder found in bounds.
	var ce *corruptError
	if !errors.As(err, &ce) || ce.what != whatTruncated {
		lib, ok, lerr := libDecodeRecord(in)
		if lerr == nil && ok {
			if err != nil {
				t.Fatalf("%x: the library reads %#v, the decoder fails: %v", in, lib, err)
			}
			if !codecSameRecord(got, lib) {
				t.Fatalf("%x: decoded %#v, the library %#v", in, got, lib)
			}
		}
	}
	if err != nil {
		return
	}
	enc, err := encodeRecord(got)
	if err != nil {
		t.Fatalf("%x: decoded %#v cannot be encoded: %v", in, got, err)
	}
	again, err := decodeRecord(enc)
	if err != nil || !codecSameRecord(again, got) {
		t.Fatalf("%x: decoded %#v, re-encoded %x, decoded again %#v (%v)", in, got, enc, again, err)
	}
}

func FuzzDecodeRecord(f *testing.F) {
	g := newRecordGen(codecSeed)
	for range 30 {
		rec := g.object(1)
		if enc, err := encodeRecord(rec); err == nil && len(enc) < 4096 {
			f.Add(enc)
		}
	}
	f.Add(mp(0x82, 0xa1, "a", 0xd3, uint64(1<<63), 0x05, 0xc7, 12, 0xff, uint32(1), uint64(1<<64-1)))
	f.Add(mp(0x81, 0xa1, "t", 0xd7, 0xff, uint64(3)<<34|5))
	f.Add(mp(0xd4, 0x01, 0x81, 0xc4, 1, "k", 0x92, 0xca, uint32(0x7fc00000), 0xc0))
	f.Fuzz(func(t *testing.T, in []byte) {
		checkDecodeAgainstLibrary(t, in)
	})
}

// TestDecodeConcurrent decodes the same records from several goroutines
// (the intern tables are shared; run with -race).
func TestDecodeConcurrent(t *testing.T) {
	recs := randomRecords(t, 200)
	encs := make([][]byte, len(recs))
	for i, rec := range recs {
		var err error
		if encs[i], err = encodeRecord(rec); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range encs {
				j := (i + w*50) % len(encs)
				got, err := decodeRecord(encs[j])
				if err != nil || !codecSameRecord(got, normalized(recs[j]).(map[string]any)) {
					errs <- fmt.Errorf("record %d: %v", j, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestDecodeAllocs: a workload-shaped record allocates its map and the
// boxes of its non-string values, not its keys or repeated strings.
func TestDecodeAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	enc, err := encodeRecord(map[string]any{"id": 5.0, "customerId": 7.0, "total": 12.5, "status": "paid", "createdAt": time.UnixMilli(1.7e12).UTC()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeRecord(enc); err != nil { // fill the intern tables
		t.Fatal(err)
	}
	n := leastAllocs(100, func() {
		if _, err := decodeRecord(enc); err != nil {
			t.Fatal(err)
		}
	})
	// map header and group, the box of total (the integral id and
	// customerId share boxes: boxNumber), one time box.
	if n > 4 {
		t.Errorf("decoding an order allocates %v times, want at most 4", n)
	}
}
