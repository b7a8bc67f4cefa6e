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
// DB opened on it stores records encoded and reads them by decoding (the
// engine keeps the records of a bare *storage.Memory decoded only).
type decodingStore struct{ storage.Engine }

// FuzzRecord creates a record from fuzzed JSON, patches it with a second
// fuzzed object, and runs both writes on two DBs: one on a memory store,
// which keeps records decoded, and one that stores them encoded and
// decodes every read. After each write the record is read back from both;
// the answers, the write's own answer and their JSON forms must agree. A
// refused write must be a client error (4xx), refused by both, and leave
// both stores as they were; Check passes on both DBs.
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
		db := openRecordDB(t, storage.NewMemory())
		mem := storage.NewMemory()
		ddb := openRecordDB(t, decodingStore{mem})
		// A neighbour record, which no write may disturb.
		for _, d := range []*engine.DB{db, ddb} {
			if _, err := d.Create(bg, model, map[string]any{"id": -1.0, "s": "neighbour"}); err != nil {
				t.Fatal(err)
			}
		}
		before, dbefore := allRecords(t, db, model), dumpStore(t, mem)
		// Each DB gets its own copy of the input: a write may keep it.
		created, err := db.Create(bg, model, cloneJSON(t, data))
		dcreated, derr := ddb.Create(bg, model, cloneJSON(t, data))
		if (err == nil) != (derr == nil) {
			t.Fatalf("create %s: memory store %v, encoding store %v", createJSON, err, derr)
		}
		if err != nil {
			if st := clientStatus(err); st >= 500 {
				t.Fatalf("Create %s: server error %v (%T)", createJSON, err, err)
			}
			if after := allRecords(t, db, model); after != before {
				t.Fatalf("refused Create %s changed the memory store:\n%s\n%s", createJSON, before, after)
			}
			if after := dumpStore(t, mem); !bytes.Equal(dbefore, after) && !counterOnly(dbefore, after) {
				t.Fatalf("refused Create %s changed the encoding store", createJSON)
			}
			mustCheck(t, db)
			mustCheck(t, ddb)
			return
		}
		id := created["id"]
		checkReadBack(t, db, ddb, model, id, created, dcreated, "create "+createJSON)
		patched, err := db.PatchByID(bg, model, id, cloneJSON(t, patch))
		dpatched, derr := ddb.PatchByID(bg, model, id, cloneJSON(t, patch))
		if (err == nil) != (derr == nil) {
			t.Fatalf("patch %s: memory store %v, encoding store %v", patchJSON, err, derr)
		}
		if err != nil {
			if st := clientStatus(err); st >= 500 {
				t.Fatalf("Patch %s: server error %v (%T)", patchJSON, err, err)
			}
			checkReadBack(t, db, ddb, model, id, created, dcreated, "refused patch "+patchJSON)
		} else {
			checkReadBack(t, db, ddb, model, id, patched, dpatched, "patch "+patchJSON)
		}
		for _, d := range []*engine.DB{db, ddb} {
			n, err := d.Count(bg, model, nil)
			if err != nil || n != 2 {
				t.Fatalf("count %d, %v; want 2", n, err)
			}
			mustCheck(t, d)
		}
	})
}

// openRecordDB opens a DB on st with recordModels, closed with the test.
func openRecordDB(t *testing.T, st storage.Engine) *engine.DB {
	t.Helper()
	db, err := engine.Open(st, &engine.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Define(loadSet(t, recordModels...)); err != nil {
		t.Fatal(err)
	}
	return db
}

// cloneJSON returns a deep copy of a decoded JSON object.
func cloneJSON(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// allRecords renders every record of model in db, as JSON.
func allRecords(t *testing.T, db *engine.DB, model string) string {
	t.Helper()
	recs, err := db.Find(bg, model, nil)
	if err != nil {
		t.Fatal(err)
	}
	return jsonText(recs)
}

// checkReadBack reads record id of model from db (a memory store) and ddb
// (an encoding store) and compares both with what the write answered on
// each, and with each other, values and JSON.
func checkReadBack(t *testing.T, db, ddb *engine.DB, model string, id, want, dwant any, what string) {
	t.Helper()
	got, err := db.FindByID(bg, model, id, nil)
	if err != nil {
		t.Fatalf("%s: FindByID(%v): %v", what, id, err)
	}
	decoded, err := ddb.FindByID(bg, model, id, nil)
	if err != nil {
		t.Fatalf("%s: FindByID from the stored bytes: %v", what, err)
	}
	all, err := ddb.Find(bg, model, nil)
	if err != nil || len(all) != 2 {
		t.Fatalf("%s: Find from the stored bytes: %d records, %v", what, len(all), err)
	}
	if d := diffValues(want, got, "$"); d != "" {
		t.Fatalf("%s: read back differs from the write's answer: %s\nwrite %#v\nread  %#v", what, d, want, got)
	}
	if d := diffValues(dwant, decoded, "$"); d != "" {
		t.Fatalf("%s: decoded record differs from the write's answer: %s\nwrite   %#v\ndecoded %#v", what, d, dwant, decoded)
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
