package fuzz

import (
	"errors"
	"fmt"
	"math/rand"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/relstore/relstore/engine"
)

// TestConcurrencyStress runs writers and readers against one DB on each
// backend (memory; Pebble on disk with durable commits, so that concurrent
// commits share WAL syncs). Writers run multi-record transactions that keep
// invariants: every Author's bookCount and pageSum (dynamic properties)
// equal the number and total pages of its books, no Book outlives its
// Author (hasMany cascade), no Review its Book, and emails are unique (a
// small pool of emails makes the unique index refuse many writes). Readers
// check the invariants on every snapshot they see, through plain finds,
// includes, relation-path filters, counts and View transactions: a reader
// that saw half a transaction would break one. Afterwards Check passes, the
// Author count equals creates minus deletes, and the invariants hold.
//
//	RELSTORE_STRESS_OPS (default 120): transactions per writer
func TestConcurrencyStress(t *testing.T) {
	ops := envInt(t, "RELSTORE_STRESS_OPS", 120)
	if testing.Short() {
		ops = 30
	}
	seed := testSeed(t)
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			db := openDB(t, b.open(t), nil, libraryModels...)
			runStress(t, db, seed, 4, 4, ops)
		})
	}
}

var errStressSkip = errors.New("stress: nothing to do")

type stressCounters struct {
	authorsCreated, authorsDeleted, uniqueRefusals, commits atomic.Int64
	reads                                                   atomic.Int64
}

func runStress(t *testing.T, db *engine.DB, seed int64, writers, readers, ops int) {
	var (
		wg       sync.WaitGroup
		rwg      sync.WaitGroup
		stop     atomic.Bool
		failOnce sync.Once
		failure  error
		c        stressCounters
	)
	fail := func(err error) {
		failOnce.Do(func() { failure = err })
		stop.Store(true)
	}
	for r := 0; r < readers; r++ {
		rwg.Add(1)
		go func(r int) {
			defer rwg.Done()
			rng := rand.New(rand.NewSource(seed + 1000 + int64(r)))
			for !stop.Load() {
				if err := stressRead(db, rng, r); err != nil {
					fail(fmt.Errorf("reader %d: %w", r, err))
					return
				}
				c.reads.Add(1)
			}
		}(r)
	}
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed + int64(w)))
			for i := 0; i < ops && !stop.Load(); i++ {
				if err := stressWrite(db, rng, &c); err != nil {
					fail(fmt.Errorf("writer %d, transaction %d: %w", w, i, err))
					return
				}
			}
		}(w)
	}
	wg.Wait()
	stop.Store(true)
	rwg.Wait()
	if failure != nil {
		t.Fatal(failure)
	}
	if err := db.View(bg, func(tx *engine.Tx) error { return checkStressInvariants(tx) }); err != nil {
		t.Fatalf("final state: %v", err)
	}
	n, err := db.Count(bg, "Author", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := c.authorsCreated.Load() - c.authorsDeleted.Load(); int64(n) != want {
		t.Fatalf("%d authors, but %d were created and %d deleted", n, c.authorsCreated.Load(), c.authorsDeleted.Load())
	}
	t.Logf("%d commits, %d unique-index refusals, %d reader rounds, %d authors left", c.commits.Load(),
		c.uniqueRefusals.Load(), c.reads.Load(), n)
	mustCheck(t, db)
}

