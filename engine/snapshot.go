package engine

import (
	"sync"
	"sync/atomic"

	"github.com/relstore/relstore/storage"
)

// Read transactions that begin on the same state share one storage
// snapshot: the first takes it, later ones add a reference, and the commit
// that publishes the next state drops the DB's own reference, so the
// snapshot closes when its last reader ends. Between two commits any number
// of reads cost no snapshot of their own — on Pebble, taking and closing
// one each locks the database's mutex, and closing reconsiders
// compactions (about 8% of a belongsTo lookup right after a bulk load).
//
// A snapshot taken while db.cur is a state (under stateMu's read lock)
// holds exactly that state's writes: a commit applies its batch and
// publishes the next state under the write lock, which retires the shared
// snapshot.

// sharedSnap is a storage snapshot shared by the read transactions of one
// state, with its reference count (the DB holds one while the state is
// current).
type sharedSnap struct {
	snap storage.Snapshot
	refs atomic.Int64

	// iters are record iterators on snap that transactions have finished
	// with (pebbleread.go): the next transaction reuses one instead of
	// building its own. Guarded by mu.
	mu    sync.Mutex
	iters []storage.Iterator
	// readers counts the transactions that have taken the snapshot.
	readers atomic.Int64
	// swept is the store version (storage.Versioned) up to which iters
	// holds no stale iterator (sweep).
	swept atomic.Uint64
}

// maxPooledIters bounds the idle record iterators a shared snapshot keeps
// (one per concurrent reader is enough; more are closed).
const maxPooledIters = 16

// release drops one reference, closing the snapshot (and its idle
// iterators first) with the last.
func (s *sharedSnap) release() error {
	if s.refs.Add(-1) != 0 {
		return nil
	}
	s.mu.Lock()
	iters := s.iters
	s.iters = nil
	s.mu.Unlock()
	var first error
	for _, it := range iters {
		if err := it.Close(); err != nil && first == nil {
			first = err
		}
	}
	if err := s.snap.Close(); err != nil && first == nil {
		first = err
	}
	return first
}

// takeIter returns an idle record iterator of the snapshot, or nil. Stale
// iterators (storage.Staler) are closed rather than handed out.
func (r *snapRef) takeIter() storage.Iterator {
	s := r.s
	for {
		s.mu.Lock()
		n := len(s.iters)
		if n == 0 {
			s.mu.Unlock()
			return nil
		}
		it := s.iters[n-1]
		s.iters[n-1] = nil
		s.iters = s.iters[:n-1]
		s.mu.Unlock()
		if !stale(it) {
			return it
		}
		it.Close()
	}
}

// putIter hands a record iterator made on the snapshot back for the next
// transaction, or closes it when it is stale or enough are idle. The caller
// holds its reference still, so the snapshot is open.
func (r *snapRef) putIter(it storage.Iterator) {
	if !stale(it) {
		s := r.s
		s.mu.Lock()
		if len(s.iters) < maxPooledIters {
			s.iters = append(s.iters, it)
			it = nil
		}
		s.mu.Unlock()
	}
	if it != nil {
		it.Close()
	}
}

// sweep closes the stale idle iterators once per version of a Versioned
// store. Reads that the record cache answers take no iterator, so without
// it one left before a Pebble flush would stay idle, and pin the flushed
// memtable, until a commit retires the state. The caller holds its
// reference still.
func (r *snapRef) sweep(version uint64) {
	s := r.s
	if s.swept.Load() == version {
		return
	}
	var closing []storage.Iterator
	s.mu.Lock()
	s.swept.Store(version)
	kept := s.iters[:0]
	for _, it := range s.iters {
		if stale(it) {
			closing = append(closing, it)
		} else {
			kept = append(kept, it)
		}
	}
	clear(s.iters[len(kept):])
	s.iters = kept
	s.mu.Unlock()
	for _, it := range closing {
		it.Close()
	}
}

