package sqlitepeer

import (
	"context"
	"strings"

	"github.com/relstore/relstore/bench/workload"
)

// OrderCustomer implements workload.Session (Q1): the order by id, then its
// customer by customerId, two prepared point queries.
func (s *Session) OrderCustomer(ctx context.Context, orderID int64) (workload.Tally, error) {
	o, err := scanOrder(s.orderByID.QueryRowContext(ctx, orderID))
	if err != nil {
		return workload.Tally{}, err
	}
	c, err := scanCustomer(s.customerByID.QueryRowContext(ctx, o.CustomerID))
	if err != nil {
		return workload.Tally{}, err
	}
	return workload.Tally{Records: 1, IDSum: c.ID}, nil
}

// CustomerOrders implements workload.Session (Q2): one prepared query on
// the customerId index.
func (s *Session) CustomerOrders(ctx context.Context, customerID int64) (workload.Tally, error) {
	rows, err := s.ordersOfCust.QueryContext(ctx, customerID)
	os, err := collect(rows, err, scanOrder)
	if err != nil {
		return workload.Tally{}, err
	}
	return tallyOrders(os), nil
}

// inQuery returns "SELECT cols FROM table WHERE col IN (?, …) ORDER BY id"
// for len(ids) placeholders, and ids as arguments.
func inQuery(cols, table, col string, ids []int64) (string, []any) {
	var b strings.Builder
	b.Grow(64 + 3*len(ids))
	b.WriteString("SELECT ")
	b.WriteString(cols)
	b.WriteString(" FROM ")
	b.WriteString(table)
	b.WriteString(" WHERE ")
	b.WriteString(col)
	b.WriteString(" IN (")
	args := make([]any, len(ids))
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('?')
		args[i] = id
	}
	b.WriteString(") ORDER BY id")
	return b.String(), args
}

// customersLimit returns the first limit customers by id.
func (s *Session) customersLimit(ctx context.Context, limit int) ([]*Customer, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+customerCols+" FROM customers ORDER BY id LIMIT ?", limit)
	return collect(rows, err, scanCustomer)
}

// attachOrders loads the orders of cs with one IN query and appends each to
// its customer's Orders, ascending by id. It returns all the orders loaded.
func (s *Session) attachOrders(ctx context.Context, cs []*Customer) ([]*Order, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	byID := make(map[int64]*Customer, len(cs))
	ids := make([]int64, 0, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
		ids = append(ids, c.ID)
	}
	q, args := inQuery(orderCols, "orders", "customerId", ids)
	rows, err := s.db.QueryContext(ctx, q, args...)
	os, err := collect(rows, err, scanOrder)
	if err != nil {
		return nil, err
	}
	for _, o := range os {
		if c := byID[o.CustomerID]; c != nil {
			c.Orders = append(c.Orders, o)
		}
	}
	return os, nil
}

// CustomersWithOrders implements workload.Session (Q3): the customers, then
// their orders with one IN query.
func (s *Session) CustomersWithOrders(ctx context.Context, limit int) (workload.Tally, error) {
	cs, err := s.customersLimit(ctx, limit)
	if err != nil {
		return workload.Tally{}, err
	}
	if _, err := s.attachOrders(ctx, cs); err != nil {
		return workload.Tally{}, err
	}
	return tallyCustomers(cs), nil
}

// OrdersWithCustomer implements workload.Session (Q4): the orders with
// status (a scan in id order: status has no index), then their distinct
// customers with one IN query, attached to every order that references them.
func (s *Session) OrdersWithCustomer(ctx context.Context, status string, limit int) (workload.Tally, error) {
	rows, err := s.db.QueryContext(ctx,
		"SELECT "+orderCols+" FROM orders WHERE status = ? ORDER BY id LIMIT ?", status, limit)
	os, err := collect(rows, err, scanOrder)
	if err != nil {
		return workload.Tally{}, err
	}
	if len(os) > 0 {
		seen := make(map[int64]bool, len(os))
		var ids []int64
		for _, o := range os {
			if !seen[o.CustomerID] {
				seen[o.CustomerID] = true
				ids = append(ids, o.CustomerID)
			}
		}
		q, args := inQuery(customerCols, "customers", "id", ids)
		rows, err := s.db.QueryContext(ctx, q, args...)
		cs, err := collect(rows, err, scanCustomer)
		if err != nil {
			return workload.Tally{}, err
		}
		byID := make(map[int64]*Customer, len(cs))
		for _, c := range cs {
			byID[c.ID] = c
		}
		for _, o := range os {
			o.Customer = byID[o.CustomerID]
		}
	}
	return tallyOrders(os), nil
}

// CustomersWithOrdersItems implements workload.Session (Q5): customers,
// their orders (one IN query), the orders' items (one IN query).
func (s *Session) CustomersWithOrdersItems(ctx context.Context, limit int) (workload.Tally, error) {
	cs, err := s.customersLimit(ctx, limit)
	if err != nil {
		return workload.Tally{}, err
	}
	os, err := s.attachOrders(ctx, cs)
	if err != nil {
		return workload.Tally{}, err
	}
	if len(os) > 0 {
		byID := make(map[int64]*Order, len(os))
		ids := make([]int64, 0, len(os))
		for _, o := range os {
			byID[o.ID] = o
			ids = append(ids, o.ID)
		}
		q, args := inQuery(itemCols, "order_items", "orderId", ids)
		rows, err := s.db.QueryContext(ctx, q, args...)
		its, err := collect(rows, err, scanItem)
		if err != nil {
			return workload.Tally{}, err
		}
		for _, it := range its {
			if o := byID[it.OrderID]; o != nil {
				o.Items = append(o.Items, it)
			}
		}
	}
	return tallyCustomers(cs), nil
}

// sqlOrdersInCity is Q6 as one JOIN.
const sqlOrdersInCity = "SELECT o.id, o.customerId, o.total, o.status, o.createdAt" +
	" FROM orders o JOIN customers c ON c.id = o.customerId WHERE c.city = ? ORDER BY o.id"

// OrdersInCity implements workload.Session (Q6, primary): one JOIN.
func (s *Session) OrdersInCity(ctx context.Context, city string) (workload.Tally, error) {
	rows, err := s.db.QueryContext(ctx, sqlOrdersInCity, city)
	os, err := collect(rows, err, scanOrder)
	if err != nil {
		return workload.Tally{}, err
	}
	return tallyOrders(os), nil
}

// OrdersInCityTwoStep is Q6 as an ORM without relation filters does it:
// the customers of city (materialised), then their orders by IN, by id.
func (s *Session) OrdersInCityTwoStep(ctx context.Context, city string) (workload.Tally, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+customerCols+" FROM customers WHERE city = ?", city)
	cs, err := collect(rows, err, scanCustomer)
	if err != nil || len(cs) == 0 {
		return workload.Tally{}, err
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	q, args := inQuery(orderCols, "orders", "customerId", ids)
	rows, err = s.db.QueryContext(ctx, q, args...)
	os, err := collect(rows, err, scanOrder)
	if err != nil {
		return workload.Tally{}, err
	}
	return tallyOrders(os), nil
}
