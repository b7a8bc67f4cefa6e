package relstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore"
)

func TestTx_Update_CommitsAtomically(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		ctx := context.Background()
		ordersOf := relstore.HasMany[Order](s.customers, "orders")

		err := s.db.Update(ctx, func(tx *relstore.Tx) error {
			c := &Customer{Name: "Ada"}
			if err := s.customers.Create(tx, c); err != nil {
				return err
			}
			// Reads inside the transaction see its writes.
			got, err := s.customers.FindByID(tx, c.ID, nil)
			if err != nil {
				return err
			}
			require.Equal(t, "Ada", got.Name)
			// Relation accessors take the transaction as their ctx too.
			return ordersOf(tx, c.ID).Create(&Order{Total: 10})
		})
		require.NoError(t, err)
		n, err := s.orders.Count(ctx, relstore.Where("customerId", relstore.Eq, 1))
		require.NoError(t, err)
		require.Equal(t, 1, n)

		// A failing fn writes nothing, even what succeeded before the error.
		boom := errors.New("boom")
		err = s.db.Update(ctx, func(tx *relstore.Tx) error {
			if err := s.customers.Create(tx, &Customer{Name: "Bob"}); err != nil {
				return err
			}
			if _, err := s.orders.UpdateAll(tx, nil, map[string]any{"total": 99}); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		n, err = s.customers.Count(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		o, err := s.orders.FindByID(ctx, 1, nil)
		require.NoError(t, err)
		require.Equal(t, 10.0, o.Total)

		// An operation that fails inside fn leaves no partial write; fn may
		// go on.
		err = s.db.Update(ctx, func(tx *relstore.Tx) error {
			err := s.customers.Create(tx, &Customer{Name: "X"})
			var verr *relstore.ValidationError
			require.ErrorAs(t, err, &verr)
			return s.customers.Create(tx, &Customer{Name: "Cid"})
		})
		require.NoError(t, err)
		n, err = s.customers.Count(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, 2, n)
	})
}

func TestTx_View_Snapshot(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		seed(t, s)
		ctx := context.Background()

		err := s.db.View(ctx, func(tx *relstore.Tx) error {
			before, err := s.customers.Count(tx, nil)
			require.NoError(t, err)
			// A write committed meanwhile (the view does not block writers).
			require.NoError(t, s.customers.Create(ctx, &Customer{Name: "Late"}))
			after, err := s.customers.Count(tx, nil)
			require.NoError(t, err)
			require.Equal(t, before, after, "the view keeps its snapshot")

			err = s.customers.Create(tx, &Customer{Name: "Nope"})
			require.ErrorIs(t, err, relstore.ErrReadOnly)
			require.ErrorIs(t, s.db.Update(tx, func(*relstore.Tx) error { return nil }), relstore.ErrReadOnly)
			return nil
		})
		require.NoError(t, err)
		n, err := s.customers.Count(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, 3, n)
	})
}

func TestTx_NestedAndDone(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		ctx := context.Background()
		var kept *relstore.Tx
		err := s.db.Update(ctx, func(tx *relstore.Tx) error {
			kept = tx
			// Update inside Update joins the outer transaction.
			return s.db.Update(tx, func(inner *relstore.Tx) error {
				require.Same(t, tx, inner)
				return s.customers.Create(inner, &Customer{Name: "Ada"})
			})
		})
		require.NoError(t, err)
		require.NotNil(t, kept.Engine())
		_, err = s.customers.Find(kept, nil)
		require.ErrorIs(t, err, relstore.ErrTxDone, "a transaction is usable only inside its fn")

		// A transaction of another DB in ctx is ignored.
		other := open(t)
		err = other.Update(ctx, func(tx *relstore.Tx) error {
			list, err := s.customers.Find(tx, nil)
			require.NoError(t, err)
			require.Len(t, list, 1)
			return nil
		})
		require.NoError(t, err)
	})
}
