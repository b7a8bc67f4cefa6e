package fuzz

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/examples"
	"github.com/relstore/relstore/schema"
	"github.com/relstore/relstore/server"
	"github.com/relstore/relstore/storage"
)

// loaderSeeds are model definitions covering the LB3 keys the loader reads.
var loaderSeeds = [][2]string{
	{libraryModels[0], libraryModels[1]},
	{`{"name": "A", "base": "PersistedModel", "idInjection": false, "properties": {"code": {"type": "string", "id": true}, "n": "number"},
	   "indexes": {"n_code": {"keys": {"n": 1, "code": -1}, "options": {"unique": true}}}}`,
		`{"name": "B", "base": "A", "strict": true, "properties": {"when": {"type": "date", "defaultFn": "now"}, "xs": ["string"]},
	   "relations": {"a": {"type": "belongsTo", "model": "A", "foreignKey": "aCode", "integrity": "strict"}}}`},
	{`{"name": "P", "properties": {"loc": "geopoint", "blob": "buffer", "obj": {"type": {"x": "number", "y": ["string"]}}, "any": "any"},
	   "relations": {"kids": {"type": "hasMany", "model": "P", "foreignKey": "parentId", "onDelete": "restrict"},
	                 "parent": {"type": "belongsTo", "model": "P", "foreignKey": "parentId"},
	                 "refs": {"type": "referencesMany", "model": "P"}, "emb": {"type": "embedsMany", "model": "E"}}}`,
		`{"name": "E", "base": "Model", "properties": {"label": {"type": "string", "jsonSchema": {"minLength": 1, "pattern": "^[a-z]+$"}}}}`},
	{`{"name": "Pic", "properties": {"url": "string"}, "relations": {"imageable": {"type": "belongsTo", "polymorphic": true}}}`,
		`{"name": "Usr", "plural": "people", "http": {"path": "/folks"}, "hidden": ["pw"], "protected": ["mail"], "scope": {"where": {"active": true}, "order": "id DESC"},
	   "properties": {"pw": "string", "mail": "string", "active": {"type": "boolean", "default": true}},
	   "relations": {"pics": {"type": "hasMany", "model": "Pic", "polymorphic": "imageable"}, "grp": {"type": "hasAndBelongsToMany", "model": "Pic"}}}`},
	{`{"name": "X", "base": "User"}`, `{"name": "Y", "base": "Y"}`},
	{`not json`, `{"name": 3}`},
	{`{"name": "Z", "properties": {"a.b": "string"}}`, `{"name": "Z"}`},
}

// FuzzLoader feeds pairs of model definitions to schema.Loader and checks
// that:
//
//   - Add and Resolve never panic, and refuse with an error wrapping
//     schema.ErrInvalidDefinition (or ErrDuplicateModel) that names the
//     problem;
//   - Resolve is deterministic (resolving twice gives the same models);
//   - a resolved set works: Define stores it, a create with an empty body
//     and with a few typed values either succeeds or fails as a client
//     error, Find answers, the REST server answers GET on every exposed
//     model without a 5xx, and Check passes.
func FuzzLoader(f *testing.F) {
	for _, s := range loaderSeeds {
		f.Add(s[0], s[1])
	}
	for _, dir := range []string{"../schema/testdata/models/features", "../schema/testdata/models/has-many-through"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		sort.Strings(files)
		for i := 0; i+1 < len(files); i += 2 {
			a, _ := os.ReadFile(files[i])
			b, _ := os.ReadFile(files[i+1])
			f.Add(string(a), string(b))
		}
	}
	// Ids whose type admits objects and arrays (see
	// TestObjectIDsAreClientErrors).
	f.Add(`{"name": "O", "idInjection": false, "properties": {"k": {"type": "object", "id": true}}}`,
		`{"name": "G", "idInjection": false, "properties": {"k": {"type": "geopoint", "id": true}}}`)
	if entries, err := examples.Models.ReadDir("models"); err == nil && len(entries) >= 2 {
		a, _ := examples.Models.ReadFile("models/" + entries[0].Name())
		b, _ := examples.Models.ReadFile("models/" + entries[1].Name())
		f.Add(string(a), string(b))
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var warnings []string
		newLoader := func() *schema.Loader {
			return schema.NewLoader(&schema.LoadOptions{Warn: func(model, msg string) {
				warnings = append(warnings, model+": "+msg)
			}})
		}
		l := newLoader()
		for _, def := range []string{a, b} {
			if err := l.Add([]byte(def)); err != nil {
				checkDefinitionError(t, "Add", err)
			}
		}
		set, err := l.Resolve()
		if err != nil {
			checkDefinitionError(t, "Resolve", err)
			return
		}
		set2, err := l.Resolve()
		if err != nil {
			t.Fatalf("second Resolve failed: %v", err)
		}
		if j1, j2 := setJSON(t, set), setJSON(t, set2); j1 != j2 {
			t.Fatalf("Resolve is not deterministic:\n%s\n%s", j1, j2)
		}
		exerciseSet(t, set)
	})
}

