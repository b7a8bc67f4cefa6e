// Package sqlitepeer implements the workload's SQLite peers on
// modernc.org/sqlite (pure Go, no cgo):
//
//   - sqlite-mem: an in-memory database;
//   - sqlite-wal: a file in a temporary directory, journal_mode=WAL,
//     synchronous=NORMAL (durable against a process crash, not a power cut);
//   - sqlite-wal-full: the same with synchronous=FULL (every commit is
//     fsynced), the only one claiming durability, so the only one that runs
//     Q8.
//
// Every system uses one connection, a 64 MiB page cache, an INTEGER PRIMARY
// KEY per table and an index on every foreign key (orders.customerId,
// order_items.orderId), nothing else. Queries are done the way an ORM does
// them: the parent query, then one `IN (...)` query per include level, with
// the children attached to their parents in Go. Rows are scanned into Go
// structs with every column (dates become time.Time), which is what the
// "structs" variant on the output lines says. Point lookups and updates use
// prepared statements, as a Go program with a statement cache would;
// dynamically built IN queries are prepared per call, as ORMs do.
//
// Q2 runs one query (the orders by customerId) and does not first load the
// customer as LoopBack's related-model accessor would: the conservative
// choice, since it makes the peer faster.
package sqlitepeer
