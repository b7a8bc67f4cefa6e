package engine

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"unsafe"

	"github.com/tidwall/btree"

	"github.com/relstore/relstore/internal/keyenc"
	"github.com/relstore/relstore/storage"
)

// On a memory store the engine keeps every record decoded, in one
// copy-on-write B-tree per model published with each state, exactly as it
// keeps the index caches: reads never decode, and a write transaction
// works on its own copy. The record trees are the only copy of the
// records: the storage engine holds the catalog, the id counters and the
// index entries, never an encoded record (a write checks that its record
// could be encoded, checkStorable, and so does Check). Nothing reads a
// memory store but the DB that owns it, which closes it.

// recItem is one record of a record tree. hi holds the first 8 bytes of
// the primary key, big-endian, so that most comparisons need not follow
// the key's pointer (a cache miss per comparison otherwise).
type recItem struct {
	hi  uint64
	pk  string
	rec map[string]any
}

// recTree is a record tree. Only a write transaction's own copy is ever
// modified, by that transaction alone: hint, the path of its last
// modification, serves records written in key order (a bulk load), each
// next to the previous one. Nothing else uses it.
type recTree struct {
	*btree.BTreeG[recItem]
	hint btree.PathHint
}

// Set inserts it, or replaces the item with its key (returned).
func (t *recTree) Set(it recItem) (recItem, bool) { return t.BTreeG.SetHint(it, &t.hint) }

// Delete removes the item with the key of it, if any, and returns it.
func (t *recTree) Delete(it recItem) (recItem, bool) { return t.BTreeG.DeleteHint(it, &t.hint) }

// Copy returns a copy-on-write copy of t.
func (t *recTree) Copy() *recTree { return &recTree{BTreeG: t.BTreeG.Copy()} }

func recLess(a, b recItem) bool {
	if a.hi != b.hi {
		return a.hi < b.hi
	}
	return a.pk < b.pk
}

// keyHi returns the first 8 bytes of k as a big-endian number (zero
// padded): comparing keyHi values orders keys as their first 8 bytes do.
func keyHi(k string) uint64 {
	var b [8]byte
	copy(b[:], k)
	return binary.BigEndian.Uint64(b[:])
}

// newRecItem builds a tree item (pk is copied unless it is already owned).
func newRecItem(pk string, rec map[string]any) recItem {
	return recItem{hi: keyHi(pk), pk: pk, rec: rec}
}

// recTreeDegree is the node degree of the record trees (at most 23 items
// a node). Every commit copies the path it changes, from the root down,
// node by node: smaller nodes than tidwall's default (63 items) copy
// fewer bytes per commit for a level more of depth, which point reads (the
// point index) do not see. A scan pays a cache miss or two per node, so
// nodes much smaller than this make full scans slower (degree 8: about
// 25% on 100,000 records, against 10% here).
const recTreeDegree = 12

func newRecTree() *recTree {
	return &recTree{BTreeG: btree.NewBTreeGOptions(recLess, btree.Options{Degree: recTreeDegree, NoLocks: true})}
}

// keepsRecords reports whether a storage engine gets decoded record trees.
func keepsRecords(st storage.Engine) bool {
	_, ok := st.(*storage.Memory)
	return ok
}

// loadRecordTrees makes the record trees of every model. A memory store
// given to Open normally holds no records; any it does hold (written by
// another DB through a wrapper that is not a *storage.Memory) are moved
// into the trees: decoded, then deleted from storage, which the DB never
// reads records from again.
func (db *DB) loadRecordTrees(s *state, st storage.Engine) error {
	var moved storage.Batch
	for name, ms := range s.models {
		t := newRecTree()
		s.records[name] = t
		it, err := st.NewIter(storage.IterOptions{Lower: ms.prefix, Upper: prefixEnd(ms.prefix)})
		if err != nil {
			return err
		}
		for it.Next() {
			rec, err := decodeRecord(it.Value())
			if err != nil {
				it.Close()
				return fmt.Errorf("model %q: %w", name, err)
			}
			t.Load(newRecItem(string(it.Key()[len(ms.prefix):]), rec))
			moved.Delete(bytes.Clone(it.Key()))
		}
		err = it.Err()
		it.Close()
		if err != nil {
			return err
		}
	}
	if moved.Len() == 0 {
		return nil
	}
	return st.Apply(&moved, false)
}

