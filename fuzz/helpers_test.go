package fuzz

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/storage"
)

// seedFlag overrides the seed of every randomized test of this package
// (go test ./fuzz -args -relstore.seed=N); RELSTORE_SEED does the same.
// "random" picks a seed from the clock.
var seedFlag = flag.String("relstore.seed", "", "seed of the randomized tests (a number, or \"random\")")

// testSeed returns the seed of a randomized test: -relstore.seed or
// RELSTORE_SEED when given, else a fixed seed derived from the test's name
// (so that CI is deterministic). It logs the seed and how to replay it.
func testSeed(t testing.TB) int64 {
	t.Helper()
	s := *seedFlag
	if s == "" {
		s = os.Getenv("RELSTORE_SEED")
	}
	var seed int64
	switch s {
	case "":
		h := fnv.New64a()
		h.Write([]byte(t.Name()))
		seed = int64(h.Sum64() >> 1)
	case "random":
		seed = time.Now().UnixNano()
	default:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("bad seed %q: %v", s, err)
		}
		seed = n
	}
	t.Logf("seed %d (replay: RELSTORE_SEED=%d go test ./fuzz -run '^%s$')", seed, seed, t.Name())
	return seed
}

// envInt reads a positive integer knob from the environment.
func envInt(t testing.TB, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return n
}

// libraryModels is the model set most tests of this package use:
//
//   - Author: a unique email, a hidden password, a protected notes;
//     hasMany books with onDelete cascade; hasOne profile (cascade).
//   - Book: belongsTo author; hasMany reviews (cascade); hasMany tags
//     through BookTag (cascade removes the links); a hidden cost.
//   - Review: belongsTo book; generated ids.
//   - Tag, BookTag: the through model.
//   - Profile: hasOne target.
var libraryModels = []string{
	`{"name": "Author", "base": "PersistedModel", "forceId": false,
	  "properties": {
	    "name":     {"type": "string", "required": true},
	    "email":    {"type": "string", "index": {"unique": true}},
	    "age":      {"type": "number"},
	    "password": {"type": "string"},
	    "notes":    {"type": "string"}
	  },
	  "hidden": ["password"],
	  "protected": ["notes"],
	  "scopes": {"adults": {"where": {"age": {"gte": 18}}}},
	  "relations": {
	    "books":   {"type": "hasMany", "model": "Book", "foreignKey": "authorId", "onDelete": "cascade"},
	    "profile": {"type": "hasOne", "model": "Profile", "foreignKey": "authorId", "onDelete": "cascade"}
	  }}`,
	`{"name": "Book", "base": "PersistedModel", "forceId": false,
	  "properties": {
	    "title": {"type": "string", "required": true},
	    "pages": {"type": "number"},
	    "genre": {"type": "string", "index": true},
	    "cost":  {"type": "number"}
	  },
	  "hidden": ["cost"],
	  "relations": {
	    "author":  {"type": "belongsTo", "model": "Author", "foreignKey": "authorId"},
	    "reviews": {"type": "hasMany", "model": "Review", "foreignKey": "bookId", "onDelete": "cascade"},
	    "tags":    {"type": "hasMany", "model": "Tag", "through": "BookTag", "foreignKey": "bookId", "keyThrough": "tagId", "onDelete": "cascade"}
	  }}`,
	`{"name": "Review", "base": "PersistedModel", "forceId": false,
	  "properties": {"stars": {"type": "number"}, "body": {"type": "string"}},
	  "relations": {"book": {"type": "belongsTo", "model": "Book", "foreignKey": "bookId"}}}`,
	`{"name": "Tag", "base": "PersistedModel", "forceId": false,
	  "properties": {"label": {"type": "string"}},
	  "relations": {"books": {"type": "hasMany", "model": "Book", "through": "BookTag", "foreignKey": "tagId", "keyThrough": "bookId"}}}`,
	`{"name": "BookTag", "base": "PersistedModel", "forceId": false,
	  "properties": {},
	  "relations": {
	    "book": {"type": "belongsTo", "model": "Book", "foreignKey": "bookId"},
	    "tag":  {"type": "belongsTo", "model": "Tag", "foreignKey": "tagId"}
	  }}`,
	`{"name": "Profile", "base": "PersistedModel", "forceId": false,
	  "properties": {"bio": {"type": "string"}},
	  "relations": {"author": {"type": "belongsTo", "model": "Author", "foreignKey": "authorId"}}}`,
}

// loadSet resolves LB3 model definitions given as JSON documents.
func loadSet(t testing.TB, defs ...string) *schema.Set {
	t.Helper()
	l := schema.NewLoader(nil)
	for _, d := range defs {
		if err := l.Add([]byte(d)); err != nil {
			t.Fatalf("add model: %v", err)
		}
	}
	set, err := l.Resolve()
	if err != nil {
		t.Fatalf("resolve models: %v", err)
	}
	return set
}

// backend is a storage engine a test can run on.
type backend struct {
	name string
	open func(t testing.TB) storage.Engine
}

// backends are the storage engines the randomized tests run on: memory, and
// Pebble on disk (durable commits, so group commit is exercised).
func backends() []backend {
	return []backend{
		{"memory", func(t testing.TB) storage.Engine { return storage.NewMemory() }},
		{"pebble", func(t testing.TB) storage.Engine {
			st, err := storage.OpenPebble(t.TempDir(), &storage.PebbleOptions{CacheSize: 8 << 20})
			if err != nil {
				t.Fatal(err)
			}
			return st
		}},
	}
}

// vfsMem is a fresh in-memory file system for Pebble.
func vfsMem() vfs.FS { return vfs.NewMem() }

// memPebble opens a Pebble engine on an in-memory file system.
func memPebble(t testing.TB) storage.Engine {
	st, err := storage.OpenPebble("", &storage.PebbleOptions{FS: vfsMem(), CacheSize: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// openDB opens a DB on st with the models defined; it is closed when the
// test ends.
func openDB(t testing.TB, st storage.Engine, opts *engine.Options, defs ...string) *engine.DB {
	t.Helper()
	db, err := engine.Open(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if len(defs) > 0 {
		if err := db.Define(loadSet(t, defs...)); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// mustCheck fails the test unless DB.Check finds no fault.
func mustCheck(t testing.TB, db *engine.DB) {
	t.Helper()
	rep, err := db.Check(context.Background())
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if !rep.OK() {
		t.Fatalf("check: %s", rep)
	}
}

// normJSON returns v as encoding/json would decode its JSON text: the form
// answers are compared in.
func normJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<unmarshalable %T: %v>", v, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Sprintf("<bad json: %v>", err)
	}
	return out
}

// jsonText renders v compactly for failure messages.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

var bg = context.Background()

// discardLogger drops the server's request log.
func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
