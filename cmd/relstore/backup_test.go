package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relstore/relstore/engine"
)

func TestBackup(t *testing.T) {
	models := writeModels(t,
		`{"name": "Person", "base": "PersistedModel", "properties": {"name": {"type": "string", "index": true}}}`,
		`{"name": "Pet", "base": "PersistedModel", "properties": {"kind": "string"},
		  "relations": {"owner": {"type": "belongsTo", "model": "Person", "foreignKey": "ownerId"}}}`)
	dir := newStore(t, models, func(db *engine.DB) {
		for i := 1; i <= 300; i++ {
			create(t, db, "Person", map[string]any{"name": fmt.Sprint("p", i)})
			create(t, db, "Pet", map[string]any{"kind": "cat", "ownerId": float64(i)})
		}
		if _, err := db.DeleteByID(context.Background(), "Person", 7.0); err != nil {
			t.Fatal(err)
		}
	})
	out := filepath.Join(t.TempDir(), "copy")
	var stdout, stderr bytes.Buffer
	if code := runBackup(context.Background(), []string{"--data", dir, "--verify", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s %s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "599 records") || !strings.Contains(stdout.String(), ": ok") {
		t.Fatalf("verify report %q", stdout.String())
	}
	// The copy opens on its own and holds every record.
	db, err := openDB(out, storeReadOnly, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	rep, err := db.Check(ctx)
	if err != nil || !rep.OK() || rep.Records != 599 {
		t.Fatalf("check of the copy: %v %v", rep, err)
	}
	for _, c := range []struct {
		model string
		where map[string]any
		want  int
	}{
		{"Person", nil, 299},
		{"Pet", nil, 300},
		{"Person", map[string]any{"name": "p300"}, 1},
		{"Person", map[string]any{"id": 7.0}, 0},
		{"Pet", map[string]any{"ownerId": 42.0}, 1},
	} {
		if n, err := db.Count(ctx, c.model, c.where); err != nil || n != c.want {
			t.Errorf("count %s %v = %d, %v; want %d", c.model, c.where, n, err, c.want)
		}
	}
}

func TestBackupErrors(t *testing.T) {
	models := writeModels(t, `{"name": "Thing", "base": "PersistedModel", "properties": {"n": "number"}}`)
	dir := newStore(t, models, nil)
	existing := t.TempDir()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"no data", []string{filepath.Join(t.TempDir(), "out")}, exitUsage, "usage"},
		{"no out", []string{"--data", dir}, exitUsage, "usage"},
		{"two outs", []string{"--data", dir, "a", "b"}, exitUsage, "usage"},
		{"out exists", []string{"--data", dir, existing}, exitFailure, "already exists"},
		{"missing store", []string{"--data", filepath.Join(t.TempDir(), "none"), filepath.Join(t.TempDir(), "out")}, exitFailure, "no such file"},
		{"not a store", []string{"--data", t.TempDir(), filepath.Join(t.TempDir(), "out")}, exitFailure, "no store"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := runBackup(context.Background(), tc.args, io.Discard, &stderr)
			if code != tc.wantCode || !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Fatalf("exit %d, stderr %q", code, stderr.String())
			}
		})
	}
	t.Run("store in use", func(t *testing.T) {
		db, err := openDB(dir, storeWrite, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var stderr bytes.Buffer
		code := runBackup(context.Background(), []string{"--data", dir, filepath.Join(t.TempDir(), "out")}, io.Discard, &stderr)
		if code != exitFailure || !strings.Contains(stderr.String(), "POST /_relstore/backup") {
			t.Fatalf("exit %d, stderr %q", code, stderr.String())
		}
	})
}
