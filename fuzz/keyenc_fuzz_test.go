package fuzz

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/relstore/relstore/internal/keyenc"
)

// FuzzKeyenc checks the key codec on values built from the fuzzer's bytes:
//
//   - round trip: DecodeAll(encode(tuple)) gives the tuple back (numbers as
//     float64 with -0 as 0 and NaN as null, dates in UTC at the same
//     instant);
//   - order: bytes.Compare of two encoded tuples equals refCompareTuple, a
//     comparison written here from the package documentation (not
//     keyenc.Compare, which is checked against it too);
//   - prefix freedom: no single-value encoding is a proper prefix of
//     another;
//   - PrefixEnd and AppendStringPrefix bound exactly the keys they claim;
//   - uvarints round-trip and keep order;
//   - decoding arbitrary bytes never panics, and whatever decodes is
//     canonical: encoding the decoded tuple gives the same bytes.
func FuzzKeyenc(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("\x03\x05hello\x03\x06hello!\x02\x01\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte{0x20, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x30, 'a', 0, 0xff, 0, 1})
	f.Add([]byte("\x06\x04\x00\x00\x00\x00\x06\x04\x00\x00\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Arbitrary bytes as a key: no panic; canonical if accepted.
		if vals, err := keyenc.DecodeAll(data); err == nil {
			re, err := encodeTuple(vals)
			if err != nil {
				t.Fatalf("decoded values %#v do not re-encode: %v", vals, err)
			}
			if !bytes.Equal(re, data) {
				t.Fatalf("non-canonical key accepted: %x decodes to %#v, which encodes to %x", data, vals, re)
			}
		} else if !errors.Is(err, keyenc.ErrCorrupt) {
			t.Fatalf("DecodeAll(%x): error %v does not wrap ErrCorrupt", data, err)
		}
		for b := data; len(b) > 0; {
			_, rest, err := keyenc.Decode(b)
			if err != nil {
				break
			}
			if len(rest) >= len(b) {
				t.Fatalf("Decode(%x) consumed nothing", b)
			}
			b = rest
		}
		_, _, _ = keyenc.DecodeUvarint(data)

		src := &byteSource{b: data}
		a := genTuple(src)
		b := genTuple(src)
		ea, err := encodeTuple(a)
		if err != nil {
			t.Fatal(err)
		}
		eb, err := encodeTuple(b)
		if err != nil {
			t.Fatal(err)
		}
		checkRoundTrip(t, a, ea)
		checkRoundTrip(t, b, eb)
		want := refCompareTuple(a, b)
		if got := sign(bytes.Compare(ea, eb)); got != want {
			t.Fatalf("order: tuples %s and %s compare %d, encodings %x and %x compare %d",
				showTuple(a), showTuple(b), want, ea, eb, got)
		}
		if len(a) > 0 && len(b) > 0 {
			va, vb := a[0], b[0]
			if got := keyenc.Compare(va, vb); got != refCompare(va, vb) {
				t.Fatalf("keyenc.Compare(%s, %s) = %d, reference %d", show(va), show(vb), got, refCompare(va, vb))
			}
			e1, _ := keyenc.AppendValue(nil, va)
			e2, _ := keyenc.AppendValue(nil, vb)
			if !bytes.Equal(e1, e2) && (bytes.HasPrefix(e1, e2) || bytes.HasPrefix(e2, e1)) {
				t.Fatalf("prefix: %x and %x (%s, %s)", e1, e2, show(va), show(vb))
			}
		}
		// PrefixEnd: every extension of ea sorts below it, ea itself too.
		if end := keyenc.PrefixEnd(ea); end != nil {
			if bytes.Compare(ea, end) >= 0 || bytes.Compare(append(bytes.Clone(ea), eb...), end) >= 0 {
				t.Fatalf("PrefixEnd(%x) = %x is not above its extensions", ea, end)
			}
		} else if len(bytes.Trim(ea, "\xff")) != 0 {
			t.Fatalf("PrefixEnd(%x) = nil", ea)
		}
		// AppendStringPrefix spans exactly the strings with that prefix.
		s1, s2 := string(src.bytes(src.intn(6))), string(src.bytes(src.intn(10)))
		if src.bool() {
			s2 = s1 + s2
		}
		lo := keyenc.AppendStringPrefix(nil, s1)
		hi := keyenc.PrefixEnd(lo)
		k := keyenc.AppendString(nil, s2)
		in := bytes.Compare(k, lo) >= 0 && (hi == nil || bytes.Compare(k, hi) < 0)
		if in != strings.HasPrefix(s2, s1) {
			t.Fatalf("string prefix %q: key of %q in range = %v", s1, s2, in)
		}
		// Uvarints.
		u1, u2 := genUvarint(src), genUvarint(src)
		k1, k2 := keyenc.AppendUvarint(nil, u1), keyenc.AppendUvarint(nil, u2)
		if len(k1) > keyenc.MaxUvarintLen {
			t.Fatalf("uvarint %d takes %d bytes", u1, len(k1))
		}
		d, rest, err := keyenc.DecodeUvarint(append(bytes.Clone(k1), 0xAB))
		if err != nil || d != u1 || !bytes.Equal(rest, []byte{0xAB}) {
			t.Fatalf("uvarint %d: decoded %d, rest %x, err %v", u1, d, rest, err)
		}
		if got, want := sign(bytes.Compare(k1, k2)), cmpUint(u1, u2); got != want {
			t.Fatalf("uvarint order: %d vs %d compare %d, encodings %d", u1, u2, want, got)
		}
	})
}

func genUvarint(src *byteSource) uint64 {
	switch src.intn(4) {
	case 0:
		return uint64(src.byte())
	case 1:
		return uint64(src.byte())<<8 | uint64(src.byte())
	}
	return src.uint64() >> src.intn(64)
}

// genTuple builds up to 4 values of every supported Go type.
func genTuple(src *byteSource) []any {
	n := src.intn(5)
	out := make([]any, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, genValue(src))
	}
	return out
}

