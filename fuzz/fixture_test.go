package fuzz

import (
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// The fixture: a small library with every relation of libraryModels
// populated, built identically on a memory store and on a Pebble store (on
// an in-memory file system), read-only afterwards. Secrets are recognizable
// in any answer: passwords contain "SECRET", costs are 9999.xx numbers and
// protected notes contain "PROTECTED".

const (
	secretMarker    = "SECRET"
	protectedMarker = "PROTECTED"
)

type fixture struct {
	set  *schema.Set
	mem  *engine.DB
	peb  *engine.DB
	err  error
	book *schema.Model
}

var (
	fixtureOnce sync.Once
	theFixture  fixture
)

// sharedFixture returns the process-wide fixture (built on first use; the
// DBs stay open for the life of the process).
func sharedFixture(t testing.TB) *fixture {
	t.Helper()
	fixtureOnce.Do(func() {
		theFixture.err = buildFixture(&theFixture)
	})
	if theFixture.err != nil {
		t.Fatalf("fixture: %v", theFixture.err)
	}
	return &theFixture
}

func buildFixture(fx *fixture) error {
	l := schema.NewLoader(nil)
	for _, d := range libraryModels {
		if err := l.Add([]byte(d)); err != nil {
			return err
		}
	}
	set, err := l.Resolve()
	if err != nil {
		return err
	}
	fx.set = set
	fx.book = set.Model("Book")
	peb, err := storage.OpenPebble("", &storage.PebbleOptions{FS: vfsMem(), CacheSize: 4 << 20})
	if err != nil {
		return err
	}
	for i, st := range []storage.Engine{storage.NewMemory(), peb} {
		db, err := engine.Open(st, &engine.Options{NoSync: true})
		if err != nil {
			return err
		}
		if err := db.Define(set); err != nil {
			return err
		}
		if err := populate(db); err != nil {
			return err
		}
		if i == 0 {
			fx.mem = db
		} else {
			fx.peb = db
		}
	}
	return nil
}

// fixtureRecords returns the fixture's records, model by model, in creation
// order (deterministic).
func fixtureRecords() map[string][]map[string]any {
	rng := rand.New(rand.NewSource(1))
	out := map[string][]map[string]any{}
	names := []string{"ada", "bob", "cy", "dee", "eve", "fay", "gus", "hal"}
	genres := []string{"sf", "poetry", "crime", "SF", "crime "}
	for i := 1; i <= 8; i++ {
		a := map[string]any{"id": float64(i), "name": names[i-1], "password": fmt.Sprintf("pw-%s-%d", secretMarker, i),
			"notes": fmt.Sprintf("note-%s-%d", protectedMarker, i)}
		if i%4 != 0 {
			a["email"] = fmt.Sprintf("%s@example.com", names[i-1])
		}
		switch i % 3 {
		case 0:
			a["age"] = float64(15 + i*3)
		case 1:
			a["age"] = nil
		}
		out["Author"] = append(out["Author"], a)
	}
	for i := 1; i <= 30; i++ {
		b := map[string]any{"id": float64(i), "title": fmt.Sprintf("t%02d %s", i, names[rng.Intn(len(names))]),
			"authorId": float64(1 + rng.Intn(9)), "cost": 9999 + float64(i)/100}
		if rng.Intn(5) > 0 {
			b["pages"] = float64(rng.Intn(5) * 100)
		}
		if rng.Intn(6) > 0 {
			b["genre"] = genres[rng.Intn(len(genres))]
		}
		if i%10 == 0 {
			b["extra"] = map[string]any{"n": float64(i), "tags": []any{"x", float64(i)}}
		}
		out["Book"] = append(out["Book"], b)
	}
	for i := 1; i <= 40; i++ {
		out["Review"] = append(out["Review"], map[string]any{"bookId": float64(1 + rng.Intn(32)),
			"stars": float64(rng.Intn(6)), "body": names[rng.Intn(len(names))]})
	}
	for i, l := range []string{"new", "old", "long", "short"} {
		out["Tag"] = append(out["Tag"], map[string]any{"id": float64(i + 1), "label": l})
	}
	for i := 0; i < 25; i++ {
		out["BookTag"] = append(out["BookTag"], map[string]any{"bookId": float64(1 + rng.Intn(30)), "tagId": float64(1 + rng.Intn(5))})
	}
	for i := 1; i <= 8; i += 2 {
		out["Profile"] = append(out["Profile"], map[string]any{"authorId": float64(i), "bio": fmt.Sprintf("bio %d", i)})
	}
	return out
}

func populate(db *engine.DB) error {
	recs := fixtureRecords()
	for _, model := range []string{"Author", "Book", "Review", "Tag", "BookTag", "Profile"} {
		if _, err := db.CreateMany(bg, model, recs[model]); err != nil {
			return fmt.Errorf("%s: %w", model, err)
		}
	}
	return nil
}
