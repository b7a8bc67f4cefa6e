package engine

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/storage"
)

const bookModel = `{"name": "Book", "base": "PersistedModel", "idInjection": true,
  "properties": {"title": {"type": "string", "required": true}, "author": "string",
    "pages": "number", "inStock": {"type": "boolean", "default": false},
    "published": "date", "tags": ["string"]}}`

func TestCRUD_IDCounter(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), bookModel,
			`{"name": "Tag", "base": "PersistedModel", "idInjection": false,
			  "properties": {"slug": {"type": "string", "id": true}, "label": "string", "weight": {"type": "number", "default": 1}}}`,
			`{"name": "Free", "base": "PersistedModel", "forceId": false, "properties": {"name": "string"}}`)

		// Generated ids count from 1; a 422 does not advance the counter.
		r1, err := db.Create(ctx, "Book", obj(t, `{"title": "A"}`))
		require.NoError(t, err)
		require.Equal(t, 1.0, r1["id"])
		_, err = db.Create(ctx, "Book", obj(t, `{"pages": 3}`))
		var verr *ValidationError
		require.ErrorAs(t, err, &verr)
		r2, err := db.Create(ctx, "Book", obj(t, `{"title": "B"}`))
		require.NoError(t, err)
		require.Equal(t, 2.0, r2["id"])

		// forceId (the default for generated ids): a client id is a 422.
		_, err = db.Create(ctx, "Book", obj(t, `{"title": "C", "id": 10}`))
		require.ErrorAs(t, err, &verr)
		require.Equal(t, []string{"absence"}, verr.Codes["id"])
		require.Equal(t, "The `Book` instance is not valid. Details: `id` can't be set (value: 10).", verr.Error())

		// forceId false: an explicit id above the counter moves it.
		_, err = db.Create(ctx, "Free", obj(t, `{"id": 77, "name": "x"}`))
		require.NoError(t, err)
		r, err := db.Create(ctx, "Free", obj(t, `{"name": "y"}`))
		require.NoError(t, err)
		require.Equal(t, 78.0, r["id"])

		// String ids: a duplicate is a 409 that still advances the counter;
		// a missing string id gets the counter as a string.
		_, err = db.Create(ctx, "Tag", obj(t, `{"slug": "go"}`))
		require.NoError(t, err)
		_, err = db.Create(ctx, "Tag", obj(t, `{"slug": "node"}`))
		require.NoError(t, err)
		_, err = db.Create(ctx, "Tag", obj(t, `{"slug": "go"}`))
		require.True(t, errors.Is(err, ErrDuplicateID), "%v", err)
		require.EqualError(t, err, "Duplicate entry for Tag.slug")
		tag, err := db.Create(ctx, "Tag", obj(t, `{"label": "No slug"}`))
		require.NoError(t, err)
		require.Equal(t, "4", tag["slug"])
		require.Equal(t, 1.0, tag["weight"])
		mustCheck(t, db)
	})
}

func TestCRUD_Coercion(t *testing.T) {
	cases := []struct {
		name    string
		data    string
		want    map[string]any
		errProp string
		errCode string
	}{
		{"numeric string to number", `{"title": "t", "pages": "99"}`, map[string]any{"pages": 99.0}, "", ""},
		{"number to string", `{"title": 12}`, map[string]any{"title": "12"}, "", ""},
		{"true string", `{"title": "t", "inStock": "true"}`, map[string]any{"inStock": true}, "", ""},
		{"zero string", `{"title": "t", "inStock": "0"}`, map[string]any{"inStock": false}, "", ""},
		{"date only", `{"title": "t", "published": "2001-02-03"}`, map[string]any{"published": time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC)}, "", ""},
		{"date millis", `{"title": "t", "published": 0}`, map[string]any{"published": time.Unix(0, 0).UTC()}, "", ""},
		{"string array items", `{"title": "t", "tags": [1, "b"]}`, map[string]any{"tags": []any{"1", "b"}}, "", ""},
		{"non-numeric number", `{"title": "t", "pages": "abc"}`, nil, "pages", "number"},
		{"maybe boolean", `{"title": "t", "inStock": "maybe"}`, nil, "inStock", "boolean"},
		{"invalid date", `{"title": "t", "published": "not a date"}`, nil, "published", "date"},
		{"object for string", `{"title": {"a": 1}}`, nil, "title", "type"},
		{"scalar for array", `{"title": "t", "tags": 5}`, nil, "tags", "type"},
		{"required blank", `{"title": ""}`, nil, "title", "presence"},
		{"required null", `{"title": null}`, nil, "title", "presence"},
	}
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), bookModel)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				rec, err := db.Create(ctx, "Book", obj(t, c.data))
				if c.errProp != "" {
					var verr *ValidationError
					require.ErrorAs(t, err, &verr)
					require.Equal(t, []string{c.errCode}, verr.Codes[c.errProp], verr.Error())
					return
				}
				require.NoError(t, err)
				for k, v := range c.want {
					require.Equal(t, v, rec[k], k)
				}
			})
		}
		mustCheck(t, db)
	})
}

