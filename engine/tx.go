package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/relstore/relstore/index"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// Tx is a transaction. A read-only Tx reads one consistent snapshot. A
// read-write Tx holds the single writer slot; its reads see its own writes;
// Commit applies all of its writes in one atomic batch. Each operation of a
// Tx is itself atomic: an operation that fails leaves no partial write
// behind, so a caller may handle the error and go on.
//
// A Tx is not safe for concurrent use.
type Tx struct {
	db    *DB
	ctx   context.Context
	write bool
	done  bool

	st     *state
	reader storage.Reader
	snap   storage.Snapshot

	// txWrites is what a write transaction changes as it goes; a read
	// transaction points at noWrites, shared and never written, so that
	// it is not allocated (or cleared) with every read.
	*txWrites

	// memReader: a read transaction counted in DB.memReaders.
	memReader bool
	share     bool // records are returned shared, not copied (see ShareRecords)
	// cached: a read transaction on the current state's shared snapshot,
	// which reads through the record cache (cache.go).
	cached bool
	// stats counts work for tests and Explain (index walks, records read).
	stats Stats
	// recReader reads records in a read-only tx on a snapshot (pebbleread.go).
	recReader recordReader
}

// txWrites is the part of a Tx only a write transaction changes.
type txWrites struct {
	ov    *storage.Overlay // storage writes, readable (Pebble stores)
	batch *storage.Batch   // storage writes (memory stores)

	trees    map[*index.Spec]*index.Tree // trees copied for this tx
	recTrees map[string]*recTree         // record trees copied (memory stores)
	// pending: the models whose record writes (in recWrites) are not in a
	// copy of their tree yet (memory stores; memrecords.go).
	pending   []string
	recWrites []recWrite // record changes (memory stores), for the point index
	// cacheWrites: the records written, by storage key, for the record
	// cache to hold from the state the commit publishes (Pebble stores
	// with a cache; cache.go).
	cacheWrites cacheWrites
	counters    map[string]float64 // counters changed
	changes     []Change
	nwrites     int   // writes so far, records and entries (for operation atomicity)
	aborted     error // set when an operation failed after writing
}

// noWrites is the txWrites of every read transaction: empty, and never
// written (read transactions refuse writes before touching it).
var noWrites txWrites

// writeTx is a write transaction's Tx and txWrites in one allocation,
// with room for what most transactions, which write one record, need: a
// memory store's storage batch, its first record write and the model it
// is pending for.
type writeTx struct {
	tx       Tx
	w        txWrites
	batch    storage.Batch
	recWrite [1]recWrite
	pending  [1]string
}

// Stats counts the storage work a transaction did.
type Stats struct {
	IndexScans  int // index range walks started
	IndexItems  int // index entries visited
	RecordReads int // records fetched by key
	// CacheHits counts the records fetched by key that the decoded-record
	// cache answered (Pebble stores; cache.go), of RecordReads.
	CacheHits    int
	RecordScans  int // full model scans started
	ScannedItems int // records visited by full scans
	// Prefiltered counts the records a full scan skipped undecoded, the
	// properties its where clause reads showing they cannot match
	// (stores that keep records encoded; prefilter.go).
	Prefiltered int
}