func stressEmail(rng *rand.Rand) any {
	if rng.Intn(8) == 0 {
		return nil
	}
	return fmt.Sprintf("e%d@pool", rng.Intn(25))
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

// stressWrite runs one random transaction.
func stressWrite(db *engine.DB, rng *rand.Rand, c *stressCounters) error {
	pickOne := func(tx *engine.Tx, model string) (map[string]any, error) {
		n, err := tx.Count(model, nil)
		if err != nil || n == 0 {
			return nil, errors.Join(err, errStressSkip)
		}
		recs, err := tx.Find(model, map[string]any{"skip": float64(rng.Intn(n)), "limit": 1.0})
		if err != nil || len(recs) == 0 {
			return nil, errors.Join(err, errStressSkip)
		}
		return recs[0], nil
	}
	adjust := func(tx *engine.Tx, authorID any, dn, dp float64) error {
		a, err := tx.FindByID("Author", authorID, nil)
		if err != nil {
			return err
		}
		_, err = tx.PatchByID("Author", authorID, map[string]any{"bookCount": num(a["bookCount"]) + dn, "pageSum": num(a["pageSum"]) + dp})
		return err
	}
	var fn func(tx *engine.Tx) error
	deleted := false
	switch op := rng.Intn(10); op {
	case 0, 1: // a new author, maybe with a taken email
		data := map[string]any{"name": fmt.Sprintf("n%d", rng.Intn(1000)), "bookCount": 0.0, "pageSum": 0.0, "age": float64(rng.Intn(90))}
		if e := stressEmail(rng); e != nil {
			data["email"] = e
		}
		fn = func(tx *engine.Tx) error { _, err := tx.Create("Author", data); return err }
	case 2, 3: // a book and its author's counters
		fn = func(tx *engine.Tx) error {
			a, err := pickOne(tx, "Author")
			if err != nil {
				return err
			}
			p := float64(rng.Intn(1000))
			if _, err := tx.Create("Book", map[string]any{"title": "b", "pages": p, "authorId": a["id"], "genre": []string{"sf", "crime"}[rng.Intn(2)]}); err != nil {
				return err
			}
			return adjust(tx, a["id"], 1, p)
		}
	case 4: // delete a book (its reviews cascade) and fix the counters
		fn = func(tx *engine.Tx) error {
			b, err := pickOne(tx, "Book")
			if err != nil {
				return err
			}
			if _, err := tx.DeleteByID("Book", b["id"]); err != nil {
				return err
			}
			return adjust(tx, b["authorId"], -1, -num(b["pages"]))
		}
	case 5: // move a book to another author
		fn = func(tx *engine.Tx) error {
			b, err := pickOne(tx, "Book")
			if err != nil {
				return err
			}
			a, err := pickOne(tx, "Author")
			if err != nil {
				return err
			}
			if a["id"] == b["authorId"] {
				return errStressSkip
			}
			if _, err := tx.PatchByID("Book", b["id"], map[string]any{"authorId": a["id"]}); err != nil {
				return err
			}
			if err := adjust(tx, b["authorId"], -1, -num(b["pages"])); err != nil {
				return err
			}
			return adjust(tx, a["id"], 1, num(b["pages"]))
		}
	case 6: // delete an author: its books and their reviews cascade
		fn = func(tx *engine.Tx) error {
			a, err := pickOne(tx, "Author")
			if err != nil {
				return err
			}
			n, err := tx.DeleteByID("Author", a["id"])
			deleted = n == 1
			return err
		}
	case 7: // a review
		fn = func(tx *engine.Tx) error {
			b, err := pickOne(tx, "Book")
			if err != nil {
				return err
			}
			_, err = tx.Create("Review", map[string]any{"bookId": b["id"], "stars": float64(rng.Intn(6))})
			return err
		}
	case 8: // change an email (the unique index may refuse)
		fn = func(tx *engine.Tx) error {
			a, err := pickOne(tx, "Author")
			if err != nil {
				return err
			}
			_, err = tx.PatchByID("Author", a["id"], map[string]any{"email": stressEmail(rng)})
			return err
		}
	default: // change a book's pages with updateAll, and the sums
		fn = func(tx *engine.Tx) error {
			b, err := pickOne(tx, "Book")
			if err != nil {
				return err
			}
			p := float64(rng.Intn(1000))
			n, err := tx.UpdateAll("Book", map[string]any{"id": b["id"]}, map[string]any{"pages": p})
			if err != nil || n != 1 {
				return fmt.Errorf("updateAll of book %v: %d, %w", b["id"], n, err)
			}
			return adjust(tx, b["authorId"], 0, p-num(b["pages"]))
		}
	}
	created := false
	err := db.Update(bg, func(tx *engine.Tx) error {
		before, err := tx.Count("Author", nil)
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		after, err := tx.Count("Author", nil)
		created = after == before+1
		return err
	})
	switch {
	case err == nil:
		c.commits.Add(1)
		if created {
			c.authorsCreated.Add(1)
		}
		if deleted {
			c.authorsDeleted.Add(1)
		}
		return nil
	case errors.Is(err, engine.ErrUniqueViolation):
		c.uniqueRefusals.Add(1)
		return nil
	case errors.Is(err, errStressSkip):
		return nil
	}
	return err
}

// stressRead reads the store one of several ways and checks what it saw.
func stressRead(db *engine.DB, rng *rand.Rand, r int) error {
	switch rng.Intn(5) {
	case 0: // one View transaction: every invariant on one snapshot
		return db.View(bg, func(tx *engine.Tx) error { return checkStressInvariants(tx) })
	case 1: // one find with an include
		authors, err := db.Find(bg, "Author", map[string]any{"include": "books"})
		if err != nil {
			return err
		}
		for _, a := range authors {
			books, _ := a["books"].([]map[string]any)
			if raw, ok := a["books"].([]any); ok {
				for _, b := range raw {
					books = append(books, b.(map[string]any))
				}
			}
			sum := 0.0
			for _, b := range books {
				sum += num(b["pages"])
			}
			if float64(len(books)) != num(a["bookCount"]) || sum != num(a["pageSum"]) {
				return fmt.Errorf("include: author %v has %d books (%v pages) but says %v (%v)", a["id"], len(books), sum, a["bookCount"], a["pageSum"])
			}
		}
		return nil
	case 2: // books with their author: no orphan
		books, err := db.Find(bg, "Book", map[string]any{"include": "author", "where": map[string]any{"pages": map[string]any{"gte": float64(rng.Intn(1000))}}})
		if err != nil {
			return err
		}
		for _, b := range books {
			if b["author"] == nil {
				return fmt.Errorf("book %v (author %v) has no author: a cascade was seen half done", b["id"], b["authorId"])
			}
		}
		return nil
	case 3: // relation-path filters against a naive evaluation, on one snapshot
		return db.View(bg, func(tx *engine.Tx) error {
			limit := float64(rng.Intn(1000))
			got, err := tx.Find("Author", map[string]any{"where": map[string]any{"books": map[string]any{"some": map[string]any{"pages": map[string]any{"gt": limit}}}}})
			if err != nil {
				return err
			}
			books, err := tx.Find("Book", nil)
			if err != nil {
				return err
			}
			want := map[any]bool{}
			for _, b := range books {
				if num(b["pages"]) > limit {
					want[b["authorId"]] = true
				}
			}
			if len(got) != len(want) {
				return fmt.Errorf("books.some(pages > %v): %d authors, naive %d", limit, len(got), len(want))
			}
			for _, a := range got {
				if !want[a["id"]] {
					return fmt.Errorf("books.some(pages > %v): author %v does not qualify", limit, a["id"])
				}
			}
			email := fmt.Sprintf("e%d@pool", rng.Intn(25))
			byPath, err := tx.Find("Book", map[string]any{"where": map[string]any{"author.email": email}})
			if err != nil {
				return err
			}
			owner, err := tx.Find("Author", map[string]any{"where": map[string]any{"email": email}})
			if err != nil {
				return err
			}
			n := 0
			if len(owner) == 1 {
				n, err = tx.Count("Book", map[string]any{"authorId": owner[0]["id"]})
				if err != nil {
					return err
				}
			}
			if len(owner) > 1 || len(byPath) != n {
				return fmt.Errorf("author.email = %s: %d books, %d owners with %d books", email, len(byPath), len(owner), n)
			}
			return nil
		})
	default: // counts agree with finds within one snapshot
		return db.View(bg, func(tx *engine.Tx) error {
			for _, m := range []string{"Author", "Book", "Review"} {
				n, err := tx.Count(m, nil)
				if err != nil {
					return err
				}
				all, err := tx.Find(m, nil)
				if err != nil {
					return err
				}
				if n != len(all) {
					return fmt.Errorf("%s: count %d, find %d", m, n, len(all))
				}
			}
			return nil
		})
	}
}

// checkStressInvariants checks every invariant on one snapshot.
func checkStressInvariants(tx *engine.Tx) error {
	authors, err := tx.Find("Author", nil)
	if err != nil {
		return err
	}
	books, err := tx.Find("Book", nil)
	if err != nil {
		return err
	}
	reviews, err := tx.Find("Review", nil)
	if err != nil {
		return err
	}
	type agg struct{ n, pages float64 }
	per := map[any]*agg{}
	emails := map[any]any{}
	for _, a := range authors {
		per[a["id"]] = &agg{}
		if e := a["email"]; e != nil {
			if other, dup := emails[e]; dup {
				return fmt.Errorf("authors %v and %v share the email %v", other, a["id"], e)
			}
			emails[e] = a["id"]
		}
	}
	bookIDs := map[any]bool{}
	for _, b := range books {
		bookIDs[b["id"]] = true
		g := per[b["authorId"]]
		if g == nil {
			return fmt.Errorf("book %v outlives its author %v", b["id"], b["authorId"])
		}
		g.n++
		g.pages += num(b["pages"])
	}
	for _, r := range reviews {
		if !bookIDs[r["bookId"]] {
			return fmt.Errorf("review %v outlives its book %v", r["id"], r["bookId"])
		}
	}
	ids := make([]float64, 0, len(authors))
	for _, a := range authors {
		g := per[a["id"]]
		if g.n != num(a["bookCount"]) || g.pages != num(a["pageSum"]) {
			return fmt.Errorf("author %v has %v books (%v pages) but says %v (%v): half a transaction is visible",
				a["id"], g.n, g.pages, a["bookCount"], a["pageSum"])
		}
		ids = append(ids, num(a["id"]))
	}
	if !sort.Float64sAreSorted(ids) {
		return fmt.Errorf("authors not in id order: %v", ids)
	}
	return nil
}
