package engine

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/relstore/relstore/storage"
	"github.com/stretchr/testify/require"
)

// TestIDMark checks that creates skipping the duplicate-id read on a high
// id still refuse every stored id: random creates (explicit ids, some
// repeated, and generated ones), imports, deletes, lowered counters and
// rolled-back transactions, against a set of the ids stored.
func TestIDMark(t *testing.T) {
	seed := uint64(20261123)
	t.Logf("seed %d", seed)
	eachBackend(t, func(t *testing.T, open func(t testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name": "Item", "properties": {"id": {"type": "number", "id": true}, "n": "number"}}`)
		rng := rand.New(rand.NewPCG(seed, 1))
		stored := map[float64]bool{}
		for step := range 3000 {
			rollback := rng.IntN(10) == 0
			pending := map[float64]bool{} // this tx's view
			for k, v := range stored {
				pending[k] = v
			}
			err := db.Update(ctx, func(tx *Tx) error {
				for range 1 + rng.IntN(4) {
					// A window moving up the id space: most ids are new
					// and above the mark, some repeat a stored one.
					id := float64(step/5 + rng.IntN(50))
					switch op := rng.IntN(10); {
					case op < 4:
						_, err := tx.Create("Item", map[string]any{"id": id, "n": 1.0})
						if pending[id] {
							require.True(t, errors.Is(err, ErrDuplicateID), "step %d: create of stored id %v: %v", step, id, err)
						} else {
							require.NoError(t, err, "step %d: create %v", step, id)
							pending[id] = true
						}
					case op < 5:
						err := tx.Import("Item", map[string]any{"id": id})
						if pending[id] {
							require.True(t, errors.Is(err, ErrDuplicateID), "step %d: import of stored id %v: %v", step, id, err)
						} else {
							require.NoError(t, err, "step %d: import %v", step, id)
							pending[id] = true
						}
					case op < 6:
						rec, err := tx.Create("Item", map[string]any{"n": 2.0})
						if errors.Is(err, ErrDuplicateID) {
							// A lowered counter generated a stored id (the
							// counter moves on, as in LoopBack).
							c, cerr := tx.IDCounter("Item")
							require.NoError(t, cerr)
							require.True(t, pending[c], "step %d: generated id %v refused but not stored", step, c)
							continue
						}
						require.NoError(t, err)
						gen := rec["id"].(float64)
						require.False(t, pending[gen], "step %d: generated id %v is stored", step, gen)
						pending[gen] = true
					case op < 9:
						n, err := tx.DeleteByID("Item", id)
						require.NoError(t, err)
						require.Equal(t, pending[id], n == 1, "step %d: delete %v", step, id)
						delete(pending, id)
					default:
						// Lower the counter (allowed: the id is not generated).
						require.NoError(t, tx.SetIDCounter("Item", float64(step/5+rng.IntN(50))))
					}
				}
				if rollback {
					return errRollback
				}
				return nil
			})
			if rollback {
				require.ErrorIs(t, err, errRollback)
				continue
			}
			require.NoError(t, err, "step %d", step)
			stored = pending
		}
		n, err := db.Count(ctx, "Item", nil)
		require.NoError(t, err)
		require.Equal(t, len(stored), n)
		mustCheck(t, db)
	})
}

var errRollback = fmt.Errorf("test: roll back")
