package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relstore/relstore/engine"
)

// writeModels writes LB3 model definitions into a new directory, one file
// each in order, and returns it.
func writeModels(t *testing.T, defs ...string) string {
	t.Helper()
	dir := t.TempDir()
	for i, d := range defs {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d.json", i)), []byte(d), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// newStore creates a Pebble store in a new directory with the models of
// modelsDir defined, runs fill on it, closes it and returns its directory.
func newStore(t *testing.T, modelsDir string, fill func(db *engine.DB)) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "db")
	set, err := loadModels(modelsDir, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	db, err := openDB(dir, storeCreate, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Define(set); err != nil {
		t.Fatal(err)
	}
	if fill != nil {
		fill(db)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// create stores records of model in db, failing the test on an error.
func create(t *testing.T, db *engine.DB, model string, recs ...map[string]any) {
	t.Helper()
	for _, r := range recs {
		if _, err := db.Create(context.Background(), model, r); err != nil {
			t.Fatalf("create %s %v: %v", model, r, err)
		}
	}
}

func TestOpenDB(t *testing.T) {
	models := writeModels(t, `{"name": "Thing", "base": "PersistedModel", "properties": {"n": "number"}}`)
	existing := newStore(t, models, nil)
	missing := filepath.Join(t.TempDir(), "none")
	tests := []struct {
		name    string
		dir     string
		mode    storeMode
		wantErr string
	}{
		{"no directory given", "", storeReadOnly, "--data DIR is required"},
		{"missing, read-only", missing, storeReadOnly, "no such directory"},
		{"missing, write", missing, storeWrite, "no such directory"},
		{"missing, create", missing, storeCreate, ""},
		{"existing, read-only", existing, storeReadOnly, ""},
		{"existing, write", existing, storeWrite, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, err := openDB(tc.dir, tc.mode, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
		})
	}
}

func TestOpenLockedStore(t *testing.T) {
	models := writeModels(t, `{"name": "Thing", "base": "PersistedModel", "properties": {"n": "number"}}`)
	dir := newStore(t, models, nil)
	db, err := openDB(dir, storeWrite, io.Discard) // the "daemon"
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = openDB(dir, storeReadOnly, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "POST /_relstore/backup") {
		t.Fatalf("err = %v, want the lock hint", err)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
