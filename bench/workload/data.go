package workload

import (
	"fmt"
	"math"
	"time"
)

// Base sizes at SCALE=1, from the spec. Every count scales with SCALE.
const (
	baseCustomers   = 10000 // NC at SCALE=1
	ordersPerCust   = 10    // every customer has exactly 10 orders: NO = 10·NC
	itemsPerOrder   = 3     // every order has exactly 3 items: NI = 3·NO
	baseStreamOps   = 10000 // Q1N = Q2N = Q7N at SCALE=1
	baseQ3Limit     = 1000  // Q3: first 1,000 customers
	baseQ4Limit     = 10000 // Q4: first 10,000 shipped orders
	baseQ5Limit     = 100   // Q5: first 100 customers
	ageMin, ageSpan = 18, 63
	citySpan        = 20
	centsMin        = 100
	centsSpan       = 99901
	skuSpan         = 5000
	qtyMin, qtySpan = 1, 10
	orderSpacingMs  = 60 * 1000 // order id i is created (i−1)·60 s after the epoch…
	orderJitterMs   = 60000     // …plus intn(60000) ms
	customerNameFmt = "Customer %05d"
	skuFmt          = "SKU-%05d"
	cityFmt         = "C%d"
)

// Q6City is Q6's city at every scale.
const Q6City = "C7"

// Q4Status is the status Q4 filters on.
const Q4Status = "shipped"

// Statuses are the order statuses, indexed by intn(5).
var Statuses = [...]string{"pending", "paid", "shipped", "delivered", "cancelled"}

// Epoch is createdAt of order 1 before its jitter: 2024-01-01T00:00:00.000Z.
var Epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Sizes are the row counts, stream lengths and call limits at one scale.
type Sizes struct {
	Scale float64
	// NC, NO, NI are the customer, order and item counts.
	NC, NO, NI int
	// StreamOps is the length of each op stream (Q1N = Q2N = Q7N).
	StreamOps int
	// Q3Limit, Q4Limit, Q5Limit are the limits of the include calls.
	Q3Limit, Q4Limit, Q5Limit int
}

// round is JavaScript's Math.round for the non-negative values used here.
func round(x float64) int { return int(math.Floor(x + 0.5)) }

// SizesFor returns the sizes at scale: NC = max(1, round(10000·scale)),
// stream lengths round(10000·scale), limits round(base·scale). The spec
// leaves limits below one unspecified; they are clamped to 1 so that tiny
// quick-run scales still call every operation.
func SizesFor(scale float64) Sizes {
	nc := max(1, round(baseCustomers*scale))
	no := ordersPerCust * nc
	return Sizes{
		Scale:     scale,
		NC:        nc,
		NO:        no,
		NI:        itemsPerOrder * no,
		StreamOps: round(baseStreamOps * scale),
		Q3Limit:   max(1, round(baseQ3Limit*scale)),
		Q4Limit:   max(1, round(baseQ4Limit*scale)),
		Q5Limit:   max(1, round(baseQ5Limit*scale)),
	}
}

// Customer is one generated customer.
type Customer struct {
	ID   int64
	Name string
	Age  int
	City string
}

// Order is one generated order. Total is Cents/100; CreatedAt is a UTC time
// with millisecond precision (SQLite stores CreatedAtMs, Unix ms).
type Order struct {
	ID          int64
	CustomerID  int64
	Cents       int64
	Status      string
	CreatedAtMs int64
}

// Total returns the order total in currency units (cents/100).
func (o *Order) Total() float64 { return float64(o.Cents) / 100 }

// CreatedAt returns createdAt as a UTC time.
func (o *Order) CreatedAt() time.Time { return time.UnixMilli(o.CreatedAtMs).UTC() }

// Item is one generated order item.
type Item struct {
	ID      int64
	OrderID int64
	SKU     string
	Qty     int
}

// Update is one element of the Q7 stream: set OrderID's status to Status.
type Update struct {
	OrderID int64
	Status  string
}

