package relstorepeer

import (
	"context"
	"errors"

	"github.com/relstore/relstore"
	"github.com/relstore/relstore/bench/workload"
	"github.com/relstore/relstore/engine"
)

// Session is one relstore DB loaded with the workload. It implements
// workload.Session; every method is safe for concurrent use (the engine's
// are).
type Session struct {
	rdb *relstore.DB // the typed face, over db (variants "…/structs")
	db  *engine.DB
	ty  *typed
	dir string // Pebble directory, "" in memory
	// keep is the Pebble directory of a session made by OpenPebbleDir,
	// which Close leaves in place.
	keep string
}

// Close implements workload.Session: it closes the DB (and its store) and
// removes the store's directory.
func (s *Session) Close() error {
	err := s.rdb.Close()
	removeDir(s.dir)
	return err
}

// Variant implements workload.Session: the primary variants use the
// engine's map API (map[string]any records), what the daemon and the
// LoopBack-style API serve; Alternates adds the typed face (structs).
func (s *Session) Variant(op workload.Op) string {
	switch op {
	case workload.W1:
		return "one-update-tx"
	case workload.Q1, workload.Q2:
		return "related-accessor"
	case workload.Q6:
		return "relation-where"
	case workload.Q7, workload.Q8:
		return "patchById"
	}
	return "find-include"
}

