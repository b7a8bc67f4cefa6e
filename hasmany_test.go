package relstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore"
)

func TestHasMany_Find_Create_Count(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		seed(t, s)
		ctx := context.Background()
		ordersOf := relstore.HasMany[Order](s.customers, "orders")

		list, err := ordersOf(ctx, 1).Find(nil)
		require.NoError(t, err)
		require.Len(t, list, 2)
		for _, o := range list {
			require.Equal(t, 1, o.CustomerID)
		}
		big, err := ordersOf(ctx, 1).Find(relstore.Where("total", relstore.Gt, 10).Include("items"))
		require.NoError(t, err)
		require.Len(t, big, 1)
		require.Len(t, big[0].Items, 2)

		o := &Order{Total: 7}
		require.NoError(t, ordersOf(ctx, 2).Create(o))
		require.Equal(t, 2, o.CustomerID, "the foreign key is set")
		require.Equal(t, "open", o.Status)

		same := &Order{Total: 8, CustomerID: 2}
		require.NoError(t, ordersOf(ctx, 2).Create(same), "the same key is allowed")

		err = ordersOf(ctx, 2).Create(&Order{Total: 9, CustomerID: 1})
		require.ErrorIs(t, err, relstore.ErrBadRequest, "another customer's key is refused")
		var rerr *relstore.Error
		require.ErrorAs(t, err, &rerr)
		require.Equal(t, "FOREIGN_KEY_IMMUTABLE", rerr.Code)

		n, err := ordersOf(ctx, 2).Count(nil)
		require.NoError(t, err)
		require.Equal(t, 3, n)
		n, err = ordersOf(ctx, 2).Count(relstore.Where("total", relstore.Lt, 100))
		require.NoError(t, err)
		require.Equal(t, 2, n)

		got, err := ordersOf(ctx, 2).FindByID(3)
		require.NoError(t, err)
		require.Equal(t, 120.0, got.Total)
		_, err = ordersOf(ctx, 2).FindByID(1)
		require.ErrorIs(t, err, relstore.ErrNotFound, "order 1 is Ada's")

		_, err = ordersOf(ctx, 42).Find(nil)
		require.ErrorIs(t, err, relstore.ErrNotFound, "no such customer")
		require.ErrorIs(t, ordersOf(ctx, 42).Create(&Order{}), relstore.ErrNotFound)
	})
}

func TestHasMany_Patch_Delete(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		seed(t, s)
		ctx := context.Background()
		ordersOf := relstore.HasMany[Order](s.customers, "orders")

		n, err := ordersOf(ctx, 1).Patch(map[string]any{"status": "shipped"}, nil)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		bob, err := s.orders.FindByID(ctx, 3, nil)
		require.NoError(t, err)
		require.Equal(t, "shipped", bob.Status)

		n, err = ordersOf(ctx, 1).Patch(map[string]any{"total": 0}, relstore.Where("total", relstore.Lt, 10))
		require.NoError(t, err)
		require.Equal(t, 1, n)

		_, err = ordersOf(ctx, 1).Patch(map[string]any{"customerId": 2}, nil)
		require.ErrorIs(t, err, relstore.ErrBadRequest, "moving orders to another customer is refused")
		still, err := ordersOf(ctx, 1).Count(nil)
		require.NoError(t, err)
		require.Equal(t, 2, still)

		n, err = ordersOf(ctx, 1).Delete(relstore.Where("total", relstore.Eq, 0))
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = ordersOf(ctx, 1).Delete(nil)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		total, err := s.orders.Count(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, 1, total, "Bob's order is untouched")
		items, err := s.items.Count(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, 1, items, "the deleted order's items cascaded")
	})
}

