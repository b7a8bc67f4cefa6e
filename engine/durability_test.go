package engine

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/storage"
)

// Concurrent durable writers: every acknowledged write is there after a
// reopen, and records and indexes agree.
func TestDurability_ConcurrentSyncWriters(t *testing.T) {
	dir := t.TempDir()
	st, err := storage.OpenPebble(dir, nil)
	require.NoError(t, err)
	db, err := Open(st, nil) // Options zero value: durable commits
	require.NoError(t, err)
	require.NoError(t, db.Define(loadSet(t, personV1)))

	const writers, perWriter = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				if _, err := db.Create(ctx, "Person", map[string]any{"name": fmt.Sprintf("w%d-%d", w, i), "age": float64(i)}); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.NoError(t, db.Close())

	st, err = storage.OpenPebble(dir, nil)
	require.NoError(t, err)
	db, err = Open(st, nil)
	require.NoError(t, err)
	defer db.Close()
	n, err := db.Count(ctx, "Person", nil)
	require.NoError(t, err)
	require.Equal(t, writers*perWriter, n)
	recs, err := db.Find(ctx, "Person", map[string]any{"where": map[string]any{"name": "w3-7"}})
	require.NoError(t, err)
	require.Len(t, recs, 1)
	mustCheck(t, db)
}