func (db *DB) begin(ctx context.Context, write, needSnapshot bool) (*Tx, error) {
	if db.closed.Load() {
		return nil, ErrClosed
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if write {
		wt := &writeTx{tx: Tx{db: db, ctx: ctx, write: true}}
		tx := &wt.tx
		tx.txWrites = &wt.w
		db.writeMu.Lock()
		if db.closed.Load() {
			db.writeMu.Unlock()
			return nil, ErrClosed
		}
		db.stateMu.RLock()
		tx.st = db.cur
		db.stateMu.RUnlock()
		if db.memRecords {
			// Records and indexes are read from the transaction's own
			// trees: storage needs no read-your-writes overlay.
			tx.batch = &wt.batch
			tx.recWrites = wt.recWrite[:0]
			tx.pending = wt.pending[:0]
			tx.reader = db.st
		} else {
			tx.ov = storage.NewOverlay(db.st)
			tx.reader = tx.ov
		}
		// tx.trees, tx.recTrees and tx.counters are made by their first
		// write (setTree, mutableRecordTree, setCounter): most transactions
		// write one record and need one or none of them.
		return tx, nil
	}
	tx := &Tx{db: db, ctx: ctx, txWrites: &noWrites}
	db.stateMu.RLock()
	tx.st = db.cur
	if db.memRecords {
		// Counted under the lock: a commit that finds no reader may
		// change the current record trees in place (memrecords.go).
		db.memReaders.Add(1)
		tx.memReader = true
	}
	if db.memRecords && !needSnapshot {
		// Records and indexes are read from the state: no storage snapshot.
		db.stateMu.RUnlock()
		tx.reader = noReader{}
		return tx, nil
	}
	var snap storage.Snapshot
	var err error
	if needSnapshot {
		// Its own, fresh: Check compares the caches with what storage
		// holds now, even if something wrote behind the DB's back.
		snap, err = db.st.NewSnapshot()
	} else {
		snap, err = db.acquireSnapshot()
		tx.cached = db.cache != nil
	}
	db.stateMu.RUnlock()
	if err != nil {
		return nil, err
	}
	tx.snap = snap
	tx.reader = snap
	return tx, nil
}

// noReader is the storage reader of a read transaction on a memory store,
// which reads records and indexes from the published state only.
type noReader struct{}

func (noReader) Get([]byte) ([]byte, error) {
	return nil, fmt.Errorf("relstore: internal: storage read without a snapshot")
}

func (noReader) NewIter(storage.IterOptions) (storage.Iterator, error) {
	return nil, fmt.Errorf("relstore: internal: storage read without a snapshot")
}

// Commit applies the transaction's writes atomically. For a read-only Tx it
// only releases the snapshot.
func (tx *Tx) Commit() error {
	if tx.done {
		return ErrTxDone
	}
	if tx.write && tx.aborted != nil {
		err := tx.aborted
		tx.Rollback()
		return err
	}
	tx.done = true
	if !tx.write {
		tx.endRead()
		if tx.snap != nil {
			tx.closeRecordReader()
			return tx.snap.Close()
		}
		return nil
	}
	db := tx.db
	b := tx.batch
	if tx.ov != nil {
		b = tx.ov.Batch()
	}
	for name, c := range tx.counters {
		ms := tx.st.models[name]
		if ms == nil {
			continue
		}
		v, _ := json.Marshal(c)
		b.Set(counterKey(ms.id), v)
	}
	if b.Len() == 0 && len(tx.recWrites) == 0 {
		db.writeMu.Unlock()
		return nil
	}
	// A published state's maps are never modified: next shares those the
	// transaction did not change.
	next := *tx.st
	if len(tx.trees) > 0 {
		next.trees = make(map[*index.Spec]*index.Tree, len(tx.st.trees))
		for sp, t := range tx.st.trees {
			next.trees[sp] = t
		}
		for sp, t := range tx.trees {
			next.trees[sp] = t
		}
	}
	if len(tx.recTrees) > 0 {
		next.records = copyRecordTrees(tx.st.records, len(tx.recTrees)+len(tx.pending))
		for name, t := range tx.recTrees {
			next.records[name] = t
		}
	}
	if len(tx.counters) > 0 {
		next.counters = make(map[string]float64, len(tx.st.counters)+len(tx.counters))
		for k, v := range tx.st.counters {
			next.counters[k] = v
		}
		for k, v := range tx.counters {
			next.counters[k] = v
		}
	}
	db.stateMu.Lock()
	var err error
	if b.Len() > 0 { // a memory store's record writes need no storage write
		err = db.apply(b, false)
	}
	if err == nil {
		tx.applyPending(&next, len(tx.recTrees) > 0)
		db.publish(&next)
		db.advancePoints(tx.st, &next, tx.recWrites)
	}
	db.stateMu.Unlock()
	var ticket uint64
	publish := len(tx.changes) > 0
	if publish {
		ticket = db.subs.ticket() // under the writer lock: commit order
	}
	db.writeMu.Unlock()
	if err != nil {
		if publish {
			db.subs.publishInOrder(ticket, nil)
		}
		return fmt.Errorf("relstore: commit: %w", err)
	}
	db.cache.fill(&tx.cacheWrites, next.seq)
	tx.cacheWrites = cacheWrites{}
	if !db.opts.NoSync {
		if err := db.st.SyncWAL(); err != nil {
			if publish {
				db.subs.publishInOrder(ticket, nil)
			}
			return fmt.Errorf("relstore: sync: %w", err)
		}
	}
	if publish {
		db.subs.publishInOrder(ticket, tx.changes)
	}
	return nil
}

// commitCountersOnly commits just the id counters of a failed write
// transaction (LoopBack advances the counter even for a duplicate-id create)
// and discards everything else.
func (tx *Tx) commitCountersOnly() error {
	tx.done = true
	db := tx.db
	defer db.writeMu.Unlock()
	if len(tx.counters) == 0 {
		return nil
	}
	b := &storage.Batch{}
	next := *tx.st
	next.counters = make(map[string]float64, len(tx.st.counters)+len(tx.counters))
	for k, v := range tx.st.counters {
		next.counters[k] = v
	}
	for name, c := range tx.counters {
		ms := tx.st.models[name]
		if ms == nil {
			continue
		}
		v, _ := json.Marshal(c)
		b.Set(counterKey(ms.id), v)
		next.counters[name] = c
	}
	db.stateMu.Lock()
	err := db.apply(b, !db.opts.NoSync)
	if err == nil {
		db.publish(&next)
		db.advancePoints(tx.st, &next, nil)
	}
	db.stateMu.Unlock()
	return err
}

// Rollback discards the transaction. It is safe to call after Commit.
func (tx *Tx) Rollback() {
	if tx.done {
		return
	}
	tx.done = true
	if tx.write {
		tx.db.writeMu.Unlock()
		return
	}
	tx.endRead()
	if tx.snap != nil {
		tx.closeRecordReader()
		tx.snap.Close()
	}
}

// Stats returns the work counters of this transaction so far.
func (tx *Tx) Stats() Stats { return tx.stats }

func (tx *Tx) checkOpen() error {
	if tx.done {
		return ErrTxDone
	}
	return tx.ctx.Err()
}

func (tx *Tx) checkWrite() error {
	if err := tx.checkOpen(); err != nil {
		return err
	}
	if !tx.write {
		return ErrReadOnly
	}
	return nil
}

// model returns the runtime state of a stored model.
func (tx *Tx) model(name string) (*modelState, error) {
	ms := tx.st.models[name]
	if ms == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownModel, name)
	}
	return ms, nil
}

