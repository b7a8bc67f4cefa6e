package relstorepeer

import (
	"context"
	"errors"
	"os"

	"github.com/relstore/relstore/bench/workload"
	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// tempDirGlob names the temporary directories of Pebble stores.
const tempDirGlob = "relstore-bench-pebble-*"

// Kind selects the storage of a relstore system.
type Kind int

// Storage kinds.
const (
	Memory       Kind = iota // storage.NewMemory
	Pebble                   // Pebble, every commit synced (group commit)
	PebbleNoSync             // Pebble with NoSync
)

// System is a workload.System running the relstore engine.
type System struct {
	name string
	kind Kind
	// Dir is where temporary store directories are made ("" = os.TempDir()).
	Dir string
}

// Systems returns the three relstore systems, keyed by name.
func Systems() map[string]*System {
	return map[string]*System{
		workload.SysRelstoreMemory:       {name: workload.SysRelstoreMemory, kind: Memory},
		workload.SysRelstorePebble:       {name: workload.SysRelstorePebble, kind: Pebble},
		workload.SysRelstorePebbleNoSync: {name: workload.SysRelstorePebbleNoSync, kind: PebbleNoSync},
	}
}

// Name implements workload.System.
func (s *System) Name() string { return s.name }

// Durable implements workload.System: only synced Pebble claims durability.
func (s *System) Durable() bool { return s.kind == Pebble }

// Open implements workload.System: an empty store with the workload's
// models defined.
func (s *System) Open(ctx context.Context) (workload.Session, error) {
	var st storage.Engine
	dir := ""
	noSync := s.kind == PebbleNoSync
	switch s.kind {
	case Memory:
		st = storage.NewMemory()
	default:
		var err error
		if dir, err = os.MkdirTemp(s.Dir, tempDirGlob); err != nil {
			return nil, err
		}
		p, err := storage.OpenPebble(dir, &storage.PebbleOptions{NoSync: noSync})
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		st = p
	}
	db, err := engine.Open(st, &engine.Options{NoSync: noSync})
	if err != nil {
		st.Close()
		removeDir(dir)
		return nil, err
	}
	sess := &Session{db: db, dir: dir}
	if err := define(db); err != nil {
		sess.Close()
		return nil, err
	}
	return sess, nil
}

// define loads the workload's models into db.
func define(db *engine.DB) error {
	l := schema.NewLoader(nil)
	for _, m := range modelJSON {
		if err := l.Add([]byte(m)); err != nil {
			return err
		}
	}
	set, err := l.Resolve()
	if err != nil {
		return err
	}
	return db.Define(set)
}

func removeDir(dir string) {
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
}

var errNotRecord = errors.New("relstorepeer: result is not a record")

// OpenPebbleDir opens the relstore Pebble store kept in dir (made by a
// session of BuildPebbleDir, or empty) and defines the workload's models,
// as Open does for a new store. The session's Close closes the store but
// leaves dir in place.
func OpenPebbleDir(dir string, noSync bool) (*Session, error) {
	p, err := storage.OpenPebble(dir, &storage.PebbleOptions{NoSync: noSync})
	if err != nil {
		return nil, err
	}
	db, err := engine.Open(p, &engine.Options{NoSync: noSync})
	if err != nil {
		p.Close()
		return nil, err
	}
	sess := &Session{db: db, keep: dir}
	if err := define(db); err != nil {
		sess.Close()
		return nil, err
	}
	return sess, nil
}
