package storage

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// w1Ops returns the storage writes of the workload's bulk load (W1) in the
// order the engine issues them: nc customer records, then for each of no
// orders an index entry on customerId and the record, then for each of ni
// items an index entry on orderId and the record. Foreign keys cycle
// (1 + (id-1) % n), as in bench/workload, so index entries arrive in
// several ascending passes. Keys follow engine/keys.go.
func w1Ops(nc, no, ni int) []Op {
	num := func(b []byte, f float64) []byte {
		u := math.Float64bits(f) | 1<<63
		return binary.BigEndian.AppendUint64(append(b, 0x30), u)
	}
	rec := func(model byte, id int) []byte { return num([]byte{0x10, model}, float64(id)) }
	idx := func(model byte, fk, id int) []byte {
		return num(num([]byte{0x11, model, 1}, float64(fk)), float64(id))
	}
	val := func(id, n int) []byte {
		v := make([]byte, n)
		binary.BigEndian.PutUint64(v, uint64(id))
		return v
	}
	ops := make([]Op, 0, nc+2*no+2*ni)
	for id := 1; id <= nc; id++ {
		ops = append(ops, Op{Kind: OpSet, Key: rec(1, id), Value: val(id, 48)})
	}
	for id := 1; id <= no; id++ {
		ops = append(ops, Op{Kind: OpSet, Key: idx(2, 1+(id-1)%nc, id), Value: nil})
		ops = append(ops, Op{Kind: OpSet, Key: rec(2, id), Value: val(id, 72)})
	}
	for id := 1; id <= ni; id++ {
		ops = append(ops, Op{Kind: OpSet, Key: idx(3, 1+(id-1)%no, id), Value: nil})
		ops = append(ops, Op{Kind: OpSet, Key: rec(3, id), Value: val(id, 40)})
	}
	return ops
}

// The benchmarks run the full W1 shape (410,000 rows, 810,000 writes).
const benchNC, benchNO, benchNI = 10_000, 100_000, 300_000

// BenchmarkMemoryApplyW1 applies the W1 batch to an empty memory engine.
func BenchmarkMemoryApplyW1(b *testing.B) {
	ops := w1Ops(benchNC, benchNO, benchNI)
	b.ReportAllocs()
	for b.Loop() {
		m := NewMemory()
		if err := m.Apply(&Batch{Ops: ops}, false); err != nil {
			b.Fatal(err)
		}
		if m.Len() != len(ops) {
			b.Fatalf("Len = %d, want %d", m.Len(), len(ops))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ops)), "ns/write")
}

// BenchmarkPebbleApplyW1 applies the W1 batch to an empty in-memory-FS
// Pebble store.
func BenchmarkPebbleApplyW1(b *testing.B) {
	ops := w1Ops(benchNC, benchNO, benchNI)
	b.ReportAllocs()
	for b.Loop() {
		p, err := OpenPebble("", &PebbleOptions{FS: vfs.NewMem(), NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Apply(&Batch{Ops: ops}, false); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		p.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ops)), "ns/write")
}

// BenchmarkOverlayW1 records the W1 writes in an overlay over an empty
// engine as a write transaction does: a Get of each record key (the
// duplicate-id check) before its writes.
func BenchmarkOverlayW1(b *testing.B) {
	ops := w1Ops(benchNC, benchNO, benchNI)
	b.ReportAllocs()
	for b.Loop() {
		o := NewOverlay(NewMemory())
		for _, op := range ops {
			if op.Key[0] == 0x10 {
				if _, err := o.Get(op.Key); err != ErrNotFound {
					b.Fatal(err)
				}
			}
			o.Set(op.Key, op.Value)
		}
		if o.Len() != len(ops) {
			b.Fatal("short")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ops)), "ns/write")
}

// BenchmarkBatchSetW1 records the W1 writes in a Batch.
func BenchmarkBatchSetW1(b *testing.B) {
	ops := w1Ops(benchNC, benchNO, benchNI)
	b.ReportAllocs()
	for b.Loop() {
		var bt Batch
		for _, op := range ops {
			bt.Set(op.Key, op.Value)
		}
		if bt.Len() != len(ops) {
			b.Fatal("short")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ops)), "ns/write")
}
