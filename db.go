package relstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"reflect"
	"sync"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// Options configures Open. The zero value (and a nil *Options) opens a
// durable Pebble store at the given path, or a memory store for an empty
// path.
type Options struct {
	// InMemory keeps everything in memory (lost on Close), whatever the path.
	// Default false; an empty path also means memory.
	InMemory bool
	// NoSync acknowledges writes before they are on disk: faster, but the
	// latest writes can be lost in a crash. Default false (every write is
	// durable when it returns). Meaningless in memory.
	NoSync bool
	// CacheSize is Pebble's block cache in bytes; 0 means
	// storage.DefaultPebbleCacheSize (64 MiB).
	CacheSize int64
	// RecordCacheBytes bounds the memory of a Pebble store's cache of
	// decoded records, as estimated (engine.Options.RecordCacheBytes); 0
	// means engine.DefaultRecordCacheBytes (512 MiB), negative no cache.
	RecordCacheBytes int64
	// FS is the file system of a Pebble store; nil means the operating
	// system's. Tests pass vfs.NewMem().
	FS vfs.FS
	// Logger receives the engine's warnings and the model loader's findings
	// (LB3 keys relstore ignores, ...). Default: discard.
	Logger *slog.Logger
}

// DB is a relstore database opened by Open: models defined from LB3 JSON
// (DefineJSON, DefineDir, DefineFS) or from Go structs (Define), related to
// each other freely, and their records, reached through repositories
// (NewRepo) or the map-based engine (Engine). All methods are safe for
// concurrent use.
type DB struct {
	eng    *engine.DB
	logger *slog.Logger

	mu      sync.Mutex // serializes definitions
	sources []source   // every definition given, in order

	pmu     sync.Mutex // guards pending alone: read by failing operations
	pending error      // why the definitions wait, nil when all are defined
}

// source is one definition given to the DB: a JSON document, a folder, or a
// struct type (typ set).
type source struct {
	name string       // model name (structs and JSON documents)
	typ  reflect.Type // struct models
	auto bool         // a nested struct type registered by the struct using it
	add  func(l *schema.Loader) error
}

// Open opens the store at path (a Pebble directory, created if missing) or,
// when path is empty or opts.InMemory is set, a fresh memory store. Models
// must be defined again after each Open (definitions are checked against
// the stored ones: ErrIncompatibleSchema). Errors: the storage's (a locked
// or corrupt directory), wrapped.
func Open(path string, opts *Options) (*DB, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var st storage.Engine
	if path == "" || o.InMemory {
		st = storage.NewMemory()
	} else {
		p, err := storage.OpenPebble(path, &storage.PebbleOptions{NoSync: o.NoSync, CacheSize: o.CacheSize, FS: o.FS})
		if err != nil {
			return nil, fmt.Errorf("relstore: open %s: %w", path, err)
		}
		st = p
	}
	eo := &engine.Options{NoSync: o.NoSync, Logger: o.Logger, RecordCacheBytes: o.RecordCacheBytes}
	if o.RecordCacheBytes < 0 {
		eo.RecordCacheEntries = -1
	}
	eng, err := engine.Open(st, eo)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("relstore: open %s: %w", path, err)
	}
	return &DB{eng: eng, logger: o.Logger}, nil
}

// Close closes the DB and its store, after a write transaction under way
// ends. Operations after Close fail with ErrClosed; so does a second Close.
func (db *DB) Close() error { return db.eng.Close() }

// Engine returns the map-based engine under the DB, for what repositories do
// not offer (Explain, Check, Subscribe, scopes, UpsertWithWhere, ...).
func (db *DB) Engine() *engine.DB { return db.eng }

// DefineJSON defines models from LB3 model-definition documents (the JSON
// of common/models/*.json), together with every model defined before, so
// they may refer to each other and to struct models in any direction. A
// definition that refers to a model not defined yet is kept and completed
// when that model is defined; until then its model answers ErrUnknownModel.
// Definitions wait for running write transactions: do not define inside
// Update. Errors (nothing is defined then): ErrInvalidDefinition (with a
// specific schema sentinel, e.g. ErrDuplicateModel), ErrIncompatibleSchema,
// ErrClosed.
func (db *DB) DefineJSON(docs ...[]byte) error {
	var srcs []source
	for _, d := range docs {
		doc := append([]byte(nil), d...)
		var head struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(doc, &head)
		srcs = append(srcs, source{name: head.Name, add: func(l *schema.Loader) error { return l.Add(doc) }})
	}
	return db.define(srcs...)
}

