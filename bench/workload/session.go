package workload

import "context"

// System is one measured configuration (e.g. "sqlite-wal"). Each round opens
// a fresh, empty Session, loads it and runs every op on it.
type System interface {
	// Name is the system key of the output lines.
	Name() string
	// Durable reports whether the system claims durability of each
	// committed write; only durable systems run Q8.
	Durable() bool
	// Open returns a new, empty session with the schema and FK indexes in
	// place. Files it creates are removed by the session's Close.
	Open(ctx context.Context) (Session, error)
}

// Session is one loaded instance of a system. Every query method
// materialises all rows of its result the way a user of the system would
// get them (structs, records with all fields) and returns their Tally
// (records and id sum, attached rows counted once per attachment). Methods
// are called from one goroutine, except SetStatus, which must be safe for
// concurrent use (Q8).
type Session interface {
	// Load inserts d's customers, then orders, then items with the system's
	// idiomatic bulk path (W1) and returns the tally of the rows inserted.
	Load(ctx context.Context, d *Data) (Tally, error)
	// OrderCustomer is one Q1 op: resolve order orderID, then its customer;
	// the tally counts the customer only.
	OrderCustomer(ctx context.Context, orderID int64) (Tally, error)
	// CustomerOrders is one Q2 op: the orders of customerID, ordered by id.
	CustomerOrders(ctx context.Context, customerID int64) (Tally, error)
	// CustomersWithOrders is Q3: the first limit customers by id, each with
	// its orders.
	CustomersWithOrders(ctx context.Context, limit int) (Tally, error)
	// OrdersWithCustomer is Q4: the first limit orders by id with the given
	// status, each with its customer.
	OrdersWithCustomer(ctx context.Context, status string, limit int) (Tally, error)
	// CustomersWithOrdersItems is Q5: the first limit customers by id, with
	// their orders, with the orders' items.
	CustomersWithOrdersItems(ctx context.Context, limit int) (Tally, error)
	// OrdersInCity is Q6: all orders whose customer lives in city, ordered
	// by order id, nothing attached.
	OrdersInCity(ctx context.Context, city string) (Tally, error)
	// SetStatus is one Q7/Q8 op: set the status of order orderID in one
	// durable-as-configured write. The tally counts the order updated
	// (Records 1, IDSum orderID) or is zero when nothing matched.
	SetStatus(ctx context.Context, orderID int64, status string) (Tally, error)
	// Variant names how the session implements op (e.g. "structs",
	// "join/structs"); "" when there is nothing to say.
	Variant(op Op) string
	// Close releases the session and removes its files.
	Close() error
}

// Alternate is a non-primary variant of a call op (Q3–Q6, Call set) or of
// a read stream op (Q1, Q2, Stream set: the i-th op of the stream),
// reported on its own line right after the primary one.
type Alternate struct {
	Op      Op
	Variant string
	Call    func(ctx context.Context, d *Data) (Tally, error)
	Stream  func(ctx context.Context, d *Data, i int) (Tally, error)
}

// Alternator is implemented by sessions that offer alternate variants.
type Alternator interface {
	Alternates() []Alternate
}

// DiskUser is implemented by sessions that keep their data in files: it
// returns the bytes those files take right now.
type DiskUser interface {
	DiskBytes() (int64, error)
}
