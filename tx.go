package relstore

import (
	"context"

	"github.com/relstore/relstore/engine"
)

// Tx is a transaction of DB.Update or DB.View. It is a context.Context:
// every repository operation given tx (or a context derived from it) as its
// ctx runs inside the transaction, so repositories, relation accessors and
// constrained repositories need no transaction-specific variants.
//
// A Tx is valid only until its Update or View returns; operations after
// that fail with ErrTxDone. It is not safe for concurrent use.
type Tx struct {
	context.Context
	db    *DB
	etx   *engine.Tx
	write bool
}

// txKey is the context key under which a Tx finds itself.
type txKey struct{}

// Value returns the Tx itself for relstore's own key and defers to the
// parent context otherwise.
func (tx *Tx) Value(key any) any {
	if key == (txKey{}) {
		return tx
	}
	return tx.Context.Value(key)
}

// Engine returns the map-based engine transaction under tx, for operations
// repositories do not offer. It is valid as long as tx.
func (tx *Tx) Engine() *engine.Tx { return tx.etx }

// txFrom returns the transaction of db that ctx carries, or nil.
func txFrom(ctx context.Context, db *DB) *Tx {
	if ctx == nil {
		return nil
	}
	if tx, ok := ctx.Value(txKey{}).(*Tx); ok && tx.db == db {
		return tx
	}
	return nil
}

// Update runs fn in a read-write transaction: when fn returns nil, every
// write made through tx commits atomically (and durably unless
// Options.NoSync); when fn returns an error, nothing is written and Update
// returns that error (a panic in fn also writes nothing, and goes on).
// Reads through tx see its own writes. One write transaction runs at a
// time; readers are never blocked.
//
// Called with a ctx that already carries a write Tx of db, Update runs fn in
// that transaction (its writes commit or roll back with it); called with a
// read-only one it returns ErrReadOnly. Write operations on db given a ctx
// that does not carry tx wait for tx to end: inside fn, pass tx. Errors:
// fn's error, ErrClosed, or the commit's (wrapped).
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if outer := txFrom(ctx, db); outer != nil {
		if !outer.write {
			return ErrReadOnly
		}
		return fn(outer)
	}
	return db.eng.Update(ctx, func(etx *engine.Tx) error {
		return fn(&Tx{Context: ctx, db: db, etx: etx, write: true})
	})
}

// View runs fn in a read-only transaction over one consistent snapshot:
// every read through tx sees the same committed state, whatever commits
// meanwhile. Writes through tx fail with ErrReadOnly. Called with a ctx that
// already carries a Tx of db, View runs fn in that transaction. Errors: fn's
// error, ErrClosed.
func (db *DB) View(ctx context.Context, fn func(tx *Tx) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if outer := txFrom(ctx, db); outer != nil {
		return fn(outer)
	}
	return db.eng.View(ctx, func(etx *engine.Tx) error {
		return fn(&Tx{Context: ctx, db: db, etx: etx})
	})
}
