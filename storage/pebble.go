package storage

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// DefaultPebbleCacheSize is the block cache size used when
// PebbleOptions.CacheSize is zero.
const DefaultPebbleCacheSize int64 = 64 << 20

// PebbleOptions configures OpenPebble. The zero value (or a nil pointer)
// opens a durable store on disk with a DefaultPebbleCacheSize block cache.
type PebbleOptions struct {
	// NoSync makes every commit asynchronous: Apply ignores its sync
	// argument and SyncWAL does nothing. Writes still go to the WAL, but
	// Pebble buffers the WAL in memory, so the latest writes can be lost
	// not only on a power failure but even when the process crashes.
	NoSync bool
	// CacheSize is the block cache size in bytes; 0 means
	// DefaultPebbleCacheSize.
	CacheSize int64
	// FS is the file system to use; nil means the operating system's disk.
	// Tests can pass vfs.NewMem().
	FS vfs.FS
	// ReadOnly opens an existing store without allowing writes: Apply and
	// Flush return ErrReadOnly.
	ReadOnly bool
	// KeepFormat opens an existing store for writing at its own Pebble
	// format major version, where a writable open otherwise upgrades it to
	// the newest (pebble.FormatNewest). A new store is created at the
	// newest all the same. Backups open the store they copy so.
	KeepFormat bool
	// MustExist makes OpenPebble fail instead of creating a store when dir
	// holds none.
	MustExist bool
}

// Pebble is an Engine on a github.com/cockroachdb/pebble/v2 database. All
// methods are safe for concurrent use.
//
// Apply commits its batch without waiting for the WAL sync and, when sync
// is requested, then waits for a WAL sync shared with concurrent callers
// (group commit, see design-notes §2.7 step 7). A batch therefore becomes
// visible to readers slightly before it is durable, exactly as with Pebble's
// own synchronous commits.
//
// New stores, and stores opened for writing (unless
// PebbleOptions.KeepFormat), are upgraded to the newest stable Pebble format
// (pebble.FormatNewest); older Pebble releases may not read them afterwards.
type Pebble struct {
	// mu makes Close wait for in-flight operations: every method except
	// Close holds it for reading while it uses db.
	mu       sync.RWMutex
	closed   atomic.Bool
	db       *pebble.DB
	noSync   bool
	readOnly bool
	// versions counts the flushes and compactions that have finished: an
	// iterator made at an older count pins memtables or tables Pebble has
	// since replaced (pebbleIter.Stale).
	versions atomic.Uint64
}

var (
	_ Engine    = (*Pebble)(nil)
	_ Versioned = (*Pebble)(nil)
	_ Staler    = (*pebbleIter)(nil)
)

// Version implements Versioned: the number of flushes and compactions
// that have finished since the store was opened.
func (p *Pebble) Version() uint64 { return p.versions.Load() }

// bloomBitsPerKey sizes the tables' bloom filters (about 1% false positives).
const bloomBitsPerKey = 10

// OpenPebble opens (creating it unless opts.ReadOnly) the Pebble store in
// dir. opts may be nil.
func OpenPebble(dir string, opts *PebbleOptions) (*Pebble, error) {
	var o PebbleOptions
	if opts != nil {
		o = *opts
	}
	if o.CacheSize <= 0 {
		o.CacheSize = DefaultPebbleCacheSize
	}
	cache := pebble.NewCache(o.CacheSize)
	defer cache.Unref() // the DB holds its own reference
	p := &Pebble{noSync: o.NoSync, readOnly: o.ReadOnly}
	bump := func() { p.versions.Add(1) }
	po := &pebble.Options{
		Logger:   pebbleLogger{},
		Cache:    cache,
		FS:       o.FS,
		ReadOnly: o.ReadOnly,
		EventListener: &pebble.EventListener{
			FlushEnd:      func(pebble.FlushInfo) { bump() },
			CompactionEnd: func(pebble.CompactionInfo) { bump() },
		},
	}
	if !o.ReadOnly {
		po.FormatMajorVersion = pebble.FormatNewest
	}
	if o.KeepFormat || o.MustExist {
		fs := o.FS
		if fs == nil {
			fs = vfs.Default
		}
		// Looked at before opening, which would make a lock file in a
		// directory that holds no store.
		desc, err := pebble.Peek(dir, fs)
		exists := err == nil && desc.Exists
		if o.MustExist && !exists {
			return nil, fmt.Errorf("%w in %s", ErrNoStore, dir)
		}
		if o.KeepFormat && exists && !o.ReadOnly {
			po.FormatMajorVersion = desc.FormatMajorVersion
		}
	}
	// Bloom filters on every level: relstore's reads are point gets of
	// whole keys (records by primary key), which the filters let Pebble
	// answer without searching every overlapping table.
	for i := range po.Levels {
		po.Levels[i].FilterPolicy = bloom.FilterPolicy(bloomBitsPerKey)
	}
	db, err := pebble.Open(dir, po)
	if err != nil {
		return nil, err
	}
	p.db = db
	return p, nil
}

