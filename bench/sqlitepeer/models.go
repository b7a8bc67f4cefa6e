package sqlitepeer

import (
	"database/sql"
	"time"

	"github.com/relstore/relstore/bench/workload"
)

// Customer is a customers row as a user's struct, with its orders when
// included.
type Customer struct {
	ID     int64
	Name   string
	Age    int64
	City   string
	Orders []*Order
}

// Order is an orders row, with its customer or items when included.
type Order struct {
	ID         int64
	CustomerID int64
	Total      float64
	Status     string
	CreatedAt  time.Time
	Customer   *Customer
	Items      []*Item
}

// Item is an order_items row.
type Item struct {
	ID      int64
	OrderID int64
	SKU     string
	Qty     int64
}

// Column lists, in the order the scan functions read them.
const (
	customerCols = "id, name, age, city"
	orderCols    = "id, customerId, total, status, createdAt"
	itemCols     = "id, orderId, sku, qty"
)

// scanner is the Scan method of *sql.Row and *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanCustomer(r scanner) (*Customer, error) {
	c := &Customer{}
	if err := r.Scan(&c.ID, &c.Name, &c.Age, &c.City); err != nil {
		return nil, err
	}
	return c, nil
}

func scanOrder(r scanner) (*Order, error) {
	o := &Order{}
	var ms int64
	if err := r.Scan(&o.ID, &o.CustomerID, &o.Total, &o.Status, &ms); err != nil {
		return nil, err
	}
	o.CreatedAt = time.UnixMilli(ms).UTC()
	return o, nil
}

func scanItem(r scanner) (*Item, error) {
	it := &Item{}
	if err := r.Scan(&it.ID, &it.OrderID, &it.SKU, &it.Qty); err != nil {
		return nil, err
	}
	return it, nil
}

// collect scans every row of rows with scan and closes rows.
func collect[T any](rows *sql.Rows, err error, scan func(scanner) (*T, error)) ([]*T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Tally functions count the rows of a materialised result: every struct
// and every attached one, once per attachment.

func tallyCustomers(cs []*Customer) workload.Tally {
	var t workload.Tally
	for _, c := range cs {
		t = t.Add(workload.Tally{Records: 1, IDSum: c.ID})
		t = t.Add(tallyOrders(c.Orders))
	}
	return t
}

func tallyOrders(os []*Order) workload.Tally {
	var t workload.Tally
	for _, o := range os {
		t = t.Add(workload.Tally{Records: 1, IDSum: o.ID})
		if o.Customer != nil {
			t = t.Add(workload.Tally{Records: 1, IDSum: o.Customer.ID})
		}
		for _, it := range o.Items {
			t = t.Add(workload.Tally{Records: 1, IDSum: it.ID})
		}
	}
	return t
}
