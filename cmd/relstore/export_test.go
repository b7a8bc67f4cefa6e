package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/schema"
)

// roundTripModels use every property type, a string id, a unique index, a
// strict foreign key declared before its target and a through model.
var roundTripModels = []string{
	`{"name": "Book", "base": "PersistedModel", "forceId": false,
	  "properties": {"title": {"type": "string", "required": true}},
	  "relations": {"author": {"type": "belongsTo", "model": "Author", "foreignKey": "authorId", "options": {"integrity": "strict"}},
	                "tags": {"type": "hasMany", "model": "Tag", "through": "BookTag", "foreignKey": "bookId", "keyThrough": "tagCode"}}}`,
	`{"name": "Author", "base": "PersistedModel", "forceId": false,
	  "properties": {"name": {"type": "string", "required": true}, "email": {"type": "string", "index": {"unique": true}},
	                 "born": "date", "tags": ["string"], "meta": "object", "photo": "buffer", "home": "geopoint",
	                 "address": {"type": {"city": "string", "zip": "number"}}, "vip": {"type": "boolean", "default": false}, "any": "any"}}`,
	`{"name": "Tag", "base": "PersistedModel", "forceId": false, "properties": {"code": {"type": "string", "id": true}, "label": "string"}}`,
	`{"name": "BookTag", "base": "PersistedModel", "forceId": false, "properties": {},
	  "relations": {"book": {"type": "belongsTo", "model": "Book", "foreignKey": "bookId"},
	                "tag": {"type": "belongsTo", "model": "Tag", "foreignKey": "tagCode"}}}`,
}

// fillRoundTrip stores records of every shape, with gaps in the ids.
func fillRoundTrip(t *testing.T, db *engine.DB) {
	t.Helper()
	born := time.Date(1815, 12, 10, 1, 2, 3, 456e6, time.UTC)
	create(t, db, "Author",
		map[string]any{"name": "Ada", "email": "ada@x", "born": born, "tags": []any{"math", "poetry"},
			"meta": map[string]any{"k": []any{1.0, "two", nil}}, "photo": []byte{0, 1, 254, 255},
			"home": map[string]any{"lat": 51.5, "lng": -0.12}, "address": map[string]any{"city": "London", "zip": 1.0},
			"vip": true, "any": "x", "dynamic": map[string]any{"nested": true}},
		map[string]any{"name": "Gone"},
		map[string]any{"name": "Alan", "email": "alan@x", "any": 3.5},
		map[string]any{"id": 10.0, "name": "Ten"},
	)
	if _, err := db.DeleteByID(context.Background(), "Author", 2.0); err != nil {
		t.Fatal(err)
	}
	create(t, db, "Tag", map[string]any{"code": "b", "label": "B"}, map[string]any{"code": "a", "label": "A <&>"})
	for i := 0; i < 2500; i++ { // more than one export and import batch
		create(t, db, "Book", map[string]any{"title": strings.Repeat("t", 1+i%7), "authorId": []float64{1, 3, 10}[i%3]})
	}
	create(t, db, "BookTag", map[string]any{"bookId": 1.0, "tagCode": "a"}, map[string]any{"bookId": 2.0, "tagCode": "b"})
}