// A commit copies the path of the record tree it changes, from the root
// down (copy on write), so that readers of older states keep theirs: a few
// kilobytes per single-record update of a large model, the largest part of
// its cost. Nobody needs the old tree, though, when no read transaction is
// open: a write transaction's first writes stay in its list of writes
// (recWrites, models listed in pending) instead of going into copies of
// the trees, and its commit writes them into the current trees themselves
// when no reader is counted (under the state lock, which a reader takes to
// start), or into copies otherwise. A transaction that writes more than
// maxPendingRecords records, or scans a model it wrote, copies the trees
// as before and writes there.

// maxPendingRecords bounds the record writes a transaction keeps out of
// tree copies (a key lookup searches them one by one).
const maxPendingRecords = 64

// setRecord puts the write of rec (nil: a delete) at pk, just appended to
// tx.recWrites, into tx's view of model name.
func (tx *Tx) setRecord(name, pk string, rec map[string]any) {
	if t, ok := tx.recTrees[name]; ok {
		setRecItem(t, pk, rec)
		return
	}
	if len(tx.recWrites) <= maxPendingRecords {
		if !slices.Contains(tx.pending, name) {
			tx.pending = append(tx.pending, name)
		}
		return
	}
	// Too many writes to search: every model gets its tree copy.
	for len(tx.pending) > 0 {
		tx.mutableRecordTree(tx.pending[0])
	}
	if _, ok := tx.recTrees[name]; !ok {
		setRecItem(tx.mutableRecordTree(name), pk, rec)
	}
}

// pendingRecord returns the latest pending write of tx at pk of model name
// (rec nil: a delete); ok is false when there is none.
func (tx *Tx) pendingRecord(name string, pk []byte) (rec map[string]any, ok bool) {
	if !slices.Contains(tx.pending, name) {
		return nil, false
	}
	for i := len(tx.recWrites) - 1; i >= 0; i-- {
		if w := &tx.recWrites[i]; w.model == name && w.pk == string(pk) {
			return w.rec, true
		}
	}
	return nil, false
}

// setRecItem sets (or, rec nil, deletes) the record at pk in t.
func setRecItem(t *recTree, pk string, rec map[string]any) {
	if rec == nil {
		t.Delete(newRecItem(pk, nil))
	} else {
		t.Set(newRecItem(pk, rec))
	}
}

// replayWrites writes tx's record writes of model name into t, in order.
func (tx *Tx) replayWrites(t *recTree, name string) {
	for i := range tx.recWrites {
		if w := &tx.recWrites[i]; w.model == name {
			setRecItem(t, w.pk, w.rec)
		}
	}
}

// applyPending writes the pending record writes of tx into next's record
// trees: into the current trees themselves when no read transaction is
// open, into copies otherwise. Commit calls it under the state lock, once
// storage has the writes. next.records is the map of tx.st unless private:
// it is copied before a tree in it is replaced, and shared when every
// tree is written in place.
func (tx *Tx) applyPending(next *state, private bool) {
	db := tx.db
	inPlace := db.memReaders.Load() == 0 && db.points.st == tx.st && db.cur == tx.st
	for _, name := range tx.pending {
		cur := tx.st.records[name]
		t := cur
		switch {
		case t == nil:
			t = newRecTree()
		case !inPlace:
			t = t.Copy()
		}
		tx.replayWrites(t, name)
		if t == cur {
			continue // written in place: the map already holds it
		}
		if !private {
			next.records = copyRecordTrees(tx.st.records, len(tx.pending))
			private = true
		}
		next.records[name] = t
	}
}

