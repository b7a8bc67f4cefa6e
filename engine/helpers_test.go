package engine

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/index"
	"github.com/relstore/relstore/internal/keyenc"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// backend opens a fresh storage engine for a test.
type backend struct {
	name string
	open func(t testing.TB) storage.Engine
}

// backends lists the storage engines every engine test runs on.
func backends() []backend {
	return []backend{
		{"memory", func(t testing.TB) storage.Engine { return storage.NewMemory() }},
		{"pebble", func(t testing.TB) storage.Engine {
			st, err := storage.OpenPebble("", &storage.PebbleOptions{FS: vfs.NewMem()})
			require.NoError(t, err)
			return st
		}},
	}
}

// eachBackend runs fn as a subtest on every backend.
func eachBackend(t *testing.T, fn func(t *testing.T, open func(t testing.TB) storage.Engine)) {
	for _, b := range backends() {
		b := b
		t.Run(b.name, func(t *testing.T) { fn(t, b.open) })
	}
}

// loadSet resolves LB3 model definitions given as JSON documents.
func loadSet(t testing.TB, defs ...string) *schema.Set {
	t.Helper()
	l := schema.NewLoader(nil)
	for _, d := range defs {
		require.NoError(t, l.Add([]byte(d)))
	}
	set, err := l.Resolve()
	require.NoError(t, err)
	return set
}

// openDB opens a DB on st with the models defined.
func openDB(t testing.TB, st storage.Engine, defs ...string) *DB {
	t.Helper()
	db, err := Open(st, &Options{NoSync: true})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	if len(defs) > 0 {
		require.NoError(t, db.Define(loadSet(t, defs...)))
	}
	return db
}

// mustCheck fails the test when Check finds a fault.
func mustCheck(t testing.TB, db *DB) {
	t.Helper()
	rep, err := db.Check(context.Background())
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
}

// obj decodes a JSON object literal.
func obj(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &m))
	return m
}

// ids extracts the "id" values of records.
func ids(recs []map[string]any) []any {
	out := make([]any, len(recs))
	for i, r := range recs {
		out[i] = r["id"]
	}
	return out
}

var ctx = context.Background()

// entryFor rebuilds the index entry of a B-tree item.
func entryFor(t testing.TB, sp *index.Spec, item []byte) index.Entry {
	t.Helper()
	vals, _, err := sp.SplitItem(item)
	require.NoError(t, err)
	decoded, err := keyenc.DecodeAll(vals)
	require.NoError(t, err)
	hasNull := false
	for _, v := range decoded {
		if v == nil {
			hasNull = true
		}
	}
	return index.Entry{Item: item, Unique: sp.Unique && !hasNull, ValLen: len(vals)}
}

// leastAllocs is testing.AllocsPerRun(runs, f) at its least over three
// measurements: AllocsPerRun counts every goroutine's allocations, and a
// background goroutine (a Pebble store another test left compacting) must
// not fail a test of f's own.
func leastAllocs(runs int, f func()) float64 {
	n := math.Inf(1)
	for range 3 {
		n = min(n, testing.AllocsPerRun(runs, f))
	}
	return n
}
