package sqlitepeer

import (
	"context"
	"testing"

	"github.com/relstore/relstore/bench/workload"
)

func TestInQuery(t *testing.T) {
	q, args := inQuery("id, x", "t", "fk", []int64{3, 1, 2})
	if want := "SELECT id, x FROM t WHERE fk IN (?, ?, ?) ORDER BY id"; q != want {
		t.Errorf("query %q, want %q", q, want)
	}
	if len(args) != 3 || args[0] != int64(3) || args[2] != int64(2) {
		t.Errorf("args %v", args)
	}
}

// loaded returns a loaded in-memory session at the test scale.
func loaded(t *testing.T) (*Session, *workload.Data) {
	t.Helper()
	d := workload.Generate(testScale, workload.DefaultSeed)
	sess, err := Systems()[workload.SysSQLiteMem].Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	if _, err := sess.Load(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return sess.(*Session), d
}

func TestIncludesAttachToTheRightParents(t *testing.T) {
	s, d := loaded(t)
	ctx := context.Background()
	cs, err := s.customersLimit(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	os, err := s.attachOrders(ctx, cs)
	if err != nil || len(os) != 30 {
		t.Fatalf("attachOrders: %d orders, %v", len(os), err)
	}
	for _, c := range cs {
		want := d.OrderIDsOf(c.ID)
		if len(c.Orders) != len(want) {
			t.Fatalf("customer %d has %d orders", c.ID, len(c.Orders))
		}
		for i, o := range c.Orders {
			if o.ID != want[i] || o.CustomerID != c.ID {
				t.Errorf("customer %d order %d: %+v", c.ID, i, o)
			}
			g := d.Order(o.ID)
			if o.Status != g.Status || o.Total != g.Total() || !o.CreatedAt.Equal(g.CreatedAt()) {
				t.Errorf("order %d round-trip: %+v vs %+v", o.ID, o, g)
			}
		}
	}
}

func TestQ6VariantsAgree(t *testing.T) {
	s, d := loaded(t)
	ctx := context.Background()
	join, err1 := s.OrdersInCity(ctx, workload.Q6City)
	two, err2 := s.OrdersInCityTwoStep(ctx, workload.Q6City)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if want := d.Expect(workload.Q6, 0); join != want || two != want {
		t.Errorf("join %v, two-step %v, want %v", join, two, want)
	}
	if none, err := s.OrdersInCityTwoStep(ctx, "nowhere"); err != nil || none != (workload.Tally{}) {
		t.Errorf("empty city: %v %v", none, err)
	}
}

func TestSetStatusMissingOrder(t *testing.T) {
	s, d := loaded(t)
	got, err := s.SetStatus(context.Background(), int64(d.NO+1), "paid")
	if err != nil || got != (workload.Tally{}) {
		t.Errorf("update of a missing order: %v %v", got, err)
	}
}
