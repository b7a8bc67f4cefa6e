package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestRecordCache: a record of minCachedRecordBytes or more is served from
// the cache only while its stored bytes are unchanged; a smaller one is
// decoded on every read.
func TestRecordCache(t *testing.T) {
	db := &DB{cache: newRecordCache(64)}
	pad := strings.Repeat("p", minCachedRecordBytes)
	enc := func(rec map[string]any) []byte {
		t.Helper()
		b, err := encodeRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	bigA, bigB := enc(map[string]any{"id": 1.0, "s": "a", "pad": pad}), enc(map[string]any{"id": 1.0, "s": "b", "pad": pad})
	small := enc(map[string]any{"id": 1.0, "s": "c"})
	key := []byte("k")
	read := func(raw []byte, want string) map[string]any {
		t.Helper()
		rec, err := db.decodeCached(key, raw)
		if err != nil || rec["s"] != want {
			t.Fatalf("read %q: %v %v", want, rec, err)
		}
		return rec
	}
	a1 := read(bigA, "a")
	if a2 := read(bytes.Clone(bigA), "a"); reflect.ValueOf(a1).UnsafePointer() != reflect.ValueOf(a2).UnsafePointer() {
		t.Error("equal bytes were decoded again, not served from the cache")
	}
	read(bigB, "b")
	read(small, "c")
	if s1, s2 := read(small, "c"), read(small, "c"); reflect.ValueOf(s1).UnsafePointer() == reflect.ValueOf(s2).UnsafePointer() {
		t.Error("a small record was served from the cache")
	}
	read(bigA, "a")
	corrupt := bigA[:len(bigA)-1] // truncated
	if _, err := db.decodeCached(key, corrupt); !errors.Is(err, ErrCorruptRecord) {
		t.Fatalf("corrupt bytes: %v", err)
	}
	var nilCache DB
	if _, err := nilCache.decodeCached(key, bigA); err != nil {
		t.Fatalf("no cache: %v", err)
	}
}

// cacheBenchRecords are records of three shapes: the workload's order, a
// wide flat record, and a wide one with nested objects and arrays.
func cacheBenchRecord(shape string, id int) map[string]any {
	rec := map[string]any{"id": float64(id)}
	switch shape {
	case "order":
		rec["customerId"] = float64(id % 1000)
		rec["total"] = float64(id%10000) / 100
		rec["status"] = []string{"pending", "paid", "shipped"}[id%3]
		rec["createdAt"] = time.UnixMilli(1.7e12 + int64(id)).UTC()
	case "wide", "nested":
		for i := range 30 {
			switch i % 3 {
			case 0:
				rec[fmt.Sprintf("num%02d", i)] = float64(id*i) / 7
			case 1:
				rec[fmt.Sprintf("str%02d", i)] = fmt.Sprintf("value %d of %d", i, id)
			default:
				rec[fmt.Sprintf("flag%02d", i)] = id%(i+1) == 0
			}
		}
		if shape == "nested" {
			for i := range 5 {
				rec[fmt.Sprintf("obj%d", i)] = map[string]any{"a": float64(i), "b": "x", "c": []any{1.0, "two", map[string]any{"d": true}}}
			}
		}
	}
	return rec
}

// BenchmarkRecordRead compares a record read through the decoded-record
// cache (a hit) with a plain decode, each followed by the shallow copy the
// engine makes of what it reads, over 200,000 distinct stored records read
// at random (as a large store is: the cache's memory is cold).
func BenchmarkRecordRead(b *testing.B) {
	const n = 200_000
	for _, shape := range []string{"order", "wide", "nested"} {
		keys := make([][]byte, n)
		raws := make([][]byte, n)
		for i := range n {
			keys[i] = binary.BigEndian.AppendUint64([]byte{0x10, 1}, uint64(i))
			var err error
			if raws[i], err = encodeRecord(cacheBenchRecord(shape, i)); err != nil {
				b.Fatal(err)
			}
		}
		for _, cached := range []bool{true, false} {
			name := fmt.Sprintf("%s-%dB/decode", shape, len(raws[n/2]))
			db := &DB{}
			if cached {
				name = fmt.Sprintf("%s-%dB/cache", shape, len(raws[n/2]))
				db.cache = newRecordCache(DefaultRecordCacheEntries)
				for i := range n {
					if _, err := db.decodeCached(keys[i], raws[i]); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				r := rand.New(rand.NewPCG(1, 2))
				for b.Loop() {
					i := r.IntN(n)
					rec, err := db.decodeCached(keys[i], raws[i])
					if err != nil {
						b.Fatal(err)
					}
					_ = maps.Clone(rec)
				}
			})
		}
	}
}