// tree returns the index cache to read.
func (tx *Tx) tree(sp *index.Spec) *index.Tree {
	if t, ok := tx.trees[sp]; ok {
		return t
	}
	return tx.st.trees[sp]
}

// mutableTree returns this transaction's own copy of an index cache.
func (tx *Tx) mutableTree(sp *index.Spec) *index.Tree {
	if t, ok := tx.trees[sp]; ok {
		return t
	}
	t := tx.st.trees[sp].Copy()
	tx.setTree(sp, t)
	return t
}

// setTree makes t the transaction's own tree of the index sp.
func (tx *Tx) setTree(sp *index.Spec, t *index.Tree) {
	if tx.trees == nil {
		tx.trees = map[*index.Spec]*index.Tree{}
	}
	tx.trees[sp] = t
}

func (tx *Tx) counter(model string) float64 {
	if c, ok := tx.counters[model]; ok {
		return c
	}
	return tx.st.counters[model]
}

func (tx *Tx) setCounter(model string, c float64) {
	if tx.counters == nil {
		tx.counters = map[string]float64{}
	}
	tx.counters[model] = c
}

// put records a storage write of the transaction.
func (tx *Tx) put(key, value []byte) {
	tx.nwrites++
	if tx.ov != nil {
		tx.ov.Set(key, value)
		return
	}
	tx.batch.Set(key, value)
}

// del records a storage delete of the transaction.
func (tx *Tx) del(key []byte) {
	tx.nwrites++
	if tx.ov != nil {
		tx.ov.Delete(key)
		return
	}
	tx.batch.Delete(key)
}

