package fuzz

import (
	"testing"

	"github.com/relstore/relstore/engine"
)

// TestTxFailedOperationIsAtomic checks the promise of engine.Tx: "Each
// operation of a Tx is itself atomic: an operation that fails leaves no
// partial write behind, so a caller may handle the error and go on."
//
// The caller handles the error and goes on; whether Commit then refuses
// the transaction (the engine marks a transaction whose operation failed
// after writing as aborted, ErrTxAborted) or stores it, the store must not
// hold half of the failed operation. Cases: an updateAll that the unique
// index stops at its second record, a deleteAll that a restrict policy
// stops at its second record, a cascading delete that a restrict policy
// stops at its second child. (The first two used to commit their first
// write.)
func TestTxFailedOperationIsAtomic(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name+"/updateAll", func(t *testing.T) {
			db := openDB(t, b.open(t), &engine.Options{NoSync: true}, libraryModels...)
			for _, e := range []string{"a@x", "b@x"} {
				if _, err := db.Create(bg, "Author", map[string]any{"name": e, "email": e}); err != nil {
					t.Fatal(err)
				}
			}
			before, _ := db.Find(bg, "Author", nil)
			err := db.Update(bg, func(tx *engine.Tx) error {
				if _, err := tx.UpdateAll("Author", nil, map[string]any{"email": "same@x"}); err == nil {
					t.Error("updateAll giving two authors one email succeeded")
				}
				return nil // handle the error and go on, as the documentation allows
			})
			t.Logf("commit after the failed operation: %v", err)
			after, _ := db.Find(bg, "Author", nil)
			if jsonText(before) != jsonText(after) {
				t.Errorf("the failed updateAll left a partial write:\nbefore %s\nafter  %s", jsonText(before), jsonText(after))
			}
			mustCheck(t, db)
		})
		t.Run(b.name+"/deleteAll", func(t *testing.T) {
			db := openDB(t, b.open(t), &engine.Options{NoSync: true},
				`{"name": "Kid", "base": "PersistedModel", "properties": {"n": "string"},
				  "relations": {"toys": {"type": "hasMany", "model": "Toy", "foreignKey": "kidId", "onDelete": "restrict"}}}`,
				`{"name": "Toy", "base": "PersistedModel", "properties": {"n": "string"}}`)
			db.Create(bg, "Kid", map[string]any{"n": "k1"})
			k2, _ := db.Create(bg, "Kid", map[string]any{"n": "k2"})
			db.Create(bg, "Toy", map[string]any{"n": "t", "kidId": k2["id"]})
			err := db.Update(bg, func(tx *engine.Tx) error {
				if _, err := tx.DeleteAll("Kid", nil); err == nil {
					t.Error("a deleteAll that a restrict policy blocks succeeded")
				}
				return nil
			})
			t.Logf("commit after the failed operation: %v", err)
			if n, _ := db.Count(bg, "Kid", nil); n != 2 {
				t.Errorf("the refused deleteAll removed %d of the 2 kids", 2-n)
			}
			mustCheck(t, db)
		})
		t.Run(b.name+"/cascade", func(t *testing.T) {
			db := openDB(t, b.open(t), &engine.Options{NoSync: true},
				`{"name": "Parent", "base": "PersistedModel", "properties": {"n": "string"},
				  "relations": {"kids": {"type": "hasMany", "model": "Kid", "foreignKey": "parentId", "onDelete": "cascade"}}}`,
				`{"name": "Kid", "base": "PersistedModel", "properties": {"n": "string"},
				  "relations": {"toys": {"type": "hasMany", "model": "Toy", "foreignKey": "kidId", "onDelete": "restrict"}}}`,
				`{"name": "Toy", "base": "PersistedModel", "properties": {"n": "string"}}`)
			p, _ := db.Create(bg, "Parent", map[string]any{"n": "p"})
			db.Create(bg, "Kid", map[string]any{"n": "k1", "parentId": p["id"]})
			k2, _ := db.Create(bg, "Kid", map[string]any{"n": "k2", "parentId": p["id"]})
			db.Create(bg, "Toy", map[string]any{"n": "t", "kidId": k2["id"]})
			err := db.Update(bg, func(tx *engine.Tx) error {
				if _, err := tx.DeleteByID("Parent", p["id"]); err == nil {
					t.Error("a delete that a restrict policy blocks succeeded")
				}
				return nil
			})
			t.Logf("commit after the failed operation: %v", err)
			if n, _ := db.Count(bg, "Kid", nil); n != 2 {
				t.Errorf("the refused cascading delete removed %d of the 2 kids", 2-n)
			}
			mustCheck(t, db)
		})
	}
}

// TestTxRefusedCreateKeepsIDCounter: a create that the unique index
// refuses does not advance the model's id counter at the DB level (the
// next generated id is the one it would have taken); inside a transaction
// that goes on after the error it must not either, or the failed operation
// has left a write behind (it used to keep the advance).
func TestTxRefusedCreateKeepsIDCounter(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db := openDB(t, b.open(t), &engine.Options{NoSync: true}, libraryModels...)
			if _, err := db.Create(bg, "Author", map[string]any{"name": "a", "email": "a@x"}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Create(bg, "Author", map[string]any{"name": "b", "email": "a@x"}); err == nil {
				t.Fatal("duplicate email accepted")
			}
			r, err := db.Create(bg, "Author", map[string]any{"name": "c"})
			if err != nil || r["id"] != 2.0 {
				t.Fatalf("after a refused DB-level create: id %v, %v; want 2", r["id"], err)
			}
			err = db.Update(bg, func(tx *engine.Tx) error {
				if _, err := tx.Create("Author", map[string]any{"name": "d", "email": "a@x"}); err == nil {
					t.Error("duplicate email accepted")
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			r, err = db.Create(bg, "Author", map[string]any{"name": "e"})
			if err != nil || r["id"] != 3.0 {
				t.Errorf("after a create refused inside a transaction: id %v, %v; want 3", r["id"], err)
			}
			mustCheck(t, db)
		})
	}
}