func checkDefinitionError(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, schema.ErrInvalidDefinition) && !errors.Is(err, schema.ErrDuplicateModel) {
		t.Fatalf("%s: error %q (%T) wraps neither ErrInvalidDefinition nor ErrDuplicateModel", what, err, err)
	}
	if err.Error() == "" {
		t.Fatalf("%s: empty error message", what)
	}
}

func setJSON(t *testing.T, set *schema.Set) string {
	t.Helper()
	names := append([]string(nil), set.Order...)
	out := make([]any, 0, len(names))
	for _, n := range names {
		out = append(out, set.Model(n))
	}
	b, err := json.Marshal(map[string]any{"order": names, "models": out})
	if err != nil {
		t.Fatalf("marshal set: %v", err)
	}
	return string(b)
}

// exerciseSet stores a resolved set and uses every persisted model a little.
func exerciseSet(t *testing.T, set *schema.Set) {
	t.Helper()
	db, err := engine.Open(storage.NewMemory(), &engine.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Define(set); err != nil {
		t.Fatalf("Define refused a resolved set: %v", err)
	}
	// Defining the same set again is a no-op.
	if err := db.Define(set); err != nil {
		t.Fatalf("Define of the same set again: %v", err)
	}
	srv := server.New(db, &server.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, name := range set.Order {
		m := set.Model(name)
		if m == nil || !m.Persisted {
			continue
		}
		bodies := []map[string]any{{}, sampleRecord(m)}
		for _, body := range bodies {
			if _, err := db.Create(bg, name, body); err != nil && clientStatus(err) >= 500 {
				t.Fatalf("Create %s %s: server error %v (%T)", name, jsonText(body), err, err)
			}
		}
		if _, err := db.Find(bg, name, nil); err != nil && clientStatus(err) >= 500 {
			t.Fatalf("Find %s: %v", name, err)
		}
		if _, err := db.Find(bg, name, map[string]any{"include": relationNames(m)}); err != nil && clientStatus(err) >= 500 {
			t.Fatalf("Find %s with include: %v", name, err)
		}
		path := m.HTTPPath
		if path == "" {
			path = m.Plural
		}
		for _, target := range []string{"/api/" + path, "/api/" + path + "/count", "/api/" + path + "/1"} {
			req := httptest.NewRequest(http.MethodGet, "http://x"+escapePath(target), nil)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body.String())
			}
		}
	}
	mustCheck(t, db)
}

// sampleRecord is a record with a plausible value for every declared
// property of m.
func sampleRecord(m *schema.Model) map[string]any {
	rec := map[string]any{}
	for i, p := range m.Properties {
		if p.ID > 0 && p.Generated {
			continue
		}
		switch p.Type.Kind {
		case schema.KindString:
			rec[p.Name] = fmt.Sprintf("v%d", i)
		case schema.KindNumber:
			rec[p.Name] = float64(i)
		case schema.KindBoolean:
			rec[p.Name] = i%2 == 0
		case schema.KindDate:
			rec[p.Name] = "2020-01-02T03:04:05.000Z"
		case schema.KindArray:
			rec[p.Name] = []any{}
		case schema.KindObject, schema.KindAny:
			rec[p.Name] = map[string]any{"k": float64(i)}
		case schema.KindGeoPoint:
			rec[p.Name] = map[string]any{"lat": 1.5, "lng": 2.5}
		}
	}
	return rec
}

func relationNames(m *schema.Model) []any {
	var out []any
	for _, r := range m.Relations {
		if !r.DisableInclude {
			out = append(out, r.Name)
		}
	}
	return out
}

// escapePath percent-escapes every byte of a path but unreserved
// characters and slashes.
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var out []byte
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '/' || c == '-' || c == '_' || c == '.' || c == '~' ||
			('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9'):
			out = append(out, c)
		default:
			out = append(out, '%', hex[c>>4], hex[c&15])
		}
	}
	return string(out)
}
