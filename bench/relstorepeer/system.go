package relstorepeer

import (
	"context"
	"errors"
	"os"

	"github.com/relstore/relstore"
	"github.com/relstore/relstore/bench/workload"
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
	dir := ""
	if s.kind != Memory {
		var err error
		if dir, err = os.MkdirTemp(s.Dir, tempDirGlob); err != nil {
			return nil, err
		}
	}
	sess, err := openSession(dir, s.kind == PebbleNoSync)
	if err != nil {
		removeDir(dir)
		return nil, err
	}
	sess.dir = dir
	return sess, nil
}

// openSession opens the store in dir ("" for memory) through the typed
// face, which the session's primary variants use, and defines the
// workload's models.
func openSession(dir string, noSync bool) (*Session, error) {
	rdb, err := relstore.Open(dir, &relstore.Options{NoSync: noSync})
	if err != nil {
		return nil, err
	}
	docs := make([][]byte, len(modelJSON))
	for i, m := range modelJSON {
		docs[i] = []byte(m)
	}
	if err := rdb.DefineJSON(docs...); err != nil {
		rdb.Close()
		return nil, err
	}
	return &Session{rdb: rdb, db: rdb.Engine(), ty: newTyped(rdb)}, nil
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
	sess, err := openSession(dir, noSync)
	if err != nil {
		return nil, err
	}
	sess.keep = dir
	return sess, nil
}