// Load implements workload.Session (W1): every row created in one write
// transaction, customers then orders then items, records built as a user
// would pass decoded JSON (numbers float64, createdAt a time.Time).
func (s *Session) Load(ctx context.Context, d *workload.Data) (workload.Tally, error) {
	var t workload.Tally
	err := s.db.Update(ctx, func(tx *engine.Tx) error {
		tx.ShareRecords(true) // Create's answers are only read
		t = workload.Tally{}
		create := func(model string, rec map[string]any) error {
			out, err := tx.Create(model, rec)
			if err != nil {
				return err
			}
			id, ok := out[idKey].(float64)
			if !ok {
				return errNotRecord
			}
			t = t.Add(workload.Tally{Records: 1, IDSum: int64(id)})
			return nil
		}
		for i := range d.Customers {
			c := &d.Customers[i]
			if err := create(modelCustomer, map[string]any{
				"id": float64(c.ID), "name": c.Name, "age": float64(c.Age), "city": c.City,
			}); err != nil {
				return err
			}
		}
		for i := range d.Orders {
			o := &d.Orders[i]
			if err := create(modelOrder, map[string]any{
				"id": float64(o.ID), "customerId": float64(o.CustomerID), "total": o.Total(),
				"status": o.Status, "createdAt": o.CreatedAt(),
			}); err != nil {
				return err
			}
		}
		for i := range d.Items {
			it := &d.Items[i]
			if err := create(modelOrderItem, map[string]any{
				"id": float64(it.ID), "orderId": float64(it.OrderID), "sku": it.SKU, "qty": float64(it.Qty),
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return workload.Tally{}, err
	}
	return t, nil
}

// orderByID is Q2's related-model filter.
var orderByID = map[string]any{"order": "id ASC"}

// The primary variants: the engine's API (map[string]any records), read
// as the daemon reads them — a read-only transaction sharing the stored
// records (Tx.ShareRecords) — and tallied by walking the records with the
// op's relation names.

// view runs fn in a read-only transaction that shares stored records.
func (s *Session) view(ctx context.Context, fn func(tx *engine.Tx) error) error {
	return s.db.View(ctx, func(tx *engine.Tx) error {
		tx.ShareRecords(true)
		return fn(tx)
	})
}

// related runs a related accessor (RelatedGet) and tallies its answer.
func (s *Session) related(ctx context.Context, model string, id int64, rel string, f map[string]any) (t workload.Tally, err error) {
	err = s.view(ctx, func(tx *engine.Tx) error {
		v, err := tx.RelatedGet(model, float64(id), rel, f)
		if err == nil {
			t, err = tally(v)
		}
		return err
	})
	return t, err
}

// OrderCustomer implements workload.Session (Q1): GET /Orders/{id}/customer.
func (s *Session) OrderCustomer(ctx context.Context, orderID int64) (workload.Tally, error) {
	return s.related(ctx, modelOrder, orderID, relCustomer, nil)
}

// CustomerOrders implements workload.Session (Q2): GET /Customers/{id}/orders
// ordered by id.
func (s *Session) CustomerOrders(ctx context.Context, customerID int64) (workload.Tally, error) {
	return s.related(ctx, modelCustomer, customerID, relOrders, orderByID)
}

// find runs Find and tallies the records.
func (s *Session) find(ctx context.Context, model string, f map[string]any, rels ...string) (t workload.Tally, err error) {
	err = s.view(ctx, func(tx *engine.Tx) error {
		recs, err := tx.Find(model, f)
		if err == nil {
			t, err = tally(recs, rels...)
		}
		return err
	})
	return t, err
}

// CustomersWithOrders implements workload.Session (Q3).
func (s *Session) CustomersWithOrders(ctx context.Context, limit int) (workload.Tally, error) {
	return s.find(ctx, modelCustomer, map[string]any{"order": "id ASC", "limit": float64(limit), "include": relOrders}, relOrders)
}

// OrdersWithCustomer implements workload.Session (Q4).
func (s *Session) OrdersWithCustomer(ctx context.Context, status string, limit int) (workload.Tally, error) {
	return s.find(ctx, modelOrder, map[string]any{
		"where": map[string]any{"status": status}, "order": "id ASC", "limit": float64(limit), "include": relCustomer,
	}, relCustomer)
}

// CustomersWithOrdersItems implements workload.Session (Q5).
func (s *Session) CustomersWithOrdersItems(ctx context.Context, limit int) (workload.Tally, error) {
	return s.find(ctx, modelCustomer, map[string]any{
		"order": "id ASC", "limit": float64(limit), "include": map[string]any{relOrders: relItems},
	}, relOrders, relItems)
}

// OrdersInCity implements workload.Session (Q6): a where on the relation path
// customer.city.
func (s *Session) OrdersInCity(ctx context.Context, city string) (workload.Tally, error) {
	return s.find(ctx, modelOrder, map[string]any{
		"where": map[string]any{relCustomer + ".city": city}, "order": "id ASC",
	})
}

// OrdersInCityTwoStep is Q6 without relation filters: the customers of
// city (ids only), then their orders with inq, by id.
func (s *Session) OrdersInCityTwoStep(ctx context.Context, city string) (workload.Tally, error) {
	cs, err := s.db.Find(ctx, modelCustomer, map[string]any{"where": map[string]any{"city": city}, "fields": []any{idKey}})
	if err != nil {
		return workload.Tally{}, err
	}
	ids := make([]any, len(cs))
	for i, c := range cs {
		ids[i] = c[idKey]
	}
	return s.find(ctx, modelOrder, map[string]any{
		"where": map[string]any{"customerId": map[string]any{"inq": ids}}, "order": "id ASC",
	})
}

// Alternates implements workload.Alternator: Q1–Q6 through the typed face
// (structs, as the SQLite peer's primary variants), and Q6 in two steps.
func (s *Session) Alternates() []workload.Alternate {
	call := func(op workload.Op, variant string, f func(ctx context.Context, d *workload.Data) (workload.Tally, error)) workload.Alternate {
		return workload.Alternate{Op: op, Variant: variant, Call: f}
	}
	return []workload.Alternate{
		{Op: workload.Q1, Variant: "related-accessor/structs", Stream: func(ctx context.Context, d *workload.Data, i int) (workload.Tally, error) {
			return s.typedOrderCustomer(ctx, d.Q1[i])
		}},
		{Op: workload.Q2, Variant: "related-accessor/structs", Stream: func(ctx context.Context, d *workload.Data, i int) (workload.Tally, error) {
			return s.typedCustomerOrders(ctx, d.Q2[i])
		}},
		call(workload.Q3, "find-include/structs", func(ctx context.Context, d *workload.Data) (workload.Tally, error) {
			return s.typedCustomersWithOrders(ctx, d.Q3Limit)
		}),
		call(workload.Q4, "find-include/structs", func(ctx context.Context, d *workload.Data) (workload.Tally, error) {
			return s.typedOrdersWithCustomer(ctx, workload.Q4Status, d.Q4Limit)
		}),
		call(workload.Q5, "find-include/structs", func(ctx context.Context, d *workload.Data) (workload.Tally, error) {
			return s.typedCustomersWithOrdersItems(ctx, d.Q5Limit)
		}),
		call(workload.Q6, "relation-where/structs", func(ctx context.Context, _ *workload.Data) (workload.Tally, error) {
			return s.typedOrdersInCity(ctx, workload.Q6City)
		}),
		call(workload.Q6, "two-step", func(ctx context.Context, _ *workload.Data) (workload.Tally, error) {
			return s.OrdersInCityTwoStep(ctx, workload.Q6City)
		}),
	}
}

// SetStatus implements workload.Session (Q7, Q8): one PatchByID, its own
// transaction, synced as the store is configured.
func (s *Session) SetStatus(ctx context.Context, orderID int64, status string) (workload.Tally, error) {
	var rec map[string]any
	err := s.db.Update(ctx, func(tx *engine.Tx) (err error) {
		tx.ShareRecords(true) // the answer is only read
		rec, err = tx.PatchByID(modelOrder, float64(orderID), map[string]any{"status": status})
		return err
	})
	if err != nil {
		if errors.Is(err, engine.ErrNotFound) {
			return workload.Tally{}, nil
		}
		return workload.Tally{}, err
	}
	return tally(rec)
}

// DB returns the session's engine DB (for benchmarks of engine paths).
func (s *Session) DB() *engine.DB { return s.db }

// DiskBytes implements workload.DiskUser for Pebble sessions: the bytes of
// the store's directory.
func (s *Session) DiskBytes() (int64, error) {
	dir := s.dir
	if dir == "" {
		dir = s.keep
	}
	if dir == "" {
		return 0, errNoDir
	}
	return workload.DirBytes(dir)
}

var errNoDir = errors.New("relstorepeer: store is in memory")
