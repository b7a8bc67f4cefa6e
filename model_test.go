package relstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore"
	"github.com/relstore/relstore/schema"
)

// The LB3 JSON definitions equivalent to the test structs.
var shopJSON = []string{`{
  "name": "Customer", "base": "PersistedModel", "plural": "Customers",
  "properties": {
    "id": {"type": "number", "id": true, "generated": true},
    "name": {"type": "string", "required": true, "jsonSchema": {"minLength": 2}},
    "email": {"type": "string", "index": {"unique": true}, "jsonSchema": {"format": "email"}},
    "vip": {"type": "boolean", "default": false},
    "age": {"type": "number", "index": true, "jsonSchema": {"minimum": 0}},
    "password": {"type": "string", "hidden": true},
    "createdAt": {"type": "date", "defaultFn": "now"},
    "address": {"type": "Address"},
    "nicknames": {"type": ["string"]}
  },
  "relations": {
    "orders": {"type": "hasMany", "model": "Order", "foreignKey": "customerId", "onDelete": "cascade"}
  }
}`, `{
  "name": "Address", "base": "Model", "idInjection": false,
  "properties": {"street": "string", "city": {"type": "string", "required": true}}
}`, `{
  "name": "Order", "base": "PersistedModel",
  "properties": {
    "id": {"type": "number", "id": true, "generated": true},
    "customerId": {"type": "number"},
    "total": {"type": "number"},
    "status": {"type": "string", "default": "open", "jsonSchema": {"enum": ["open", "paid", "shipped"]}}
  },
  "relations": {
    "customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"},
    "items": {"type": "hasMany", "model": "Item", "foreignKey": "orderId", "onDelete": "cascade"},
    "tags": {"type": "hasMany", "model": "Tag", "through": "OrderTag", "foreignKey": "orderId", "keyThrough": "tagId"}
  }
}`, `{
  "name": "Item", "base": "PersistedModel",
  "properties": {
    "id": {"type": "number", "id": true, "generated": true},
    "orderId": {"type": "number"},
    "product": {"type": "string", "required": true},
    "qty": {"type": "number", "default": 1}
  },
  "relations": {"order": {"type": "belongsTo", "model": "Order", "foreignKey": "orderId", "integrity": "strict"}}
}`, `{
  "name": "Tag", "base": "PersistedModel",
  "properties": {
    "id": {"type": "number", "id": true, "generated": true},
    "name": {"type": "string", "required": true, "index": {"unique": true}}
  }
}`, `{
  "name": "OrderTag", "base": "PersistedModel",
  "properties": {
    "id": {"type": "number", "id": true, "generated": true},
    "orderId": {"type": "number"},
    "tagId": {"type": "number"}
  },
  "relations": {
    "order": {"type": "belongsTo", "model": "Order", "foreignKey": "orderId"},
    "tag": {"type": "belongsTo", "model": "Tag", "foreignKey": "tagId"}
  }
}`}

func TestDefine_StructMatchesJSON(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		fromStructs := defineShop(t, open(t)).db
		fromJSON := open(t)
		docs := make([][]byte, len(shopJSON))
		for i, d := range shopJSON {
			docs[i] = []byte(d)
		}
		require.NoError(t, fromJSON.DefineJSON(docs...))

		for _, name := range []string{"Customer", "Address", "Order", "Item", "Tag", "OrderTag"} {
			a, b := fromStructs.Engine().Model(name), fromJSON.Engine().Model(name)
			require.NotNil(t, a, name)
			require.NotNil(t, b, name)
			ja, err := json.MarshalIndent(a, "", "  ")
			require.NoError(t, err)
			jb, err := json.MarshalIndent(b, "", "  ")
			require.NoError(t, err)
			require.JSONEq(t, string(jb), string(ja), name)
		}
		// A sanity check that the comparison sees what matters.
		require.Equal(t, schema.RelHasMany, fromStructs.Engine().Model("Order").Relation("tags").Type)
		require.Equal(t, "OrderTag", fromStructs.Engine().Model("Order").Relation("tags").Through)
		require.False(t, fromStructs.Engine().Model("Address").Persisted)
	})
}

// Embedded structs are flattened; untagged names are lower-camel-cased;
// an untagged numeric "id" is the generated id.
type Stamped struct {
	CreatedAt time.Time `relstore:"defaultFn=now"`
	UpdatedAt *time.Time
}

