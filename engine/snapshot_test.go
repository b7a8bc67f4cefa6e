package engine

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/storage"
)

// TestSharedSnapshot: read transactions of one state share one storage
// snapshot, a commit makes the next reader take a new one, an older reader
// keeps reading its state, and a snapshot closes with its last reader.
func TestSharedSnapshot(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name": "Item", "properties": {"id": {"type": "number", "id": true}, "n": "number"}}`)
		_, err := db.Create(ctx, "Item", map[string]any{"id": 1.0, "n": 1.0})
		require.NoError(t, err)

		shared := func(tx *Tx) *sharedSnap {
			if tx.snap == nil {
				return nil // memory stores read the state, no snapshot
			}
			return tx.snap.(*snapRef).s
		}
		a, err := db.begin(ctx, false, false)
		require.NoError(t, err)
		b, err := db.begin(ctx, false, false)
		require.NoError(t, err)
		if db.memRecords {
			require.Nil(t, a.snap)
			a.Rollback()
			b.Rollback()
			return
		}
		s1 := shared(a)
		require.Same(t, s1, shared(b), "readers of one state share its snapshot")
		require.EqualValues(t, 3, s1.refs.Load(), "the DB's reference and two readers'")

		_, err = db.PatchByID(ctx, "Item", 1.0, map[string]any{"n": 2.0})
		require.NoError(t, err)
		require.EqualValues(t, 2, s1.refs.Load(), "the commit dropped the DB's reference")

		c, err := db.begin(ctx, false, false)
		require.NoError(t, err)
		s2 := shared(c)
		require.NotSame(t, s1, s2, "a reader after the commit takes a new snapshot")
		read := func(tx *Tx) any {
			recs, err := tx.Find("Item", nil)
			require.NoError(t, err)
			require.Len(t, recs, 1)
			return recs[0]["n"]
		}
		require.Equal(t, 1.0, read(a), "an older reader keeps its state")
		require.Equal(t, 2.0, read(c))

		a.Rollback()
		require.NoError(t, b.Commit())
		require.EqualValues(t, 0, s1.refs.Load())
		_, err = s1.snap.Get([]byte("x"))
		require.ErrorIs(t, err, storage.ErrClosed, "the last reader closed the old snapshot")
		require.ErrorIs(t, b.snap.Close(), storage.ErrClosed, "a reference closes once")
		c.Rollback()
		require.EqualValues(t, 1, s2.refs.Load(), "the DB keeps the current state's snapshot")

		// Readers of a much-read state leave their record iterators to the
		// next ones: the same iterator serves them in turn. Each reads a
		// record no one has read yet, which the record cache cannot serve.
		require.NoError(t, db.Update(ctx, func(tx *Tx) error {
			for i := range 2 * iterAfterReaders {
				if _, err := tx.Create("Item", map[string]any{"id": float64(2 + i), "n": float64(20 + i)}); err != nil {
					return err
				}
			}
			return nil
		}))
		db.cache.clear() // the commit cached what it wrote
		var seen []any
		for i := range 2 * iterAfterReaders {
			tx, err := db.begin(ctx, false, false)
			require.NoError(t, err)
			rec, err := tx.FindByID("Item", float64(2+i), nil)
			require.NoError(t, err)
			require.Equal(t, float64(20+i), rec["n"])
			if it := tx.recReader.it; it != nil {
				seen = append(seen, it)
			}
			require.NoError(t, tx.Commit())
		}
		s3 := db.snaps.cur.Load()
		require.NotEmpty(t, seen, "a reader built an iterator")
		for _, it := range seen {
			require.Same(t, seen[0], it, "and the next ones reused it")
		}
		require.Len(t, s3.iters, 1, "idle, with the snapshot")
		require.NoError(t, db.Close())
		require.EqualValues(t, 0, s3.refs.Load(), "Close releases it")
		require.Empty(t, s3.iters, "and closes its idle iterators")
		db.stateMu.RLock()
		_, err = db.acquireSnapshot()
		db.stateMu.RUnlock()
		require.ErrorIs(t, err, ErrClosed, "no shared snapshot is taken after Close")
	})
}

// TestStaleIteratorsSwept: an idle record iterator made before a Pebble
// flush pins the flushed memtable, which Pebble charges against the block
// cache. The next read transaction to end closes it, even one the record
// cache answers without an iterator, and none is handed out again.
func TestStaleIteratorsSwept(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name": "Item", "properties": {"id": {"type": "number", "id": true}, "n": "number"}}`)
		p, ok := db.st.(*storage.Pebble)
		if !ok {
			require.Nil(t, db.versioned, "memory stores pin nothing")
			return
		}
		require.NoError(t, db.Update(ctx, func(tx *Tx) error {
			for i := range 4 * iterAfterReaders {
				if _, err := tx.Create("Item", map[string]any{"id": float64(1 + i), "n": float64(i)}); err != nil {
					return err
				}
			}
			return nil
		}))
		db.cache.clear() // the commit cached what it wrote
		read := func(id int) storage.Iterator {
			tx, err := db.begin(ctx, false, false)
			require.NoError(t, err)
			defer func() { require.NoError(t, tx.Commit()) }()
			rec, err := tx.FindByID("Item", float64(id), nil)
			require.NoError(t, err)
			require.Equal(t, float64(id-1), rec["n"])
			return tx.recReader.it
		}
		var made storage.Iterator
		for i := range 2 * iterAfterReaders {
			if it := read(1 + i); it != nil {
				made = it
			}
		}
		require.NotNil(t, made, "a reader built an iterator")
		s := db.snaps.cur.Load()
		require.Equal(t, []storage.Iterator{made}, s.iters, "left idle for the next readers")
		require.False(t, stale(made))

		require.NoError(t, p.Flush())
		require.True(t, stale(made), "the flush replaced the memtable it reads")
		read(1) // answered by the record cache: no iterator taken
		require.Empty(t, s.iters, "the reader's end closed the stale iterator")
		require.Same(t, s, db.snaps.cur.Load(), "no commit retired the pool")
		require.ErrorIs(t, made.Close(), storage.ErrClosed)

		// A reader after the flush builds a fresh iterator, which stays
		// pooled until the next flush.
		var fresh storage.Iterator
		for i := 2 * iterAfterReaders; i < 4*iterAfterReaders; i++ {
			if it := read(1 + i); it != nil {
				fresh = it
			}
		}
		require.NotNil(t, fresh)
		require.NotSame(t, made, fresh)
		require.Equal(t, []storage.Iterator{fresh}, s.iters)

		// A stale iterator is never handed back out or pooled again.
		require.NoError(t, p.Flush())
		ref := &snapRef{s: s}
		s.refs.Add(1)
		require.Nil(t, ref.takeIter(), "the stale iterator is closed, not taken")
		require.ErrorIs(t, fresh.Close(), storage.ErrClosed)
		it, err := ref.NewIter(recordIterOptions)
		require.NoError(t, err)
		require.NoError(t, p.Flush())
		ref.putIter(it)
		require.Empty(t, s.iters, "a stale iterator put back is closed")
		require.ErrorIs(t, it.Close(), storage.ErrClosed)
		require.NoError(t, ref.Close())
		rep, err := db.Check(ctx)
		require.NoError(t, err)
		require.Empty(t, rep.Faults, rep.String())
	})
}
