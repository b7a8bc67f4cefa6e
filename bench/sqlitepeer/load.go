package sqlitepeer

import (
	"context"

	"github.com/relstore/relstore/bench/workload"
)

// Insert statements of the bulk load.
const (
	sqlInsertCustomer = "INSERT INTO customers (" + customerCols + ") VALUES (?, ?, ?, ?)"
	sqlInsertOrder    = "INSERT INTO orders (" + orderCols + ") VALUES (?, ?, ?, ?, ?)"
	sqlInsertItem     = "INSERT INTO order_items (" + itemCols + ") VALUES (?, ?, ?, ?)"
)

// Load implements workload.Session (W1): one transaction, one prepared
// INSERT per table executed once per row, customers then orders then items.
// The tally counts the rows whose INSERT succeeded.
func (s *Session) Load(ctx context.Context, d *workload.Data) (t workload.Tally, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return t, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
			t = workload.Tally{}
		}
	}()
	insert := func(query string, n int, args func(i int) (int64, []any)) error {
		st, err := tx.PrepareContext(ctx, query)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := range n {
			id, a := args(i)
			if _, err := st.ExecContext(ctx, a...); err != nil {
				return err
			}
			t = t.Add(workload.Tally{Records: 1, IDSum: id})
		}
		return nil
	}
	if err = insert(sqlInsertCustomer, len(d.Customers), func(i int) (int64, []any) {
		c := &d.Customers[i]
		return c.ID, []any{c.ID, c.Name, c.Age, c.City}
	}); err != nil {
		return t, err
	}
	if err = insert(sqlInsertOrder, len(d.Orders), func(i int) (int64, []any) {
		o := &d.Orders[i]
		return o.ID, []any{o.ID, o.CustomerID, o.Total(), o.Status, o.CreatedAtMs}
	}); err != nil {
		return t, err
	}
	if err = insert(sqlInsertItem, len(d.Items), func(i int) (int64, []any) {
		it := &d.Items[i]
		return it.ID, []any{it.ID, it.OrderID, it.SKU, it.Qty}
	}); err != nil {
		return t, err
	}
	return t, tx.Commit()
}
