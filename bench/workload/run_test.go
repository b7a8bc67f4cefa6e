package workload

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

// refSystem is a trivially correct system over plain Go slices, used to test
// the runner and the expectations independently of any store.
type refSystem struct {
	durable bool
	// mutate, when set, alters a session after Open (to inject faults).
	mutate func(*refSession)
}

func (refSystem) Name() string    { return "ref" }
func (s refSystem) Durable() bool { return s.durable }
func (s refSystem) Open(context.Context) (Session, error) {
	rs := &refSession{}
	if s.mutate != nil {
		s.mutate(rs)
	}
	return rs, nil
}

type refSession struct {
	mu        sync.Mutex
	customers []Customer
	orders    []Order
	items     []Item
	sleep     time.Duration // per SetStatus
	q6err     error
	q3skew    int64 // added to Q3's idsum
	calls     map[Op]int
}

func (s *refSession) count(op Op) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[Op]int{}
	}
	s.calls[op]++
}

func (s *refSession) Load(_ context.Context, d *Data) (Tally, error) {
	var t Tally
	s.customers = append([]Customer(nil), d.Customers...)
	s.orders = append([]Order(nil), d.Orders...)
	s.items = append([]Item(nil), d.Items...)
	for _, c := range s.customers {
		t = t.Add(Tally{1, c.ID})
	}
	for _, o := range s.orders {
		t = t.Add(Tally{1, o.ID})
	}
	for _, it := range s.items {
		t = t.Add(Tally{1, it.ID})
	}
	return t, nil
}

func (s *refSession) ordersOf(c int64) []Order {
	var out []Order
	for _, o := range s.orders {
		if o.CustomerID == c {
			out = append(out, o)
		}
	}
	return out
}

func (s *refSession) OrderCustomer(_ context.Context, id int64) (Tally, error) {
	s.count(Q1)
	return Tally{1, s.customers[s.orders[id-1].CustomerID-1].ID}, nil
}

func (s *refSession) CustomerOrders(_ context.Context, id int64) (Tally, error) {
	var t Tally
	for _, o := range s.ordersOf(id) {
		t = t.Add(Tally{1, o.ID})
	}
	return t, nil
}

func (s *refSession) CustomersWithOrders(_ context.Context, limit int) (Tally, error) {
	s.count(Q3)
	t := Tally{IDSum: s.q3skew}
	for _, c := range s.customers[:limit] {
		t = t.Add(Tally{1, c.ID})
		for _, o := range s.ordersOf(c.ID) {
			t = t.Add(Tally{1, o.ID})
		}
	}
	return t, nil
}

func (s *refSession) OrdersWithCustomer(_ context.Context, status string, limit int) (Tally, error) {
	var t Tally
	for _, o := range s.orders {
		if o.Status == status {
			t = t.Add(Tally{2, o.ID + s.customers[o.CustomerID-1].ID})
			if limit--; limit == 0 {
				break
			}
		}
	}
	return t, nil
}

func (s *refSession) CustomersWithOrdersItems(_ context.Context, limit int) (Tally, error) {
	var t Tally
	for _, c := range s.customers[:limit] {
		t = t.Add(Tally{1, c.ID})
		for _, o := range s.ordersOf(c.ID) {
			t = t.Add(Tally{1, o.ID})
			for _, it := range s.items {
				if it.OrderID == o.ID {
					t = t.Add(Tally{1, it.ID})
				}
			}
		}
	}
	return t, nil
}

