package keyenc

import (
	"bytes"
	"flag"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// seedFlag overrides the fixed seed of the randomized tests, to explore
// more inputs: go test ./internal/keyenc -args -seed=N.
var seedFlag = flag.Uint64("seed", 0, "seed for randomized tests (0 = fixed default)")

const defaultSeed = 20240601

// newRand returns the deterministic generator of a randomized test and logs
// its seed so a failure can be replayed.
func newRand(t testing.TB) *rand.Rand {
	t.Helper()
	seed := *seedFlag
	if seed == 0 {
		seed = defaultSeed
	}
	t.Logf("seed=%d (replay with -args -seed=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// encode is AppendValue for tests, failing on error.
func encode(t testing.TB, v any) []byte {
	t.Helper()
	b, err := AppendValue(nil, v)
	if err != nil {
		t.Fatalf("AppendValue(%#v): %v", v, err)
	}
	return b
}

// specialNumbers are the float64 edge cases every property test includes.
var specialNumbers = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, -0.5,
	math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64,
	math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
	0x1p-1022, -0x1p-1022, // smallest normal
	math.MinInt64, math.MaxInt64, 1 << 53, -(1 << 53), 1<<53 + 2,
	math.MaxUint64, 1e-300, -1e300, math.Pi, math.NaN(),
}

var specialStrings = []string{
	"", "\x00", "\x00\x00", "\x00\x01", "\x00\xff", "\x01", "\xff", "\xff\xff",
	"a", "a\x00", "a\x00b", "a\x01", "ab", "abc", "b", "é", "\uffff", "\U0001F600",
	"\xff\x00\xff",
}

var specialTimes = []time.Time{
	{},
	time.Unix(0, 0),
	time.Unix(-1, 0),
	time.Unix(-1, 999_999_999),
	time.Unix(0, 1),
	time.Unix(-62135596800, 0), // year 1
	time.Date(1677, 1, 1, 0, 0, 0, 0, time.UTC), // before UnixNano range
	time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC), // after UnixNano range
	time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
	time.Date(-271821, 4, 20, 0, 0, 0, 0, time.UTC), // JS Date minimum
	time.Date(275760, 9, 13, 0, 0, 0, 0, time.UTC),  // JS Date maximum
	time.Date(1969, 12, 31, 23, 59, 59, 0, time.FixedZone("x", 3600)),
}

// randValue returns a random value of a random supported type, biased
// toward edge cases.
func randValue(r *rand.Rand) any {
	switch r.IntN(11) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return specialNumbers[r.IntN(len(specialNumbers))]
	case 3:
		return float64(r.IntN(21) - 10)
	case 4:
		return math.Float64frombits(r.Uint64())
	case 5:
		return randInt(r)
	case 6:
		if r.IntN(3) == 0 {
			return specialStrings[r.IntN(len(specialStrings))]
		}
		return string(randBytes(r))
	case 7:
		if r.IntN(3) == 0 {
			return specialTimes[r.IntN(len(specialTimes))]
		}
		return randTime(r)
	case 8:
		if r.IntN(5) == 0 {
			return []byte(nil)
		}
		return randBytes(r)
	case 9:
		return float32(r.NormFloat64())
	default:
		return r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
	}
}

func randInt(r *rand.Rand) any {
	switch r.IntN(6) {
	case 0:
		return int(r.Int64())
	case 1:
		return int8(r.Int32())
	case 2:
		return int64(math.MinInt64) + r.Int64N(3)
	case 3:
		return uint64(math.MaxUint64) - r.Uint64N(3)
	case 4:
		return uint32(r.Uint32())
	default:
		return int32(r.IntN(200) - 100)
	}
}

// randBytes draws from a tiny alphabet so that shared prefixes and escape
// bytes are common.
func randBytes(r *rand.Rand) []byte {
	alphabet := []byte{0x00, 0x01, 0x02, 'a', 'b', 0x7f, 0xfe, 0xff}
	p := make([]byte, r.IntN(6))
	for i := range p {
		p[i] = alphabet[r.IntN(len(alphabet))]
	}
	return p
}