func TestCRUD_ValidationMessages(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name": "Customer", "base": "PersistedModel", "strict": true,
		  "properties": {"name": {"type": "string", "required": true}, "age": "number"}}`)
		cases := []struct{ data, msg string }{
			{`{"age": 20}`, "The `Customer` instance is not valid. Details: `name` can't be blank (value: undefined)."},
			{`{"name": ""}`, "The `Customer` instance is not valid. Details: `name` can't be blank (value: \"\")."},
			{`{"name": null}`, "The `Customer` instance is not valid. Details: `name` can't be blank (value: null)."},
			{`{"name": "Bo", "nickname": "bobo"}`, "The `Customer` instance is not valid. Details: `nickname` is not defined in the model (value: undefined)."},
		}
		for _, c := range cases {
			_, err := db.Create(ctx, "Customer", obj(t, c.data))
			var verr *ValidationError
			require.ErrorAs(t, err, &verr, c.data)
			require.Equal(t, c.msg, verr.Error())
		}
		rec, err := db.Create(ctx, "Customer", obj(t, `{"name": "Ada"}`))
		require.NoError(t, err)
		_, err = db.PatchByID(ctx, "Customer", rec["id"], obj(t, `{"nickname": "ada"}`))
		var verr *ValidationError
		require.ErrorAs(t, err, &verr)
		require.Equal(t, []string{"unknown-property"}, verr.Codes["nickname"])
	})
}

func TestCRUD_StrictModes(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t),
			`{"name": "Loose", "base": "PersistedModel", "properties": {"name": "string"}}`,
			`{"name": "Filtered", "base": "PersistedModel", "strict": "filter", "properties": {"name": "string"}}`)
		r, err := db.Create(ctx, "Loose", obj(t, `{"name": "a", "extra": {"x": 1}}`))
		require.NoError(t, err)
		require.Equal(t, map[string]any{"x": 1.0}, r["extra"])
		r, err = db.Create(ctx, "Filtered", obj(t, `{"name": "a", "extra": 1}`))
		require.NoError(t, err)
		require.NotContains(t, r, "extra")
		got, err := db.FindByID(ctx, "Filtered", r["id"], nil)
		require.NoError(t, err)
		require.NotContains(t, got, "extra")
	})
}

func TestCRUD_HiddenAndDefaults(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name": "Login", "base": "PersistedModel", "hidden": ["password"],
		  "properties": {"email": {"type": "string", "required": true}, "password": "string",
		    "status": {"type": "string", "default": "new"}, "labels": {"type": ["string"], "default": []},
		    "createdAt": {"type": "date", "defaultFn": "now"}}}`)
		r, err := db.Create(ctx, "Login", obj(t, `{"email": "a@x", "password": "pw"}`))
		require.NoError(t, err)
		require.NotContains(t, r, "password")
		require.Equal(t, "new", r["status"])
		require.Equal(t, []any{}, r["labels"])
		created := r["createdAt"].(time.Time)
		// null is not undefined: no default.
		r2, err := db.Create(ctx, "Login", obj(t, `{"email": "b@x", "status": null}`))
		require.NoError(t, err)
		require.Nil(t, r2["status"])
		require.Contains(t, r2, "status")
		// Replace restores defaults but keeps the "now" timestamp.
		time.Sleep(2 * time.Millisecond)
		r3, err := db.ReplaceByID(ctx, "Login", r["id"], obj(t, `{"email": "c@x"}`))
		require.NoError(t, err)
		require.Equal(t, "new", r3["status"])
		require.True(t, created.Equal(r3["createdAt"].(time.Time)))
		// The hidden property is stored: a where on it is refused by the
		// filter layer, but fields never shows it.
		recs, err := db.Find(ctx, "Login", map[string]any{"fields": map[string]any{"email": true, "password": true}})
		require.NoError(t, err)
		for _, rec := range recs {
			require.NotContains(t, rec, "password")
		}
	})
}

