package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/index"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// Limits with their defaults.
const (
	// DefaultMaxIncludeDepth is the deepest include nesting accepted.
	DefaultMaxIncludeDepth = 8
	// DefaultMaxIncludeFanout is the most related records one include
	// level may attach in one query.
	DefaultMaxIncludeFanout = 1_000_000
	// backfillProgressEvery is how many records a backfill writes between
	// progress lines on stderr.
	backfillProgressEvery = 100_000
)

// Options configures a DB. The zero value works.
type Options struct {
	// NoSync acknowledges writes before they are durable. Default false:
	// every write returns only once it is on disk (on a Pebble store);
	// concurrent writers share fsyncs.
	NoSync bool
	// MaxIncludeDepth caps include nesting (default DefaultMaxIncludeDepth);
	// deeper includes are refused with a 400.
	MaxIncludeDepth int
	// MaxIncludeFanout caps the related records one include level attaches
	// (default DefaultMaxIncludeFanout); more is refused with a 400.
	MaxIncludeFanout int
	// RecordCacheEntries bounds the cache of decoded records on Pebble
	// stores (default DefaultRecordCacheEntries; negative disables it).
	// Read-only transactions find the records they read by key there
	// without a storage read, and scans the records of 512 bytes or more
	// (a smaller one decodes faster than a cold cache lookup). A commit
	// removes the records it writes before its state can be read, so a
	// transaction always reads its own snapshot's versions. Memory stores
	// keep every record decoded and have no such cache.
	RecordCacheEntries int
	// RecordCacheBytes bounds the memory the record cache holds, as it
	// estimates it: each record's encoded size plus a map slot and a boxed
	// value per property (default DefaultRecordCacheBytes, 512 MiB;
	// negative: bounded by RecordCacheEntries only). A record estimated at
	// more than a 64th of it is not cached.
	RecordCacheBytes int64
	// Logger receives warnings and backfill progress (default: discard).
	Logger *slog.Logger
	// Progress receives progress lines of long backfills (default
	// os.Stderr).
	Progress io.Writer
}

// recordCacheBytes is RecordCacheBytes with its default applied.
func (o *Options) recordCacheBytes() int64 {
	if o.RecordCacheBytes == 0 {
		return DefaultRecordCacheBytes
	}
	return o.RecordCacheBytes
}

// DB is a relstore database: models, records and their indexes on a
// storage engine. All methods are safe for concurrent use. Writers are
// serialized; readers see consistent snapshots and never block writers.
type DB struct {
	st   storage.Engine
	opts Options
	// versioned is st when it is a storage.Versioned (Pebble), or nil.
	versioned storage.Versioned

	writeMu sync.Mutex   // one write transaction at a time
	stateMu sync.RWMutex // guards cur against the commit swap
	cur     *state
	snaps   snapshots // the storage snapshot read transactions of cur share

	closed atomic.Bool
	subs   subscribers
	cache  *recordCache // decoded records; nil when disabled
	// memRecords: records are kept decoded in the state (memory storage).
	memRecords bool
	// memReaders counts the open read transactions of a memory store
	// (memrecords.go).
	memReaders atomic.Int64
	// points hashes the records of cur for point reads (memory storage;
	// guarded by stateMu).
	points pointIndex
	// idMarks bounds the numeric ids stored per model (idmark.go; guarded
	// by writeMu).
	idMarks map[*modelState]float64
}

// state is an immutable published view of the catalog and index caches.
// A commit publishes a new state; readers keep the one they started with.
type state struct {
	cat      *catalog
	set      *schema.Set
	models   map[string]*modelState
	trees    map[*index.Spec]*index.Tree
	counters map[string]float64
	// owners maps each relation to the model that declares it.
	owners map[*schema.Relation]*modelState
	// records holds every model's decoded records when the storage is in
	// memory (nil otherwise); see memrecords.go.
	records map[string]*recTree
	// seq numbers the states in the order they were published (from 1):
	// the record cache answers by it (cache.go).
	seq uint64
}

// modelState is the runtime form of one stored model.
type modelState struct {
	m       *schema.Model
	id      uint64
	prefix  []byte // record key prefix
	idProps []*schema.Property
	specs   []*index.Spec
	// scopeWhere is the where of the model's default scope, parsed once
	// for the state (nil: none; see parseScopeWhere).
	scopeWhere filter.Node
}