func randTime(r *rand.Rand) time.Time {
	sec := r.Int64N(1<<40) - 1<<39
	if r.IntN(2) == 0 {
		sec = r.Int64N(4e9) - 2e9
	}
	return time.Unix(sec, r.Int64N(1e9))
}

// normalize maps v to what Decode(AppendValue(v)) must return.
func normalize(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC()
	case []byte:
		if x == nil {
			return []byte{}
		}
		return x
	}
	if f, ok := toNumber(v); ok {
		if f != f {
			return nil
		}
		if f == 0 {
			return float64(0)
		}
		return f
	}
	return v
}

// sameValue reports whether a decoded value equals the expected one
// exactly (same type, same bits, same location).
func sameValue(got, want any) bool {
	switch w := want.(type) {
	case float64:
		g, ok := got.(float64)
		return ok && math.Float64bits(g) == math.Float64bits(w)
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w) && g.Location() == time.UTC
	case []byte:
		g, ok := got.([]byte)
		return ok && g != nil && bytes.Equal(g, w)
	}
	return got == want
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func TestTagsAreOrdered(t *testing.T) {
	tags := []byte{TagNull, TagFalse, TagTrue, TagNumber, TagString, TagTime, TagBytes}
	for i := 1; i < len(tags); i++ {
		if tags[i-1] >= tags[i] {
			t.Fatalf("tag %d (0x%02x) not below tag %d (0x%02x)", i-1, tags[i-1], i, tags[i])
		}
	}
}

func TestNullAndBool(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{
		{"null", AppendNull(nil), []byte{TagNull}},
		{"false", AppendBool(nil, false), []byte{TagFalse}},
		{"true", AppendBool(nil, true), []byte{TagTrue}},
		{"appends", AppendBool([]byte{9}, true), []byte{9, TagTrue}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bytes.Equal(tt.got, tt.want) {
				t.Fatalf("got %x, want %x", tt.got, tt.want)
			}
		})
	}
}

// TestCrossTypeOrder checks null < false < true < number < string < date <
// bytes with the extreme value of each type.
func TestCrossTypeOrder(t *testing.T) {
	ordered := []any{
		nil, false, true, math.Inf(-1), math.Inf(1),
		"", "\xff\xff\xff", time.Date(-271821, 4, 20, 0, 0, 0, 0, time.UTC),
		time.Date(275760, 9, 13, 0, 0, 0, 0, time.UTC), []byte{}, []byte{0xff, 0xff},
	}
	for i := 1; i < len(ordered); i++ {
		a, b := encode(t, ordered[i-1]), encode(t, ordered[i])
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("enc(%#v)=%x not below enc(%#v)=%x", ordered[i-1], a, ordered[i], b)
		}
		if Compare(ordered[i-1], ordered[i]) >= 0 {
			t.Errorf("Compare(%#v, %#v) >= 0", ordered[i-1], ordered[i])
		}
	}
}

// TestPropertyRoundTrip: Decode(AppendValue(v)) gives back v (normalized)
// and consumes exactly the encoding.
func TestPropertyRoundTrip(t *testing.T) {
	r := newRand(t)
	for i := 0; i < 20000; i++ {
		v := randValue(r)
		enc := encode(t, v)
		suffix := []byte{0xAB}
		got, rest, err := Decode(append(enc, suffix...))
		if err != nil {
			t.Fatalf("Decode(enc(%#v)=%x): %v", v, enc, err)
		}
		if !bytes.Equal(rest, suffix) {
			t.Fatalf("Decode(enc(%#v)) rest=%x, want %x", v, rest, suffix)
		}
		if want := normalize(v); !sameValue(got, want) {
			t.Fatalf("round trip of %#v: got %#v, want %#v", v, got, want)
		}
		// Re-encoding the decoded value is byte-identical (canonical form).
		if again := encode(t, got); !bytes.Equal(again, enc) {
			t.Fatalf("re-encoding %#v: got %x, want %x", got, again, enc)
		}
	}
}