func TestCRUD_ReplacePatchUpsert(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), bookModel)
		for _, title := range []string{"Dune", "Emma", "Ubik"} {
			_, err := db.Create(ctx, "Book", map[string]any{"title": title, "pages": 100.0})
			require.NoError(t, err)
		}
		// PATCH merges.
		r, err := db.PatchByID(ctx, "Book", "2", obj(t, `{"pages": 480, "inStock": true}`))
		require.NoError(t, err)
		require.Equal(t, "Emma", r["title"])
		require.Equal(t, 480.0, r["pages"])
		_, err = db.PatchByID(ctx, "Book", 999.0, obj(t, `{"pages": 1}`))
		require.EqualError(t, err, "could not find a model with id 999")
		// Changing the id is a 400.
		_, err = db.PatchByID(ctx, "Book", 2.0, obj(t, `{"id": 77}`))
		require.True(t, errors.Is(err, ErrBadRequest), "%v", err)
		// PUT replaces.
		r, err = db.ReplaceByID(ctx, "Book", 3.0, obj(t, `{"title": "Ubik 2"}`))
		require.NoError(t, err)
		require.NotContains(t, r, "pages")
		require.Equal(t, false, r["inStock"])
		_, err = db.ReplaceByID(ctx, "Book", 999.0, obj(t, `{"title": "x"}`))
		require.EqualError(t, err, "Could not replace. Object with id 999 does not exist!")
		// replaceOrCreate / upsert.
		r, err = db.ReplaceOrCreate(ctx, "Book", obj(t, `{"id": 1, "title": "Dune", "pages": 500}`))
		require.NoError(t, err)
		require.Equal(t, 500.0, r["pages"])
		_, err = db.ReplaceOrCreate(ctx, "Book", obj(t, `{"id": 8, "title": "x"}`))
		require.EqualError(t, err, "Could not replace. Object with id 8 does not exist!")
		r, err = db.Upsert(ctx, "Book", obj(t, `{"title": "new"}`))
		require.NoError(t, err)
		require.Equal(t, 4.0, r["id"])
		_, err = db.Upsert(ctx, "Book", obj(t, `{"id": 50, "title": "x"}`))
		require.EqualError(t, err, "Could not update attributes. Object with id 50 does not exist!")
		// Delete by id answers a count.
		n, err := db.DeleteByID(ctx, "Book", 1.0)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = db.DeleteByID(ctx, "Book", 1.0)
		require.NoError(t, err)
		require.Equal(t, 0, n)
		// Ids are never reused.
		r, err = db.Create(ctx, "Book", obj(t, `{"title": "after"}`))
		require.NoError(t, err)
		require.Equal(t, 5.0, r["id"])
		// Path ids are coerced: "01" is 1... here 2.
		got, err := db.FindByID(ctx, "Book", "02", nil)
		require.NoError(t, err)
		require.Equal(t, 2.0, got["id"])
		_, err = db.FindByID(ctx, "Book", "abc", nil)
		require.EqualError(t, err, `Unknown "Book" id "abc".`)
		mustCheck(t, db)
	})
}

func TestCRUD_JSONSchema(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name": "User", "base": "PersistedModel", "properties": {
		  "name": {"type": "string", "jsonSchema": {"minLength": 2, "maxLength": 5}},
		  "email": {"type": "string", "jsonSchema": {"format": "email"}},
		  "code": {"type": "string", "jsonSchema": {"pattern": "^[A-Z]+$", "errorMessage": "must be capitals"}},
		  "age": {"type": "number", "jsonSchema": {"minimum": 0, "maximum": 150}},
		  "role": {"type": "string", "jsonSchema": {"enum": ["admin", "user"]}}}}`)
		cases := []struct{ data, prop, code string }{
			{`{"name": "a"}`, "name", "minLength"},
			{`{"name": "abcdef"}`, "name", "maxLength"},
			{`{"email": "nope"}`, "email", "format"},
			{`{"code": "abc"}`, "code", "pattern"},
			{`{"age": -1}`, "age", "minimum"},
			{`{"age": 200}`, "age", "maximum"},
			{`{"role": "root"}`, "role", "enum"},
		}
		for _, c := range cases {
			_, err := db.Create(ctx, "User", obj(t, c.data))
			var verr *ValidationError
			require.ErrorAs(t, err, &verr, c.data)
			require.Equal(t, []string{c.code}, verr.Codes[c.prop], c.data)
		}
		_, err := db.Create(ctx, "User", obj(t, `{"code": "abc"}`))
		var verr *ValidationError
		require.ErrorAs(t, err, &verr)
		require.Equal(t, []string{"must be capitals"}, verr.Messages["code"])
		_, err = db.Create(ctx, "User", obj(t, `{"name": "abc", "email": "a@b.co", "code": "ABC", "age": 30, "role": "admin"}`))
		require.NoError(t, err)
		// Constraints hold for updates too.
		_, err = db.PatchByID(ctx, "User", 1.0, obj(t, `{"age": 151}`))
		require.ErrorAs(t, err, &verr)
		n, err := db.UpdateAll(ctx, "User", nil, obj(t, `{"age": -5}`))
		require.ErrorAs(t, err, &verr)
		require.Equal(t, 0, n)
	})
}

func TestCRUD_UniqueIndex(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name": "Account", "base": "PersistedModel",
		  "properties": {"email": {"type": "string", "index": {"unique": true}}, "name": "string"}}`)
		_, err := db.Create(ctx, "Account", obj(t, `{"email": "a@x", "name": "a"}`))
		require.NoError(t, err)
		_, err = db.Create(ctx, "Account", obj(t, `{"email": "a@x", "name": "b"}`))
		require.True(t, errors.Is(err, ErrUniqueViolation), "%v", err)
		// Nulls never collide.
		_, err = db.Create(ctx, "Account", obj(t, `{"name": "c"}`))
		require.NoError(t, err)
		_, err = db.Create(ctx, "Account", obj(t, `{"name": "d"}`))
		require.NoError(t, err)
		// A refused write writes nothing.
		n, err := db.Count(ctx, "Account", nil)
		require.NoError(t, err)
		require.Equal(t, 3, n)
		_, err = db.PatchByID(ctx, "Account", 3.0, obj(t, `{"email": "a@x"}`))
		require.True(t, errors.Is(err, ErrUniqueViolation))
		r, err := db.FindByID(ctx, "Account", 3.0, nil)
		require.NoError(t, err)
		require.Nil(t, r["email"])
		mustCheck(t, db)
	})
}

