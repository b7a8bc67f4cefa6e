package engine

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/storage"
)

// readProbe is a record key to read: a model and raw primary-key bytes,
// which need not be a valid encoding.
type readProbe struct {
	model string
	pk    []byte
}

func (p readProbe) String() string { return p.model + ":" + string(p.pk) }

// TestPebbleRead_MatchesGet: a read-only transaction's record reads (the
// kept iterator on a Pebble store) return exactly what a Get of the same
// snapshot returns, and what a write transaction read before a later
// commit: found and missing keys, keys next to the ends of every model's
// key range and of the whole record range, truncated and extended
// primary keys, records in tables and in memtables (overwritten, deleted),
// a 1 KiB record, in ascending, descending and jumping order with repeats
// (the repeats served by the record cache on Pebble); and the snapshot is
// isolated from a commit made after the iterator was created, and after the
// transaction began but before it was created.
func TestPebbleRead_MatchesGet(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t),
			`{"name": "Note", "base": "PersistedModel", "idInjection": false,
			  "properties": {"slug": {"type": "string", "id": true}, "text": "string"}}`,
			`{"name": "Item", "base": "PersistedModel", "properties": {"n": "number"}}`,
			`{"name": "Zed", "base": "PersistedModel", "properties": {"n": "number"}}`)
		slugs := []string{"a", "ab", "abc", "b", "m", "big"}
		for _, s := range slugs {
			text := "note " + s
			if s == "big" {
				text = strings.Repeat("x", 1024)
			}
			_, err := db.Create(ctx, "Note", map[string]any{"slug": s, "text": text})
			require.NoError(t, err)
		}
		for i := 1; i <= 30; i++ {
			_, err := db.Create(ctx, "Item", map[string]any{"n": float64(i)})
			require.NoError(t, err)
		}
		for i := 1; i <= 3; i++ {
			_, err := db.Create(ctx, "Zed", map[string]any{"n": float64(i)})
			require.NoError(t, err)
		}
		if p, ok := db.Storage().(*storage.Pebble); ok {
			require.NoError(t, p.Flush())
		}
		// Versions in the memtable over those in tables.
		_, err := db.PatchByID(ctx, "Note", "ab", map[string]any{"text": "patched"})
		require.NoError(t, err)
		_, err = db.DeleteByID(ctx, "Item", 7.0)
		require.NoError(t, err)
		_, err = db.DeleteByID(ctx, "Zed", 3.0)
		require.NoError(t, err)
		_, err = db.Create(ctx, "Item", map[string]any{"n": 31.0})
		require.NoError(t, err)

		// The probes: every record key, missing ids, and raw variants of
		// the first and last keys of each model.
		st := db.cur
		var probes []readProbe
		add := func(model string, id any) {
			_, pk, ok := st.models[model].pkFromID(id)
			require.True(t, ok)
			probes = append(probes, readProbe{model, pk})
		}
		for _, s := range append(slugs, "", "aa", "abcd", "zzz") {
			add("Note", s)
		}
		for i := 0; i <= 33; i++ {
			add("Item", float64(i))
		}
		for i := 0; i <= 4; i++ {
			add("Zed", float64(i))
		}
		for _, p := range slices.Clone(probes) {
			if len(p.pk) > 0 {
				probes = append(probes, readProbe{p.model, p.pk[:len(p.pk)-1]})
			}
			probes = append(probes, readProbe{p.model, append(slices.Clone(p.pk), 0)},
				readProbe{p.model, append(slices.Clone(p.pk), 0xff)})
		}
		for _, m := range []string{"Note", "Item", "Zed"} {
			probes = append(probes, readProbe{m, nil}, readProbe{m, []byte{0xff, 0xff, 0xff}})
		}
		// Ascending, descending and jumping (with repeats) record-key order.
		key := func(p readProbe) []byte { return recordKey(st.models[p.model].prefix, p.pk) }
		asc := slices.Clone(probes)
		slices.SortFunc(asc, func(a, b readProbe) int { return bytes.Compare(key(a), key(b)) })
		desc := slices.Clone(asc)
		slices.Reverse(desc)
		var jump []readProbe
		for i := range asc {
			p := asc[(i*37)%len(asc)]
			jump = append(jump, p, p)
		}
		orders := map[string][]readProbe{"asc": asc, "desc": desc, "jump": jump}

		// What a write transaction reads (Get through the overlay on
		// Pebble, the record trees on memory).
		want := map[string]map[string]any{}
		require.NoError(t, db.Update(ctx, func(tx *Tx) error {
			for _, p := range probes {
				rec, err := tx.getRecord(st.models[p.model], p.pk)
				require.NoError(t, err)
				want[p.String()] = rec
			}
			require.Nil(t, tx.recReader.it, "a write transaction must not use the record iterator")
			return nil
		}))

		// check reads every probe of order in tx and compares with want
		// and, on a snapshot, with a Get of the snapshot.
		check := func(tx *Tx, name string, order []readProbe) {
			t.Helper()
			for _, p := range order {
				ms := tx.st.models[p.model]
				got, err := tx.getRecord(ms, p.pk)
				require.NoError(t, err, "%s %q", name, p)
				require.Equal(t, want[p.String()], got, "%s %q", name, p)
				if tx.snap != nil {
					raw, err := tx.snap.Get(recordKey(ms.prefix, p.pk))
					if errors.Is(err, storage.ErrNotFound) {
						require.Nil(t, got, "%s %q", name, p)
						continue
					}
					require.NoError(t, err)
					rec, err := decodeRecord(raw)
					require.NoError(t, err)
					require.Equal(t, rec, got, "%s %q", name, p)
				}
			}
		}
		for name, order := range orders {
			require.NoError(t, db.View(ctx, func(tx *Tx) error {
				check(tx, name, order)
				check(tx, name+" again", order)
				return nil
			}))
		}
		found := 0
		for _, rec := range want {
			if rec != nil {
				found++
			}
		}
		require.Equal(t, 5+1+30+2, found) // the Notes, big, Items 1-31 but 7, Zeds 1-2

		// Isolation: one transaction has made its iterator, another has
		// not, when a commit changes records of every kind.
		txA, err := db.begin(ctx, false, false)
		require.NoError(t, err)
		defer txA.Rollback()
		txB, err := db.begin(ctx, false, false)
		require.NoError(t, err)
		defer txB.Rollback()
		check(txA, "before commit", asc[:len(asc)/2])
		_, err = db.PatchByID(ctx, "Note", "a", map[string]any{"text": "changed"})
		require.NoError(t, err)
		_, err = db.DeleteByID(ctx, "Item", 30.0)
		require.NoError(t, err)
		_, err = db.Create(ctx, "Note", map[string]any{"slug": "aa", "text": "new"})
		require.NoError(t, err)
		_, err = db.Create(ctx, "Zed", map[string]any{"n": 4.0})
		require.NoError(t, err)
		if p, ok := db.Storage().(*storage.Pebble); ok {
			require.NoError(t, p.Flush())
		}
		check(txA, "after commit", asc)
		check(txB, "after commit, fresh iterator", jump)
		if txA.snap != nil {
			require.NotNil(t, txA.recReader.it)
		}
		require.NoError(t, txA.Commit())
		txB.Rollback()
		for _, tx := range []*Tx{txA, txB} {
			require.Nil(t, tx.recReader.it, "the iterator outlived its transaction")
		}
		// A new transaction sees the commit.
		require.NoError(t, db.View(ctx, func(tx *Tx) error {
			ms := tx.st.models["Note"]
			_, pk, _ := ms.pkFromID("a")
			rec, err := tx.getRecord(ms, pk)
			require.NoError(t, err)
			require.Equal(t, "changed", rec["text"])
			_, pk, _ = ms.pkFromID("aa")
			rec, err = tx.getRecord(ms, pk)
			require.NoError(t, err)
			require.Equal(t, "new", rec["text"])
			ms = tx.st.models["Item"]
			_, pk, _ = ms.pkFromID(30.0)
			rec, err = tx.getRecord(ms, pk)
			require.NoError(t, err)
			require.Nil(t, rec)
			return nil
		}))
		// No iterator leaked: Pebble's Close reports leaked iterators.
		require.NoError(t, db.Close())
	})
}

// TestPebbleRead_AfterEnd: a read after the transaction ended fails as it
// did with Get, and leaves nothing open.
func TestPebbleRead_AfterEnd(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name": "Item", "base": "PersistedModel", "properties": {"n": "number"}}`)
		_, err := db.Create(ctx, "Item", map[string]any{"n": 1.0})
		require.NoError(t, err)
		tx, err := db.begin(ctx, false, false)
		require.NoError(t, err)
		ms := tx.st.models["Item"]
		_, pk, _ := ms.pkFromID(1.0)
		rec, err := tx.getRecord(ms, pk)
		require.NoError(t, err)
		require.Equal(t, 1.0, rec["n"])
		tx.Rollback()
		if tx.snap != nil {
			_, err = tx.getRecord(ms, pk)
			require.ErrorIs(t, err, storage.ErrClosed)
			require.Nil(t, tx.recReader.it)
		}
		_, err = db.FindByID(ctx, "Item", 1.0, nil)
		require.NoError(t, err)
		require.NoError(t, db.Close())
	})
}