// acquire read-locks p against Close and reports ErrClosed. On success the
// caller must call p.mu.RUnlock.
func (p *Pebble) acquire() error {
	p.mu.RLock()
	if p.closed.Load() {
		p.mu.RUnlock()
		return ErrClosed
	}
	return nil
}

// closer is the io.Closer pebble returns with Get values.
type closer = interface{ Close() error }

// getFrom reads key with a pebble DB's or snapshot's Get and returns a copy
// of the value.
func getFrom(get func([]byte) ([]byte, closer, error), key []byte) ([]byte, error) {
	v, c, err := get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	out := append([]byte{}, v...)
	return out, c.Close()
}

// Get implements Reader, returning a copy of the value.
func (p *Pebble) Get(key []byte) ([]byte, error) {
	if err := p.acquire(); err != nil {
		return nil, err
	}
	defer p.mu.RUnlock()
	return getFrom(func(k []byte) ([]byte, closer, error) { return p.db.Get(k) }, key)
}

// NewIter implements Reader. The iterator reads an implicit snapshot taken
// when it is created. It must be closed before the engine.
func (p *Pebble) NewIter(o IterOptions) (Iterator, error) {
	if err := p.acquire(); err != nil {
		return nil, err
	}
	defer p.mu.RUnlock()
	return newPebbleIter(p, o, p.db.NewIter)
}

// NewSnapshot implements Engine with a Pebble snapshot. It must be closed
// before the engine.
func (p *Pebble) NewSnapshot() (Snapshot, error) {
	if err := p.acquire(); err != nil {
		return nil, err
	}
	defer p.mu.RUnlock()
	return &pebbleSnapshot{p: p, snap: p.db.NewSnapshot()}, nil
}

// Apply implements Engine. The batch is copied into one Pebble batch (one
// WAL record, so it survives a crash entirely or not at all) and committed
// without sync; if sync is set and the NoSync option is not, Apply then
// waits for a WAL sync that concurrent callers share. A nil or empty b is a
// no-op. Returns ErrReadOnly on a read-only store.
//
// A large batch is copied in key order (later operations on a key still
// win), which Pebble then commits faster; b itself is not modified.
func (p *Pebble) Apply(b *Batch, sync bool) error {
	if err := p.acquire(); err != nil {
		return err
	}
	defer p.mu.RUnlock()
	if p.readOnly {
		return ErrReadOnly
	}
	if b == nil || len(b.Ops) == 0 {
		return nil
	}
	if err := b.validate(); err != nil {
		return err
	}
	var order []int32
	if len(b.Ops) >= sortedApplyMin {
		// A batch this large is committed as a flushable batch, which Pebble
		// sorts; sorted input makes that sort linear.
		order, _ = sortedOrder(b.Ops)
	}
	pb, err := p.pebbleBatch(b.Ops, order)
	if err != nil {
		return err
	}
	if err := pb.Commit(pebble.NoSync); err != nil {
		_ = pb.Close()
		return err
	}
	if err := pb.Close(); err != nil {
		return err
	}
	if sync {
		return p.syncWAL()
	}
	return nil
}

// pebbleBatch returns a Pebble batch holding ops, taken in the order of
// the indexes in order when it is not nil, allocated once
// (pebbleBatchSize). The caller commits or closes it.
func (p *Pebble) pebbleBatch(ops []Op, order []int32) (*pebble.Batch, error) {
	pb := p.db.NewBatchWithSize(pebbleBatchSize(ops))
	for i := range ops {
		op := &ops[i]
		if order != nil {
			op = &ops[order[i]]
		}
		var err error
		if op.Kind == OpSet {
			err = pb.Set(op.Key, op.Value, nil)
		} else {
			err = pb.Delete(op.Key, nil)
		}
		if err != nil {
			_ = pb.Close()
			return nil, err
		}
	}
	return pb, nil
}