// copyRecordTrees returns a copy of a state's record trees map, with room
// for extra more models.
func copyRecordTrees(m map[string]*recTree, extra int) map[string]*recTree {
	out := make(map[string]*recTree, len(m)+extra)
	for name, t := range m {
		out[name] = t
	}
	return out
}

// recordTree returns the record tree a transaction reads for a model.
func (tx *Tx) recordTree(name string) *recTree {
	if t, ok := tx.recTrees[name]; ok {
		return t
	}
	if slices.Contains(tx.pending, name) {
		return tx.mutableRecordTree(name)
	}
	t := tx.st.records[name]
	if t == nil {
		t = newRecTree()
	}
	return t
}

// mutableRecordTree returns the transaction's own copy of a record tree.
func (tx *Tx) mutableRecordTree(name string) *recTree {
	if t, ok := tx.recTrees[name]; ok {
		return t
	}
	var t *recTree
	if cur := tx.st.records[name]; cur != nil {
		t = cur.Copy()
	} else {
		t = newRecTree()
	}
	if i := slices.Index(tx.pending, name); i >= 0 {
		tx.replayWrites(t, name)
		tx.pending = slices.Delete(tx.pending, i, i+1)
	}
	if tx.recTrees == nil {
		tx.recTrees = map[string]*recTree{}
	}
	tx.recTrees[name] = t
	return t
}

// endRead ends the count of a read transaction on a memory store.
func (tx *Tx) endRead() {
	if tx.memReader {
		tx.memReader = false
		tx.db.memReaders.Add(-1)
	}
}

// unsafeString views b as a string for a lookup that does not retain it.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// pointIndex is a hash of the latest published records of a memory store,
// by model and encoded primary key, for point reads (belongsTo lookups, the
// records an index walk finds, findById). A B-tree descent over a large
// model costs about a microsecond, a cache miss per level; a hash probe a
// fraction of that. The index describes exactly one state (st): a
// transaction reading any other state — an older snapshot, or its own
// uncommitted writes — reads the record trees instead.
//
// It is guarded by DB.stateMu: commits change it under the write lock,
// together with DB.cur; readers probe it under the read lock.
type pointIndex struct {
	st     *state
	models map[string]*pointModel
}

// pointModel is one model's hash, built from (and valid for) tree. A
// number key (a tag byte and 8 bytes) lives in num by those 8 bytes: Go's
// map of uint64 keys packs a group's slots into 16 bytes each and hashes
// without a call, which halves the cost of a cold probe against short
// (a hasMany include probes once per related record). Other keys of up to
// 16 bytes (short strings) live inline in short, so a probe compares them
// without following a pointer; longer ones in long.
//
// The records of number keys that are integers from 0 up (generated ids,
// and most explicit ones) live in dense instead, indexed by the integer: a
// probe is one load from a slice, which is also smaller than a hash
// holding as many (8 bytes a slot against some 18). dense grows to cover
// a new key only while it stays within denseLimit of the model's record
// count, so sparse ids stay in num; a key below len(dense) is never in
// num.
type pointModel struct {
	tree   *recTree
	dense  []map[string]any // by integer key; nil: no record
	ndense int              // the records in dense
	num    map[uint64]map[string]any
	short  map[shortKey]map[string]any
	long   map[string]map[string]any
}

// maxDenseKey bounds the integer keys dense can hold.
const maxDenseKey = 1 << 31

// denseIndex returns the integer a number key (numKey) encodes, when it is
// one from 0 to maxDenseKey-1.
func denseIndex(nk uint64) (int, bool) {
	if nk&(1<<63) == 0 {
		return 0, false // a negative number (keyenc flips their bits)
	}
	f := math.Float64frombits(nk &^ (1 << 63))
	if !(f < maxDenseKey) {
		return 0, false
	}
	i := int(f)
	return i, float64(i) == f
}

// denseLimit is the length dense may grow to for pm's records: at most
// four slots a record (32 bytes), plus a start.
func (pm *pointModel) denseLimit() int { return 4*(pm.len()+1) + 64 }

