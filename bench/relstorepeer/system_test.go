package relstorepeer

import (
	"context"
	"os"
	"testing"

	"github.com/relstore/relstore/bench/workload"
)

// testScale is the tiny scale of the end-to-end tests (NC=100).
const testScale = 0.01

func TestSystemsEndToEnd(t *testing.T) {
	d := workload.Generate(testScale, workload.DefaultSeed)
	for name, sys := range Systems() {
		t.Run(name, func(t *testing.T) {
			sys.Dir = t.TempDir()
			var lines []workload.Line
			err := workload.Run(context.Background(), sys, d, workload.Config{Reps: 2, Round: 1},
				func(l workload.Line) { lines = append(lines, l) })
			if err != nil {
				t.Error(err)
			}
			ops := map[workload.Op]int{}
			for _, l := range lines {
				ops[l.Op]++
				if !l.CheckOK {
					t.Errorf("%s %s [%s]: check failed: got %d/%d, want %v (%s)",
						name, l.Op, l.Variant, l.Records, l.IDSum, l.Expect, l.Note)
				}
			}
			// Structs (primary) and maps for Q1–Q6, and Q6 in two steps.
			for _, op := range []workload.Op{workload.Q1, workload.Q2, workload.Q3, workload.Q4, workload.Q5} {
				if ops[op] != 2 {
					t.Errorf("%s lines %d, want structs and maps", op, ops[op])
				}
			}
			if ops[workload.Q6] != 3 {
				t.Errorf("Q6 lines %d, want relation-where (structs, maps) and two-step", ops[workload.Q6])
			}
			if got, want := ops[workload.Q8], map[bool]int{true: 1, false: 0}[sys.Durable()]; got != want {
				t.Errorf("Q8 lines %d, want %d", got, want)
			}
			entries, err := os.ReadDir(sys.Dir)
			if err != nil || len(entries) != 0 {
				t.Errorf("store files left after Close: %v %v", entries, err)
			}
		})
	}
}

func TestSessionReturnsFullRecords(t *testing.T) {
	ctx := context.Background()
	d := workload.Generate(testScale, workload.DefaultSeed)
	s, err := Systems()[workload.SysRelstoreMemory].Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Load(ctx, d); err != nil {
		t.Fatal(err)
	}
	db := s.(*Session).DB()
	rec, err := db.FindByID(ctx, modelOrder, float64(1), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "customerId", "total", "status", "createdAt"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("order lacks %q: %v", k, rec)
		}
	}
	if rec["total"] != d.Order(1).Total() || rec["status"] != d.Order(1).Status {
		t.Errorf("order 1 = %v, generated %+v", rec, *d.Order(1))
	}

	// The typed face materialises every field too.
	ty := s.(*Session).ty
	os, err := ty.orders.Find(ctx, ty.q4(d.Order(1).Status, 1))
	if err != nil || len(os) != 1 {
		t.Fatalf("typed Q4: %v %v", os, err)
	}
	o, g := os[0], d.Order(1)
	if o.ID != g.ID || o.CustomerID != g.CustomerID || o.Total != g.Total() || o.Status != g.Status ||
		!o.CreatedAt.Equal(g.CreatedAt()) {
		t.Errorf("typed order 1 = %+v, generated %+v", o, *g)
	}
	c, gc := o.Customer, d.Customer(g.CustomerID)
	if c == nil || c.ID != gc.ID || c.Name != gc.Name || c.Age != int64(gc.Age) || c.City != gc.City {
		t.Errorf("typed customer of order 1 = %+v, generated %+v", c, *gc)
	}
}
