package fuzz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/relstore/relstore/engine"
	"github.com/relstore/relstore/storage"
)

// recordModels: one property of every type, a nested model type, and the
// same again strict, so that dynamic properties are both kept and refused.
var recordModels = []string{
	`{"name": "Doc", "base": "PersistedModel", "forceId": false, "strict": false,
	  "properties": {
	    "s": "string", "n": "number", "b": "boolean", "d": "date", "o": "object",
	    "a": "array", "tags": ["string"], "nums": ["number"], "dates": ["date"], "x": "any",
	    "buf": "buffer", "geo": "geopoint", "pt": {"type": {"px": "number", "py": "string"}},
	    "u": {"type": "string", "index": {"unique": true}}
	  },
	  "indexes": {"n_s": {"keys": {"n": 1, "s": 1}}}}`,
	`{"name": "StrictDoc", "base": "PersistedModel", "forceId": false, "strict": true,
	  "properties": {"s": "string", "n": "number", "d": "date", "o": "object", "x": "any"}}`,
}

// decodingStore hides a *storage.Memory behind the Engine interface, so a
// DB opened on it reads records by decoding their stored bytes (the engine
// keeps decoded copies only for a bare *storage.Memory).
type decodingStore struct{ storage.Engine }

// FuzzRecord creates a record from fuzzed JSON, patches it with a second
// fuzzed object, and after each write reads it back three ways: from the
// writing DB, from a second DB on the same storage that must decode the
// stored bytes, and (JSON form) as the write returned it. All must agree;
// a refused write must be a client error (4xx) and leave the store as it
// was; Check passes on both DBs.
func FuzzRecord(f *testing.F) {
	f.Add(false, `{"s": "hé\u0000llo", "n": -0.0, "b": true, "d": "2020-02-29T23:59:59.999Z", "o": {"k": [1, {"z": null}]},
	  "a": [1, "x", null, true, {"q": []}], "tags": ["a", "b"], "nums": [1.5, 1e308], "x": {"deep": {"er": [[]]}},
	  "geo": {"lat": 52.5, "lng": 13.4}, "pt": {"px": 1, "py": "y"}, "dyn": {"a": "b"}, "u": "one"}`, `{"n": 5, "s": null, "u": "two"}`)
	f.Add(false, `{"id": 7, "d": 0, "buf": "aGVsbG8=", "dates": ["2000-01-01", 86400000]}`, `{"d": "not a date"}`)
	f.Add(false, `{"n": "12", "b": "true", "s": 5, "tags": "solo"}`, `{"id": 8, "x": 1}`)
	f.Add(true, `{"s": "x", "extra": 1}`, `{"o": {"x": [1, 2]}}`)
	f.Add(false, `{"": 1, "a.b": 2, "$x": 3, "__proto__": {"p": 1}}`, `{"n": 1e400}`)
	f.Add(false, `{"d": "+275760-09-13T00:00:00.000Z", "n": 9007199254740993}`, `{"d": "-271821-04-20T00:00:00.000Z"}`)
	f.Add(true, `{"id": "abc", "d": "1970-01-01T00:00:00Z"}`, `{}`)
	f.Fuzz(func(t *testing.T, strict bool, createJSON, patchJSON string) {
		var data, patch map[string]any
		if json.Unmarshal([]byte(createJSON), &data) != nil || data == nil {
			return
		}
		if json.Unmarshal([]byte(patchJSON), &patch) != nil || patch == nil {
			patch = map[string]any{}
		}
		model := "Doc"
		if strict {
			model = "StrictDoc"
		}
		mem := storage.NewMemory()
		db, err := engine.Open(mem, &engine.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Define(loadSet(t, recordModels...)); err != nil {
			t.Fatal(err)
		}
		// A neighbour record, which no write may disturb.
		if _, err := db.Create(bg, model, map[string]any{"id": -1.0, "s": "neighbour"}); err != nil {
			t.Fatal(err)
		}
		before := dumpStore(t, mem)
		created, err := db.Create(bg, model, data)
		if err != nil {
			if st := clientStatus(err); st >= 500 {
				t.Fatalf("Create %s: server error %v (%T)", createJSON, err, err)
			}
			if after := dumpStore(t, mem); !bytes.Equal(before, after) && !counterOnly(before, after) {
				t.Fatalf("refused Create %s changed the store", createJSON)
			}
			mustCheck(t, db)
			return
		}
		id := created["id"]
		checkReadBack(t, db, mem, model, id, created, "create "+createJSON)
		patched, err := db.PatchByID(bg, model, id, patch)
		if err != nil {
			if st := clientStatus(err); st >= 500 {
				t.Fatalf("Patch %s: server error %v (%T)", patchJSON, err, err)
			}
			checkReadBack(t, db, mem, model, id, created, "refused patch "+patchJSON)
		} else {
			checkReadBack(t, db, mem, model, id, patched, "patch "+patchJSON)
		}
		n, err := db.Count(bg, model, nil)
		if err != nil || n != 2 {
			t.Fatalf("count %d, %v; want 2", n, err)
		}
		mustCheck(t, db)
	})
}

// checkReadBack reads record id of model through db and through a second
// DB that decodes the stored bytes, and compares both with want.
func checkReadBack(t *testing.T, db *engine.DB, mem storage.Engine, model string, id, want any, what string) {
	t.Helper()
	got, err := db.FindByID(bg, model, id, nil)
	if err != nil {
		t.Fatalf("%s: FindByID(%v): %v", what, id, err)
	}
	fresh, err := engine.Open(decodingStore{mem}, &engine.Options{NoSync: true})
	if err != nil {
		t.Fatalf("%s: second DB: %v", what, err)
	}
	decoded, err := fresh.FindByID(bg, model, id, nil)
	if err != nil {
		t.Fatalf("%s: FindByID from the stored bytes: %v", what, err)
	}
	all, err := fresh.Find(bg, model, nil)
	if err != nil || len(all) != 2 {
		t.Fatalf("%s: Find from the stored bytes: %d records, %v", what, len(all), err)
	}
	rep, err := fresh.Check(bg)
	if err != nil || !rep.OK() {
		t.Fatalf("%s: Check of the stored bytes: %v %v", what, rep, err)
	}
	if d := diffValues(want, got, "$"); d != "" {
		t.Fatalf("%s: read back differs from the write's answer: %s\nwrite %#v\nread  %#v", what, d, want, got)
	}
	if d := diffValues(got, decoded, "$"); d != "" {
		t.Fatalf("%s: decoded record differs: %s\nmemory  %#v\ndecoded %#v", what, d, got, decoded)
	}
	// The JSON answer (what a client sees) is the same too.
	if a, b := jsonText(got), jsonText(decoded); a != b {
		t.Fatalf("%s: JSON differs:\n%s\n%s", what, a, b)
	}
}

// diffValues compares two record values exactly (types included; dates by
// instant and location), returning "" or the first difference.
func diffValues(a, b any, path string) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: %T vs %T", path, a, b)
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			va, oka := x[k]
			vb, okb := y[k]
			if oka != okb {
				return fmt.Sprintf("%s.%s: present %v vs %v", path, k, oka, okb)
			}
			if d := diffValues(va, vb, path+"."+k); d != "" {
				return d
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return fmt.Sprintf("%s: %#v vs %#v", path, a, b)
		}
		for i := range x {
			if d := diffValues(x[i], y[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	case time.Time:
		y, ok := b.(time.Time)
		if !ok || !x.Equal(y) || x.Location().String() != y.Location().String() {
			return fmt.Sprintf("%s: %v vs %v", path, a, b)
		}
		return ""
	case []byte:
		y, ok := b.([]byte)
		if !ok || !bytes.Equal(x, y) {
			return fmt.Sprintf("%s: %v vs %v", path, a, b)
		}
		return ""
	case float64:
		y, ok := b.(float64)
		if !ok || (x != y && !(x != x && y != y)) {
			return fmt.Sprintf("%s: %#v vs %#v", path, a, b)
		}
		return ""
	}
	if fmt.Sprintf("%T", a) != fmt.Sprintf("%T", b) || a != b {
		return fmt.Sprintf("%s: %#v vs %#v", path, a, b)
	}
	return ""
}

// dumpStore renders every key and value of a storage engine.
func dumpStore(t *testing.T, st storage.Engine) []byte {
	t.Helper()
	it, err := st.NewIter(storage.IterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out []byte
	for it.Next() {
		out = fmt.Appendf(out, "%x=%x\n", it.Key(), it.Value())
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// counterOnly reports whether two dumps differ in at most one line, which
// is what a refused create that advanced an id counter leaves (LoopBack
// advances the counter for a duplicate-id create).
func counterOnly(a, b []byte) bool {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	if len(la) != len(lb) {
		return false
	}
	diff := 0
	for i := range la {
		if !bytes.Equal(la[i], lb[i]) {
			diff++
		}
	}
	return diff <= 1
}
