package workload

import "testing"

func TestSizes(t *testing.T) {
	for _, tc := range []struct {
		scale               float64
		nc, ops, l3, l4, l5 int
	}{
		{1, 10000, 10000, 1000, 10000, 100},
		{0.1, 1000, 1000, 100, 1000, 10},
		{0.01, 100, 100, 10, 100, 1},
		{0.00001, 1, 0, 1, 1, 1},
	} {
		s := SizesFor(tc.scale)
		if s.NC != tc.nc || s.NO != 10*tc.nc || s.NI != 30*tc.nc || s.StreamOps != tc.ops ||
			s.Q3Limit != tc.l3 || s.Q4Limit != tc.l4 || s.Q5Limit != tc.l5 {
			t.Errorf("SizesFor(%v) = %+v", tc.scale, s)
		}
	}
}

func TestGenerateShape(t *testing.T) {
	d := Generate(0.1, DefaultSeed)
	perCustomer := make([]int, d.NC+1)
	for i, o := range d.Orders {
		if o.ID != int64(i+1) {
			t.Fatalf("order %d has id %d", i, o.ID)
		}
		perCustomer[o.CustomerID]++
		if o.Cents < 100 || o.Cents > 100000 {
			t.Errorf("order %d cents %d out of range", o.ID, o.Cents)
		}
		lo := Epoch.UnixMilli() + (o.ID-1)*60000
		if o.CreatedAtMs < lo || o.CreatedAtMs >= lo+60000 {
			t.Errorf("order %d createdAt %d out of its minute", o.ID, o.CreatedAtMs)
		}
	}
	for c := 1; c <= d.NC; c++ {
		if perCustomer[c] != 10 {
			t.Fatalf("customer %d has %d orders", c, perCustomer[c])
		}
	}
	for _, c := range d.Customers {
		if c.Age < 18 || c.Age > 80 {
			t.Errorf("customer %d age %d", c.ID, c.Age)
		}
	}
	perOrder := make([]int, d.NO+1)
	for _, it := range d.Items {
		perOrder[it.OrderID]++
		if it.Qty < 1 || it.Qty > 10 || len(it.SKU) != len("SKU-00000") {
			t.Errorf("item %+v", it)
		}
	}
	for o := 1; o <= d.NO; o++ {
		if perOrder[o] != 3 {
			t.Fatalf("order %d has %d items", o, perOrder[o])
		}
	}
	if got := d.OrderIDsOf(3); got[0] != 3 || got[9] != 3+9*int64(d.NC) {
		t.Errorf("OrderIDsOf(3) = %v", got)
	}
	for _, id := range d.OrderIDsOf(5) {
		if d.Order(id).CustomerID != 5 {
			t.Errorf("OrderIDsOf(5) includes order %d of customer %d", id, d.Order(id).CustomerID)
		}
	}
	for _, id := range d.ItemIDsOf(7) {
		if d.Items[id-1].OrderID != 7 {
			t.Errorf("ItemIDsOf(7) includes item %d", id)
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, b := Generate(0.01, DefaultSeed), Generate(0.01, DefaultSeed)
	for i := range a.Orders {
		if a.Orders[i] != b.Orders[i] {
			t.Fatalf("order %d differs between two runs", i+1)
		}
	}
}

func TestQ8ChangesEveryQ7Status(t *testing.T) {
	d := Generate(0.1, DefaultSeed)
	for i, u := range d.Q8 {
		if u.OrderID != d.Q7[i].OrderID || u.Status == d.Q7[i].Status {
			t.Fatalf("Q8[%d] = %+v, Q7[%d] = %+v", i, u, i, d.Q7[i])
		}
	}
}