// pebbleBatchSize returns the size of the Pebble batch representation of
// ops (a 12-byte header, then per operation its kind, the uvarint-prefixed
// key and, for a set, the uvarint-prefixed value), so that the batch is
// allocated once instead of growing by copies. Pebble makes room for two
// 5-byte lengths before writing an operation and trims after, so the size
// has that much to spare: without it the last operation doubled the batch.
func pebbleBatchSize(ops []Op) int {
	n := 12 + 2*5
	for i := range ops {
		op := &ops[i]
		n += 1 + uvarintLen(len(op.Key)) + len(op.Key)
		if op.Kind == OpSet {
			n += uvarintLen(len(op.Value)) + len(op.Value)
		}
	}
	return n
}

// uvarintLen returns the length of the uvarint encoding of n >= 0.
func uvarintLen(n int) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}

// SyncWAL implements Engine: it waits until every batch committed so far is
// durable, sharing the fsync with concurrent callers. It is a no-op under
// the NoSync option and on read-only stores.
func (p *Pebble) SyncWAL() error {
	if err := p.acquire(); err != nil {
		return err
	}
	defer p.mu.RUnlock()
	return p.syncWAL()
}

// syncWAL writes an empty WAL record with Sync, which makes every earlier
// record durable too. Pebble's commit pipeline batches concurrent syncs.
func (p *Pebble) syncWAL() error {
	if p.noSync || p.readOnly {
		return nil
	}
	return p.db.LogData(nil, pebble.Sync)
}

// Flush writes the memtables to sstables and waits for it. Returns
// ErrReadOnly on a read-only store.
func (p *Pebble) Flush() error {
	if err := p.acquire(); err != nil {
		return err
	}
	defer p.mu.RUnlock()
	if p.readOnly {
		return ErrReadOnly
	}
	return p.db.Flush()
}

// Checkpoint writes a consistent copy of the store into dir (on the same
// file system), hard-linking sstables where possible; dir must not exist.
// The copy includes every batch committed before the call, synced or not,
// and can be opened with OpenPebble. Use it for online backups.
func (p *Pebble) Checkpoint(dir string) error {
	if err := p.acquire(); err != nil {
		return err
	}
	defer p.mu.RUnlock()
	if p.readOnly {
		return p.db.Checkpoint(dir)
	}
	return p.db.Checkpoint(dir, pebble.WithFlushedWAL())
}

// Close implements Engine. It waits for in-flight calls, then closes the
// database; Pebble reports an error if iterators are still open. A second
// Close returns ErrClosed.
func (p *Pebble) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Swap(true) {
		return ErrClosed
	}
	return p.db.Close()
}

// pebbleSnapshot is a Snapshot backed by a pebble.Snapshot.
type pebbleSnapshot struct {
	p      *Pebble
	mu     sync.RWMutex // Close waits for in-flight reads
	closed bool
	snap   *pebble.Snapshot
}

// acquire read-locks the snapshot and its engine; on success the caller
// must call release.
func (s *pebbleSnapshot) acquire() error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	if err := s.p.acquire(); err != nil {
		s.mu.RUnlock()
		return err
	}
	return nil
}

func (s *pebbleSnapshot) release() {
	s.p.mu.RUnlock()
	s.mu.RUnlock()
}

func (s *pebbleSnapshot) Get(key []byte) ([]byte, error) {
	if err := s.acquire(); err != nil {
		return nil, err
	}
	defer s.release()
	return getFrom(func(k []byte) ([]byte, closer, error) { return s.snap.Get(k) }, key)
}

func (s *pebbleSnapshot) NewIter(o IterOptions) (Iterator, error) {
	if err := s.acquire(); err != nil {
		return nil, err
	}
	defer s.release()
	return newPebbleIter(s.p, o, s.snap.NewIter)
}

func (s *pebbleSnapshot) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.closed = true
	if s.p.closed.Load() {
		return ErrClosed // the engine already released everything
	}
	return s.snap.Close()
}

