package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/internal/keyenc"
	"github.com/relstore/relstore/storage"
)

const pointDef = `{"name": "Thing", "properties": {"id": {"type": "string", "id": true}, "n": "number"}}`

// TestPointIndex checks that point reads (answered from the memory store's
// point index where it applies) see exactly what the transaction's state
// holds: an older snapshot never sees a later commit, a write transaction
// sees its own writes and deletes, and the index follows Define. Ids short
// and longer than 16 encoded bytes take both of the index's key forms.
func TestPointIndex(t *testing.T) {
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, open func(t testing.TB) storage.Engine) {
		db := openDB(t, open(t), pointDef)
		ids := []string{"a", "a-rather-long-identifier-of-many-bytes"}
		for _, id := range ids {
			_, err := db.Create(ctx, "Thing", map[string]any{"id": id, "n": 1.0})
			require.NoError(t, err)
		}
		n := func(rec map[string]any) any { return rec["n"] }

		// An open snapshot keeps its values across a commit.
		require.NoError(t, db.View(ctx, func(tx *Tx) error {
			for _, id := range ids {
				_, err := db.PatchByID(ctx, "Thing", id, map[string]any{"n": 2.0})
				require.NoError(t, err)
				rec, err := tx.FindByID("Thing", id, nil)
				require.NoError(t, err)
				require.Equal(t, 1.0, n(rec), "snapshot read of %s after a later commit", id)
			}
			return nil
		}))
		for _, id := range ids {
			rec, err := db.FindByID(ctx, "Thing", id, nil)
			require.NoError(t, err)
			require.Equal(t, 2.0, n(rec), id)
		}

		// A write transaction reads its own writes and deletes; a rollback
		// leaves nothing behind.
		boom := errors.New("roll back")
		err := db.Update(ctx, func(tx *Tx) error {
			_, err := tx.PatchByID("Thing", ids[0], map[string]any{"n": 3.0})
			require.NoError(t, err)
			rec, err := tx.FindByID("Thing", ids[0], nil)
			require.NoError(t, err)
			require.Equal(t, 3.0, n(rec))
			_, err = tx.DeleteByID("Thing", ids[1])
			require.NoError(t, err)
			_, err = tx.FindByID("Thing", ids[1], nil)
			require.ErrorIs(t, err, ErrNotFound)
			_, err = tx.Create("Thing", map[string]any{"id": "new", "n": 9.0})
			require.NoError(t, err)
			rec, err = tx.FindByID("Thing", "new", nil)
			require.NoError(t, err)
			require.Equal(t, 9.0, n(rec))
			return boom
		})
		require.ErrorIs(t, err, boom)
		for _, id := range ids {
			rec, err := db.FindByID(ctx, "Thing", id, nil)
			require.NoError(t, err)
			require.Equal(t, 2.0, n(rec), id)
		}
		_, err = db.FindByID(ctx, "Thing", "new", nil)
		require.ErrorIs(t, err, ErrNotFound)

		// Committed deletes and creates, then a Define that adds a model.
		_, err = db.DeleteByID(ctx, "Thing", ids[1])
		require.NoError(t, err)
		for i := range 50 {
			_, err := db.Create(ctx, "Thing", map[string]any{"id": fmt.Sprintf("id-%02d-%s", i, ids[1]), "n": float64(i)})
			require.NoError(t, err)
		}
		require.NoError(t, db.Define(loadSet(t, pointDef, `{"name": "Other", "properties": {"x": "string"}}`)))
		_, err = db.FindByID(ctx, "Thing", ids[1], nil)
		require.ErrorIs(t, err, ErrNotFound)
		for i := range 50 {
			rec, err := db.FindByID(ctx, "Thing", fmt.Sprintf("id-%02d-%s", i, ids[1]), nil)
			require.NoError(t, err)
			require.Equal(t, float64(i), n(rec))
		}
		_, err = db.Create(ctx, "Other", map[string]any{"x": "y"})
		require.NoError(t, err)
		rec, err := db.FindByID(ctx, "Other", 1.0, nil)
		require.NoError(t, err)
		require.Equal(t, "y", rec["x"])
		mustCheck(t, db)
	})
}

