package relstore_test

import (
	"context"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore"
)

// backend opens a fresh DB for a test.
type backend struct {
	name string
	open func(t testing.TB) *relstore.DB
}

// backends lists the stores every test runs on: memory, and Pebble on an
// in-memory file system.
func backends() []backend {
	return []backend{
		{"memory", func(t testing.TB) *relstore.DB {
			db, err := relstore.Open("", nil)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db
		}},
		{"pebble", func(t testing.TB) *relstore.DB {
			db, err := relstore.Open("db", &relstore.Options{FS: vfs.NewMem(), NoSync: true})
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db
		}},
	}
}

// eachBackend runs fn as a subtest on every backend.
func eachBackend(t *testing.T, fn func(t *testing.T, open func(t testing.TB) *relstore.DB)) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) { fn(t, b.open) })
	}
}

// shop holds the repositories of the test models.
type shop struct {
	db        *relstore.DB
	customers *relstore.Repo[Customer]
	orders    *relstore.Repo[Order]
	items     *relstore.Repo[Item]
	tags      *relstore.Repo[Tag]
	orderTags *relstore.Repo[OrderTag]
}

// defineShop defines the test models (children first, so that definitions
// wait for their targets) and returns their repositories.
func defineShop(t testing.TB, db *relstore.DB) *shop {
	t.Helper()
	require.NoError(t, relstore.Define[OrderTag](db))
	require.NoError(t, relstore.Define[Order](db))
	require.NoError(t, relstore.Define[Item](db))
	require.NoError(t, relstore.Define[Tag](db))
	require.NoError(t, relstore.Define[Customer](db))
	return &shop{
		db:        db,
		customers: relstore.NewRepo[Customer](db),
		orders:    relstore.NewRepo[Order](db),
		items:     relstore.NewRepo[Item](db),
		tags:      relstore.NewRepo[Tag](db),
		orderTags: relstore.NewRepo[OrderTag](db),
	}
}

// seed creates two customers, three orders with items, and tags.
//
//	Ada (1): order 1 (total 30, paid, items pen×2 and ink), order 2 (total 5)
//	Bob (2): order 3 (total 120, shipped, item desk)
//	tags: gift (1) on orders 1 and 3, rush (2) on order 3
func seed(t testing.TB, s *shop) {
	t.Helper()
	ctx := context.Background()
	ada := &Customer{Name: "Ada", Email: "ada@example.com", Age: 36, Address: &Address{Street: "1 Loop St", City: "London"}}
	bob := &Customer{Name: "Bob", Email: "bob@example.com", Age: 17}
	require.NoError(t, s.customers.Create(ctx, ada))
	require.NoError(t, s.customers.Create(ctx, bob))
	orders := []Order{
		{CustomerID: ada.ID, Total: 30, Status: "paid"},
		{CustomerID: ada.ID, Total: 5},
		{CustomerID: bob.ID, Total: 120, Status: "shipped"},
	}
	require.NoError(t, s.orders.CreateAll(ctx, orders))
	items := []Item{
		{OrderID: orders[0].ID, Product: "pen", Qty: 2},
		{OrderID: orders[0].ID, Product: "ink"},
		{OrderID: orders[2].ID, Product: "desk"},
	}
	require.NoError(t, s.items.CreateAll(ctx, items))
	tags := []Tag{{Name: "gift"}, {Name: "rush"}}
	require.NoError(t, s.tags.CreateAll(ctx, tags))
	links := []OrderTag{
		{OrderID: orders[0].ID, TagID: tags[0].ID},
		{OrderID: orders[2].ID, TagID: tags[0].ID},
		{OrderID: orders[2].ID, TagID: tags[1].ID},
	}
	require.NoError(t, s.orderTags.CreateAll(ctx, links))
}
