package storage

import (
	"errors"
	"fmt"
	"slices"
)

// Sentinel errors returned by storage backends. Check them with errors.Is.
var (
	// ErrNotFound is returned by Get when the key is absent.
	ErrNotFound = errors.New("relstore: storage: not found")
	// ErrClosed is returned by any operation on a closed Engine, Snapshot
	// or Iterator, including a second Close. (Batches are plain values and
	// are not marked after Apply; applying one twice re-applies it.)
	ErrClosed = errors.New("relstore: storage: closed")
	// ErrReadOnly is returned by writes (Apply, Flush) on an engine opened
	// read-only.
	ErrReadOnly = errors.New("relstore: storage: read-only")
	// ErrNoStore is returned by OpenPebble with MustExist when the
	// directory holds no store.
	ErrNoStore = errors.New("relstore: storage: no store")
)

// Reader is the read half of an ordered key-value store. Keys are compared
// bytewise (bytes.Compare).
type Reader interface {
	// Get returns a copy of the value stored under key, owned by the caller,
	// or ErrNotFound.
	Get(key []byte) ([]byte, error)
	// NewIter returns an iterator over the keys k with
	// o.Lower <= k < o.Upper (a nil bound is unbounded), in ascending order,
	// or descending order when o.Reverse is set. The caller must Close it.
	NewIter(o IterOptions) (Iterator, error)
}

// IterOptions bounds an iterator. Lower is inclusive, Upper is exclusive;
// nil means unbounded on that side. An empty non-nil Lower is the same as
// nil; an empty non-nil Upper, or Lower >= Upper, gives an empty range.
// Implementations copy the bounds, so the caller may reuse them.
type IterOptions struct {
	Lower, Upper []byte
	// Reverse iterates from the largest key down to the smallest.
	Reverse bool
}

// Iterator walks keys in order. It starts before the first key: call Next
// (or SeekGE) to position it. Key and Value are valid only until the next
// call that moves the iterator; copy them to keep them. An Iterator is not
// safe for concurrent use.
type Iterator interface {
	// Next moves to the next key in the iterator's direction and reports
	// whether there is one.
	Next() bool
	// SeekGE positions a forward iterator at the first key >= key (clamped to
	// the bounds) and reports whether there is one. On a reverse iterator it
	// positions at the last key <= key.
	SeekGE(key []byte) bool
	// Key returns the current key, or nil when the iterator is not at a key.
	// The slice belongs to the iterator and must not be modified.
	Key() []byte
	// Value returns the current value, with Key's rules.
	Value() []byte
	// Err returns the first error met while iterating, if any, and
	// ErrClosed after Close. Check it when Next or SeekGE returns false.
	Err() error
	// Close releases the iterator; a second Close returns ErrClosed.
	Close() error
}

// Versioned is implemented by engines whose iterators keep alive the part
// of the store they were made on (Pebble: the memtables and tables that
// flushes and compactions replace). Version counts those replacements and
// only grows; an iterator made at an older version is stale (Staler).
// Version is safe for concurrent use.
type Versioned interface {
	Version() uint64
}

// Staler is implemented by the iterators of a Versioned engine. Stale
// reports that the engine has replaced the part of the store the iterator
// pins since it was made, so that holding it now costs memory or files a
// new iterator would not: a flushed Pebble memtable, for one, stays
// charged against the block cache until its last iterator closes. Reads
// through a stale iterator are still correct; a caller that keeps idle
// iterators for reuse closes the stale ones. Stale is safe for concurrent
// use, also with the iterator's other methods.
type Staler interface {
	Stale() bool
}

// Snapshot is a consistent, read-only, point-in-time view of an Engine.
// It must be closed. Safe for concurrent use by several goroutines.
type Snapshot interface {
	Reader
	// Close releases the snapshot; a second Close returns ErrClosed.
	Close() error
}

// Engine is an ordered key-value store with atomic batches and snapshots.
// All methods are safe for concurrent use; callers serialize writers
// themselves when they need read-modify-write atomicity.
type Engine interface {
	Reader
	// NewSnapshot returns a consistent view of the engine as of now.
	NewSnapshot() (Snapshot, error)
	// Apply writes every operation of b atomically: after a crash either all
	// of them are present or none. With sync, Apply returns only when the
	// batch is durable. b must not be used after Apply.
	Apply(b *Batch, sync bool) error
	// SyncWAL makes every batch applied so far durable. Concurrent callers
	// share fsyncs (group commit). A no-op on memory engines.
	SyncWAL() error
	// Close releases the engine. Snapshots and iterators must be closed first.
	Close() error
}

// OpKind is the kind of a batch operation.
type OpKind uint8

const (
	// OpSet stores Value under Key.
	OpSet OpKind = iota + 1
	// OpDelete removes Key.
	OpDelete
)

// Op is one operation of a Batch.
type Op struct {
	Kind  OpKind
	Key   []byte
	Value []byte
}

// Batch is an ordered list of writes applied atomically by Engine.Apply.
// Later operations on the same key win. The batch keeps the slices it is
// given: callers must not modify them afterwards. Not safe for concurrent use.
type Batch struct {
	Ops []Op
}

// minBatchCap is the capacity of a batch's first allocation.
const minBatchCap = 16

// add appends op, doubling the capacity when it is exhausted. (append grows
// large slices by only 1.25×, which copies a bulk load's operations about
// four times over; doubling copies them about once.)
func (b *Batch) add(op Op) {
	if len(b.Ops) == cap(b.Ops) {
		b.Grow(max(len(b.Ops), minBatchCap))
	}
	b.Ops = append(b.Ops, op)
}

// Grow makes room for at least n more operations without another
// allocation. A negative n is treated as 0.
func (b *Batch) Grow(n int) {
	if n > 0 {
		b.Ops = slices.Grow(b.Ops, n)
	}
}

// Set records a write of value under key.
func (b *Batch) Set(key, value []byte) { b.add(Op{Kind: OpSet, Key: key, Value: value}) }

// Delete records the removal of key.
func (b *Batch) Delete(key []byte) { b.add(Op{Kind: OpDelete, Key: key}) }

// Len returns the number of operations recorded.
func (b *Batch) Len() int { return len(b.Ops) }

// Reset empties the batch for reuse.
func (b *Batch) Reset() { b.Ops = b.Ops[:0] }

// validate reports an operation of unknown kind, which Apply refuses before
// writing anything.
func (b *Batch) validate() error {
	for i, op := range b.Ops {
		if op.Kind != OpSet && op.Kind != OpDelete {
			return fmt.Errorf("relstore: storage: batch op %d has unknown kind %d", i, op.Kind)
		}
	}
	return nil
}