// TestCheckFindsPointIndexFault plants a stale entry in the point index and
// expects Check to report it.
func TestCheckFindsPointIndexFault(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, storage.NewMemory(), pointDef)
	_, err := db.Create(ctx, "Thing", map[string]any{"id": "a", "n": 1.0})
	require.NoError(t, err)
	mustCheck(t, db)
	db.stateMu.Lock()
	db.points.models["Thing"].set("\x30zzz\x00", map[string]any{"id": "zzz"})
	db.stateMu.Unlock()
	rep, err := db.Check(ctx)
	require.NoError(t, err)
	require.False(t, rep.OK())
	require.Contains(t, rep.String(), "point index")
}

// TestPointIndexKeys: small integral number keys go to the point index's
// dense slice, other number keys to its uint64 map, short and long string
// keys to theirs; each is found, replaced and deleted there, and Check
// finds a stale number entry.
func TestPointIndexKeys(t *testing.T) {
	pm := newPointModel(nil, 0)
	key := func(v any) string {
		k, err := keyenc.AppendValue(nil, v)
		require.NoError(t, err)
		return string(k)
	}
	keys := []string{key(1.0), key(-2.5), key(1e300), key("a"), key("a string key longer than 16 bytes")}
	for i, k := range keys {
		pm.set(k, map[string]any{"i": i})
	}
	require.Equal(t, 1, pm.ndense)
	require.Len(t, pm.num, 2)
	require.Len(t, pm.short, 1)
	require.Len(t, pm.long, 1)
	require.Equal(t, len(keys), pm.len())
	for i, k := range keys {
		require.Equal(t, i, pm.get(k)["i"], "key %x", k)
	}
	require.Nil(t, pm.get(key(3.0)))
	require.Nil(t, pm.get(string([]byte{keyenc.TagString, 1, 2, 3, 4, 5, 6, 7, 8})), "a 9-byte string key is not a number key")
	pm.set(keys[0], map[string]any{"i": 10})
	require.Equal(t, 10, pm.get(keys[0])["i"])
	for _, k := range keys {
		pm.set(k, nil)
	}
	require.Zero(t, pm.len())

	ctx := context.Background()
	db := openDB(t, storage.NewMemory(), `{"name": "Num", "properties": {"id": {"type": "number", "id": true}}}`)
	_, err := db.Create(ctx, "Num", map[string]any{"id": 1.0})
	require.NoError(t, err)
	mustCheck(t, db)
	db.stateMu.Lock()
	db.points.models["Num"].set(key(1.0), map[string]any{"id": 1.0})
	db.stateMu.Unlock()
	rep, err := db.Check(ctx)
	require.NoError(t, err)
	require.False(t, rep.OK())
	require.Contains(t, rep.String(), "point index")
}

