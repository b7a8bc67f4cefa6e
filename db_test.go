package relstore_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore"
	"github.com/relstore/relstore/engine"
)

func TestOpen_PebbleKeepsRecords(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	ctx := context.Background()
	db, err := relstore.Open(dir, nil)
	require.NoError(t, err)
	s := defineShop(t, db)
	seed(t, s)
	require.NoError(t, db.Close())

	db, err = relstore.Open(dir, &relstore.Options{NoSync: true})
	require.NoError(t, err)
	defer db.Close()
	s = defineShop(t, db)
	cs, err := s.customers.Find(ctx, relstore.Include("orders"))
	require.NoError(t, err)
	require.Equal(t, []string{"Ada", "Bob"}, names(cs))
	require.Len(t, cs[0].Orders, 2)
	c := &Customer{Name: "Cid"}
	require.NoError(t, s.customers.Create(ctx, c))
	require.Equal(t, 3, c.ID, "the id counter survived")
}

func TestOpen_InMemoryIgnoresPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "unused")
	db, err := relstore.Open(dir, &relstore.Options{InMemory: true})
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = os.Stat(dir)
	require.ErrorIs(t, err, fs.ErrNotExist)
}

// Models from JSON and from structs relate to each other.
type Review struct {
	ID        int    `json:"id" relstore:"id,generated"`
	ProductID int    `json:"productId" relstore:"belongsTo=Product"`
	Stars     int    `json:"stars" relstore:"minimum=1,maximum=5"`
	Text      string `json:"text"`
}

// Product is a struct view of the JSON-defined Product model.
type Product struct {
	ID      int      `json:"id"`
	Name    string   `json:"name"`
	Reviews []Review `json:"reviews"`
}

const productJSON = `{
  "name": "Product",
  "properties": {"name": {"type": "string", "required": true}},
  "relations": {"reviews": {"type": "hasMany", "model": "Review", "foreignKey": "productId"}}
}`

func TestDB_DefineJSON_WithStructs(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		db := open(t)
		ctx := context.Background()
		// The JSON model names the struct model before it exists.
		require.NoError(t, db.DefineJSON([]byte(productJSON)))
		products := relstore.NewRepo[Product](db)
		_, err := products.Find(ctx, nil)
		require.ErrorIs(t, err, relstore.ErrUnknownModel)
		require.ErrorIs(t, err, relstore.ErrUndefinedModel, "the reason is given")
		require.Contains(t, err.Error(), `"Review"`)

		require.NoError(t, relstore.Define[Review](db))
		p := &Product{Name: "Lamp"}
		require.NoError(t, products.Create(ctx, p))
		reviewsOf := relstore.HasMany[Review](products, "reviews")
		require.NoError(t, reviewsOf(ctx, p.ID).Create(&Review{Stars: 4, Text: "bright"}))
		got, err := products.FindByID(ctx, p.ID, relstore.Include("reviews"))
		require.NoError(t, err)
		require.Len(t, got.Reviews, 1)
		require.Equal(t, 4, got.Reviews[0].Stars)

		// The relation field is not written back into the JSON model.
		got.Name = "Desk lamp"
		require.NoError(t, products.ReplaceByID(ctx, p.ID, got))
		raw, err := db.Engine().FindByID(ctx, "Product", p.ID, nil)
		require.NoError(t, err)
		require.Equal(t, map[string]any{"id": 1.0, "name": "Desk lamp"}, raw)

		err = reviewsOf(ctx, p.ID).Create(&Review{Stars: 9})
		var verr *relstore.ValidationError
		require.ErrorAs(t, err, &verr)
	})
}

func TestDB_DefineDirAndFS(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "product.json"), []byte(productJSON), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "model-config.json"), []byte(`{"Product": {"dataSource": "db", "public": false}}`), 0o644))
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		db := open(t)
		require.NoError(t, relstore.Define[Review](db))
		require.NoError(t, db.DefineDir(dir))
		m := db.Engine().Model("Product")
		require.NotNil(t, m)
		require.False(t, *m.Public, "model-config.json was read")

		db2 := open(t)
		require.NoError(t, db2.DefineFS(fstest.MapFS{"models/product.json": {Data: []byte(productJSON)}}, "models"))
		require.NoError(t, relstore.Define[Review](db2))
		require.NotNil(t, db2.Engine().Model("Product"))

		err := open(t).DefineDir(filepath.Join(dir, "missing"))
		require.ErrorIs(t, err, fs.ErrNotExist)
	})
}

func TestDB_Define_EitherOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		ctx := context.Background()
		a := open(t)
		require.NoError(t, relstore.Define[Member](a))
		require.Nil(t, a.Engine().Model("Member"), "waits for Profile")
		require.NoError(t, relstore.Define[Profile](a))
		require.NoError(t, relstore.NewRepo[Member](a).Create(ctx, &Member{Name: "x"}))

		b := open(t)
		require.NoError(t, relstore.Define[Profile](b))
		require.NoError(t, relstore.Define[Member](b))
		require.NoError(t, relstore.NewRepo[Member](b).Create(ctx, &Member{Name: "x"}))

		// A model defined before a pending one keeps working.
		c := open(t)
		require.NoError(t, relstore.Define[Tag](c))
		require.NoError(t, relstore.Define[Order](c))
		require.NoError(t, relstore.NewRepo[Tag](c).Create(ctx, &Tag{Name: "t"}))
		err := relstore.NewRepo[Order](c).Create(ctx, &Order{})
		require.ErrorIs(t, err, relstore.ErrUnknownModel)
	})
}

func TestDB_Define_IncompatibleChange(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	db, err := relstore.Open(dir, &relstore.Options{NoSync: true})
	require.NoError(t, err)
	require.NoError(t, db.DefineJSON([]byte(`{"name": "Tag", "properties": {"name": "number"}}`)))
	require.NoError(t, db.Close())

	db, err = relstore.Open(dir, &relstore.Options{NoSync: true})
	require.NoError(t, err)
	defer db.Close()
	err = relstore.Define[Tag](db)
	require.ErrorIs(t, err, relstore.ErrIncompatibleSchema)
	// The refused definition is forgotten: another one still works.
	require.NoError(t, relstore.Define[Note](db))
	require.NotNil(t, db.Engine().Model("Note"))
}

// TestOpen_RecordCacheBytes: a Pebble store's second read of a record by
// key is a record-cache hit by default, and never with RecordCacheBytes
// negative (no cache); a memory store has no such cache.
func TestOpen_RecordCacheBytes(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		path  string
		bytes int64
		hits  int
	}{
		{"pebble, default", "store", 0, 1},
		{"pebble, bounded", "store", 1 << 20, 1},
		{"pebble, no cache", "store", -1, 0},
		{"memory", "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path != "" {
				path = filepath.Join(t.TempDir(), path)
			}
			db, err := relstore.Open(path, &relstore.Options{NoSync: true, RecordCacheBytes: tc.bytes})
			require.NoError(t, err)
			defer db.Close()
			seed(t, defineShop(t, db))
			hits := 0
			for range 2 {
				require.NoError(t, db.Engine().View(ctx, func(tx *engine.Tx) error {
					rec, err := tx.FindByID("Customer", 1.0, nil)
					require.NoError(t, err)
					require.Equal(t, "Ada", rec["name"])
					hits = tx.Stats().CacheHits
					return nil
				}))
			}
			require.Equal(t, tc.hits, hits, "cache hits of the second read")
		})
	}
}