// Data is everything the generator produces for one (scale, seed): the rows
// with ids ascending (Customers[i].ID == i+1, and likewise for the others)
// and the three op streams. It is read-only once generated and may be shared
// by concurrent sessions.
type Data struct {
	Sizes
	Seed      uint32
	Customers []Customer
	Orders    []Order
	Items     []Item
	// Q1 holds order ids, Q2 customer ids, Q7 updates, each StreamOps long.
	Q1 []int64
	Q2 []int64
	Q7 []Update
	// Q8 is Q7 with every status replaced by the next one in Statuses
	// (cyclically), so that Q8, which runs after Q7 on the same rows, really
	// changes them: SQLite writes nothing (and syncs nothing) for an UPDATE
	// that leaves the row's bytes unchanged, which replaying Q7 verbatim
	// would mostly be. It involves no draws and is not fingerprinted.
	Q8 []Update
}

// Generate produces the workload's data and op streams for scale and seed,
// drawing in the spec's order (one row at a time, ids ascending; within a
// row, fields in the order the spec lists them).
func Generate(scale float64, seed uint32) *Data {
	s := SizesFor(scale)
	d := &Data{
		Sizes:     s,
		Seed:      seed,
		Customers: make([]Customer, s.NC),
		Orders:    make([]Order, s.NO),
		Items:     make([]Item, s.NI),
		Q1:        make([]int64, s.StreamOps),
		Q2:        make([]int64, s.StreamOps),
		Q7:        make([]Update, s.StreamOps),
		Q8:        make([]Update, s.StreamOps),
	}
	r := NewStream(seed, StreamCustomers)
	for i := range d.Customers {
		id := int64(i + 1)
		age := ageMin + r.Intn(ageSpan)
		city := fmt.Sprintf(cityFmt, r.Intn(citySpan))
		d.Customers[i] = Customer{ID: id, Name: fmt.Sprintf(customerNameFmt, id), Age: age, City: city}
	}
	r = NewStream(seed, StreamOrders)
	epochMs := Epoch.UnixMilli()
	for i := range d.Orders {
		id := int64(i + 1)
		cents := int64(centsMin + r.Intn(centsSpan))
		status := Statuses[r.Intn(len(Statuses))]
		created := epochMs + (id-1)*orderSpacingMs + int64(r.Intn(orderJitterMs))
		d.Orders[i] = Order{
			ID:          id,
			CustomerID:  1 + (id-1)%int64(s.NC),
			Cents:       cents,
			Status:      status,
			CreatedAtMs: created,
		}
	}
	r = NewStream(seed, StreamItems)
	for i := range d.Items {
		id := int64(i + 1)
		sku := fmt.Sprintf(skuFmt, r.Intn(skuSpan))
		qty := qtyMin + r.Intn(qtySpan)
		d.Items[i] = Item{ID: id, OrderID: 1 + (id-1)%int64(s.NO), SKU: sku, Qty: qty}
	}
	r = NewStream(seed, StreamQ1)
	for i := range d.Q1 {
		d.Q1[i] = int64(1 + r.Intn(s.NO))
	}
	r = NewStream(seed, StreamQ2)
	for i := range d.Q2 {
		d.Q2[i] = int64(1 + r.Intn(s.NC))
	}
	r = NewStream(seed, StreamQ7)
	for i := range d.Q7 {
		id := int64(1 + r.Intn(s.NO))
		st := r.Intn(len(Statuses))
		d.Q7[i] = Update{OrderID: id, Status: Statuses[st]}
		d.Q8[i] = Update{OrderID: id, Status: Statuses[(st+1)%len(Statuses)]}
	}
	return d
}

// Customer returns the customer with id (1-based).
func (d *Data) Customer(id int64) *Customer { return &d.Customers[id-1] }

// Order returns the order with id (1-based).
func (d *Data) Order(id int64) *Order { return &d.Orders[id-1] }

// OrderIDsOf returns the ids of customer c's orders, ascending:
// c, c+NC, …, c+9·NC.
func (d *Data) OrderIDsOf(c int64) []int64 {
	ids := make([]int64, ordersPerCust)
	for k := range ids {
		ids[k] = c + int64(k*d.NC)
	}
	return ids
}

// ItemIDsOf returns the ids of order o's items, ascending: o, o+NO, o+2·NO.
func (d *Data) ItemIDsOf(o int64) []int64 {
	ids := make([]int64, itemsPerOrder)
	for k := range ids {
		ids[k] = o + int64(k*d.NO)
	}
	return ids
}

// Rows returns the total row count (W1's n).
func (d *Data) Rows() int { return d.NC + d.NO + d.NI }
