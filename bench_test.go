package relstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore"
)

// benchShop seeds 1000 customers (ages 0..99) and returns the DB and the
// filter both benchmarks run: a page of 100 customers by an indexed range.
func benchShop(b *testing.B, open func(testing.TB) *relstore.DB) (*relstore.DB, relstore.Filter) {
	db := open(b)
	s := defineShop(b, db)
	ctx := context.Background()
	cs := make([]Customer, 1000)
	for i := range cs {
		cs[i] = Customer{Name: fmt.Sprintf("customer %04d", i), Email: fmt.Sprintf("c%d@example.com", i),
			Age: i % 100, Address: &Address{Street: "1 Loop St", City: "London"}, Nicknames: []string{"c"}}
	}
	require.NoError(b, s.customers.CreateAll(ctx, cs))
	return db, relstore.Where("age", relstore.Gte, 50).Order("id").Limit(100)
}

// BenchmarkEngineFind is the map-based path: engine.DB.Find returning
// []map[string]any.
func BenchmarkEngineFind(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			db, f := benchShop(b, be.open)
			ctx := context.Background()
			q := map[string]any(f)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				recs, err := db.Engine().Find(ctx, "Customer", q)
				if err != nil || len(recs) != 100 {
					b.Fatal(err, len(recs))
				}
			}
		})
	}
}

// BenchmarkRepoFind is the typed path over the same query: Repo.Find
// decoding into []Customer.
func BenchmarkRepoFind(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			db, f := benchShop(b, be.open)
			ctx := context.Background()
			customers := relstore.NewRepo[Customer](db)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				list, err := customers.Find(ctx, f)
				if err != nil || len(list) != 100 {
					b.Fatal(err, len(list))
				}
			}
		})
	}
}
