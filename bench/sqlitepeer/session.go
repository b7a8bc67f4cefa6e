package sqlitepeer

import (
	"context"
	"database/sql"
	"errors"

	"github.com/relstore/relstore/bench/workload"
)

// Session is one SQLite database with the workload's schema. It implements
// workload.Session; SetStatus is safe for concurrent use (database/sql
// serialises the callers on the single connection).
type Session struct {
	db  *sql.DB
	dir string // temporary directory, "" for in-memory

	orderByID    *sql.Stmt // Q1 step 1
	customerByID *sql.Stmt // Q1 step 2
	ordersOfCust *sql.Stmt // Q2
	setStatus    *sql.Stmt // Q7, Q8
}

// Prepared statements of the point ops.
const (
	sqlOrderByID    = "SELECT " + orderCols + " FROM orders WHERE id = ?"
	sqlCustomerByID = "SELECT " + customerCols + " FROM customers WHERE id = ?"
	sqlOrdersOfCust = "SELECT " + orderCols + " FROM orders WHERE customerId = ? ORDER BY id"
	sqlSetStatus    = "UPDATE orders SET status = ? WHERE id = ?"
)

// init creates the schema and prepares the point statements.
func (s *Session) init(ctx context.Context) error {
	for _, stmt := range schema {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&s.orderByID, sqlOrderByID},
		{&s.customerByID, sqlCustomerByID},
		{&s.ordersOfCust, sqlOrdersOfCust},
		{&s.setStatus, sqlSetStatus},
	} {
		st, err := s.db.PrepareContext(ctx, p.query)
		if err != nil {
			return err
		}
		*p.dst = st
	}
	return nil
}

// Pragma returns the current value of PRAGMA name (for tests and notes).
func (s *Session) Pragma(ctx context.Context, name string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
	return v, err
}

// Close implements workload.Session: it closes the database and removes
// its temporary directory.
func (s *Session) Close() error {
	var errs []error
	for _, st := range []*sql.Stmt{s.orderByID, s.customerByID, s.ordersOfCust, s.setStatus} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	errs = append(errs, s.db.Close())
	removeDir(s.dir)
	return errors.Join(errs...)
}

// Variant implements workload.Session.
func (s *Session) Variant(op workload.Op) string {
	switch op {
	case workload.W1:
		return "tx+prepared"
	case workload.Q6:
		return "join/structs"
	case workload.Q7, workload.Q8:
		return "autocommit"
	}
	return "structs"
}

// Alternates implements workload.Alternator: Q3 with rows materialised as
// maps (the shape relstore returns), and Q6 as two queries (the customers of
// the city, then their orders by IN), as a user of an ORM without relation
// filters writes it.
func (s *Session) Alternates() []workload.Alternate {
	return []workload.Alternate{{
		Op:      workload.Q3,
		Variant: "maps",
		Call: func(ctx context.Context, d *workload.Data) (workload.Tally, error) {
			return s.CustomersWithOrdersMaps(ctx, d.Q3Limit)
		},
	}, {
		Op:      workload.Q6,
		Variant: "two-step/structs",
		Call: func(ctx context.Context, _ *workload.Data) (workload.Tally, error) {
			return s.OrdersInCityTwoStep(ctx, workload.Q6City)
		},
	}}
}

// DiskBytes implements workload.DiskUser for file sessions: the bytes of
// the database directory (database, WAL and shared-memory files).
func (s *Session) DiskBytes() (int64, error) {
	if s.dir == "" {
		return 0, errNoDir
	}
	return workload.DirBytes(s.dir)
}

var errNoDir = errors.New("sqlitepeer: database is in memory")