// TestPointIndexDense: integral keys from 0 go to the dense slice while it
// stays within four slots a record; others (fractions, negatives, keys far
// beyond the records) to the hash, until the slice grows over them and
// takes them. Every record is found where it went, deletes keep the count,
// and no key below the slice's length is ever left in the hash.
func TestPointIndexDense(t *testing.T) {
	pm := newPointModel(nil, 0)
	key := func(f float64) string { return string(keyenc.AppendNumber(nil, f)) }
	want := map[float64]int{}
	set := func(f float64, v int) {
		if v < 0 {
			pm.set(key(f), nil)
			delete(want, f)
		} else {
			pm.set(key(f), map[string]any{"v": v})
			want[f] = v
		}
	}
	verify := func(what string) {
		t.Helper()
		require.Equal(t, len(want), pm.len(), what)
		for f, v := range want {
			got := pm.get(key(f))
			require.NotNil(t, got, "%s: key %v", what, f)
			require.Equal(t, v, got["v"], "%s: key %v", what, f)
		}
		for nk := range pm.num {
			i, ok := denseIndex(nk)
			require.False(t, ok && i < len(pm.dense), "%s: key %d is in the hash below the slice's length %d", what, i, len(pm.dense))
		}
		require.Nil(t, pm.get(key(3.5)), what)
	}
	for _, f := range []float64{0, 1, 2, 2.5, -1, 1e9, 300} {
		set(f, int(f))
	}
	verify("first keys")
	require.Equal(t, 3, pm.ndense, "0, 1 and 2 are dense")
	require.Contains(t, pm.num, mustNumKey(t, key(300)), "300 is beyond four slots a record")
	for f := 3.0; f < 100; f++ {
		set(f, int(f))
	}
	verify("after growth")
	require.Contains(t, pm.num, mustNumKey(t, key(300)), "the slice grows only for a key it must hold")
	set(310, 310) // grows the slice over 300, within four slots a record
	verify("after growth over a hashed key")
	require.NotContains(t, pm.num, mustNumKey(t, key(300)), "the grown slice took 300")
	require.Greater(t, len(pm.dense), 300)
	require.Contains(t, pm.num, mustNumKey(t, key(1e9)))
	require.Equal(t, 0, pm.get(key(math.Copysign(0, -1)))["v"], "-0 is key 0")
	for f := 0.0; f < 100; f += 3 {
		set(f, -1)
	}
	set(1e9, -1)
	set(50, 5000)
	verify("after deletes and a replacement")
	g := pm.grown(1000)
	require.Equal(t, pm.len(), g.len())
	g.set(key(7), map[string]any{"v": -7})
	require.Equal(t, 7, pm.get(key(7))["v"], "a grown copy is a copy")
}

func mustNumKey(t *testing.T, k string) uint64 {
	t.Helper()
	nk, ok := numKey(k)
	require.True(t, ok)
	return nk
}

const treeDef = `{"name": "Row", "properties": {
  "id":   {"type": "number", "id": true},
  "n":    "number",
  "k":    {"type": "any", "index": true},
  "code": {"type": "string", "index": {"unique": true}},
  "at":   {"type": "date", "index": true}}}`