func TestTx_AtomicAndReadsOwnWrites(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), bookModel)
		boom := errors.New("boom")
		err := db.Update(ctx, func(tx *Tx) error {
			_, err := tx.Create("Book", obj(t, `{"title": "in tx"}`))
			require.NoError(t, err)
			recs, err := tx.Find("Book", map[string]any{"where": map[string]any{"title": "in tx"}})
			require.NoError(t, err)
			require.Len(t, recs, 1)
			return boom
		})
		require.ErrorIs(t, err, boom)
		n, err := db.Count(ctx, "Book", nil)
		require.NoError(t, err)
		require.Equal(t, 0, n)
		// A failed operation inside a committed tx leaves nothing behind.
		err = db.Update(ctx, func(tx *Tx) error {
			if _, err := tx.Create("Book", obj(t, `{"title": "ok"}`)); err != nil {
				return err
			}
			_, err := tx.Create("Book", obj(t, `{"pages": 1}`))
			require.Error(t, err)
			return nil
		})
		require.NoError(t, err)
		recs, err := db.Find(ctx, "Book", nil)
		require.NoError(t, err)
		require.Len(t, recs, 1)
		// A snapshot does not see later writes.
		err = db.View(ctx, func(tx *Tx) error {
			_, err := db.Create(ctx, "Book", obj(t, `{"title": "later"}`))
			require.NoError(t, err)
			recs, err := tx.Find("Book", nil)
			require.NoError(t, err)
			require.Len(t, recs, 1)
			return nil
		})
		require.NoError(t, err)
		mustCheck(t, db)
	})
}

func TestQuery_NearOrdersByDistance(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name": "Shop", "base": "PersistedModel",
		  "properties": {"name": "string", "loc": "geopoint"}}`)
		for _, s := range []string{
			`{"name": "far", "loc": {"lat": 48.8566, "lng": 2.3522}}`,
			`{"name": "none"}`,
			`{"name": "near", "loc": {"lat": 51.51, "lng": -0.13}}`,
			`{"name": "mid", "loc": "52.2053,0.1218"}`,
		} {
			_, err := db.Create(ctx, "Shop", obj(t, s))
			require.NoError(t, err)
		}
		recs, err := db.Find(ctx, "Shop", obj(t, `{"where": {"loc": {"near": {"lat": 51.5074, "lng": -0.1278}}}, "limit": 2, "order": "name ASC"}`))
		require.NoError(t, err)
		require.Len(t, recs, 2)
		require.Equal(t, "near", recs[0]["name"])
		require.Equal(t, "mid", recs[1]["name"])
		recs, err = db.Find(ctx, "Shop", obj(t, `{"where": {"loc": {"near": "51.5074,-0.1278", "maxDistance": 100, "unit": "kilometers"}}}`))
		require.NoError(t, err)
		require.Len(t, recs, 2, "Paris is beyond 100 km; rows without a location never match")
	})
}