// pebbleIter adapts a pebble.Iterator to Iterator.
type pebbleIter struct {
	p            *Pebble
	it           *pebble.Iterator
	lower, upper []byte
	reverse      bool
	state        iterState
	value        []byte
	err          error
	seekBuf      []byte
	// version is p.versions when the iterator was made.
	version uint64
}

func newPebbleIter(p *Pebble, o IterOptions, newIter func(*pebble.IterOptions) (*pebble.Iterator, error)) (Iterator, error) {
	if o.Upper != nil && bytes.Compare(o.Lower, o.Upper) >= 0 {
		// An empty range. Pebble must not see it: it requires
		// Lower < Upper and, in invariants/race builds, non-empty seek keys.
		return newTreeIter(newTree(), o), nil
	}
	// Pebble keeps the bound slices, so give it copies the caller cannot
	// modify. An empty lower bound is no bound.
	lower, upper := cloneBytes(o.Lower), cloneBytes(o.Upper)
	if len(lower) == 0 {
		lower = nil
	}
	// Read the count before making the iterator: a flush finishing in
	// between makes it stale early, never late.
	version := p.versions.Load()
	it, err := newIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return nil, err
	}
	return &pebbleIter{p: p, it: it, lower: lower, upper: upper, reverse: o.Reverse, version: version}, nil
}

// Stale implements Staler: a flush or compaction has finished since the
// iterator was made, so it pins a flushed memtable (whose memory Pebble
// charges against the block cache until its last reader lets go) or tables
// that are no longer part of the store.
func (i *pebbleIter) Stale() bool { return i.p.versions.Load() != i.version }

// usable reports whether the iterator may touch the pebble iterator.
func (i *pebbleIter) usable() bool {
	if i.state == iterClosed {
		return false
	}
	if i.p.closed.Load() {
		i.err = ErrClosed
		i.state = iterExhausted
		return false
	}
	return true
}

func (i *pebbleIter) Next() bool {
	if !i.usable() {
		return false
	}
	var ok bool
	switch i.state {
	case iterUnstarted:
		if i.reverse {
			ok = i.it.Last()
		} else {
			ok = i.it.First()
		}
	case iterValid:
		if i.reverse {
			ok = i.it.Prev()
		} else {
			ok = i.it.Next()
		}
	default:
		return false
	}
	return i.settle(ok)
}

func (i *pebbleIter) SeekGE(key []byte) bool {
	if !i.usable() {
		return false
	}
	var ok bool
	if i.reverse {
		// The last key <= key is the last key < key+"\x00".
		i.seekBuf = append(append(i.seekBuf[:0], key...), 0)
		ok = i.it.SeekLT(i.seekBuf)
	} else if len(key) == 0 {
		ok = i.it.First() // same thing; Pebble dislikes empty seek keys
	} else {
		ok = i.it.SeekGE(key)
	}
	return i.settle(ok)
}

func (i *pebbleIter) settle(ok bool) bool {
	i.value = nil
	if ok {
		v, err := i.it.ValueAndErr()
		if err != nil {
			i.err = err
			ok = false
		} else {
			i.value = v
		}
	}
	if !ok {
		if err := i.it.Error(); err != nil && i.err == nil {
			i.err = err
		}
		i.state = iterExhausted
		return false
	}
	i.state = iterValid
	return true
}

func (i *pebbleIter) Key() []byte {
	if i.state != iterValid {
		return nil
	}
	return i.it.Key()
}

func (i *pebbleIter) Value() []byte { return i.value }

func (i *pebbleIter) Err() error {
	if i.state == iterClosed {
		return ErrClosed
	}
	return i.err
}

func (i *pebbleIter) Close() error {
	if i.state == iterClosed {
		return ErrClosed
	}
	i.state, i.value = iterClosed, nil
	if i.p.closed.Load() {
		return ErrClosed // the engine was closed under the iterator
	}
	return i.it.Close()
}

// pebbleLogger drops Pebble's informational messages (WAL recovery notes
// and the like) and passes errors and fatal errors to Pebble's default
// logger.
type pebbleLogger struct{}

func (pebbleLogger) Infof(string, ...any) {}

func (pebbleLogger) Errorf(format string, args ...any) {
	pebble.DefaultLogger.Errorf(format, args...)
}

func (pebbleLogger) Fatalf(format string, args ...any) {
	pebble.DefaultLogger.Fatalf(format, args...)
}