type Article struct {
	_ relstore.Model `relstore:"name=Post,plural=posts,strict,hidden=secret,path=blog,owner=team-a,version=2"`
	Stamped
	ID      int
	URLSlug string `relstore:"pattern=^[a-z]{1\\,20}$"`
	Body    string `json:"text"`
	Secret  string
	Meta    map[string]any
	Ratings map[string]int
	Raw     []byte
	Any     any
	Point   struct {
		X, Y float64
	}
	skipped int
	Ignored string `json:"-"`
}

func TestDefine_Conventions(t *testing.T) {
	def, err := relstore.Definition[Article]()
	require.NoError(t, err)
	require.JSONEq(t, `{
	  "name": "Post", "base": "PersistedModel", "plural": "posts", "strict": true,
	  "hidden": ["secret"], "http": {"path": "blog"}, "owner": "team-a", "version": 2,
	  "properties": {
	    "createdAt": {"type": "date", "defaultFn": "now"},
	    "updatedAt": {"type": "date"},
	    "id": {"type": "number"},
	    "urlSlug": {"type": "string", "jsonSchema": {"pattern": "^[a-z]{1,20}$"}},
	    "text": {"type": "string"},
	    "secret": {"type": "string"},
	    "meta": {"type": "object"},
	    "ratings": {"type": "object"},
	    "raw": {"type": "buffer"},
	    "any": {"type": "any"},
	    "point": {"type": {"x": {"type": "number"}, "y": {"type": "number"}}}
	  }
	}`, string(def))

	eachBackend(t, func(t *testing.T, open func(testing.TB) *relstore.DB) {
		db := open(t)
		require.NoError(t, relstore.Define[Article](db))
		m := db.Engine().Model("Post")
		require.NotNil(t, m)
		require.Equal(t, "id", m.IDName())
		require.True(t, m.IDProperties()[0].Generated)
		require.Equal(t, schema.StrictTrue, m.Strict)
		require.Equal(t, "team-a", m.Settings["owner"])

		ctx := context.Background()
		posts := relstore.NewRepo[Article](db)
		require.Equal(t, "Post", posts.Model())
		now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
		a := &Article{URLSlug: "hello", Body: "hi", Secret: "s", Meta: map[string]any{"n": 1, "tags": []string{"a"}},
			Ratings: map[string]int{"ada": 5}, Raw: []byte{1, 2}, Any: []int{1, 2},
			Stamped: Stamped{UpdatedAt: &now}}
		a.Point.X = 1.5
		require.NoError(t, posts.Create(ctx, a))
		require.Equal(t, 1, a.ID)
		require.False(t, a.CreatedAt.IsZero())

		got, err := posts.FindByID(ctx, 1, nil)
		require.NoError(t, err)
		require.Equal(t, "hello", got.URLSlug)
		require.Equal(t, "hi", got.Body)
		require.Empty(t, got.Secret)
		require.Equal(t, map[string]any{"n": 1.0, "tags": []any{"a"}}, got.Meta)
		require.Equal(t, map[string]int{"ada": 5}, got.Ratings)
		require.Equal(t, []byte{1, 2}, got.Raw)
		require.Equal(t, []any{1.0, 2.0}, got.Any)
		require.Equal(t, 1.5, got.Point.X)
		require.True(t, now.Equal(*got.UpdatedAt))

		// The struct's objects, arrays and buffers are its own: changing
		// them changes nothing stored (records are read shared).
		got.Meta["n"] = 2.0
		got.Meta["tags"].([]any)[0] = "changed"
		got.Raw[0] = 9
		got.Any.([]any)[0] = 9.0
		again, err := posts.FindByID(ctx, 1, nil)
		require.NoError(t, err)
		require.Equal(t, map[string]any{"n": 1.0, "tags": []any{"a"}}, again.Meta)
		require.Equal(t, []byte{1, 2}, again.Raw)
		require.Equal(t, []any{1.0, 2.0}, again.Any)
		rep, err := db.Engine().Check(ctx)
		require.NoError(t, err)
		require.True(t, rep.OK(), rep.String())

		err = posts.Create(ctx, &Article{URLSlug: "Not A Slug"})
		var verr *relstore.ValidationError
		require.ErrorAs(t, err, &verr)
		require.Contains(t, verr.Codes, "urlSlug")
	})
}