// exportTo runs relstore export and returns what it wrote.
func exportTo(t *testing.T, args ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "export.json")
	var stderr bytes.Buffer
	if code := runExport(context.Background(), append(args, out), io.Discard, &stderr); code != exitOK {
		t.Fatalf("export %v: exit %d: %s", args, code, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExportImportRoundTrip(t *testing.T) {
	models := writeModels(t, roundTripModels...)
	src := newStore(t, models, func(db *engine.DB) { fillRoundTrip(t, db) })
	for _, format := range []dumpFormat{formatRelstore, formatLB3} {
		t.Run(string(format), func(t *testing.T) {
			first := exportTo(t, "--data", src, "--format", string(format))
			var v any
			if err := json.Unmarshal(first, &v); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			in := filepath.Join(t.TempDir(), "in.json")
			if err := os.WriteFile(in, first, 0o644); err != nil {
				t.Fatal(err)
			}
			dst := filepath.Join(t.TempDir(), "fresh")
			var stderr bytes.Buffer
			if code := runImport(context.Background(), []string{"--data", dst, "--models", models, in}, nil, &stderr); code != exitOK {
				t.Fatalf("import: exit %d: %s", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "Book: 2500/2500") || !strings.Contains(stderr.String(), "Book: 1000/2500") {
				t.Errorf("no progress: %s", stderr.String())
			}
			second := exportTo(t, "--data", dst, "--format", string(format))
			if !bytes.Equal(first, second) {
				t.Fatalf("the second export differs:\n%.2000s\n---\n%.2000s", first, second)
			}
			// The copy is consistent and its id counters continue after the
			// imported ids.
			db, err := openDB(dst, storeWrite, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if rep, err := db.Check(context.Background()); err != nil || !rep.OK() {
				t.Fatalf("check: %v %v", rep, err)
			}
			ada, err := db.FindByID(context.Background(), "Author", 1.0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := ada["photo"].([]byte); !ok {
				t.Errorf("photo imported as %T", ada["photo"])
			}
			if born, ok := ada["born"].(time.Time); !ok || born.Nanosecond() != 456e6 {
				t.Errorf("born imported as %T %v", ada["born"], ada["born"])
			}
			rec, err := db.Create(context.Background(), "Author", map[string]any{"name": "New"})
			if err != nil || rec["id"] != 11.0 {
				t.Fatalf("next author = %v, %v; want id 11", rec, err)
			}
		})
	}
}

func TestExportLayout(t *testing.T) {
	models := writeModels(t,
		`{"name": "A", "base": "PersistedModel", "properties": {"s": "string"}}`,
		`{"name": "Empty", "base": "PersistedModel", "properties": {}}`,
		`{"name": "Shape", "base": "Model", "properties": {"x": "number"}}`)
	dir := newStore(t, models, func(db *engine.DB) {
		create(t, db, "A", map[string]any{"s": "x"}, map[string]any{"s": "é\"<"})
	})
	tests := []struct {
		format dumpFormat
		want   string
	}{
		{formatRelstore, `{
  "models": {
    "A": [
      {"id":1,"s":"x"},
      {"id":2,"s":"é\"<"}
    ],
    "Empty": []
  }
}
`},
		{formatLB3, `{
  "ids": {
    "A": 3,
    "Empty": 1
  },
  "models": {
    "A": {
      "1": "{\"id\":1,\"s\":\"x\"}",
      "2": "{\"id\":2,\"s\":\"é\\\"<\"}"
    },
    "Empty": {}
  }
}
`},
	}
	for _, tc := range tests {
		t.Run(string(tc.format), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := runExport(context.Background(), []string{"--data", dir, "--format", string(tc.format), "-"}, &stdout, &stderr); code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			if stdout.String() != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", stdout.String(), tc.want)
			}
			if !strings.Contains(stderr.String(), "export: A: 2 records") {
				t.Fatalf("progress %q", stderr.String())
			}
		})
	}
}

func TestExportRefuses(t *testing.T) {
	models := writeModels(t,
		`{"name": "User", "base": "PersistedModel", "hidden": ["password"], "properties": {"password": "string"}}`,
		`{"name": "Live", "base": "PersistedModel", "scope": {"where": {"deleted": false}}, "properties": {"deleted": "boolean"}}`,
		`{"name": "Sorted", "base": "PersistedModel", "scope": {"order": "n DESC"}, "properties": {"n": "number"}}`)
	dir := newStore(t, models, nil)
	onlySorted := writeModels(t, `{"name": "Sorted", "base": "PersistedModel", "scope": {"order": "n DESC"}, "properties": {"n": "number"}}`)
	unknown := writeModels(t, `{"name": "Nope", "base": "PersistedModel", "properties": {}}`)
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr []string
	}{
		{"hidden and scoped models are exported raw", []string{"--data", dir, "-"}, exitOK, []string{"User: 0 records", "Live: 0 records"}},
		{"an ordering scope is fine", []string{"--data", dir, "--models", onlySorted, "-"}, exitOK, []string{"Sorted: 0 records"}},
		{"a model not in the store", []string{"--data", dir, "--models", unknown, "-"}, exitFailure, []string{`"Nope" is not in the store`}},
		{"bad format", []string{"--data", dir, "--format", "csv"}, exitUsage, []string{`unknown format "csv"`}},
		{"no data", []string{"-"}, exitUsage, []string{"usage"}},
		{"missing store", []string{"--data", filepath.Join(t.TempDir(), "none")}, exitFailure, []string{"no such directory"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := runExport(context.Background(), tc.args, io.Discard, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Fatalf("stderr %q lacks %q", stderr.String(), w)
				}
			}
		})
	}
}

func TestParentsFirst(t *testing.T) {
	m := func(name string, parents ...string) *schema.Model {
		mm := &schema.Model{Name: name}
		for _, p := range parents {
			mm.Relations = append(mm.Relations, &schema.Relation{Name: "to" + p, Type: schema.RelBelongsTo, Model: p})
		}
		return mm
	}
	tests := []struct {
		name   string
		models []*schema.Model
		want   string
	}{
		{"already ordered", []*schema.Model{m("A"), m("B", "A")}, "A B"},
		{"child first", []*schema.Model{m("B", "A"), m("A")}, "A B"},
		{"chain", []*schema.Model{m("C", "B"), m("B", "A"), m("A")}, "A B C"},
		{"two parents keep their order", []*schema.Model{m("X", "P2", "P1"), m("P1"), m("P2")}, "P1 P2 X"},
		{"self reference", []*schema.Model{m("Node", "Node")}, "Node"},
		{"cycle keeps the order", []*schema.Model{m("A", "B"), m("B", "A")}, "B A"},
		{"parent not exported", []*schema.Model{m("B", "Elsewhere"), m("A")}, "B A"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var names []string
			for _, x := range parentsFirst(tc.models) {
				names = append(names, x.Name)
			}
			if got := strings.Join(names, " "); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// jsonEqual compares two JSON texts as values.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}
