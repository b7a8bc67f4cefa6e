package engine

import (
	"errors"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/storage"
)

// TestReadTxWritesNothingShared: read transactions share one empty
// txWrites (noWrites). Reads of every kind, and every write a read
// transaction refuses, leave it empty on both backends; a write
// transaction has its own.
func TestReadTxWritesNothingShared(t *testing.T) {
	defs := []string{
		`{"name": "Customer", "properties": {"id": {"type": "number", "id": true}, "name": "string"},
		  "relations": {"orders": {"type": "hasMany", "model": "Order", "foreignKey": "customerId"}}}`,
		`{"name": "Order", "properties": {"id": {"type": "number", "id": true}, "customerId": "number", "total": "number"},
		  "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"}}}`,
	}
	eachBackend(t, func(t *testing.T, open func(t testing.TB) storage.Engine) {
		db := openDB(t, open(t), defs...)
		require.NoError(t, db.Update(ctx, func(tx *Tx) error {
			require.NotSame(t, &noWrites, tx.txWrites)
			if _, err := tx.Create("Customer", obj(t, `{"id": 1, "name": "a"}`)); err != nil {
				return err
			}
			_, err := tx.Create("Order", obj(t, `{"id": 10, "customerId": 1, "total": 5}`))
			return err
		}))
		require.NoError(t, db.View(ctx, func(tx *Tx) error {
			require.Same(t, &noWrites, tx.txWrites)
			_, err := tx.Find("Customer", obj(t, `{"include": "orders", "order": "id DESC"}`))
			require.NoError(t, err)
			_, err = tx.Find("Order", obj(t, `{"where": {"customer.name": "a"}, "include": "customer"}`))
			require.NoError(t, err)
			_, err = tx.RelatedGet("Order", 10.0, "customer", nil)
			require.NoError(t, err)
			_, err = tx.RelatedGet("Customer", 1.0, "orders", obj(t, `{"where": {"total": {"gt": 1}}}`))
			require.NoError(t, err)
			_, err = tx.FindByID("Order", 10.0, nil)
			require.NoError(t, err)
			_, err = tx.Count("Order", nil)
			require.NoError(t, err)
			_, err = tx.FindByID("Order", 99.0, nil) // not found
			require.Error(t, err)
			for name, write := range map[string]func() error{
				"Create":     func() error { _, err := tx.Create("Order", obj(t, `{"id": 11, "customerId": 1}`)); return err },
				"PatchByID":  func() error { _, err := tx.PatchByID("Order", 10.0, obj(t, `{"total": 6}`)); return err },
				"DeleteByID": func() error { _, err := tx.DeleteByID("Order", 10.0); return err },
				"UpdateAll":  func() error { _, err := tx.UpdateAll("Order", nil, obj(t, `{"total": 7}`)); return err },
				"DeleteAll":  func() error { _, err := tx.DeleteAll("Order", nil); return err },
			} {
				if err := write(); !errors.Is(err, ErrReadOnly) {
					t.Errorf("%s in a read transaction: %v, want ErrReadOnly", name, err)
				}
			}
			return nil
		}))
		require.True(t, reflect.DeepEqual(noWrites, txWrites{}), "noWrites was written: %+v", noWrites)
	})
}