// TestPropertyOrder: bytes.Compare on encodings agrees with Compare.
func TestPropertyOrder(t *testing.T) {
	r := newRand(t)
	for i := 0; i < 50000; i++ {
		a, b := randValue(r), randValue(r)
		if r.IntN(4) == 0 { // same type more often
			b = sameTypeValue(r, a)
		}
		got := sign(bytes.Compare(encode(t, a), encode(t, b)))
		if want := Compare(a, b); got != want {
			t.Fatalf("a=%#v b=%#v: bytes.Compare=%d, Compare=%d", a, b, got, want)
		}
		if back := Compare(b, a); back != -got {
			t.Fatalf("Compare not antisymmetric for %#v, %#v", a, b)
		}
	}
}

// sameTypeValue draws random values until one has a's rank.
func sameTypeValue(r *rand.Rand, a any) any {
	for {
		if b := randValue(r); rank(b) == rank(a) {
			return b
		}
	}
}

// TestPropertyTupleOrder: concatenated encodings of 2-3 values order
// lexicographically by element.
func TestPropertyTupleOrder(t *testing.T) {
	r := newRand(t)
	randTuple := func(base []any) []any {
		n := 2 + r.IntN(2)
		tup := make([]any, n)
		for i := range tup {
			// Share a prefix with base half the time.
			if i < len(base) && r.IntN(2) == 0 {
				tup[i] = base[i]
			} else {
				tup[i] = randValue(r)
			}
		}
		return tup
	}
	for i := 0; i < 30000; i++ {
		a := randTuple(nil)
		b := randTuple(a)
		var ea, eb []byte
		for _, v := range a {
			ea = encodeTo(t, ea, v)
		}
		for _, v := range b {
			eb = encodeTo(t, eb, v)
		}
		got := sign(bytes.Compare(ea, eb))
		if want := compareTuples(a, b); got != want {
			t.Fatalf("a=%#v b=%#v: bytes.Compare=%d, tuple order=%d", a, b, got, want)
		}
		dec, err := DecodeAll(ea)
		if err != nil || len(dec) != len(a) {
			t.Fatalf("DecodeAll(%x) = %#v, %v; want %d values", ea, dec, err, len(a))
		}
		for j := range a {
			if !sameValue(dec[j], normalize(a[j])) {
				t.Fatalf("DecodeAll element %d: got %#v, want %#v", j, dec[j], normalize(a[j]))
			}
		}
	}
}

func compareTuples(a, b []any) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return sign(len(a) - len(b))
}

// TestPropertyPrefixFree: no encoding is a proper prefix of another one, and
// no proper prefix of an encoding decodes.
func TestPropertyPrefixFree(t *testing.T) {
	r := newRand(t)
	for i := 0; i < 20000; i++ {
		a, b := randValue(r), randValue(r)
		ea, eb := encode(t, a), encode(t, b)
		if len(ea) < len(eb) && bytes.HasPrefix(eb, ea) {
			t.Fatalf("enc(%#v)=%x is a proper prefix of enc(%#v)=%x", a, ea, b, eb)
		}
		for n := 0; n < len(ea); n++ {
			if v, _, err := Decode(ea[:n]); err == nil {
				t.Fatalf("proper prefix %x of enc(%#v)=%x decoded as %#v", ea[:n], a, ea, v)
			}
		}
	}
}

// encodeTo is AppendValue(b, v) for tests, failing on error.
func encodeTo(t testing.TB, b []byte, v any) []byte {
	t.Helper()
	b, err := AppendValue(b, v)
	if err != nil {
		t.Fatalf("AppendValue(%#v): %v", v, err)
	}
	return b
}
