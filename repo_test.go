package relstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore"
)

func names(cs []Customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func TestRepo_Create_FillsGeneratedAndDefaults(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		ctx := context.Background()
		c := &Customer{Name: "Ada", Password: "secret"}
		require.NoError(t, s.customers.Create(ctx, c))
		require.Equal(t, 1, c.ID)
		require.NotNil(t, c.VIP)
		require.False(t, *c.VIP, "default=false applied")
		require.WithinDuration(t, time.Now(), c.CreatedAt, time.Minute, "defaultFn=now applied")
		require.Equal(t, "secret", c.Password, "a hidden property is not returned, so the caller's value stays")

		got, err := s.customers.FindByID(ctx, c.ID, nil)
		require.NoError(t, err)
		require.Equal(t, "Ada", got.Name)
		require.Empty(t, got.Password, "hidden properties are not read back")
		require.Equal(t, c.CreatedAt.UnixMilli(), got.CreatedAt.UnixMilli())

		// A pointer to a zero value is written: it overrides the default.
		yes := true
		c2 := &Customer{Name: "Bob", VIP: &yes}
		require.NoError(t, s.customers.Create(ctx, c2))
		require.Equal(t, 2, c2.ID)
		require.True(t, *c2.VIP)
	})
}

func TestRepo_Create_Errors(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		ctx := context.Background()

		err := s.customers.Create(ctx, &Customer{Name: "A"})
		var verr *relstore.ValidationError
		require.ErrorAs(t, err, &verr)
		require.Equal(t, []string{"minLength"}, verr.Codes["name"])

		err = s.customers.Create(ctx, &Customer{Email: "x@example.com"})
		require.ErrorAs(t, err, &verr)
		require.Equal(t, []string{"presence"}, verr.Codes["name"])

		require.NoError(t, s.customers.Create(ctx, &Customer{Name: "Ada", Email: "ada@example.com"}))
		err = s.customers.Create(ctx, &Customer{Name: "Eve", Email: "ada@example.com"})
		require.ErrorIs(t, err, relstore.ErrUniqueViolation)

		// Generated ids are forced (LoopBack's forceId).
		err = s.customers.Create(ctx, &Customer{ID: 7, Name: "Dup"})
		require.ErrorAs(t, err, &verr)
		require.Contains(t, verr.Codes, "id")

		// Item.orderId is a strict belongsTo.
		err = s.items.Create(ctx, &Item{OrderID: 42, Product: "pen"})
		require.ErrorIs(t, err, relstore.ErrForeignKey)

		err = s.orders.Create(ctx, &Order{Status: "lost"})
		require.ErrorAs(t, err, &verr)
		require.Contains(t, verr.Codes, "status")

		require.Error(t, s.customers.Create(ctx, nil))
	})
}

func TestRepo_CreateAll_AllOrNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		ctx := context.Background()
		cs := []Customer{{Name: "Ada"}, {Name: "Bob"}}
		require.NoError(t, s.customers.CreateAll(ctx, cs))
		require.Equal(t, []int{1, 2}, []int{cs[0].ID, cs[1].ID})

		err := s.customers.CreateAll(ctx, []Customer{{Name: "Cid"}, {Name: "X"}})
		var verr *relstore.ValidationError
		require.ErrorAs(t, err, &verr)
		n, err := s.customers.Count(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, 2, n, "the valid first record was not kept")
	})
}

func TestRepo_Find(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		seed(t, s)
		ctx := context.Background()

		all, err := s.customers.Find(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, []string{"Ada", "Bob"}, names(all))
		require.Equal(t, &Address{Street: "1 Loop St", City: "London"}, all[0].Address)
		require.Nil(t, all[1].Address)

		adults, err := s.customers.Find(ctx, relstore.Where("age", relstore.Gte, 18))
		require.NoError(t, err)
		require.Equal(t, []string{"Ada"}, names(adults))

		desc, err := s.customers.Find(ctx, relstore.Order("name DESC").Limit(1))
		require.NoError(t, err)
		require.Equal(t, []string{"Bob"}, names(desc))

		// The same filter as JSON.
		f, err := relstore.ParseFilter(`{"where": {"age": {"lt": 18}}, "fields": ["id", "name"]}`)
		require.NoError(t, err)
		minors, err := s.customers.Find(ctx, f)
		require.NoError(t, err)
		require.Equal(t, []string{"Bob"}, names(minors))
		require.Zero(t, minors[0].Age, "fields left age out")

		// A nested Filter literal works as well as the builder.
		lit, err := s.customers.Find(ctx, relstore.Filter{"where": relstore.Filter{"name": relstore.Filter{"inq": []string{"Bob", "Zed"}}}})
		require.NoError(t, err)
		require.Equal(t, []string{"Bob"}, names(lit))

		one, err := s.customers.FindOne(ctx, relstore.Where("email", relstore.Like, "bob%"))
		require.NoError(t, err)
		require.Equal(t, "Bob", one.Name)
		_, err = s.customers.FindOne(ctx, relstore.Where("name", relstore.Eq, "Nobody"))
		require.ErrorIs(t, err, relstore.ErrNotFound)

		_, err = s.customers.FindByID(ctx, 99, nil)
		require.ErrorIs(t, err, relstore.ErrNotFound)

		_, err = s.customers.Find(ctx, relstore.Where("age", relstore.Op("near-ish"), 1))
		require.ErrorIs(t, err, relstore.ErrInvalidFilter)
		var ferr *relstore.FilterError
		require.ErrorAs(t, err, &ferr)

		n, err := s.customers.Count(ctx, relstore.Where("name", relstore.Neq, "Ada"))
		require.NoError(t, err)
		require.Equal(t, 1, n)
		_, err = s.customers.Count(ctx, relstore.Limit(1))
		require.ErrorIs(t, err, relstore.ErrInvalidFilter, "count takes only a where")

		ok, err := s.customers.Exists(ctx, 2)
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = s.customers.Exists(ctx, 3)
		require.NoError(t, err)
		require.False(t, ok)
	})
}