func genValue(src *byteSource) any {
	switch src.intn(10) {
	case 0:
		return nil
	case 1:
		return src.bool()
	case 2:
		return src.float64()
	case 3, 4:
		// Strings with 0x00, 0x01 and 0xFF bytes are the interesting ones.
		n := src.intn(8)
		b := src.bytes(n)
		for i := range b {
			switch b[i] % 7 {
			case 0:
				b[i] = 0
			case 1:
				b[i] = 0xff
			case 2:
				b[i] = 1
			}
		}
		return string(b)
	case 5:
		return src.bytes(src.intn(6))
	case 6:
		sec := int64(src.uint64()) >> 2 // stay inside time.Time's range
		if src.bool() {
			sec = int64(int16(sec))
		}
		nsec := int64(src.uint64() % 1_000_000_000)
		t := time.Unix(sec, nsec)
		if src.bool() {
			t = t.In(time.FixedZone("x", 3600*int(int8(src.byte())%14)))
		}
		return t
	case 7:
		return int64(src.uint64())
	case 8:
		return uint32(src.uint64())
	default:
		return float32(src.float64())
	}
}

func encodeTuple(vals []any) ([]byte, error) {
	var out []byte
	for _, v := range vals {
		var err error
		if out, err = keyenc.AppendValue(out, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// canonical is what a value decodes to.
func canonical(v any) any {
	switch x := v.(type) {
	case nil, bool, string:
		return x
	case []byte:
		if x == nil {
			return []byte{}
		}
		return x
	case time.Time:
		return x.UTC()
	}
	f, ok := number(v)
	if !ok {
		return fmt.Sprintf("unsupported %T", v)
	}
	if math.IsNaN(f) {
		return nil
	}
	if f == 0 {
		return 0.0
	}
	return f
}

func checkRoundTrip(t *testing.T, vals []any, enc []byte) {
	t.Helper()
	got, err := keyenc.DecodeAll(enc)
	if err != nil {
		t.Fatalf("DecodeAll(%x) of %s: %v", enc, showTuple(vals), err)
	}
	if len(got) != len(vals) {
		t.Fatalf("DecodeAll(%x): %d values, want %d", enc, len(got), len(vals))
	}
	for i, v := range vals {
		want := canonical(v)
		switch w := want.(type) {
		case time.Time:
			g, ok := got[i].(time.Time)
			if !ok || !g.Equal(w) || g.Location() != time.UTC {
				t.Fatalf("value %d: %s decoded as %s", i, show(v), show(got[i]))
			}
		case []byte:
			g, ok := got[i].([]byte)
			if !ok || !bytes.Equal(g, w) || g == nil {
				t.Fatalf("value %d: %s decoded as %s", i, show(v), show(got[i]))
			}
		case float64:
			g, ok := got[i].(float64)
			if !ok || g != w || math.Signbit(g) != math.Signbit(w) {
				t.Fatalf("value %d: %s decoded as %s", i, show(v), show(got[i]))
			}
		default:
			if got[i] != want {
				t.Fatalf("value %d: %s decoded as %s", i, show(v), show(got[i]))
			}
		}
	}
}

// number converts the Go numeric types AppendValue accepts.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

// refRank is the documented cross-type order:
// null < false < true < number < string < date < bytes; NaN is null.
func refRank(v any) int {
	switch x := v.(type) {
	case nil:
		return 0
	case bool:
		if x {
			return 2
		}
		return 1
	case string:
		return 4
	case time.Time:
		return 5
	case []byte:
		return 6
	}
	if f, ok := number(v); ok {
		if math.IsNaN(f) {
			return 0
		}
		return 3
	}
	return 7
}

// refCompare is the reference order of two values, from the package
// documentation.
func refCompare(a, b any) int {
	ra, rb := refRank(a), refRank(b)
	if ra != rb {
		return cmpInt(ra, rb)
	}
	switch ra {
	case 3:
		x, _ := number(a)
		y, _ := number(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case 4:
		// Bytewise, written out rather than strings.Compare.
		x, y := a.(string), b.(string)
		for i := 0; i < len(x) && i < len(y); i++ {
			if x[i] != y[i] {
				return cmpInt(int(x[i]), int(y[i]))
			}
		}
		return cmpInt(len(x), len(y))
	case 5:
		x, y := a.(time.Time), b.(time.Time)
		if c := cmpInt64(x.Unix(), y.Unix()); c != 0 {
			return c
		}
		return cmpInt(x.Nanosecond(), y.Nanosecond())
	case 6:
		return refCompare(string(a.([]byte)), string(b.([]byte)))
	}
	return 0
}

// refCompareTuple compares tuples field by field; a proper prefix sorts
// first.
func refCompareTuple(a, b []any) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := refCompare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmpInt(len(a), len(b))
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sign(n int) int { return cmpInt(n, 0) }

func show(v any) string {
	switch x := v.(type) {
	case time.Time:
		return fmt.Sprintf("time(%d.%09d)", x.Unix(), x.Nanosecond())
	case string:
		return fmt.Sprintf("%q", x)
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

func showTuple(vals []any) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = show(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
