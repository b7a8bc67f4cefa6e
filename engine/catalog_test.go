package engine

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/storage"
)

const personV1 = `{"name": "Person", "base": "PersistedModel",
  "properties": {"name": {"type": "string", "index": true}, "age": "number", "city": "string"}}`

const personV2 = `{"name": "Person", "base": "PersistedModel",
  "properties": {"name": "string", "age": "number", "city": {"type": "string", "index": true}}}`

func TestCatalog_ReopenBackfillAndRefuse(t *testing.T) {
	dir := t.TempDir()
	open := func() *DB {
		st, err := storage.OpenPebble(dir, nil)
		require.NoError(t, err)
		db, err := Open(st, nil)
		require.NoError(t, err)
		return db
	}
	db := open()
	require.NoError(t, db.Define(loadSet(t, personV1)))
	for i := 0; i < 50; i++ {
		_, err := db.Create(ctx, "Person", map[string]any{
			"name": fmt.Sprintf("p%02d", i), "age": float64(i), "city": fmt.Sprintf("c%d", i%5)})
		require.NoError(t, err)
	}
	require.NoError(t, db.Close())

	// Reopened without its model files: the catalog knows the models and
	// every record is found through every index.
	db = open()
	require.NotNil(t, db.Model("Person"))
	plan, err := db.Explain("Person", map[string]any{"where": map[string]any{"name": "p07"}})
	require.NoError(t, err)
	require.Equal(t, "index", plan.Access, plan.String())
	recs, err := db.Find(ctx, "Person", map[string]any{"where": map[string]any{"name": "p07"}})
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.Equal(t, 8.0, recs[0]["id"])
	r, err := db.Create(ctx, "Person", map[string]any{"name": "next"})
	require.NoError(t, err)
	require.Equal(t, 51.0, r["id"], "the id counter survives a reopen")
	mustCheck(t, db)

	// A changed definition: the name index is dropped, a city index is
	// backfilled from the records.
	require.NoError(t, db.Define(loadSet(t, personV2)))
	plan, err = db.Explain("Person", map[string]any{"where": map[string]any{"city": "c3"}})
	require.NoError(t, err)
	require.Equal(t, "index", plan.Access, plan.String())
	recs, err = db.Find(ctx, "Person", map[string]any{"where": map[string]any{"city": "c3"}})
	require.NoError(t, err)
	require.Len(t, recs, 10)
	plan, err = db.Explain("Person", map[string]any{"where": map[string]any{"name": "p07"}})
	require.NoError(t, err)
	require.Equal(t, "scan", plan.Access)
	mustCheck(t, db)

	// An incompatible change is refused and changes nothing.
	err = db.Define(loadSet(t, `{"name": "Person", "base": "PersistedModel",
	  "properties": {"name": "string", "age": "string", "city": {"type": "string", "index": true}}}`))
	require.True(t, errors.Is(err, ErrIncompatibleSchema), "%v", err)
	require.Contains(t, err.Error(), `property "age" changes type from number to string`)
	err = db.Define(loadSet(t, `{"name": "Person", "base": "PersistedModel", "idInjection": false,
	  "properties": {"name": {"type": "string", "id": true}}}`))
	require.True(t, errors.Is(err, ErrIncompatibleSchema), "%v", err)
	require.NoError(t, db.Close())

	db = open()
	defer db.Close()
	recs, err = db.Find(ctx, "Person", map[string]any{"where": map[string]any{"city": "c3"}})
	require.NoError(t, err)
	require.Len(t, recs, 10)
	mustCheck(t, db)
}

func TestCatalog_UniqueBackfillRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), personV1)
		for i := 0; i < 3; i++ {
			_, err := db.Create(ctx, "Person", map[string]any{"name": "same"})
			require.NoError(t, err)
		}
		err := db.Define(loadSet(t, `{"name": "Person", "base": "PersistedModel",
		  "properties": {"name": {"type": "string", "unique": true}, "age": "number", "city": "string"}}`))
		require.True(t, errors.Is(err, ErrUniqueViolation), "%v", err)
		mustCheck(t, db)
	})
}