func TestRepo_Find_Include(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		seed(t, s)
		ctx := context.Background()

		cs, err := s.customers.Find(ctx, relstore.Include("orders", relstore.Order("total DESC").Include("items").Include("tags")))
		require.NoError(t, err)
		require.Len(t, cs, 2)
		require.Len(t, cs[0].Orders, 2)
		require.Equal(t, []float64{30, 5}, []float64{cs[0].Orders[0].Total, cs[0].Orders[1].Total})
		require.Len(t, cs[0].Orders[0].Items, 2)
		require.Equal(t, "pen", cs[0].Orders[0].Items[0].Product)
		require.Equal(t, 2, cs[0].Orders[0].Items[0].Qty)
		require.Equal(t, 1, cs[0].Orders[0].Items[1].Qty, "default qty")
		require.Equal(t, []Tag{{ID: 1, Name: "gift"}}, cs[0].Orders[0].Tags)
		require.Empty(t, cs[0].Orders[1].Items)
		require.Len(t, cs[1].Orders[0].Tags, 2)

		o, err := s.orders.FindByID(ctx, 3, relstore.Include("customer"))
		require.NoError(t, err)
		require.NotNil(t, o.Customer)
		require.Equal(t, "Bob", o.Customer.Name)

		// Included records are never written back: saving an order that
		// holds its customer and items changes only the order.
		o.Total = 121
		require.NoError(t, s.orders.ReplaceByID(ctx, o.ID, o))
		raw, err := s.db.Engine().FindByID(ctx, "Order", 3, nil)
		require.NoError(t, err)
		require.NotContains(t, raw, "customer")
		require.Equal(t, 121.0, raw["total"])
	})
}

func TestRepo_Find_RelationPaths(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		seed(t, s)
		ctx := context.Background()

		os, err := s.orders.Find(ctx, relstore.Where("customer.name", relstore.Eq, "Ada").Order("id"))
		require.NoError(t, err)
		require.Equal(t, []int{1, 2}, []int{os[0].ID, os[1].ID})

		big, err := s.customers.Find(ctx, relstore.Where("orders", relstore.Some, relstore.Where("total", relstore.Gt, 100)))
		require.NoError(t, err)
		require.Equal(t, []string{"Bob"}, names(big))

		untagged, err := s.orders.Find(ctx, relstore.Where("tags", relstore.None, nil))
		require.NoError(t, err)
		require.Len(t, untagged, 1)
		require.Equal(t, 2, untagged[0].ID)

		gifts, err := s.customers.Count(ctx, relstore.Where("orders", relstore.Some, relstore.Where("tags", relstore.Some, relstore.Where("name", relstore.Eq, "gift"))))
		require.NoError(t, err)
		require.Equal(t, 2, gifts)

		either, err := s.customers.Find(ctx, relstore.Or(relstore.Where("name", relstore.Eq, "Bob"), relstore.Where("age", relstore.Gt, 30)))
		require.NoError(t, err)
		require.Equal(t, []string{"Ada", "Bob"}, names(either))
	})
}