// TestRecordTreeSnapshots commits many single-record writes while a read
// transaction that began before them stays open: with enough records for
// a record tree several levels deep, every commit copies its own path, and
// the reader must see none of them, by id, by scan or by index. The writes
// patch unindexed fields (whose index entries stay as they are), change an
// indexed value's type (a number to a string: new entries), dates, unique values, and
// delete and create records.
func TestRecordTreeSnapshots(t *testing.T) {
	ctx := context.Background()
	const rows = 3000
	eachBackend(t, func(t *testing.T, open func(t testing.TB) storage.Engine) {
		db := openDB(t, open(t), treeDef)
		when := "2024-01-02T03:04:05.000Z"
		require.NoError(t, db.Update(ctx, func(tx *Tx) error {
			for i := 1; i <= rows; i++ {
				_, err := tx.Create("Row", map[string]any{"id": float64(i), "n": 0.0, "k": float64(i % 7),
					"code": fmt.Sprintf("c%d", i), "at": when})
				if err != nil {
					return err
				}
			}
			return nil
		}))
		count := func(find func(string, map[string]any) ([]map[string]any, error), where map[string]any) int {
			recs, err := find("Row", map[string]any{"where": where})
			require.NoError(t, err)
			return len(recs)
		}
		require.NoError(t, db.View(ctx, func(tx *Tx) error {
			for i := 1; i <= rows; i += 3 {
				_, err := db.PatchByID(ctx, "Row", float64(i), map[string]any{"n": float64(i)})
				require.NoError(t, err)
			}
			for i := 2; i <= rows; i += 30 {
				_, err := db.PatchByID(ctx, "Row", float64(i), map[string]any{"k": fmt.Sprint("x", i%7), "at": "2025-01-01T00:00:00.000Z"})
				require.NoError(t, err)
				_, err = db.ReplaceByID(ctx, "Row", float64(i+1), map[string]any{"n": 1.0, "k": float64(i % 7), "code": fmt.Sprintf("r%d", i+1)})
				require.NoError(t, err)
			}
			for i := 5; i <= rows; i += 50 {
				_, err := db.DeleteByID(ctx, "Row", float64(i))
				require.NoError(t, err)
				_, err = db.Create(ctx, "Row", map[string]any{"id": float64(rows + i), "n": 5.0, "k": 1.0, "code": fmt.Sprintf("n%d", i)})
				require.NoError(t, err)
			}
			// The snapshot still holds exactly the loaded records.
			for i := 1; i <= rows; i++ {
				rec, err := tx.FindByID("Row", float64(i), nil)
				require.NoError(t, err, "id %d", i)
				require.Equal(t, 0.0, rec["n"], "id %d", i)
				require.Equal(t, float64(i%7), rec["k"], "id %d", i)
				require.Equal(t, fmt.Sprintf("c%d", i), rec["code"], "id %d", i)
			}
			all, err := tx.Find("Row", nil)
			require.NoError(t, err)
			require.Len(t, all, rows)
			for i, rec := range all {
				require.Equal(t, float64(i+1), rec["id"])
				require.Equal(t, 0.0, rec["n"])
			}
			require.Equal(t, rows/7, count(tx.Find, map[string]any{"k": 0.0}))
			require.Zero(t, count(tx.Find, map[string]any{"k": "x2"}))
			require.Equal(t, rows, count(tx.Find, map[string]any{"at": when}))
			require.Equal(t, 1, count(tx.Find, map[string]any{"code": "c3"}))
			return nil
		}))

		// The latest state holds every write.
		rec, err := db.FindByID(ctx, "Row", 4.0, nil)
		require.NoError(t, err)
		require.Equal(t, 4.0, rec["n"])
		rec, err = db.FindByID(ctx, "Row", 2.0, nil)
		require.NoError(t, err)
		require.Equal(t, "x2", rec["k"])
		recs, err := db.Find(ctx, "Row", map[string]any{"where": map[string]any{"k": "x2"}})
		require.NoError(t, err)
		require.NotEmpty(t, recs)
		for _, r := range recs {
			require.Equal(t, "x2", r["k"])
		}
		_, err = db.FindByID(ctx, "Row", 5.0, nil)
		require.ErrorIs(t, err, ErrNotFound)
		recs, err = db.Find(ctx, "Row", map[string]any{"where": map[string]any{"code": "r3"}})
		require.NoError(t, err)
		require.Len(t, recs, 1)
		require.Equal(t, 3.0, recs[0]["id"])
		recs, err = db.Find(ctx, "Row", map[string]any{"where": map[string]any{"code": "c3"}})
		require.NoError(t, err)
		require.Empty(t, recs)
		// A patch that leaves the unique value alone passes; one that takes
		// another record's value is refused.
		_, err = db.PatchByID(ctx, "Row", 7.0, map[string]any{"n": 7.0, "code": "c7"})
		require.NoError(t, err)
		_, err = db.PatchByID(ctx, "Row", 7.0, map[string]any{"code": "c8"})
		require.ErrorIs(t, err, ErrUniqueViolation)
		mustCheck(t, db)
	})
}

// TestIdenticalScalar pins which index values count as unchanged: only
// the same type and value (entries are recomputed otherwise).
func TestIdenticalScalar(t *testing.T) {
	now := time.Now()
	same := [][2]any{{nil, nil}, {"a", "a"}, {1.5, 1.5}, {true, true}, {now, now}}
	for _, c := range same {
		require.True(t, identicalScalar(c[0], c[1]), "%#v", c)
	}
	differ := [][2]any{{nil, 0.0}, {0.0, nil}, {"1", 1.0}, {1.0, "1"}, {1.0, 2.0}, {true, false},
		{now, now.Add(time.Millisecond)}, {"a", "b"}, {[]any{1.0}, []any{1.0}},
		{map[string]any{}, map[string]any{}}, {int64(1), int64(1)}}
	for _, c := range differ {
		require.False(t, identicalScalar(c[0], c[1]), "%#v", c)
	}
}

