package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relstore/relstore/engine"
)

const (
	lb3File   = "testdata/lb3-memory.json" // written by LB3's memory connector (lb3-memory.js)
	lb3Models = "testdata/lb3-models"
)

// lb3Collections decodes the models of an LB3 memory file, each record's
// JSON string decoded.
func lb3Collections(t *testing.T, data []byte) (ids map[string]float64, models map[string]map[string]any) {
	t.Helper()
	var f struct {
		IDs    map[string]float64           `json:"ids"`
		Models map[string]map[string]string `json:"models"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	models = map[string]map[string]any{}
	for name, coll := range f.Models {
		models[name] = map[string]any{}
		for k, s := range coll {
			var rec any
			if err := json.Unmarshal([]byte(s), &rec); err != nil {
				t.Fatalf("%s %s: %v", name, k, err)
			}
			models[name][k] = rec
		}
	}
	return f.IDs, models
}

func TestImportLB3File(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "db")
	var stderr bytes.Buffer
	if code := runImport(context.Background(), []string{"--data", dst, "--models", lb3Models, lb3File}, nil, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"Customer: 3/3", "Order: 3/3", "Tag: 2/2", "8 records imported", "(lb3 format)"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), "warning") {
		t.Errorf("no warning expected:\n%s", stderr.String())
	}
	// Values are typed by the models.
	db, err := openDB(dst, storeReadOnly, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ada, err := db.FindByID(context.Background(), "Customer", 1.0, nil)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if joined, ok := ada["joined"].(time.Time); !ok || !joined.Equal(time.Date(2020, 1, 2, 3, 4, 5, 678e6, time.UTC)) {
		t.Errorf("joined = %T %v", ada["joined"], ada["joined"])
	}
	// Written back in LB3's format, the file is LB3's: the records, and
	// the next ids (Customer's last records were deleted: the counter
	// keeps their ids used).
	back := exportTo(t, "--data", dst, "--format", "lb3")
	orig, err := os.ReadFile(lb3File)
	if err != nil {
		t.Fatal(err)
	}
	gotIDs, gotModels := lb3Collections(t, back)
	wantIDs, wantModels := lb3Collections(t, orig)
	if fmt.Sprint(gotIDs) != fmt.Sprint(wantIDs) {
		t.Errorf("ids %v, want %v", gotIDs, wantIDs)
	}
	if !jsonEqual(t, mustJSON(t, gotModels), mustJSON(t, wantModels)) {
		t.Errorf("models differ:\n%s\n%s", mustJSON(t, gotModels), mustJSON(t, wantModels))
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportFromStdin(t *testing.T) {
	models := writeModels(t, `{"name": "Note", "base": "PersistedModel", "forceId": false, "properties": {"text": "string"}}`)
	dst := filepath.Join(t.TempDir(), "db")
	in := strings.NewReader(`{"models": {"Note": [{"id": 5, "text": "five"}, {"text": "next"}]}}`)
	var stderr bytes.Buffer
	if code := runImport(context.Background(), []string{"--data", dst, "--models", models, "-"}, in, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got := exportTo(t, "--data", dst)
	want := `{"models": {"Note": [{"id": 5, "text": "five"}, {"id": 6, "text": "next"}]}}`
	if !jsonEqual(t, got, []byte(want)) {
		t.Fatalf("got %s", got)
	}
}

func TestImportRefuses(t *testing.T) {
	models := writeModels(t,
		`{"name": "Free", "base": "PersistedModel", "forceId": false, "properties": {"n": {"type": "number", "required": true}}}`,
		`{"name": "Forced", "base": "PersistedModel", "properties": {"n": "number"}}`,
		`{"name": "Scoped", "base": "PersistedModel", "forceId": false, "scope": {"where": {"live": true}}, "properties": {"live": "boolean"}}`,
		`{"name": "Full", "base": "PersistedModel", "forceId": false, "properties": {"n": "number"}}`)
	many := make([]string, 0, 1500)
	for i := 1; i <= 1500; i++ {
		n := fmt.Sprint(i)
		if i == 1200 {
			n = "null"
		}
		many = append(many, fmt.Sprintf(`{"id": %d, "n": %s}`, i, n))
	}
	tests := []struct {
		name       string
		file       string
		wantCode   int
		wantStderr []string
		wantFree   int // records of Free afterwards
	}{
		{"forceId model keeps its ids", `{"models": {"Free": [{"id": 1, "n": 1}], "Forced": [{"id": 1, "n": 1}]}}`, exitOK,
			nil, 1},
		{"forceId model without records", `{"models": {"Forced": [], "Free": [{"id": 1, "n": 1}]}}`, exitOK, nil, 1},
		{"default scope values are not forced", `{"models": {"Scoped": [{"id": 1, "live": false}]}}`, exitOK, nil, 0},
		{"model with records", `{"models": {"Full": [{"id": 9, "n": 1}]}}`, exitFailure, []string{"Full: already holds 1 records"}, 0},
		{"unknown model", `{"models": {"Nope": [{"id": 1}]}}`, exitFailure, []string{"Nope: not defined in the store"}, 0},
		{"unknown empty LB3 collection", `{"ids": {"User": 1}, "models": {"User": {}, "Free": {"1": "{\"id\":1,\"n\":1}"}}}`, exitOK,
			[]string{"User: not defined in the store, empty: skipped"}, 1},
		{"LB3 record without its id", `{"ids": {"Free": 9}, "models": {"Free": {"7": "{\"n\":1}"}}}`, exitOK,
			[]string{"import: Free: 1/1 records"}, 1},
		{"mixed formats", `{"models": {"Free": [], "Full": {}}}`, exitFailure, []string{"mixes"}, 0},
		{"unknown member", `{"models": {}, "extra": 1}`, exitFailure, []string{`unknown member "extra"`}, 0},
		{"no models", `{}`, exitFailure, []string{`no "models"`}, 0},
		{"not JSON", `{"models": `, exitFailure, []string{"relstore import"}, 0},
		{"not an object", `[]`, exitFailure, []string{"want a JSON object"}, 0},
		{"record not an object", `{"models": {"Free": [1]}}`, exitFailure, []string{`model "Free"`}, 0},
		{"invalid record in the second batch", `{"models": {"Free": [` + strings.Join(many, ",") + `]}}`, exitFailure,
			[]string{"record 1200 (id 1200)", "can't be blank", "1000 of Free were imported"}, 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := newStore(t, models, func(db *engine.DB) {
				create(t, db, "Full", map[string]any{"n": 1.0})
			})
			in := filepath.Join(t.TempDir(), "in.json")
			if err := os.WriteFile(in, []byte(tc.file), 0o644); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			code := runImport(context.Background(), []string{"--data", dir, in}, nil, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Fatalf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			db, err := openDB(dir, storeReadOnly, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if n, err := db.Count(context.Background(), "Free", nil); err != nil || n != tc.wantFree {
				t.Fatalf("Free holds %d records, %v; want %d", n, err, tc.wantFree)
			}
		})
	}
}

func TestImportUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no data", []string{"in.json"}, exitUsage},
		{"no input", []string{"--data", "d"}, exitUsage},
		{"two inputs", []string{"--data", "d", "a", "b"}, exitUsage},
		{"missing input", []string{"--data", filepath.Join(t.TempDir(), "db"), filepath.Join(t.TempDir(), "none.json")}, exitFailure},
		{"help", []string{"-h"}, exitOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code := runImport(context.Background(), tc.args, nil, io.Discard); code != tc.want {
				t.Fatalf("exit %d, want %d", code, tc.want)
			}
		})
	}
}
