package hotpath

import (
	"testing"
	"time"

	"github.com/relstore/relstore/internal/keyenc"
)

// sampleKey is a typical composite key: a number id, a string and a date.
var sampleKey = []any{float64(123456), "Customer 00042", time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}

func encodeTuple(b []byte, vals []any) ([]byte, error) {
	for _, v := range vals {
		var err error
		if b, err = keyenc.AppendValue(b, v); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func TestKeyTupleRoundTrip(t *testing.T) {
	b, err := encodeTuple(nil, sampleKey)
	if err != nil {
		t.Fatal(err)
	}
	got, err := keyenc.DecodeAll(b)
	if err != nil || len(got) != len(sampleKey) {
		t.Fatalf("DecodeAll: %v %v", got, err)
	}
	for i := range got {
		if keyenc.Compare(got[i], sampleKey[i]) != 0 {
			t.Errorf("value %d: %v, want %v", i, got[i], sampleKey[i])
		}
	}
}

func BenchmarkKeyEncodeNumber(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 64)
	for i := 0; b.Loop(); i++ {
		buf = keyenc.AppendNumber(buf[:0], float64(i))
	}
}

func BenchmarkKeyEncodeTuple(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 64)
	for b.Loop() {
		var err error
		if buf, err = encodeTuple(buf[:0], sampleKey); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKeyDecodeTuple(b *testing.B) {
	b.ReportAllocs()
	enc, err := encodeTuple(nil, sampleKey)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := keyenc.DecodeAll(enc); err != nil {
			b.Fatal(err)
		}
	}
}