// TestRecordWritesInPlace: a commit with no open reader writes its records
// into the current record tree itself; with a reader open it writes into a
// copy and the reader keeps its view; a write transaction reads its pending
// writes (by key and by scan), a rollback leaves the tree alone, and many
// writes of one model go to a copy of the tree.
func TestRecordWritesInPlace(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name": "Item", "properties": {"id": {"type": "number", "id": true}, "n": "number"}}`)
		var items []map[string]any
		for i := 1; i <= 200; i++ {
			items = append(items, map[string]any{"id": float64(i), "n": float64(1000 + i)})
		}
		_, err := db.CreateMany(ctx, "Item", items)
		require.NoError(t, err)
		tree := func() *recTree {
			db.stateMu.RLock()
			defer db.stateMu.RUnlock()
			return db.cur.records["Item"]
		}
		n := func(tx *Tx, id float64) any {
			rec, err := tx.FindByID("Item", id, nil)
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			require.NoError(t, err)
			return rec["n"]
		}
		scan := func(tx *Tx, where string) []any {
			recs, err := tx.Find("Item", map[string]any{"where": obj(t, where)})
			require.NoError(t, err)
			return ids(recs)
		}

		t0 := tree()
		_, err = db.PatchByID(ctx, "Item", 1.0, map[string]any{"n": 100.0})
		require.NoError(t, err)
		if db.memRecords {
			require.Same(t, t0, tree(), "no reader: the commit wrote into the current tree")
		}

		r, err := db.begin(ctx, false, false)
		require.NoError(t, err)
		_, err = db.PatchByID(ctx, "Item", 1.0, map[string]any{"n": 200.0})
		require.NoError(t, err)
		if db.memRecords {
			require.NotSame(t, t0, tree(), "a reader is open: the commit wrote into a copy")
		}
		require.Equal(t, 100.0, n(r, 1), "the reader keeps its view")
		require.Equal(t, []any{1.0}, scan(r, `{"n": 100}`))
		require.Empty(t, scan(r, `{"n": 200}`))
		r.Rollback()

		require.NoError(t, db.Update(ctx, func(tx *Tx) error {
			_, err := tx.PatchByID("Item", 2.0, map[string]any{"n": -2.0})
			require.NoError(t, err)
			_, err = tx.DeleteByID("Item", 3.0)
			require.NoError(t, err)
			if db.memRecords {
				require.Equal(t, []string{"Item"}, tx.pending, "kept aside")
				require.NotContains(t, tx.recTrees, "Item")
			}
			require.Equal(t, -2.0, n(tx, 2), "a pending write is read back by key")
			require.Nil(t, n(tx, 3), "a pending delete too")
			require.Equal(t, []any{2.0}, scan(tx, `{"n": {"lt": 0}}`), "and by a scan")
			if db.memRecords {
				require.Contains(t, tx.recTrees, "Item", "the scan copied the tree")
				require.NotContains(t, tx.pending, "Item")
			}
			return nil
		}))

		t1 := tree()
		errRollback := errors.New("roll back")
		require.ErrorIs(t, db.Update(ctx, func(tx *Tx) error {
			_, err := tx.PatchByID("Item", 4.0, map[string]any{"n": -4.0})
			require.NoError(t, err)
			return errRollback
		}), errRollback)
		if db.memRecords {
			require.Same(t, t1, tree())
		}

		require.NoError(t, db.Update(ctx, func(tx *Tx) error {
			for i := 10; i < 10+maxPendingRecords+5; i++ {
				if _, err := tx.PatchByID("Item", float64(i), map[string]any{"n": -float64(i)}); err != nil {
					return err
				}
			}
			if db.memRecords {
				require.Contains(t, tx.recTrees, "Item", "many writes go to a copy")
				require.NotContains(t, tx.pending, "Item")
			}
			return nil
		}))

		err = db.View(ctx, func(tx *Tx) error {
			require.Equal(t, 200.0, n(tx, 1))
			require.Equal(t, -2.0, n(tx, 2))
			require.Nil(t, n(tx, 3))
			require.Equal(t, 1004.0, n(tx, 4))
			require.Equal(t, -10.0, n(tx, 10))
			require.Len(t, scan(tx, `{"n": {"lt": 0}}`), 1+maxPendingRecords+5)
			return nil
		})
		require.NoError(t, err)
		require.Zero(t, db.memReaders.Load(), "every reader was counted out")
		mustCheck(t, db)
	})
}