// stale reports whether it pins a part of the store the store has since
// replaced (storage.Staler). An idle iterator kept past a Pebble flush
// holds the flushed memtable, whose memory Pebble charges against the
// block cache: after a bulk load the size of the load's batch, which left
// the cache no room at all until the next commit retired the pool.
func stale(it storage.Iterator) bool {
	s, ok := it.(storage.Staler)
	return ok && s.Stale()
}

// snapRef is one transaction's reference to a shared snapshot: a
// storage.Snapshot whose Close releases the reference once.
type snapRef struct {
	s      *sharedSnap
	closed bool
}

// Get implements storage.Reader; storage.ErrClosed after Close.
func (r *snapRef) Get(key []byte) ([]byte, error) {
	if r.closed {
		return nil, storage.ErrClosed
	}
	return r.s.snap.Get(key)
}

// NewIter implements storage.Reader; storage.ErrClosed after Close. The
// iterator must be closed before the reference.
func (r *snapRef) NewIter(o storage.IterOptions) (storage.Iterator, error) {
	if r.closed {
		return nil, storage.ErrClosed
	}
	return r.s.snap.NewIter(o)
}

// Close releases the reference; a second Close returns storage.ErrClosed.
func (r *snapRef) Close() error {
	if r.closed {
		return storage.ErrClosed
	}
	r.closed = true
	return r.s.release()
}

// snapshots holds the shared snapshot of the current state.
type snapshots struct {
	mu  sync.Mutex // serializes taking a new snapshot
	cur atomic.Pointer[sharedSnap]
}

// acquire returns a reference to the current state's snapshot, taking it
// if no reader has yet. The caller holds db.stateMu's read lock, so that
// retire (under the write lock) cannot run meanwhile.
func (db *DB) acquireSnapshot() (storage.Snapshot, error) {
	if s := db.snaps.cur.Load(); s != nil {
		s.refs.Add(1)
		s.readers.Add(1)
		return &snapRef{s: s}, nil
	}
	db.snaps.mu.Lock()
	defer db.snaps.mu.Unlock()
	s := db.snaps.cur.Load()
	if s == nil {
		if db.closed.Load() {
			// Close has retired the last shared snapshot (it sets closed
			// first): one taken now would keep the DB's reference forever.
			return nil, ErrClosed
		}
		s = &sharedSnap{}
		if db.versioned != nil {
			// Iterators on the snapshot are made later, at this version
			// or a newer one.
			s.swept.Store(db.versioned.Version())
		}
		snap, err := db.st.NewSnapshot()
		if err != nil {
			return nil, err
		}
		s.snap = snap
		s.refs.Store(1) // the DB's, until retire
		db.snaps.cur.Store(s)
	}
	s.refs.Add(1)
	s.readers.Add(1)
	return &snapRef{s: s}, nil
}

// apply applies b to storage for a commit that will publish the next
// state, first taking the records b writes out of the record cache (which
// stays closed to additions until publish). The caller holds db.stateMu's
// write lock and, when apply succeeds, calls publish.
func (db *DB) apply(b *storage.Batch, sync bool) error {
	db.cache.beginCommit(b)
	err := db.st.Apply(b, sync)
	if err != nil {
		db.cache.reopen(db.cur.seq)
	}
	return err
}

// publish makes next the current state, after its writes were applied to
// storage (apply), numbers it, reopens the record cache at it and retires
// the shared snapshot of the state it replaces. The caller holds
// db.stateMu's write lock.
func (db *DB) publish(next *state) {
	next.seq = db.cur.seq + 1
	db.cur = next
	db.cache.reopen(next.seq)
	db.retireSnapshot()
}

// retireSnapshot drops the DB's reference to the shared snapshot: the next
// reader takes a new one. The caller holds db.stateMu's write lock; publish
// and Close call it.
func (db *DB) retireSnapshot() {
	if s := db.snaps.cur.Swap(nil); s != nil {
		_ = s.release() // a snapshot's Close fails only on a closed store
	}
}
