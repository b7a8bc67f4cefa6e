package engine

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/storage"
)

// Polymorphic hasManyThrough: authors and books both have pictures through
// one link model whose discriminator says which kind of owner a link has;
// the inverted side goes from a picture back to its authors.
func TestRelations_PolymorphicThrough(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t),
			`{"name": "Author", "base": "PersistedModel", "properties": {"name": "string"},
			  "relations": {"pictures": {"type": "hasMany", "model": "Picture", "through": "PictureLink",
			    "polymorphic": "imageable", "keyThrough": "pictureId"}}}`,
			`{"name": "Book", "base": "PersistedModel", "properties": {"title": "string"},
			  "relations": {"pictures": {"type": "hasMany", "model": "Picture", "through": "PictureLink",
			    "polymorphic": "imageable", "keyThrough": "pictureId"}}}`,
			`{"name": "Picture", "base": "PersistedModel", "properties": {"name": "string"},
			  "relations": {"authors": {"type": "hasMany", "model": "Author", "through": "PictureLink",
			    "polymorphic": "imageable", "invert": true, "foreignKey": "pictureId"}}}`,
			`{"name": "PictureLink", "base": "PersistedModel", "properties": {}}`)
		for _, d := range []string{`{"name": "Ann"}`, `{"name": "Bo"}`} {
			_, err := db.Create(ctx, "Author", obj(t, d))
			require.NoError(t, err)
		}
		_, err := db.Create(ctx, "Book", obj(t, `{"title": "Same id as Ann"}`))
		require.NoError(t, err)
		p1, err := db.RelatedCreate(ctx, "Author", 1.0, "pictures", obj(t, `{"name": "ann.png"}`))
		require.NoError(t, err)
		_, err = db.RelatedCreate(ctx, "Book", 1.0, "pictures", obj(t, `{"name": "cover.png"}`))
		require.NoError(t, err)
		link, err := db.Link(ctx, "Author", 2.0, "pictures", p1.(map[string]any)["id"], nil)
		require.NoError(t, err)
		require.Equal(t, "Author", link.(map[string]any)["imageableType"])

		// Author 1 and Book 1 share the id 1: the discriminator keeps them apart.
		got, err := db.RelatedGet(ctx, "Author", 1.0, "pictures", nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, "ann.png", got.([]map[string]any)[0]["name"])
		got, err = db.RelatedGet(ctx, "Book", 1.0, "pictures", nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		require.Equal(t, "cover.png", got.([]map[string]any)[0]["name"])
		n, err := db.RelatedCount(ctx, "Book", 1.0, "pictures", nil)
		require.NoError(t, err)
		require.Equal(t, 1, n)

		// The inverted side: the authors of a picture, not its books.
		got, err = db.RelatedGet(ctx, "Picture", 1.0, "authors", nil)
		require.NoError(t, err)
		require.Equal(t, []any{1.0, 2.0}, ids(got.([]map[string]any)))
		got, err = db.RelatedGet(ctx, "Picture", 2.0, "authors", nil)
		require.NoError(t, err)
		require.Empty(t, got, "picture 2 belongs to a book")

		// Include on both sides.
		recs, err := db.Find(ctx, "Author", obj(t, `{"include": "pictures"}`))
		require.NoError(t, err)
		require.Len(t, recs[0]["pictures"], 1)
		require.Len(t, recs[1]["pictures"], 1)
		ok, err := db.LinkExists(ctx, "Book", 1.0, "pictures", 1.0)
		require.NoError(t, err)
		require.False(t, ok, "Author 1's link is not Book 1's")
		require.NoError(t, db.Unlink(ctx, "Author", 2.0, "pictures", 1.0))
		got, err = db.RelatedGet(ctx, "Picture", 1.0, "authors", nil)
		require.NoError(t, err)
		require.Equal(t, []any{1.0}, ids(got.([]map[string]any)))
		mustCheck(t, db)
	})
}

// A parent write validates what its relations store inside it.
func TestRelations_EmbeddedAndReferencesValidation(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t),
			`{"name": "Email", "base": "Model", "idInjection": false,
			  "properties": {"id": {"type": "number", "id": true}, "address": {"type": "string", "required": true}}}`,
			`{"name": "Address", "base": "Model", "properties": {"city": {"type": "string", "required": true}}}`,
			`{"name": "Product", "base": "PersistedModel", "properties": {"name": "string"}}`,
			`{"name": "Customer", "base": "PersistedModel", "properties": {"name": "string"},
			  "relations": {
			    "emails": {"type": "embedsMany", "model": "Email", "property": "emailList"},
			    "address": {"type": "embedsOne", "model": "Address", "property": "addressItem"},
			    "favs": {"type": "referencesMany", "model": "Product", "foreignKey": "favIds"}}}`)
		cases := []struct{ name, data, prop, code string }{
			{"embedded item without a required property", `{"emailList": [{"id": 1}]}`, "emailList", "invalid"},
			{"duplicate embedded ids", `{"emailList": [{"id": 1, "address": "a@x"}, {"id": 1, "address": "b@x"}]}`, "emailList", "uniqueness"},
			{"invalid embedsOne", `{"addressItem": {}}`, "addressItem", "invalid"},
			{"duplicate referenced ids", `{"favIds": [1, 2, 1]}`, "favs", "uniqueness"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.Create(ctx, "Customer", obj(t, c.data))
				var verr *ValidationError
				require.ErrorAs(t, err, &verr)
				require.Equal(t, []string{c.code}, verr.Codes[c.prop], verr.Error())
			})
		}
		r, err := db.Create(ctx, "Customer", obj(t, `{"emailList": [{"id": 1, "address": "a@x"}], "addressItem": {"city": "Paris"}, "favIds": [2, 1]}`))
		require.NoError(t, err)
		_, err = db.PatchByID(ctx, "Customer", r["id"], obj(t, `{"favIds": [3, 3]}`))
		var verr *ValidationError
		require.ErrorAs(t, err, &verr)
		mustCheck(t, db)
	})
}

// Explain shows a relation condition answered from the related side.
func TestExplain_SemiJoin(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t),
			`{"name": "Customer", "base": "PersistedModel", "properties": {"city": {"type": "string", "index": true}},
			  "relations": {"orders": {"type": "hasMany", "model": "Order", "foreignKey": "customerId"}}}`,
			`{"name": "Order", "base": "PersistedModel", "properties": {"total": "number"},
			  "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"}}}`)
		p, err := db.Explain("Order", obj(t, `{"where": {"customer.city": "C7"}}`))
		require.NoError(t, err)
		require.Equal(t, "Order semi-join via customer; order primary key\n  from customer: Customer index city_idx(city) eq (1 spans); order primary key\n", p.String())
		p, err = db.Explain("Customer", obj(t, `{"where": {"orders": {"some": {"total": {"gt": 5}}}}}`))
		require.NoError(t, err)
		require.Equal(t, "semi-join", p.Access, p.String())
		p, err = db.Explain("Customer", obj(t, `{"where": {"orders": {"none": {"total": {"gt": 5}}}}}`))
		require.NoError(t, err)
		require.Equal(t, "scan", p.Access, "none cannot start from the related side")
	})
}