func TestKeyHi(t *testing.T) {
	tests := []struct {
		name string
		key  string
		want uint64
	}{
		{"empty", "", 0},
		{"short", "\x01\x02", 0x0102000000000000},
		{"eight", "\x01\x02\x03\x04\x05\x06\x07\x08", 0x0102030405060708},
		{"longer", "\x01\x02\x03\x04\x05\x06\x07\x08\x09", 0x0102030405060708},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := keyHi(tc.key); got != tc.want {
				t.Fatalf("keyHi(%x) = %#x, want %#x", tc.key, got, tc.want)
			}
		})
	}
}

// TestMemoryStoreHoldsNoRecords: a memory store's records live in the
// record trees only; storage gets the index entries and the catalog, and
// Check reports a record found in storage.
func TestMemoryStoreHoldsNoRecords(t *testing.T) {
	mem := storage.NewMemory()
	db := openDB(t, mem, personV1)
	for _, name := range []string{"ann", "bob", "cy"} {
		_, err := db.Create(ctx, "Person", map[string]any{"name": name, "age": 30.0})
		require.NoError(t, err)
	}
	_, err := db.PatchByID(ctx, "Person", 2.0, map[string]any{"name": "bo"})
	require.NoError(t, err)
	_, err = db.DeleteByID(ctx, "Person", 3.0)
	require.NoError(t, err)
	recs, err := db.Find(ctx, "Person", map[string]any{"where": map[string]any{"name": "bo"}})
	require.NoError(t, err)
	require.Len(t, recs, 1, "the index is maintained")

	prefix := db.cur.models["Person"].prefix
	it, err := mem.NewIter(storage.IterOptions{})
	require.NoError(t, err)
	keys, records := 0, 0
	for it.Next() {
		keys++
		if bytes.HasPrefix(it.Key(), prefix) {
			records++
		}
	}
	require.NoError(t, it.Err())
	require.NoError(t, it.Close())
	require.Zero(t, records, "records in storage")
	require.Greater(t, keys, 2, "the catalog, a counter and index entries are stored")
	mustCheck(t, db)

	var b storage.Batch
	b.Set(recordKey(prefix, []byte("\x30zz")), []byte{0x80})
	require.NoError(t, mem.Apply(&b, false))
	rep, err := db.Check(ctx)
	require.NoError(t, err)
	require.False(t, rep.OK())
	require.Contains(t, rep.String(), "holds no records")
}

// encodingStore hides a *storage.Memory from the engine, which then
// stores records encoded, as on Pebble.
type encodingStore struct{ storage.Engine }