// growDense makes dense at least n long (doubling), and moves the records
// of num it now covers into it.
func (pm *pointModel) growDense(n int) {
	size := min(max(n, 2*len(pm.dense), 64), max(n, pm.denseLimit()))
	d := make([]map[string]any, size)
	copy(d, pm.dense)
	pm.dense = d
	for nk, rec := range pm.num {
		if i, ok := denseIndex(nk); ok && i < size {
			d[i] = rec
			pm.ndense++
			delete(pm.num, nk)
		}
	}
}

// numKey returns the 8 bytes after the tag of a number key as a uint64,
// or false when k is not a number key (keyenc.AppendNumber).
func numKey(k string) (uint64, bool) {
	if len(k) != 9 || k[0] != keyenc.TagNumber {
		return 0, false
	}
	_ = k[8]
	return uint64(k[1])<<56 | uint64(k[2])<<48 | uint64(k[3])<<40 | uint64(k[4])<<32 |
		uint64(k[5])<<24 | uint64(k[6])<<16 | uint64(k[7])<<8 | uint64(k[8]), true
}

// shortKey is an encoded primary key of up to 16 bytes, zero padded, with
// its length.
type shortKey struct {
	a, b uint64
	n    uint32
}

// toShortKey returns the shortKey of k, or false when k is too long.
func toShortKey(k string) (shortKey, bool) {
	if len(k) > 16 {
		return shortKey{}, false
	}
	var buf [16]byte
	copy(buf[:], k)
	return shortKey{a: binary.BigEndian.Uint64(buf[:8]), b: binary.BigEndian.Uint64(buf[8:]), n: uint32(len(k))}, true
}

func newPointModel(t *recTree, n int) *pointModel {
	return &pointModel{tree: t, num: make(map[uint64]map[string]any, n),
		short: map[shortKey]map[string]any{}, long: map[string]map[string]any{}}
}

// len returns the number of records in pm (0 for nil).
func (pm *pointModel) len() int {
	if pm == nil {
		return 0
	}
	return pm.ndense + len(pm.num) + len(pm.short) + len(pm.long)
}

// grown returns a copy of pm (nil: empty) whose hash of number keys is
// sized for n more records.
func (pm *pointModel) grown(n int) *pointModel {
	g := newPointModel(nil, n)
	if pm != nil {
		g = newPointModel(nil, len(pm.num)+n)
		g.dense, g.ndense = slices.Clone(pm.dense), pm.ndense
		maps.Copy(g.num, pm.num)
		maps.Copy(g.short, pm.short)
		maps.Copy(g.long, pm.long)
	}
	return g
}

func (pm *pointModel) get(pk string) map[string]any {
	if nk, ok := numKey(pk); ok {
		if i, ok := denseIndex(nk); ok && i < len(pm.dense) {
			return pm.dense[i]
		}
		return pm.num[nk]
	}
	if sk, ok := toShortKey(pk); ok {
		return pm.short[sk]
	}
	return pm.long[pk]
}

// set stores rec under pk (rec nil: deletes). pk must not change later.
func (pm *pointModel) set(pk string, rec map[string]any) {
	if nk, ok := numKey(pk); ok {
		if i, ok := denseIndex(nk); ok {
			if i >= len(pm.dense) && rec != nil && i < pm.denseLimit() {
				pm.growDense(i + 1)
			}
			if i < len(pm.dense) {
				switch old := pm.dense[i]; {
				case old == nil && rec != nil:
					pm.ndense++
				case old != nil && rec == nil:
					pm.ndense--
				}
				pm.dense[i] = rec
				return
			}
		}
		setPoint(pm.num, nk, rec)
	} else if sk, ok := toShortKey(pk); ok {
		setPoint(pm.short, sk, rec)
	} else {
		setPoint(pm.long, pk, rec)
	}
}

// setPoint stores rec under k in m, or deletes k when rec is nil.
func setPoint[K comparable](m map[K]map[string]any, k K, rec map[string]any) {
	if rec == nil {
		delete(m, k)
	} else {
		m[k] = rec
	}
}