// Types the tag set refuses.
type (
	badChan struct {
		C chan int
	}
	badTagKey struct {
		N int `relstore:"requierd"`
	}
	badHasMany struct {
		ID     int
		Orders Order `relstore:"hasMany"`
	}
	badBelongsTo struct {
		ID  int
		Ref int `relstore:"belongsTo"`
	}
	badName struct {
		ID  int
		Ref int `relstore:"belongsTo=Customer"`
	}
	badDup struct {
		A int `json:"x"`
		X int
	}
	badKeyTo struct {
		N int `relstore:"keyTo=id"`
	}
	badDefault struct {
		N int `relstore:"default=many"`
	}
	badMap struct {
		M map[int]string
	}
	badEmbedded struct {
		*Address
	}
	badNested struct {
		ID int
		O  struct {
			Orders []Order `relstore:"hasMany"`
		}
	}
)

func TestDefine_Errors(t *testing.T) {
	db, err := relstore.Open("", nil)
	require.NoError(t, err)
	defer db.Close()
	scenarios := []struct {
		name   string
		define func() error
		want   string
	}{
		{"chan field", func() error { return relstore.Define[badChan](db) }, "chan int is not supported"},
		{"unknown tag key", func() error { return relstore.Define[badTagKey](db) }, `unknown key "requierd"`},
		{"hasMany on a struct", func() error { return relstore.Define[badHasMany](db) }, "a hasMany field is a slice"},
		{"belongsTo without model", func() error { return relstore.Define[badBelongsTo](db) }, "belongsTo needs the target model"},
		{"belongsTo without a name", func() error { return relstore.Define[badName](db) }, "add as=name"},
		{"duplicate property", func() error { return relstore.Define[badDup](db) }, `property "x" is also the name of field A`},
		{"keyTo alone", func() error { return relstore.Define[badKeyTo](db) }, `"keyTo" needs belongsTo`},
		{"default of the wrong type", func() error { return relstore.Define[badDefault](db) }, "default=many"},
		{"int-keyed map", func() error { return relstore.Define[badMap](db) }, "map keys must be strings"},
		{"embedded pointer", func() error { return relstore.Define[badEmbedded](db) }, "embedded struct pointers"},
		{"relation in a nested type", func() error { return relstore.Define[badNested](db) }, "declares relations"},
		{"not a struct", func() error { return relstore.Define[int](db) }, "not a struct"},
		{"bad JSON", func() error { return db.DefineJSON([]byte(`{"name": "X", "properties": {`)) }, ""},
		{"bad JSON key", func() error { return db.DefineJSON([]byte(`{"name": "X", "strict": 3}`)) }, "strict"},
		{"anonymous struct", func() error { return relstore.Define[struct{ ID int }](db) }, `model name "" is not usable`},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			err := s.define()
			require.ErrorIs(t, err, relstore.ErrInvalidDefinition)
			require.Contains(t, err.Error(), s.want)
			// The same error again: the analysis is cached, not half-made.
			require.Equal(t, err.Error(), s.define().Error())
		})
	}
	// A failed definition leaves the DB usable.
	require.NoError(t, relstore.Define[Tag](db))
	require.NotNil(t, db.Engine().Model("Tag"))
}

// Two Go types may not define the same model name.
type otherTag struct {
	_    relstore.Model `relstore:"name=Tag"`
	ID   int
	Name string
}

func TestDefine_IdempotentAndConflicts(t *testing.T) {
	db, err := relstore.Open("", nil)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, relstore.Define[Tag](db))
	require.NoError(t, relstore.Define[Tag](db), "defining again is a no-op")
	err = relstore.Define[otherTag](db)
	require.ErrorIs(t, err, relstore.ErrInvalidDefinition)
	require.Contains(t, err.Error(), `model name "Tag" is already defined (by struct relstore_test.Tag)`)
	err = db.DefineJSON([]byte(`{"name": "Tag"}`))
	require.ErrorIs(t, err, schema.ErrDuplicateModel)

	// A struct used as a nested type is a non-persisted model, unless it is
	// defined as a model of its own.
	defineShop(t, db)
	require.False(t, db.Engine().Model("Address").Persisted)
	db2, err := relstore.Open("", nil)
	require.NoError(t, err)
	defer db2.Close()
	require.NoError(t, relstore.Define[Address](db2))
	defineShop(t, db2)
	require.True(t, db2.Engine().Model("Address").Persisted)
}