func TestRepo_Updates(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		seed(t, s)
		ctx := context.Background()

		// PatchByID: a map, so zero values are written too.
		c, err := s.customers.PatchByID(ctx, 1, map[string]any{"age": 0, "vip": true})
		require.NoError(t, err)
		require.Zero(t, c.Age)
		require.True(t, *c.VIP)
		require.Equal(t, "Ada", c.Name)
		_, err = s.customers.PatchByID(ctx, 9, map[string]any{"age": 1})
		require.ErrorIs(t, err, relstore.ErrNotFound)
		_, err = s.customers.PatchByID(ctx, 1, map[string]any{"id": 7})
		require.ErrorIs(t, err, relstore.ErrBadRequest)

		// ReplaceByID: zero fields are dropped (and defaults re-applied).
		r := &Customer{Name: "Ada Lovelace"}
		require.NoError(t, s.customers.ReplaceByID(ctx, 1, r))
		require.Equal(t, 1, r.ID)
		got, err := s.customers.FindByID(ctx, 1, nil)
		require.NoError(t, err)
		require.Equal(t, "Ada Lovelace", got.Name)
		require.Empty(t, got.Email)
		require.False(t, *got.VIP)
		require.Nil(t, got.Address)
		err = s.customers.ReplaceByID(ctx, 99, &Customer{Name: "Nobody"})
		require.ErrorIs(t, err, relstore.ErrNotFound)

		// Upsert patches an existing id, creates otherwise.
		u := &Customer{ID: 2, Age: 18}
		require.NoError(t, s.customers.Upsert(ctx, u))
		require.Equal(t, "Bob", u.Name, "the patched record is read back")
		require.Equal(t, 18, u.Age)
		n := &Customer{Name: "Cid"}
		require.NoError(t, s.customers.Upsert(ctx, n))
		require.Equal(t, 3, n.ID)

		ro := &Customer{ID: 3, Name: "Cid Two"}
		require.NoError(t, s.customers.ReplaceOrCreate(ctx, ro))
		require.Equal(t, "Cid Two", ro.Name)

		cnt, err := s.orders.UpdateAll(ctx, relstore.Where("status", relstore.Eq, "open"), map[string]any{"status": "paid"})
		require.NoError(t, err)
		require.Equal(t, 1, cnt)
		_, err = s.orders.UpdateAll(ctx, nil, map[string]any{"status": "lost"})
		var verr *relstore.ValidationError
		require.ErrorAs(t, err, &verr)

		f := &Customer{Name: "Dee"}
		created, err := s.customers.FindOrCreate(ctx, relstore.Where("name", relstore.Eq, "Dee"), f)
		require.NoError(t, err)
		require.True(t, created)
		f2 := &Customer{Name: "Dee"}
		created, err = s.customers.FindOrCreate(ctx, relstore.Where("name", relstore.Eq, "Dee"), f2)
		require.NoError(t, err)
		require.False(t, created)
		require.Equal(t, f.ID, f2.ID)
	})
}

func TestRepo_Deletes(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		seed(t, s)
		ctx := context.Background()

		// Customer.orders and Order.items cascade.
		require.NoError(t, s.customers.DeleteByID(ctx, 1))
		require.ErrorIs(t, s.customers.DeleteByID(ctx, 1), relstore.ErrNotFound)
		n, err := s.orders.Count(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = s.items.Count(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, 1, n)

		n, err = s.tags.DeleteAll(ctx, relstore.Where("name", relstore.Eq, "rush"))
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = s.tags.DeleteAll(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
}

// Ids of other Go types and string ids.
type Note struct {
	Key  string `json:"key" relstore:"id"`
	Body string `json:"body"`
}

func TestRepo_StringIDAndUnknownModel(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		db := open(t)
		ctx := context.Background()
		notes := relstore.NewRepo[Note](db)
		err := notes.Create(ctx, &Note{Key: "a"})
		require.ErrorIs(t, err, relstore.ErrUnknownModel, "not defined yet")

		require.NoError(t, relstore.Define[Note](db))
		require.NoError(t, notes.Create(ctx, &Note{Key: "a", Body: "first"}))
		got, err := notes.FindByID(ctx, "a", nil)
		require.NoError(t, err)
		require.Equal(t, "first", got.Body)
		// As LoopBack's memory connector, a missing string id takes the
		// model's counter.
		n := &Note{Body: "no key"}
		require.NoError(t, notes.Create(ctx, n))
		require.Equal(t, "2", n.Key)
		require.ErrorIs(t, notes.Create(ctx, &Note{Key: "a"}), relstore.ErrDuplicateID)
		require.Equal(t, "Note", notes.Model())
	})
}

func TestRepo_ClosedDB(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		db := open(t)
		s := defineShop(t, db)
		require.NoError(t, db.Close())
		_, err := s.customers.Find(context.Background(), nil)
		require.ErrorIs(t, err, relstore.ErrClosed)
		require.True(t, errors.Is(db.Close(), relstore.ErrClosed))
	})
}

func TestRepo_Concurrent(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		s := defineShop(t, open(t))
		ctx := context.Background()
		const workers, each = 4, 20
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			go func() {
				// Each worker makes its own repositories: first use races
				// with the others'.
				customers := relstore.NewRepo[Customer](s.db)
				ordersOf := relstore.HasMany[Order](customers, "orders")
				for i := 0; i < each; i++ {
					c := &Customer{Name: "worker"}
					if err := customers.Create(ctx, c); err != nil {
						errs <- err
						return
					}
					if err := ordersOf(ctx, c.ID).Create(&Order{Total: float64(i)}); err != nil {
						errs <- err
						return
					}
					if _, err := customers.Find(ctx, relstore.Where("id", relstore.Eq, c.ID).Include("orders")); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for w := 0; w < workers; w++ {
			require.NoError(t, <-errs)
		}
		n, err := s.orders.Count(ctx, nil)
		require.NoError(t, err)
		require.Equal(t, workers*each, n)
	})
}
