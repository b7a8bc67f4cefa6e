package engine

import (
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/storage"
)

// The randomized storage test of the foundation: 10,000+ random inserts,
// updates and deletes on a model with a unique index, a compound index and
// a plain index, with concurrent readers, then Check; and a planted fault
// that Check must find.

const randomModel = `{"name": "Item", "base": "PersistedModel",
  "properties": {
    "id":    {"type": "number", "id": true},
    "code":  {"type": "string", "unique": true},
    "group": {"type": "number", "index": true},
    "name":  {"type": "string"},
    "score": {"type": "number"}
  },
  "indexes": {"group_name": {"keys": {"group": 1, "name": 1}}}}`

func TestRandomWritesKeepIndexesConsistent(t *testing.T) {
	ops := 10_000
	if testing.Short() {
		ops = 2_000
	}
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		seed := time.Now().UnixNano()
		t.Logf("seed %d", seed)
		rng := rand.New(rand.NewSource(seed))
		db := openDB(t, open(t), randomModel)

		// Readers run alongside the writer and check what they see: each
		// snapshot's records have unique codes, and every record found by
		// the group index has that group.
		var stop atomic.Bool
		var wg sync.WaitGroup
		var readerErr atomic.Value
		for r := 0; r < 3; r++ {
			wg.Add(1)
			go func(r int) {
				defer wg.Done()
				rr := rand.New(rand.NewSource(seed + int64(r)))
				for !stop.Load() {
					g := float64(rr.Intn(10))
					recs, err := db.Find(ctx, "Item", map[string]any{"where": map[string]any{"group": g}})
					if err != nil {
						readerErr.Store(err)
						return
					}
					for _, rec := range recs {
						if rec["group"] != g {
							readerErr.Store(fmt.Errorf("index returned group %v for %v", rec["group"], g))
							return
						}
					}
					all, err := db.Find(ctx, "Item", nil)
					if err != nil {
						readerErr.Store(err)
						return
					}
					seen := map[any]bool{}
					for _, rec := range all {
						if c := rec["code"]; c != nil {
							if seen[c] {
								readerErr.Store(fmt.Errorf("two records with code %v in one snapshot", c))
								return
							}
							seen[c] = true
						}
					}
				}
			}(r)
		}

		live := map[float64]bool{}
		uniqueRefusals := 0
		for i := 0; i < ops; i++ {
			id := float64(rng.Intn(800) + 1)
			data := map[string]any{
				"code":  fmt.Sprintf("c%d", rng.Intn(3000)),
				"group": float64(rng.Intn(10)),
				"name":  fmt.Sprintf("n%d", rng.Intn(50)),
				"score": float64(rng.Intn(1000)),
			}
			if rng.Intn(10) == 0 {
				data["code"] = nil
			}
			var err error
			switch op := rng.Intn(10); {
			case op < 4:
				data["id"] = id
				_, err = db.Create(ctx, "Item", data)
				if err == nil {
					live[id] = true
				}
			case op < 8:
				_, err = db.PatchByID(ctx, "Item", id, data)
			default:
				_, err = db.DeleteByID(ctx, "Item", id)
				delete(live, id)
			}
			switch {
			case err == nil:
			case errors.Is(err, ErrUniqueViolation):
				uniqueRefusals++
			case errors.Is(err, ErrDuplicateID), errors.Is(err, ErrNotFound):
			default:
				t.Fatalf("op %d: %v", i, err)
			}
		}
		stop.Store(true)
		wg.Wait()
		if err := readerErr.Load(); err != nil {
			t.Fatalf("reader: %v", err)
		}
		require.Greater(t, uniqueRefusals, 0, "the workload should hit the unique index")
		n, err := db.Count(ctx, "Item", nil)
		require.NoError(t, err)
		require.Equal(t, len(live), n)
		mustCheck(t, db)

		// A planted fault: delete an index key behind the store's back.
		var victim []byte
		db.stateMu.RLock()
		ms := db.cur.models["Item"]
		sp := ms.specs[0]
		items := db.cur.trees[sp].Items()
		db.stateMu.RUnlock()
		require.NotEmpty(t, items)
		victim = sp.Key(entryFor(t, sp, items[0]))
		b := &storage.Batch{}
		b.Delete(victim)
		require.NoError(t, db.st.Apply(b, false))
		rep, err := db.Check(ctx)
		require.NoError(t, err)
		require.False(t, rep.OK())
		kinds := map[string]bool{}
		for _, f := range rep.Faults {
			kinds[f.Kind] = true
		}
		require.True(t, kinds[FaultMissingEntry], rep.String())
		require.True(t, kinds[FaultCacheMismatch], rep.String())

		// Repair rebuilds the indexes from the records.
		require.NoError(t, db.Repair(ctx))
		mustCheck(t, db)
	})
}
