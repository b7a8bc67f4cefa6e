package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/storage"
)

// openStore opens the Pebble store in dir, or a memory store when dir is
// "".
func openStore(dir string, noSync, readOnly bool) (storage.Engine, error) {
	if dir == "" {
		return storage.NewMemory(), nil
	}
	st, err := storage.OpenPebble(dir, &storage.PebbleOptions{NoSync: noSync, ReadOnly: readOnly})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w%s", dir, err, lockHint(err))
	}
	return st, nil
}

// lockHint explains Pebble's refusal to open a store another process (a
// running daemon) holds.
func lockHint(err error) string {
	if !strings.Contains(err.Error(), "lock") {
		return ""
	}
	return " (is a relstore daemon serving this store? stop it first; to back up a running store, " +
		"start it with --backup-dir DIR and POST /_relstore/backup)"
}

// storeMode says how openDB opens a store.
type storeMode int

const (
	storeReadOnly storeMode = iota // an existing store, read-only
	storeWrite                     // an existing store, for writing
	storeCreate                    // a store created if missing, for writing
)

// openDB opens the Pebble store in dir (which must be given) and the
// engine DB on it. progress receives the engine's backfill progress
// (default stderr). Stores the tools write are synced on close.
func openDB(dir string, mode storeMode, progress io.Writer) (*engine.DB, error) {
	if dir == "" {
		return nil, errors.New("--data DIR is required")
	}
	if mode != storeCreate {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("open store %s: no such directory", dir)
		}
	}
	st, err := openStore(dir, false, mode == storeReadOnly)
	if err != nil {
		return nil, err
	}
	db, err := engine.Open(st, &engine.Options{Progress: progress})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	return db, nil
}

// storeName describes a --data value for logs.
func storeName(dir string) string {
	if dir == "" {
		return "memory"
	}
	return dir
}
