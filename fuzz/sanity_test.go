package fuzz

import "testing"

func TestSanityModels(t *testing.T) {
	db := openDB(t, memPebble(t), nil, libraryModels...)
	a, err := db.Create(bg, "Author", map[string]any{"name": "a", "email": "x", "password": "pw"})
	t.Log(a, err)
	b, err := db.Create(bg, "Book", map[string]any{"title": "t", "authorId": a["id"], "cost": 3})
	t.Log(b, err)
	_, err = db.Create(bg, "Author", map[string]any{"name": "b", "email": "x"})
	t.Log(err)
	n, err := db.DeleteByID(bg, "Author", a["id"])
	t.Log(n, err)
	c, _ := db.Count(bg, "Book", nil)
	t.Log(c)
	for _, m := range []string{"Author", "Book", "BookTag"} {
		t.Logf("%+v", db.Model(m).Relations)
		t.Logf("%+v", db.Model(m).Indexes)
	}
	mustCheck(t, db)
}