func TestHasMany_Through_LinkUnlink(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		seed(t, s)
		ctx := context.Background()
		orders := newOrderRepo(s.db)

		tags, err := orders.Tags(ctx, 3).Find(relstore.Order("name"))
		require.NoError(t, err)
		require.Equal(t, []Tag{{ID: 1, Name: "gift"}, {ID: 2, Name: "rush"}}, tags)

		require.NoError(t, orders.Tags(ctx, 2).Link(2))
		require.NoError(t, orders.Tags(ctx, 2).Link(2), "linking twice keeps one link")
		n, err := s.orderTags.Count(ctx, relstore.Where("orderId", relstore.Eq, 2))
		require.NoError(t, err)
		require.Equal(t, 1, n)

		require.NoError(t, orders.Tags(ctx, 3).Unlink(1))
		tags, err = orders.Tags(ctx, 3).Find(nil)
		require.NoError(t, err)
		require.Equal(t, []Tag{{ID: 2, Name: "rush"}}, tags)
		ok, err := s.tags.Exists(ctx, 1)
		require.NoError(t, err)
		require.True(t, ok, "unlink keeps the tag")

		// Create makes the tag and its link.
		nt := &Tag{Name: "fragile"}
		require.NoError(t, orders.Tags(ctx, 1).Create(nt))
		tags, err = orders.Tags(ctx, 1).Find(relstore.Order("id"))
		require.NoError(t, err)
		require.Equal(t, []string{"gift", "fragile"}, []string{tags[0].Name, tags[1].Name})

		n, err = orders.Tags(ctx, 1).Count(relstore.Where("name", relstore.Like, "fra%"))
		require.NoError(t, err)
		require.Equal(t, 1, n)

		// Delete removes the targets with their links.
		n, err = orders.Tags(ctx, 1).Delete(relstore.Where("name", relstore.Eq, "fragile"))
		require.NoError(t, err)
		require.Equal(t, 1, n)
		ok, err = s.tags.Exists(ctx, nt.ID)
		require.NoError(t, err)
		require.False(t, ok)
		n, err = s.orderTags.Count(ctx, relstore.Where("tagId", relstore.Eq, nt.ID))
		require.NoError(t, err)
		require.Zero(t, n)

		err = orders.Items(ctx, 1).Link(1)
		require.ErrorIs(t, err, relstore.ErrBadRequest, "only through relations link")
	})
}

// A hasOne relation: a customer's profile.
type Member struct {
	ID      int      `json:"id" relstore:"id,generated"`
	Name    string   `json:"name"`
	Profile *Profile `json:"profile,omitempty" relstore:"hasOne"`
}

type Profile struct {
	ID       int    `json:"id" relstore:"id,generated"`
	MemberID int    `json:"memberId" relstore:"belongsTo=Member"`
	Bio      string `json:"bio"`
}

func TestHasMany_HasOne(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		db := open(t)
		require.NoError(t, relstore.Define[Member](db))
		require.NoError(t, relstore.Define[Profile](db))
		ctx := context.Background()
		members := relstore.NewRepo[Member](db)
		profileOf := relstore.HasMany[Profile](members, "profile")
		m := &Member{Name: "Ada"}
		require.NoError(t, members.Create(ctx, m))

		none, err := profileOf(ctx, m.ID).Find(nil)
		require.NoError(t, err)
		require.Empty(t, none)

		p := &Profile{Bio: "first programmer"}
		require.NoError(t, profileOf(ctx, m.ID).Create(p))
		require.Equal(t, m.ID, p.MemberID)
		err = profileOf(ctx, m.ID).Create(&Profile{Bio: "again"})
		require.ErrorIs(t, err, relstore.ErrConflict)

		got, err := members.FindByID(ctx, m.ID, relstore.Include("profile"))
		require.NoError(t, err)
		require.Equal(t, "first programmer", got.Profile.Bio)

		one, err := profileOf(ctx, m.ID).Find(relstore.Where("bio", relstore.Like, "first%"))
		require.NoError(t, err)
		require.Len(t, one, 1)
		zero, err := profileOf(ctx, m.ID).Find(relstore.Where("bio", relstore.Eq, "x"))
		require.NoError(t, err)
		require.Empty(t, zero)

		back, err := relstore.BelongsTo[Member](relstore.NewRepo[Profile](db), "member")(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, "Ada", back.Name)
		prof, err := relstore.BelongsTo[Profile](members, "profile")(ctx, m.ID)
		require.NoError(t, err, "BelongsTo reads hasOne relations too")
		require.Equal(t, p.ID, prof.ID)

		n, err := profileOf(ctx, m.ID).Delete(nil)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
}
