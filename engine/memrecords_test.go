package engine

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

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
