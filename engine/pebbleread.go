package engine

import (
	"bytes"

	"github.com/relstore/relstore/storage"
)

// This file serves the record reads of a read-only transaction on a
// storage snapshot (Pebble stores) with one iterator instead of a Get per
// record. A Pebble Get builds its internal iterator stack from scratch
// every time; a kept iterator is built once, and Pebble turns a seek to a
// key after the previous seek key into cheap steps forward, so records
// read in ascending key order (rowsByField reads in primary-key order) are
// the cheapest. Reads out of order are just seeks, and equally correct.
//
// Write transactions keep using Get: their reads must see their own writes
// through the storage overlay.
//
// Read transactions of one state share its snapshot (snapshot.go), and a
// finished transaction leaves its iterator to the next one: a stream of
// short reads between two commits builds an iterator or two in all.

// recordReader is the lazily created record iterator of a read-only
// transaction, with a buffer for the keys it seeks.
type recordReader struct {
	it   storage.Iterator
	key  []byte
	gets int // reads served by Get before the iterator was made
}

// iterAfterGets is how many reads a transaction makes with Get before it
// builds its iterator. Building one costs more than a Get or two, and more
// with many files to merge (right after a bulk load): a transaction reading
// one or two records (a belongsTo lookup) is cheaper without it.
const iterAfterGets = 2

// iterAfterReaders is how many transactions a shared snapshot serves before
// a transaction without an idle iterator to take builds one from its first
// read: the state is being read more than written, and the iterator, left
// to the next transactions, pays for itself.
const iterAfterReaders = 4

// recordIterOptions bound a record iterator to every record key of the
// store (the tagRecord keys).
var recordIterOptions = storage.IterOptions{Lower: []byte{tagRecord}, Upper: []byte{tagRecord + 1}}

// readRecordBytes returns the storage key of the record of ms at pk and
// its stored bytes, or storage.ErrNotFound when there is none. On the
// iterator path both slices are valid only until the transaction's next
// read: the caller copies what it keeps (decodeRecord copies everything it
// returns).
func (tx *Tx) readRecordBytes(ms *modelState, pk []byte) (key, raw []byte, err error) {
	rr := &tx.recReader
	if rr.it == nil && !tx.write && rr.gets == 0 {
		if ref, ok := tx.snap.(*snapRef); ok && !ref.closed {
			// An iterator an earlier transaction of the same state left:
			// no Gets, no building. When there is none but the state has
			// had readers already, build one now: it serves this
			// transaction and then the next ones.
			rr.it = ref.takeIter()
			if rr.it == nil && ref.s.readers.Load() > iterAfterReaders {
				if rr.it, err = tx.snap.NewIter(recordIterOptions); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	if tx.write || tx.snap == nil || (rr.it == nil && rr.gets < iterAfterGets) {
		rr.gets++
		key = recordKey(ms.prefix, pk)
		raw, err = tx.reader.Get(key)
		return key, raw, err
	}
	if rr.it == nil {
		if rr.it, err = tx.snap.NewIter(recordIterOptions); err != nil {
			return nil, nil, err
		}
	}
	rr.key = append(append(rr.key[:0], ms.prefix...), pk...)
	key = rr.key
	if rr.it.SeekGE(key) {
		if !bytes.Equal(rr.it.Key(), key) {
			return key, nil, storage.ErrNotFound
		}
		return key, rr.it.Value(), nil
	}
	if err := rr.it.Err(); err != nil {
		// Drop the iterator: its error is sticky, and the next read may
		// build a fresh one (or fail the same way).
		rr.it.Close()
		rr.it = nil
		return key, nil, err
	}
	return key, nil, storage.ErrNotFound
}

// closeRecordReader releases the record iterator of a read-only
// transaction, if it has one: back to its shared snapshot for the next
// transaction, or closed. It then has the shared snapshot close its stale
// idle iterators (snapRef.sweep). It must run before the snapshot is
// released.
func (tx *Tx) closeRecordReader() {
	tx.cached = false // an ended transaction reads nothing, cached or not
	rr := &tx.recReader
	ref, shared := tx.snap.(*snapRef)
	shared = shared && !ref.closed
	if rr.it != nil {
		if shared {
			ref.putIter(rr.it)
		} else {
			rr.it.Close()
		}
		rr.it = nil
	}
	if shared && tx.db.versioned != nil {
		ref.sweep(tx.db.versioned.Version())
	}
}