// DefineDir defines the models of dir/*.json (in file-name order, with
// dir/model-config.json read as LoopBack does) as DefineJSON does. The
// folder is read again whenever the model set is resolved. Errors: those of
// DefineJSON, and I/O errors naming the file (errors.Is(err,
// fs.ErrNotExist) for a missing folder).
func (db *DB) DefineDir(dir string) error {
	return db.define(source{add: func(l *schema.Loader) error { return l.AddDir(dir) }})
}

// DefineFS is DefineDir over a file system, e.g. an embed.FS; dir is a
// slash-separated path in fsys ("." for its root).
func (db *DB) DefineFS(fsys fs.FS, dir string) error {
	return db.define(source{add: func(l *schema.Loader) error { return l.AddFS(fsys, dir) }})
}

// define adds sources to the definitions and resolves the whole set. A
// resolution that fails only because a model is not defined yet is kept
// pending; any other failure removes the new sources again.
func (db *DB) define(srcs ...source) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	prev := db.sources
	next := append(append([]source(nil), prev...), srcs...)
	pending, err := db.resolve(next)
	if err != nil {
		return err
	}
	db.sources = next
	db.setPending(pending)
	return nil
}

func (db *DB) setPending(err error) {
	db.pmu.Lock()
	db.pending = err
	db.pmu.Unlock()
}

// resolve loads every source into one loader and defines the resolved set
// in the engine. It returns (pending, nil) when the set waits for a model
// that is not defined yet.
func (db *DB) resolve(srcs []source) (pending, err error) {
	l := schema.NewLoader(&schema.LoadOptions{Warn: func(model, msg string) {
		db.logger.Warn(msg, "model", model)
	}})
	for _, s := range srcs {
		if err := s.add(l); err != nil {
			return nil, err
		}
	}
	set, err := l.Resolve()
	if err != nil {
		if errors.Is(err, schema.ErrUndefinedModel) || errors.Is(err, schema.ErrUnknownType) {
			return err, nil
		}
		return nil, err
	}
	if err := db.eng.Define(set); err != nil {
		return nil, err
	}
	return nil, nil
}

// notReady explains an ErrUnknownModel for model: when definitions are
// pending it wraps the reason, else it returns err unchanged.
func (db *DB) notReady(model string, err error) error {
	if !errors.Is(err, ErrUnknownModel) {
		return err
	}
	db.pmu.Lock()
	pending := db.pending
	db.pmu.Unlock()
	if pending == nil {
		return err
	}
	return fmt.Errorf("%w: %q is waiting for another definition: %w", ErrUnknownModel, model, pending)
}

// read runs fn in the transaction ctx carries (see Tx) or in a read
// transaction of its own.
//
// Records are read shared (engine.Tx.ShareRecords) — the package only
// decodes them into structs, copying what a struct could alias — and the
// setting of a caller's transaction is restored afterwards.
func (db *DB) read(ctx context.Context, fn func(etx *engine.Tx) error) error {
	if tx := txFrom(ctx, db); tx != nil {
		return shared(tx.etx, fn)
	}
	return db.eng.View(ctx, func(etx *engine.Tx) error { return shared(etx, fn) })
}

// shared runs fn with etx sharing records, then restores etx's setting.
func shared(etx *engine.Tx, fn func(etx *engine.Tx) error) error {
	prev := etx.ShareRecords(true)
	defer etx.ShareRecords(prev)
	return fn(etx)
}

// write runs fn in the transaction ctx carries (see Tx) or in a write
// transaction of its own, committed when fn succeeds, records shared as in
// read.
func (db *DB) write(ctx context.Context, fn func(etx *engine.Tx) error) error {
	if tx := txFrom(ctx, db); tx != nil {
		if !tx.write {
			return ErrReadOnly
		}
		return shared(tx.etx, fn)
	}
	return db.eng.Update(ctx, func(etx *engine.Tx) error { return shared(etx, fn) })
}
