package hotpath

import (
	"context"
	"sync"
	"testing"

	"github.com/relstore/relstore/bench/relstorepeer"
	"github.com/relstore/relstore/bench/workload"
	"github.com/relstore/relstore/engine"
)

// engineFixture is a relstore-memory session loaded with the workload at
// BenchScale, shared by the engine benchmarks (which only read, except
// BenchmarkPatchByID, whose writes leave every read result unchanged in
// shape).
type engineFixture struct {
	sess *relstorepeer.Session
	db   *engine.DB
	data *workload.Data
}

var engFixture = sync.OnceValues(func() (*engineFixture, error) {
	ctx := context.Background()
	d := workload.Generate(BenchScale, workload.DefaultSeed)
	s, err := relstorepeer.Systems()[workload.SysRelstoreMemory].Open(ctx)
	if err != nil {
		return nil, err
	}
	sess := s.(*relstorepeer.Session)
	if _, err := sess.Load(ctx, d); err != nil {
		return nil, err
	}
	return &engineFixture{sess: sess, db: sess.DB(), data: d}, nil
})

func loadEngine(tb testing.TB) *engineFixture {
	tb.Helper()
	fx, err := engFixture()
	if err != nil {
		tb.Fatal(err)
	}
	return fx
}

func TestEngineFixtureAnswers(t *testing.T) {
	fx := loadEngine(t)
	ctx := context.Background()
	rec, err := fx.db.FindByID(ctx, "Order", float64(5), nil)
	if err != nil || rec["customerId"] != float64(fx.data.Order(5).CustomerID) {
		t.Fatalf("FindByID: %v %v", rec, err)
	}
	got, err := fx.sess.CustomersWithOrders(ctx, fx.data.Q3Limit)
	if want := fx.data.Expect(workload.Q3, 0); err != nil || got != want {
		t.Errorf("include: %v %v, want %v", got, err, want)
	}
}

// BenchmarkFindByID reads one order by id: primary-key lookup and record
// decode into a fresh map.
func BenchmarkFindByID(b *testing.B) {
	b.ReportAllocs()
	fx := loadEngine(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		id := fx.data.Q1[i%len(fx.data.Q1)]
		if _, err := fx.db.FindByID(ctx, "Order", float64(id), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRelatedBelongsTo is Q1's request, GET /Orders/{id}/customer,
// through the session (a read transaction sharing stored records): the
// order by id, then its customer through the belongsTo relation.
func BenchmarkRelatedBelongsTo(b *testing.B) {
	b.ReportAllocs()
	fx := loadEngine(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := fx.sess.OrderCustomer(ctx, fx.data.Q1[i%len(fx.data.Q1)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRelatedHasMany is Q2's request, GET /Customers/{id}/orders
// ordered by id, through the session: the customer by id, then its 10
// orders through the hasMany relation.
func BenchmarkRelatedHasMany(b *testing.B) {
	b.ReportAllocs()
	fx := loadEngine(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := fx.sess.CustomerOrders(ctx, fx.data.Q2[i%len(fx.data.Q2)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindByFK finds a customer's 10 orders through the customerId
// index.
func BenchmarkFindByFK(b *testing.B) {
	b.ReportAllocs()
	fx := loadEngine(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		c := customerAt(fx.data, i)
		recs, err := fx.db.Find(ctx, "Order", map[string]any{"where": map[string]any{"customerId": float64(c)}, "order": "id ASC"})
		if err != nil || len(recs) != 10 {
			b.Fatal(len(recs), err)
		}
	}
}

// BenchmarkIncludeOneLevel is Q3 at BenchScale: 100 customers with their
// orders.
func BenchmarkIncludeOneLevel(b *testing.B) {
	b.ReportAllocs()
	fx := loadEngine(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := fx.sess.CustomersWithOrders(ctx, fx.data.Q3Limit); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIncludeNested is Q5 at BenchScale: the first customers with
// their orders with their items (two include levels).
func BenchmarkIncludeNested(b *testing.B) {
	b.ReportAllocs()
	fx := loadEngine(b)
	ctx := context.Background()
	want := fx.data.Expect(workload.Q5, 0)
	for b.Loop() {
		got, err := fx.sess.CustomersWithOrdersItems(ctx, fx.data.Q5Limit)
		if err != nil || got != want {
			b.Fatal(got, err, want)
		}
	}
}

// BenchmarkPatchByID sets one order's status in its own transaction
// (memory store): read, merge, re-encode, index maintenance, commit.
func BenchmarkPatchByID(b *testing.B) {
	b.ReportAllocs()
	fx := loadEngine(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		u := fx.data.Q8[i%len(fx.data.Q8)]
		if _, err := fx.sess.SetStatus(ctx, u.OrderID, u.Status); err != nil {
			b.Fatal(err)
		}
	}
}
