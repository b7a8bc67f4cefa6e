package engine

import (
	"reflect"
	"testing"

	"github.com/relstore/relstore/storage"
	"github.com/stretchr/testify/require"
)

// sameMap reports whether a and b are the same map object.
func sameMap(a, b map[string]any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

func TestShareRecords(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(t testing.TB) storage.Engine) {
		db := openDB(t, open(t),
			`{"name": "Author", "hidden": ["secret"], "properties": {"id": {"type": "number", "id": true}, "name": "string", "secret": "string"},
			  "relations": {"books": {"type": "hasMany", "model": "Book", "foreignKey": "authorId"}}}`,
			`{"name": "Book", "properties": {"id": {"type": "number", "id": true}, "title": "string", "authorId": "number"},
			  "relations": {"author": {"type": "belongsTo", "model": "Author", "foreignKey": "authorId"}}}`)
		_, err := db.Create(ctx, "Author", obj(t, `{"id": 1, "name": "Ann", "secret": "s"}`))
		require.NoError(t, err)
		for i, title := range []string{"A", "B"} {
			_, err := db.Create(ctx, "Book", map[string]any{"id": float64(i + 1), "title": title, "authorId": 1.0})
			require.NoError(t, err)
		}

		// reads runs the same reads in one transaction, sharing or not.
		type result struct {
			book, book2, author, withBooks, books, related, patched any
			authorByID                                              map[string]any
		}
		reads := func(share bool) result {
			var r result
			require.NoError(t, db.Update(ctx, func(tx *Tx) error {
				require.False(t, tx.ShareRecords(share), "the default is not to share")
				p, err := tx.PatchByID("Book", 2.0, obj(t, `{"title": "B2"}`))
				require.NoError(t, err)
				b, err := tx.FindByID("Book", 1.0, nil)
				require.NoError(t, err)
				b2, err := tx.FindByID("Book", 1.0, nil)
				require.NoError(t, err)
				a, err := tx.FindByID("Author", 1.0, nil)
				require.NoError(t, err)
				wb, err := tx.Find("Author", obj(t, `{"include": "books"}`))
				require.NoError(t, err)
				bs, err := tx.Find("Book", obj(t, `{"order": "id ASC"}`))
				require.NoError(t, err)
				rel, err := tx.RelatedGet("Book", 1.0, "author", nil)
				require.NoError(t, err)
				r = result{book: b, book2: b2, author: a, withBooks: wb, books: bs, related: rel, patched: p}
				r.authorByID, err = tx.FindByID("Author", 1.0, nil)
				require.NoError(t, err)
				require.Equal(t, share, tx.ShareRecords(false), "ShareRecords returns the previous setting")
				return nil
			}))
			return r
		}
		copied := reads(false)
		shared := reads(true)
		// The same answers either way (the patch writes the same value twice).
		require.Equal(t, copied.book, shared.book)
		require.Equal(t, copied.author, shared.author)
		require.Equal(t, copied.withBooks, shared.withBooks)
		require.Equal(t, copied.books, shared.books)
		require.Equal(t, copied.related, shared.related)
		require.Equal(t, copied.patched, shared.patched)

		// Hidden properties stay hidden; an include attaches to a fresh map,
		// never to the stored record.
		require.NotContains(t, shared.author, "secret")
		require.NotContains(t, shared.authorByID, "books")
		require.Len(t, shared.withBooks.([]map[string]any)[0]["books"], 2)

		// Copies are distinct maps; on a memory store, shared reads of one
		// record are the stored map itself.
		require.False(t, sameMap(copied.book.(map[string]any), copied.book2.(map[string]any)))
		if db.memRecords {
			require.True(t, sameMap(shared.book.(map[string]any), shared.book2.(map[string]any)))
		}
		mustCheck(t, db)
	})
}

// TestShareRecords_IncludeCopiesParents: with shared reads, a parent that
// gets a relation attached is a copy (shape copies it before the include
// when no property is hidden); the stored record never gets the relation,
// and shared reads without include still return the stored map. A nested
// include attaches to copies of the children too.
func TestShareRecords_IncludeCopiesParents(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(t testing.TB) storage.Engine) {
		db := openDB(t, open(t),
			`{"name": "Shelf", "forceId": false, "properties": {"name": "string"},
			  "relations": {"boxes": {"type": "hasMany", "model": "Box", "foreignKey": "shelfId"}}}`,
			`{"name": "Box", "forceId": false, "properties": {"label": "string"},
			  "relations": {"items": {"type": "hasMany", "model": "Thing", "foreignKey": "boxId"}}}`,
			`{"name": "Thing", "forceId": false, "properties": {"n": "number"}}`)
		_, err := db.Create(ctx, "Shelf", map[string]any{"id": 1.0, "name": "s"})
		require.NoError(t, err)
		_, err = db.Create(ctx, "Box", map[string]any{"id": 1.0, "label": "b", "shelfId": 1.0})
		require.NoError(t, err)
		_, err = db.Create(ctx, "Thing", map[string]any{"id": 1.0, "n": 5.0, "boxId": 1.0})
		require.NoError(t, err)
		err = db.View(ctx, func(tx *Tx) error {
			tx.ShareRecords(true)
			withBoxes, err := tx.Find("Shelf", obj(t, `{"include": {"boxes": "items"}}`))
			require.NoError(t, err)
			require.Len(t, withBoxes, 1)
			boxes := withBoxes[0]["boxes"].([]any)
			require.Len(t, boxes, 1)
			require.Len(t, boxes[0].(map[string]any)["items"], 1)
			plain, err := tx.FindByID("Shelf", 1.0, nil)
			require.NoError(t, err)
			require.NotContains(t, plain, "boxes", "the stored shelf got the relation")
			require.False(t, sameMap(plain, withBoxes[0]))
			box, err := tx.FindByID("Box", 1.0, nil)
			require.NoError(t, err)
			require.NotContains(t, box, "items", "the stored box got the nested relation")
			if db.memRecords {
				again, err := tx.FindByID("Shelf", 1.0, nil)
				require.NoError(t, err)
				require.True(t, sameMap(plain, again), "a shared read without include is the stored map")
			}
			return nil
		})
		require.NoError(t, err)
		mustCheck(t, db)
	})
}