// TestOpenMovesStoredRecords: a memory store that holds encoded records
// (written by a DB that did not see a *storage.Memory) is opened with
// them in the record trees, and storage no longer holds them.
func TestOpenMovesStoredRecords(t *testing.T) {
	mem := storage.NewMemory()
	writer := openDB(t, encodingStore{mem}, personV1)
	for _, name := range []string{"ann", "bob"} {
		_, err := writer.Create(ctx, "Person", map[string]any{"name": name, "age": 30.0})
		require.NoError(t, err)
	}
	db, err := Open(mem, &Options{NoSync: true})
	require.NoError(t, err)
	recs, err := db.Find(ctx, "Person", map[string]any{"where": map[string]any{"name": "bob"}})
	require.NoError(t, err)
	require.Equal(t, []any{2.0}, ids(recs))
	n, err := db.Count(ctx, "Person", nil)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	it, err := mem.NewIter(storage.IterOptions{Lower: db.cur.models["Person"].prefix, Upper: prefixEnd(db.cur.models["Person"].prefix)})
	require.NoError(t, err)
	require.False(t, it.Next(), "a record is left in storage")
	require.NoError(t, it.Close())
	mustCheck(t, db)
	require.NoError(t, db.Close())
}

// TestWriteRefusesUnencodableRecord: a record that could not be encoded
// (a cycle, a value no encoder takes) is refused with the same error on
// both backends, a memory store included, and nothing is written.
func TestWriteRefusesUnencodableRecord(t *testing.T) {
	const def = `{"name": "Blob", "forceId": false, "properties": {"x": "any"}}`
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	cases := []struct {
		name string
		x    any
		want string
	}{
		{"cycle", cyclic, "nested deeper than"},
		{"channel", make(chan int), "relstore: encode record"},
	}
	errs := map[string][]string{}
	eachBackend(t, func(t *testing.T, open func(t testing.TB) storage.Engine) {
		db := openDB(t, open(t), def)
		for _, tc := range cases {
			_, err := db.Create(ctx, "Blob", map[string]any{"id": 1.0, "x": tc.x})
			require.ErrorContains(t, err, tc.want, tc.name)
			errs[tc.name] = append(errs[tc.name], err.Error())
			_, err = db.Create(ctx, "Blob", map[string]any{"id": 2.0, "x": "plain"})
			require.NoError(t, err)
			_, err = db.PatchByID(ctx, "Blob", 2.0, map[string]any{"x": tc.x})
			require.ErrorContains(t, err, tc.want, tc.name)
			got, err := db.FindByID(ctx, "Blob", 2.0, nil)
			require.NoError(t, err)
			require.Equal(t, "plain", got["x"], tc.name)
			n, err := db.DeleteByID(ctx, "Blob", 2.0)
			require.NoError(t, err)
			require.Equal(t, 1, n)
			n, err = db.Count(ctx, "Blob", nil)
			require.NoError(t, err)
			require.Zero(t, n, tc.name)
		}
		mustCheck(t, db)
	})
	for name, es := range errs {
		require.Len(t, es, 2, name)
		require.Equal(t, es[0], es[1], "%s: the backends' errors differ", name)
	}
}

// TestPatchAllocs bounds the allocations of a one-record patch on a memory
// store, in its own transaction: the transaction (with room for its first
// record write and batch), the patch's copy of the record, the coerced
// input and the key. The record trees map is shared with the state before
// when the tree is written in place.
func TestPatchAllocs(t *testing.T) {
	db := openDB(t, storage.NewMemory(), `{"name": "Order", "forceId": false,
	  "properties": {"status": "string", "total": "number", "customerId": {"type": "number", "index": true}}}`)
	for i := 1; i <= 100; i++ {
		_, err := db.Create(ctx, "Order", map[string]any{"id": float64(i), "status": "new", "total": 1.5, "customerId": 7.0})
		require.NoError(t, err)
	}
	patch := map[string]any{"status": "paid"}
	i := 0
	n := leastAllocs(200, func() {
		i++
		err := db.Update(ctx, func(tx *Tx) error {
			tx.ShareRecords(true)
			_, err := tx.PatchByID("Order", float64(1+i%100), patch)
			return err
		})
		if err != nil {
			panic(err)
		}
	})
	t.Logf("%v allocations a patch", n)
	require.LessOrEqual(t, n, 7.0)
	mustCheck(t, db)
}