func (s *refSession) OrdersInCity(_ context.Context, city string) (Tally, error) {
	if s.q6err != nil {
		return Tally{}, s.q6err
	}
	var ids []int64
	for _, o := range s.orders {
		if s.customers[o.CustomerID-1].City == city {
			ids = append(ids, o.ID)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var t Tally
	for _, id := range ids {
		t = t.Add(Tally{1, id})
	}
	return t, nil
}

func (s *refSession) SetStatus(_ context.Context, id int64, status string) (Tally, error) {
	time.Sleep(s.sleep)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orders[id-1].Status = status
	return Tally{1, id}, nil
}

func (s *refSession) Variant(op Op) string { return "ref" }
func (s *refSession) Close() error         { return nil }

func (s *refSession) Alternates() []Alternate {
	return []Alternate{{Op: Q6, Variant: "alt", Call: func(ctx context.Context, d *Data) (Tally, error) {
		return s.OrdersInCity(ctx, Q6City)
	}}}
}

func collect(t *testing.T, sys System, d *Data, cfg Config) ([]Line, error) {
	t.Helper()
	var lines []Line
	err := Run(context.Background(), sys, d, cfg, func(l Line) { lines = append(lines, l) })
	return lines, err
}

func TestRunReferenceAllOK(t *testing.T) {
	d := Generate(0.01, DefaultSeed)
	lines, err := collect(t, refSystem{durable: true}, d, Config{Reps: 2, Round: 3})
	if err != nil {
		t.Fatal(err)
	}
	wantOps := []Op{W1, Q1, Q2, Q3, Q4, Q5, Q6, Q6, Q7, Q8}
	if len(lines) != len(wantOps) {
		t.Fatalf("%d lines, want %d", len(lines), len(wantOps))
	}
	for i, l := range lines {
		if l.Op != wantOps[i] || !l.CheckOK || l.Round != 3 || l.System != "ref" {
			t.Errorf("line %d: %+v", i, l)
		}
		if l.Op.IsStream() && l.N != l.Planned {
			t.Errorf("%s: n %d of %d", l.Op, l.N, l.Planned)
		}
		if !l.Op.IsStream() && l.N != 2 {
			t.Errorf("%s: %d timed calls, want 2", l.Op, l.N)
		}
	}
	if lines[0].Fingerprint != d.Fingerprint() {
		t.Errorf("W1 fingerprint %q", lines[0].Fingerprint)
	}
	if lines[6].Primary == lines[7].Primary || lines[7].Variant != "alt" {
		t.Errorf("Q6 alternate: %+v / %+v", lines[6], lines[7])
	}
	if lines[9].Conc != Q8Writers {
		t.Errorf("Q8 conc %d", lines[9].Conc)
	}
}

func TestRunSkipsQ8WhenNotDurable(t *testing.T) {
	lines, err := collect(t, refSystem{}, Generate(0.01, DefaultSeed), Config{Reps: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.Op == Q8 {
			t.Fatal("Q8 ran on a non-durable system")
		}
	}
}

func TestRunDetectsWrongResult(t *testing.T) {
	var sess *refSession
	sys := refSystem{mutate: func(s *refSession) { s.q3skew = 1; sess = s }}
	lines, err := collect(t, sys, Generate(0.01, DefaultSeed), Config{Reps: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if (l.Op == Q3) == l.CheckOK {
			t.Errorf("%s check_ok %v", l.Op, l.CheckOK)
		}
	}
	if sess.calls[Q3] != 4 {
		t.Errorf("Q3 called %d times, want warm-up + 3", sess.calls[Q3])
	}
}

func TestRunReportsOpErrorAndContinues(t *testing.T) {
	boom := errors.New("boom")
	sys := refSystem{mutate: func(s *refSession) { s.q6err = boom }}
	lines, err := collect(t, sys, Generate(0.01, DefaultSeed), Config{Reps: 1})
	if !errors.Is(err, boom) {
		t.Fatalf("Run error %v, want boom", err)
	}
	sawQ7 := false
	for _, l := range lines {
		if l.Op == Q6 && (l.CheckOK || l.Note != "error: boom") {
			t.Errorf("Q6 line %+v", l)
		}
		sawQ7 = sawQ7 || l.Op == Q7
	}
	if !sawQ7 {
		t.Error("run stopped after the Q6 error")
	}
}

func TestRunBudgetStopsStreamsWithPrefixCheck(t *testing.T) {
	d := Generate(0.01, DefaultSeed)
	sys := refSystem{durable: true, mutate: func(s *refSession) { s.sleep = 5 * time.Millisecond }}
	lines, err := collect(t, sys, d, Config{Reps: 1, Budget: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.Op != Q7 && l.Op != Q8 {
			continue
		}
		if l.N == 0 || l.N >= l.Planned {
			t.Errorf("%s: n %d of %d, want a budget stop", l.Op, l.N, l.Planned)
		}
		if !l.CheckOK {
			t.Errorf("%s: prefix check failed: got %d/%d want %v", l.Op, l.Records, l.IDSum, l.Expect)
		}
	}
}

func TestRunOpsSelectsOps(t *testing.T) {
	d := Generate(0.01, DefaultSeed)
	lines, err := collect(t, refSystem{durable: true}, d, Config{Reps: 1, Ops: map[Op]bool{Q1: true, Q3: true}})
	if err != nil {
		t.Fatal(err)
	}
	wantOps := []Op{W1, Q1, Q3}
	if len(lines) != len(wantOps) {
		t.Fatalf("%d lines, want %v", len(lines), wantOps)
	}
	for i, l := range lines {
		if l.Op != wantOps[i] || !l.CheckOK {
			t.Errorf("line %d: %+v", i, l)
		}
	}
}

func TestDirBytes(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]int{"a": 10, "sub/b": 32} {
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := DirBytes(dir); err != nil || got != 42 {
		t.Errorf("DirBytes = %d, %v; want 42", got, err)
	}
}
