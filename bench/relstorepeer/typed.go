package relstorepeer

import (
	"context"
	"time"

	"github.com/relstore/relstore"
	"github.com/relstore/relstore/bench/workload"
)

// The workload's records as a Go user of relstore's typed face declares
// them: the models are defined from modelJSON, these structs read them
// (fields named by their json tags, relation fields holding includes).
type (
	customerRow struct {
		_      relstore.Model `relstore:"name=Customer"`
		ID     int64          `json:"id"`
		Name   string         `json:"name"`
		Age    int64          `json:"age"`
		City   string         `json:"city"`
		Orders []orderRow     `json:"orders"`
	}
	orderRow struct {
		_          relstore.Model `relstore:"name=Order"`
		ID         int64          `json:"id"`
		CustomerID int64          `json:"customerId"`
		Total      float64        `json:"total"`
		Status     string         `json:"status"`
		CreatedAt  time.Time      `json:"createdAt"`
		Customer   *customerRow   `json:"customer"`
		Items      []itemRow      `json:"items"`
	}
	itemRow struct {
		_       relstore.Model `relstore:"name=OrderItem"`
		ID      int64          `json:"id"`
		OrderID int64          `json:"orderId"`
		SKU     string         `json:"sku"`
		Qty     int64          `json:"qty"`
	}
)

// typed holds the repositories and accessors of the typed face.
type typed struct {
	customers  *relstore.Repo[customerRow]
	orders     *relstore.Repo[orderRow]
	customerOf relstore.BelongsToAccessor[customerRow]
	ordersOf   relstore.HasManyFactory[orderRow]
	ordersByID relstore.Filter
	q3, q5     func(limit int) relstore.Filter
	q4         func(status string, limit int) relstore.Filter
	q6         func(city string) relstore.Filter
}

func newTyped(db *relstore.DB) *typed {
	customers := relstore.NewRepo[customerRow](db)
	orders := relstore.NewRepo[orderRow](db)
	return &typed{
		customers:  customers,
		orders:     orders,
		customerOf: relstore.BelongsTo[customerRow](orders, relCustomer),
		ordersOf:   relstore.HasMany[orderRow](customers, relOrders),
		ordersByID: relstore.Filter{"order": "id ASC"},
		q3: func(limit int) relstore.Filter {
			return relstore.Filter{"order": "id ASC", "limit": limit, "include": relOrders}
		},
		q5: func(limit int) relstore.Filter {
			return relstore.Filter{"order": "id ASC", "limit": limit, "include": map[string]any{relOrders: relItems}}
		},
		q4: func(status string, limit int) relstore.Filter {
			return relstore.Filter{"where": map[string]any{"status": status}, "order": "id ASC", "limit": limit, "include": relCustomer}
		},
		q6: func(city string) relstore.Filter {
			return relstore.Filter{"where": map[string]any{relCustomer + ".city": city}, "order": "id ASC"}
		},
	}
}

// The tallies of typed results: every record, and every attached one.
func tallyCustomer(t *workload.Tally, c *customerRow) {
	*t = t.Add(workload.Tally{Records: 1, IDSum: c.ID})
	for i := range c.Orders {
		tallyOrder(t, &c.Orders[i])
	}
}

func tallyOrder(t *workload.Tally, o *orderRow) {
	*t = t.Add(workload.Tally{Records: 1, IDSum: o.ID})
	if o.Customer != nil {
		tallyCustomer(t, o.Customer)
	}
	for i := range o.Items {
		*t = t.Add(workload.Tally{Records: 1, IDSum: o.Items[i].ID})
	}
}

func tallyCustomers(cs []customerRow) workload.Tally {
	var t workload.Tally
	for i := range cs {
		tallyCustomer(&t, &cs[i])
	}
	return t
}

func tallyOrders(os []orderRow) workload.Tally {
	var t workload.Tally
	for i := range os {
		tallyOrder(&t, &os[i])
	}
	return t
}

// typedOrderCustomer is Q1 through the typed face with the typed belongsTo
// accessor.
func (s *Session) typedOrderCustomer(ctx context.Context, orderID int64) (workload.Tally, error) {
	c, err := s.ty.customerOf(ctx, orderID)
	if err != nil {
		return workload.Tally{}, err
	}
	var t workload.Tally
	tallyCustomer(&t, c)
	return t, nil
}

// typedCustomerOrders is Q2 through the typed face with the typed hasMany
// repository, ordered by id.
func (s *Session) typedCustomerOrders(ctx context.Context, customerID int64) (workload.Tally, error) {
	os, err := s.ty.ordersOf(ctx, customerID).Find(s.ty.ordersByID)
	if err != nil {
		return workload.Tally{}, err
	}
	return tallyOrders(os), nil
}

// typedCustomersWithOrders is Q3 through the typed face.
func (s *Session) typedCustomersWithOrders(ctx context.Context, limit int) (workload.Tally, error) {
	cs, err := s.ty.customers.Find(ctx, s.ty.q3(limit))
	if err != nil {
		return workload.Tally{}, err
	}
	return tallyCustomers(cs), nil
}

// typedOrdersWithCustomer is Q4 through the typed face.
func (s *Session) typedOrdersWithCustomer(ctx context.Context, status string, limit int) (workload.Tally, error) {
	os, err := s.ty.orders.Find(ctx, s.ty.q4(status, limit))
	if err != nil {
		return workload.Tally{}, err
	}
	return tallyOrders(os), nil
}

// typedCustomersWithOrdersItems is Q5 through the typed face.
func (s *Session) typedCustomersWithOrdersItems(ctx context.Context, limit int) (workload.Tally, error) {
	cs, err := s.ty.customers.Find(ctx, s.ty.q5(limit))
	if err != nil {
		return workload.Tally{}, err
	}
	return tallyCustomers(cs), nil
}

// typedOrdersInCity is Q6 through the typed face: a where on the relation
// path customer.city.
func (s *Session) typedOrdersInCity(ctx context.Context, city string) (workload.Tally, error) {
	os, err := s.ty.orders.Find(ctx, s.ty.q6(city))
	if err != nil {
		return workload.Tally{}, err
	}
	return tallyOrders(os), nil
}
