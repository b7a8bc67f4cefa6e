package relstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore"
)

// OrderRepo is an LB4-style repository: the CRUD set plus relation
// accessors.
type OrderRepo struct {
	*relstore.Repo[Order]
	Customer relstore.BelongsToAccessor[Customer]
	Items    relstore.HasManyFactory[Item]
	Tags     relstore.HasManyFactory[Tag]
}

func newOrderRepo(db *relstore.DB) *OrderRepo {
	orders := relstore.NewRepo[Order](db)
	return &OrderRepo{
		Repo:     orders,
		Customer: relstore.BelongsTo[Customer](orders, "customer"),
		Items:    relstore.HasMany[Item](orders, "items"),
		Tags:     relstore.HasMany[Tag](orders, "tags"),
	}
}

func TestBelongsTo(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		seed(t, s)
		ctx := context.Background()
		orders := newOrderRepo(s.db)

		c, err := orders.Customer(ctx, 3)
		require.NoError(t, err)
		require.Equal(t, "Bob", c.Name)

		_, err = orders.Customer(ctx, 99)
		require.ErrorIs(t, err, relstore.ErrNotFound, "no such order")

		// An order whose foreign key is unset has no customer.
		o := &Order{Total: 1}
		require.NoError(t, orders.Create(ctx, o))
		_, err = orders.Customer(ctx, o.ID)
		require.ErrorIs(t, err, relstore.ErrNotFound)

		// A dangling key (the relation is not strict) has none either.
		o2 := &Order{Total: 1, CustomerID: 77}
		require.NoError(t, orders.Create(ctx, o2))
		_, err = orders.Customer(ctx, o2.ID)
		require.ErrorIs(t, err, relstore.ErrNotFound)

		_, err = relstore.BelongsTo[Customer](orders.Repo, "buyer")(ctx, 1)
		require.ErrorIs(t, err, relstore.ErrNotFound, "unknown relation")
		var rerr *relstore.Error
		require.ErrorAs(t, err, &rerr)
		require.Equal(t, "UNKNOWN_RELATION", rerr.Code)

		_, err = relstore.BelongsTo[Tag](orders.Repo, "customer")(ctx, 1)
		require.ErrorIs(t, err, relstore.ErrBadRequest, "wrong target type")
		_, err = relstore.BelongsTo[Item](orders.Repo, "items")(ctx, 1)
		require.ErrorIs(t, err, relstore.ErrBadRequest, "a to-many relation")
	})
}

// A belongsTo to a key other than the target's id.
type Account struct {
	ID   int    `json:"id" relstore:"id,generated"`
	Code string `json:"code" relstore:"required,unique"`
}

type Login struct {
	ID      int      `json:"id" relstore:"id,generated"`
	Code    string   `json:"code" relstore:"belongsTo=Account,keyTo=code,as=account,integrity=strict"`
	Account *Account `json:"account,omitempty"`
}

func TestBelongsTo_KeyTo(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		db := open(t)
		require.NoError(t, relstore.Define[Login](db))
		require.NoError(t, relstore.Define[Account](db))
		require.Equal(t, "code", db.Engine().Model("Login").Relation("account").PrimaryKey)
		ctx := context.Background()
		accounts, logins := relstore.NewRepo[Account](db), relstore.NewRepo[Login](db)
		require.NoError(t, accounts.Create(ctx, &Account{Code: "zz"}))
		require.NoError(t, accounts.Create(ctx, &Account{Code: "ab"}))
		l := &Login{Code: "ab"}
		require.NoError(t, logins.Create(ctx, l))
		require.ErrorIs(t, logins.Create(ctx, &Login{Code: "nope"}), relstore.ErrForeignKey)

		a, err := relstore.BelongsTo[Account](logins, "account")(ctx, l.ID)
		require.NoError(t, err)
		require.Equal(t, 2, a.ID)
		got, err := logins.FindByID(ctx, l.ID, relstore.Include("account"))
		require.NoError(t, err)
		require.Equal(t, "ab", got.Account.Code)
	})
}