// getRecord reads a record by encoded pk; (nil, nil) when absent.
func (tx *Tx) getRecord(ms *modelState, pk []byte) (map[string]any, error) {
	tx.stats.RecordReads++
	if tx.st.records != nil {
		if rec, ok := tx.pendingRecord(ms.m.Name, pk); ok {
			return rec, nil
		}
		if rec, usable := tx.pointGet(ms.m.Name, pk); usable {
			return rec, nil
		}
		it, ok := tx.recordTree(ms.m.Name).Get(newRecItem(unsafeString(pk), nil))
		if !ok {
			return nil, nil
		}
		return it.rec, nil
	}
	if tx.cached {
		rr := &tx.recReader
		rr.key = append(append(rr.key[:0], ms.prefix...), pk...)
		if rec, ok := tx.db.cache.get(rr.key, tx.st.seq); ok {
			tx.stats.CacheHits++
			return rec, nil
		}
	}
	key, b, err := tx.readRecordBytes(ms, pk)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rec, err := decodeRecord(b)
	if err != nil {
		return nil, fmt.Errorf("model %q: %w", ms.m.Name, err)
	}
	if tx.cached {
		tx.db.cache.add(key, rec, len(b), tx.st.seq)
	}
	return rec, nil
}

// scanRecords calls fn for every record of a model in primary-key order
// (descending when reverse) until fn returns false.
func (tx *Tx) scanRecords(ms *modelState, reverse bool, fn func(pk []byte, rec map[string]any) (bool, error)) error {
	return tx.scanRecordsPre(ms, reverse, nil, fn)
}

// scanRecordsPre is scanRecords skipping, on a store that keeps records
// encoded, the records pre (nil: none) says cannot match, undecoded.
func (tx *Tx) scanRecordsPre(ms *modelState, reverse bool, pre *prefilter, fn func(pk []byte, rec map[string]any) (bool, error)) error {
	tx.stats.RecordScans++
	if tx.st.records != nil {
		var ferr error
		visit := func(it recItem) bool {
			tx.stats.ScannedItems++
			more, err := fn(unsafeBytes(it.pk), it.rec)
			if err != nil {
				ferr = err
				return false
			}
			return more
		}
		t := tx.recordTree(ms.m.Name)
		if reverse {
			t.Reverse(visit)
		} else {
			t.Scan(visit)
		}
		return ferr
	}
	it, err := tx.reader.NewIter(storage.IterOptions{Lower: ms.prefix, Upper: prefixEnd(ms.prefix), Reverse: reverse})
	if err != nil {
		return err
	}
	defer it.Close()
	for it.Next() {
		tx.stats.ScannedItems++
		if !pre.pass(it.Value()) {
			tx.stats.Prefiltered++
			continue
		}
		rec, err := tx.decodeScanned(it.Key(), it.Value())
		if err != nil {
			return fmt.Errorf("model %q: %w", ms.m.Name, err)
		}
		pk := bytes.Clone(it.Key()[len(ms.prefix):])
		more, err := fn(pk, rec)
		if err != nil || !more {
			return err
		}
	}
	return it.Err()
}

// decodeScanned returns the record a scan found under key, stored as raw:
// decoded, or for a record of minCachedRecordBytes or more in a
// transaction that reads through the record cache, from the cache (and
// added to it when missing).
func (tx *Tx) decodeScanned(key, raw []byte) (map[string]any, error) {
	if !tx.cached || len(raw) < minCachedRecordBytes {
		return decodeRecord(raw)
	}
	if rec, ok := tx.db.cache.get(key, tx.st.seq); ok {
		return rec, nil
	}
	rec, err := decodeRecord(raw)
	if err == nil {
		tx.db.cache.add(key, rec, len(raw), tx.st.seq)
	}
	return rec, err
}