// recWrite is one record change of a write transaction on a memory store,
// replayed into the point index at commit (rec nil: deleted).
type recWrite struct {
	model string
	pk    string
	rec   map[string]any
}

// pointGet probes the point index for the record of model with primary
// key pk as tx sees it. usable is false when the index cannot answer for
// tx (it describes another state); rec is nil when there is no record.
func (tx *Tx) pointGet(model string, pk []byte) (rec map[string]any, usable bool) {
	if _, own := tx.recTrees[model]; own {
		return nil, false
	}
	db := tx.db
	db.stateMu.RLock()
	if db.points.st == tx.st {
		if pm := db.points.models[model]; pm != nil {
			rec, usable = pm.get(unsafeString(pk)), true
		} else {
			usable = true // no records of the model in this state
		}
	}
	db.stateMu.RUnlock()
	return rec, usable
}

// advancePoints moves the point index from state old to next, which
// differs from old by writes (and nothing else in its record trees). When
// the index does not describe old, it is rebuilt for next, reusing the hash
// of every model whose tree did not change. Callers hold stateMu for
// writing.
func (db *DB) advancePoints(old, next *state, writes []recWrite) {
	if next.records == nil {
		return
	}
	if db.points.st != old || old == nil {
		db.rebuildPoints(next)
		return
	}
	if len(writes) > 1024 {
		// A bulk write: size each model's hash for what it will hold,
		// rather than growing it step by step (integer keys from 0 go to
		// the dense slice, which grows by doubling).
		n := map[string]int{}
		for _, w := range writes {
			if nk, ok := numKey(w.pk); ok {
				if _, dense := denseIndex(nk); dense {
					continue
				}
			}
			n[w.model]++
		}
		for name, k := range n {
			if pm := db.points.models[name]; k > pm.len() {
				db.points.models[name] = pm.grown(k)
			}
		}
	}
	for _, w := range writes {
		pm := db.points.models[w.model]
		if pm == nil {
			pm = newPointModel(nil, 0)
			db.points.models[w.model] = pm
		}
		pm.set(w.pk, w.rec)
	}
	for name, pm := range db.points.models {
		pm.tree = next.records[name]
	}
	db.points.st = next
}

// rebuildPoints makes the point index describe s, rebuilding the hash of
// every model whose record tree changed. Callers hold stateMu for writing
// (or own db exclusively, as Open does).
func (db *DB) rebuildPoints(s *state) {
	models := make(map[string]*pointModel, len(s.records))
	for name, t := range s.records {
		if pm := db.points.models[name]; pm != nil && pm.tree == t && t != nil {
			models[name] = pm
			continue
		}
		pm := newPointModel(t, 0) // integer keys go to the dense slice: the hashes grow as needed
		t.Scan(func(it recItem) bool {
			pm.set(it.pk, it.rec)
			return true
		})
		models[name] = pm
	}
	db.points = pointIndex{st: s, models: models}
}

// unsafeBytes views an immutable string as bytes; the result must never be
// modified.
func unsafeBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// checkPoints compares the point index of model with its record tree t as
// tx reads it, when the index describes tx's state; it returns a fault
// description or "".
func (tx *Tx) checkPoints(model string, t *recTree) string {
	db := tx.db
	db.stateMu.RLock()
	defer db.stateMu.RUnlock()
	if db.points.st != tx.st {
		return ""
	}
	pm := db.points.models[model]
	if pm == nil {
		if t.Len() == 0 {
			return ""
		}
		return fmt.Sprintf("the point index has no records, the record cache %d", t.Len())
	}
	if n := pm.len(); n != t.Len() {
		return fmt.Sprintf("the point index holds %d records, the record cache %d", n, t.Len())
	}
	detail := ""
	t.Scan(func(it recItem) bool {
		got := pm.get(it.pk)
		if got == nil || reflect.ValueOf(got).UnsafePointer() != reflect.ValueOf(it.rec).UnsafePointer() {
			detail = fmt.Sprintf("record %x differs between the point index and the record cache", it.pk)
			return false
		}
		return true
	})
	return detail
}