// Open opens a DB on st, loading the catalog and the index caches. The DB
// takes ownership of st and closes it on Close.
func Open(st storage.Engine, opts *Options) (*DB, error) {
	db := &DB{st: st}
	db.versioned, _ = st.(storage.Versioned)
	if opts != nil {
		db.opts = *opts
	}
	if db.opts.MaxIncludeDepth <= 0 {
		db.opts.MaxIncludeDepth = DefaultMaxIncludeDepth
	}
	if db.opts.MaxIncludeFanout <= 0 {
		db.opts.MaxIncludeFanout = DefaultMaxIncludeFanout
	}
	if db.opts.Logger == nil {
		db.opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if db.opts.Progress == nil {
		db.opts.Progress = os.Stderr
	}
	switch {
	case db.opts.RecordCacheEntries == 0:
		db.cache = newRecordCache(DefaultRecordCacheEntries, db.opts.recordCacheBytes())
	case db.opts.RecordCacheEntries > 0:
		db.cache = newRecordCache(db.opts.RecordCacheEntries, db.opts.recordCacheBytes())
	}
	db.memRecords = keepsRecords(st)
	if db.memRecords {
		db.cache = nil // records are never decoded on reads
	}
	cat, err := loadCatalog(st)
	if err != nil {
		return nil, err
	}
	s, err := db.buildState(cat, nil)
	if err != nil {
		return nil, err
	}
	if db.memRecords {
		if err := db.loadRecordTrees(s, st); err != nil {
			return nil, err
		}
	}
	if err := db.loadTrees(s, st); err != nil {
		return nil, err
	}
	if err := db.loadCounters(s, st); err != nil {
		return nil, err
	}
	s.seq = 1
	db.cur = s
	db.cache.reopen(s.seq)
	if db.memRecords {
		db.rebuildPoints(s)
	}
	return db, nil
}

// buildState derives the runtime state of a catalog. Trees of indexes that
// exist in prev (same model id and index id) are carried over.
func (db *DB) buildState(cat *catalog, prev *state) (*state, error) {
	s := &state{cat: cat, set: cat.set(), models: map[string]*modelState{},
		trees: map[*index.Spec]*index.Tree{}, counters: map[string]float64{},
		owners: map[*schema.Relation]*modelState{}}
	if db.memRecords {
		s.records = map[string]*recTree{}
		if prev != nil {
			for name, t := range prev.records {
				s.records[name] = t
			}
		}
	}
	for _, m := range s.set.Models {
		// Fill the models' lookup caches now, single-threaded: readers call
		// Property and Relation concurrently later.
		m.Property("")
		m.Relation("")
	}
	for name, cm := range cat.Models {
		ms := &modelState{m: cm.Def, id: cm.ID, prefix: recordPrefix(cm.ID),
			idProps: cm.Def.IDProperties(), specs: specsFor(cm)}
		s.models[name] = ms
		for _, r := range cm.Def.Relations {
			s.owners[r] = ms
		}
		for _, sp := range ms.specs {
			s.trees[sp] = index.NewTree()
			if prev != nil {
				if pms := prev.models[name]; pms != nil && pms.id == ms.id {
					for _, psp := range pms.specs {
						if psp.ID == sp.ID {
							s.trees[sp] = prev.trees[psp]
						}
					}
				}
			}
		}
		if prev != nil {
			if c, ok := prev.counters[name]; ok {
				s.counters[name] = c
			}
		}
	}
	for _, ms := range s.models {
		ms.scopeWhere = parseScopeWhere(ms.m, s.set)
	}
	return s, nil
}

// parseScopeWhere returns the where of m's default scope, parsed, or nil
// when it has none or one that does not parse (which admits every record,
// as inDefaultScope always did).
func parseScopeWhere(m *schema.Model, set *schema.Set) filter.Node {
	w, ok := m.Scope["where"]
	if !ok {
		return nil
	}
	node, err := filter.ParseWhere(w, m, set)
	if err != nil {
		return nil
	}
	return node
}

// loadTrees fills every index cache from the persisted index keys.
func (db *DB) loadTrees(s *state, r storage.Reader) error {
	for _, ms := range s.models {
		for _, sp := range ms.specs {
			if err := loadTree(s.trees[sp], sp, r); err != nil {
				return err
			}
		}
	}
	return nil
}

func loadTree(t *index.Tree, sp *index.Spec, r storage.Reader) error {
	it, err := r.NewIter(storage.IterOptions{Lower: sp.Prefix, Upper: prefixEnd(sp.Prefix)})
	if err != nil {
		return err
	}
	defer it.Close()
	for it.Next() {
		item, err := sp.ItemFromKV(it.Key(), it.Value())
		if err != nil {
			return err
		}
		t.Load(item)
	}
	return it.Err()
}

func (db *DB) loadCounters(s *state, r storage.Reader) error {
	for name, ms := range s.models {
		b, err := r.Get(counterKey(ms.id))
		if err != nil {
			continue
		}
		var c float64
		if err := json.Unmarshal(b, &c); err != nil {
			return fmt.Errorf("relstore: model %q: corrupt id counter: %w", name, err)
		}
		s.counters[name] = c
	}
	return nil
}

// Close closes the DB and its storage engine.
func (db *DB) Close() error {
	if db.closed.Swap(true) {
		return ErrClosed
	}
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	db.stateMu.Lock()
	db.retireSnapshot()
	db.stateMu.Unlock()
	if err := db.st.SyncWAL(); err != nil {
		db.st.Close()
		return err
	}
	return db.st.Close()
}

// Schema returns the models the DB knows. The Set is shared: do not modify it.
func (db *DB) Schema() *schema.Set {
	db.stateMu.RLock()
	defer db.stateMu.RUnlock()
	return db.cur.set
}

// Model returns the stored model named name, or nil.
func (db *DB) Model(name string) *schema.Model {
	db.stateMu.RLock()
	defer db.stateMu.RUnlock()
	if ms := db.cur.models[name]; ms != nil {
		return ms.m
	}
	return nil
}

// Storage returns the underlying storage engine (for backups and tools).
func (db *DB) Storage() storage.Engine { return db.st }

// View runs fn in a read-only transaction over a consistent snapshot.
func (db *DB) View(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.begin(ctx, false, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// Update runs fn in a read-write transaction: if fn returns nil, every
// write it made commits atomically (and durably unless Options.NoSync);
// otherwise nothing is written. Reads inside fn see its own writes.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.begin(ctx, true, false)
	if err != nil {
		return err
	}
	defer func() {
		if !tx.done {
			tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// prefixEnd returns the smallest key greater than every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