// writeRecord replaces the record at pk (old may be nil for an insert, new
// may be nil for a delete), maintaining every index. All checks happen
// before the first write, so a failure writes nothing.
func (tx *Tx) writeRecord(ms *modelState, pk []byte, old, new map[string]any) error {
	type diff struct {
		sp           *index.Spec
		add, remove  []index.Entry
		uniqueChecks []index.Entry
	}
	var dbuf [4]diff // most models have few indexes: no allocation
	diffs := dbuf[:0]
	for _, sp := range ms.specs {
		if old != nil && new != nil && sameIndexedValues(sp, old, new) {
			continue // the same entries: nothing to check or write
		}
		var oldE, newE []index.Entry
		var err error
		if old != nil {
			if oldE, err = sp.Entries(old, pk); err != nil {
				return err
			}
		}
		if new != nil {
			if newE, err = sp.Entries(new, pk); err != nil {
				return err
			}
		}
		d := diff{sp: sp}
		if old == nil {
			// A new record: every entry is added.
			d.add = newE
			for _, e := range newE {
				if e.Unique {
					d.uniqueChecks = append(d.uniqueChecks, e)
				}
			}
			diffs = append(diffs, d)
			continue
		}
		for _, e := range newE {
			if !containsEntry(oldE, e) {
				d.add = append(d.add, e)
				if e.Unique {
					d.uniqueChecks = append(d.uniqueChecks, e)
				}
			}
		}
		for _, e := range oldE {
			if !containsEntry(newE, e) {
				d.remove = append(d.remove, e)
			}
		}
		diffs = append(diffs, d)
	}
	for _, d := range diffs {
		for _, e := range d.uniqueChecks {
			vals := e.Item[:e.ValLen]
			t := tx.tree(d.sp)
			conflict := false
			t.Scan(vals, prefixEnd(vals), func(item []byte) bool {
				_, otherPK, err := d.sp.SplitItem(item)
				if err == nil && !bytes.Equal(otherPK, pk) {
					conflict = true
				}
				return !conflict
			})
			if conflict {
				return &Error{Kind: ErrUniqueViolation, Status: 409, Code: "UNIQUE_VIOLATION",
					Message: fmt.Sprintf("Unique index %q of %s is violated: value %s already exists",
						d.sp.Name, ms.m.Name, describeIndexValue(ms.m, d.sp, new))}
			}
		}
	}
	// A memory store keeps its records in the record trees only: storage
	// gets the index entries, and the record is checked, not encoded.
	memory := tx.st.records != nil
	var enc []byte
	switch {
	case new == nil:
	case memory:
		if err := checkStorable(new); err != nil {
			return err
		}
	default:
		var err error
		if enc, err = encodeRecord(new); err != nil {
			return err
		}
	}
	for _, d := range diffs {
		if len(d.add) == 0 && len(d.remove) == 0 {
			continue
		}
		t := tx.mutableTree(d.sp)
		for _, e := range d.remove {
			tx.del(d.sp.Key(e))
			t.Delete(e.Item)
		}
		for _, e := range d.add {
			tx.put(d.sp.Key(e), d.sp.Value(e))
			t.SetShared(e.Item) // entries are never modified once built
		}
	}
	if tx.batch != nil && cap(tx.batch.Ops) == 0 {
		// The transaction's first write: size the batch for this record's
		// operations and id counter (most transactions write one record),
		// not for the bulk load a batch's first growth assumes.
		n := len(tx.counters)
		if !memory {
			n++ // the record
		}
		for _, d := range diffs {
			n += len(d.add) + len(d.remove)
		}
		tx.batch.Grow(n)
	}
	if !memory {
		key := recordKey(ms.prefix, pk)
		if new == nil {
			tx.del(key)
		} else {
			tx.put(key, enc)
		}
		if tx.db.cache != nil && !tx.cacheWrites.over {
			tx.cacheWrites.add(cacheWrite{key: string(key), hash: tx.db.cache.hash(key), rec: new, encoded: len(enc)})
		}
	} else {
		tx.nwrites++      // what put and del count on other stores
		spk := string(pk) // the record trees own their keys
		if len(tx.recWrites) == cap(tx.recWrites) {
			// Double (append grows large slices by 1.25×: a bulk load
			// would copy its writes several times over). The first write
			// has room in the writeTx.
			tx.recWrites = slices.Grow(tx.recWrites, max(len(tx.recWrites), 16))
		}
		tx.recWrites = append(tx.recWrites, recWrite{model: ms.m.Name, pk: spk, rec: new})
		tx.setRecord(ms.m.Name, spk, new)
	}
	return nil
}

// containsEntry reports whether es holds an entry with e's item. Records
// have one entry per index, or a few for array values: a linear search
// beats building sets.
func containsEntry(es []index.Entry, e index.Entry) bool {
	for _, x := range es {
		if bytes.Equal(x.Item, e.Item) {
			return true
		}
	}
	return false
}

// describeIndexValue renders the indexed values of rec for an error
// message, hidden properties masked.
func describeIndexValue(m *schema.Model, sp *index.Spec, rec map[string]any) string {
	vals := make([]any, len(sp.Fields))
	for i, f := range sp.Fields {
		vals[i] = index.Lookup(rec, f)
		if m != nil && m.IsHidden(strings.SplitN(f, ".", 2)[0]) {
			vals[i] = "(hidden)"
		}
	}
	if len(vals) == 1 {
		b, _ := json.Marshal(vals[0])
		return string(b)
	}
	b, _ := json.Marshal(vals)
	return string(b)
}
