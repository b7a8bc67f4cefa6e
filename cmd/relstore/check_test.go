package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/storage"
)

// indexTag is the first byte of every index entry key (engine/keys.go).
const indexTag = 0x11

// deleteIndexEntries deletes the first n index entries of the store in
// dir, through the storage layer: a fault Check must find.
func deleteIndexEntries(t *testing.T, dir string, n int) {
	t.Helper()
	st, err := storage.OpenPebble(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	it, err := st.NewIter(storage.IterOptions{Lower: []byte{indexTag}, Upper: []byte{indexTag + 1}})
	if err != nil {
		t.Fatal(err)
	}
	b := &storage.Batch{}
	for it.Next() && b.Len() < n {
		b.Delete(bytes.Clone(it.Key()))
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	if b.Len() != n {
		t.Fatalf("only %d index entries", b.Len())
	}
	if err := st.Apply(b, true); err != nil {
		t.Fatal(err)
	}
}

func TestCheckRepair(t *testing.T) {
	models := writeModels(t, `{"name": "Person", "base": "PersistedModel",
	  "properties": {"name": {"type": "string", "index": true}, "email": {"type": "string", "index": {"unique": true}}}}`)
	dir := newStore(t, models, func(db *engine.DB) {
		for i := 0; i < 20; i++ {
			create(t, db, "Person", map[string]any{"name": fmt.Sprint("p", i%5), "email": fmt.Sprint(i, "@x")})
		}
	})
	deleteIndexEntries(t, dir, 3)
	steps := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
	}{
		{"the fault is found", []string{"--data", dir}, exitFailure, []string{"3 faults", engine.FaultMissingEntry}},
		{"check alone changes nothing", []string{"--data", dir}, exitFailure, []string{"3 faults"}},
		{"repair", []string{"--data", dir, "--repair"}, exitOK, []string{"3 faults", "repairing", "20 records, 40 index entries: ok"}},
		{"repaired for good", []string{"--data", dir}, exitOK, []string{"20 records, 40 index entries: ok"}},
		{"repair of a sound store", []string{"--data", dir, "--repair"}, exitOK, []string{": ok"}},
	}
	for _, st := range steps {
		var out, errOut bytes.Buffer
		code := runCheck(context.Background(), st.args, &out, &errOut)
		if code != st.wantCode {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", st.name, code, out.String(), errOut.String())
		}
		for _, w := range st.wantOut {
			if !strings.Contains(out.String(), w) {
				t.Fatalf("%s: stdout %q lacks %q", st.name, out.String(), w)
			}
		}
	}
}

func TestCheckUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no data", nil, exitUsage},
		{"stray argument", []string{"--data", "d", "x"}, exitUsage},
		{"help", []string{"-h"}, exitOK},
		{"missing store, repair", []string{"--data", t.TempDir() + "/none", "--repair"}, exitFailure},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code := runCheck(context.Background(), tc.args, io.Discard, io.Discard); code != tc.want {
				t.Fatalf("exit %d, want %d", code, tc.want)
			}
		})
	}
}
