package hotpath

import (
	"sync"
	"testing"

	"github.com/relstore/relstore/bench/workload"
	"github.com/relstore/relstore/index"
	"github.com/relstore/relstore/internal/keyenc"
)

// BenchScale is the workload scale of the benchmark fixtures: 1,000
// customers, 10,000 orders, 30,000 items. Small enough for CI at
// -benchtime=1x, big enough for B-tree depth to matter.
const BenchScale = 0.1

// rangeCustomers is the width of BenchmarkIndexRange's customerId range.
const rangeCustomers = 100

// fkIndex is the Order.customerId index of the workload at BenchScale,
// built as the engine builds it: one entry per order, <customerId><pk>.
type fkIndex struct {
	spec *index.Spec
	tree *index.Tree
	data *workload.Data
}

var fkFixture = sync.OnceValues(func() (*fkIndex, error) {
	d := workload.Generate(BenchScale, workload.DefaultSeed)
	fx := &fkIndex{
		spec: &index.Spec{ID: 1, Name: "fk_customer", Fields: []string{"customerId"}, Prefix: []byte("bench/")},
		tree: index.NewTree(),
		data: d,
	}
	for i := range d.Orders {
		o := &d.Orders[i]
		pk, err := keyenc.AppendValue(nil, float64(o.ID))
		if err != nil {
			return nil, err
		}
		es, err := fx.spec.Entries(map[string]any{"id": float64(o.ID), "customerId": float64(o.CustomerID)}, pk)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			fx.tree.Set(e.Item)
		}
	}
	return fx, nil
})

func loadFK(tb testing.TB) *fkIndex {
	tb.Helper()
	fx, err := fkFixture()
	if err != nil {
		tb.Fatal(err)
	}
	return fx
}

// bounds returns the scan bounds of customerId in [lo, hi].
func bounds(tb testing.TB, lo, hi int64) ([]byte, []byte) {
	l, err := keyenc.AppendValue(nil, float64(lo))
	if err != nil {
		tb.Fatal(err)
	}
	h, err := keyenc.AppendValue(nil, float64(hi))
	if err != nil {
		tb.Fatal(err)
	}
	return l, keyenc.PrefixEnd(h)
}

// orderIDs returns the pks of the entries with customerId in [lo, hi],
// decoded, in index order; limit ≤ 0 means all.
func (fx *fkIndex) orderIDs(tb testing.TB, lo, hi int64, limit int) []float64 {
	lower, upper := bounds(tb, lo, hi)
	var ids []float64
	var err error
	fx.tree.Scan(lower, upper, func(item []byte) bool {
		var pk []byte
		if _, pk, err = fx.spec.SplitItem(item); err != nil {
			return false
		}
		var v any
		if v, _, err = keyenc.Decode(pk); err != nil {
			return false
		}
		ids = append(ids, v.(float64))
		return limit <= 0 || len(ids) < limit
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ids
}

func TestFKIndexFixture(t *testing.T) {
	fx := loadFK(t)
	if fx.tree.Len() != fx.data.NO {
		t.Fatalf("%d entries, want %d", fx.tree.Len(), fx.data.NO)
	}
	const c = 7
	got := fx.orderIDs(t, c, c, 0)
	want := fx.data.OrderIDsOf(c)
	if len(got) != len(want) {
		t.Fatalf("customer %d: %v, want %v", c, got, want)
	}
	for i := range got {
		if int64(got[i]) != want[i] {
			t.Errorf("customer %d entry %d: %v, want %d", c, i, got[i], want[i])
		}
	}
	if n := len(fx.orderIDs(t, 1, rangeCustomers, 0)); n != 10*rangeCustomers {
		t.Errorf("range: %d entries, want %d", n, 10*rangeCustomers)
	}
	if first := fx.orderIDs(t, c, c, 1); len(first) != 1 || int64(first[0]) != want[0] {
		t.Errorf("point lookup %v", first)
	}
}

// customerAt cycles through the Q2 stream's customer ids.
func customerAt(d *workload.Data, i int) int64 { return d.Q2[i%len(d.Q2)] }

func BenchmarkIndexPoint(b *testing.B) {
	b.ReportAllocs()
	fx := loadFK(b)
	for i := 0; b.Loop(); i++ {
		c := customerAt(fx.data, i)
		if len(fx.orderIDs(b, c, c, 1)) != 1 {
			b.Fatal("no entry")
		}
	}
}

func BenchmarkIndexEqual(b *testing.B) {
	b.ReportAllocs()
	fx := loadFK(b)
	for i := 0; b.Loop(); i++ {
		c := customerAt(fx.data, i)
		if len(fx.orderIDs(b, c, c, 0)) != 10 {
			b.Fatal("wrong entry count")
		}
	}
}

func BenchmarkIndexRange(b *testing.B) {
	b.ReportAllocs()
	fx := loadFK(b)
	span := int64(fx.data.NC - rangeCustomers)
	for i := 0; b.Loop(); i++ {
		lo := 1 + int64(i)%span
		if len(fx.orderIDs(b, lo, lo+rangeCustomers-1, 0)) != 10*rangeCustomers {
			b.Fatal("wrong entry count")
		}
	}
}
