package engine

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/internal/keyenc"
	"github.com/relstore/relstore/storage"
)

// TestRowsByField covers the three ways rowsByField finds records — by
// primary key, by an index walk, and by a scan for a property without an
// index (scalar and array values) — in a write transaction and in a read
// transaction, on both backends: groups keyed by the values' keys, in
// primary-key order, without empty groups, repeated and nil values and
// values without a key ignored.
func TestRowsByField(t *testing.T) {
	const def = `{"name": "Tag", "properties": {"id": {"type": "number", "id": true},
	  "color": "string", "code": "string", "labels": ["string"]},
	  "indexes": {"color_idx": {"keys": {"color": 1}}}}`
	eachBackend(t, func(t *testing.T, open func(t testing.TB) storage.Engine) {
		db := openDB(t, open(t), def)
		recs := []string{
			`{"id": 5, "color": "red", "code": "x", "labels": ["a", "b", "a"]}`,
			`{"id": 2, "color": "blue", "code": "y", "labels": ["b"]}`,
			`{"id": 9, "color": "red", "code": "x", "labels": []}`,
			`{"id": 1, "color": "red", "code": "z"}`,
		}
		require.NoError(t, db.Update(ctx, func(tx *Tx) error {
			for _, r := range recs {
				if _, err := tx.Create("Tag", obj(t, r)); err != nil {
					return err
				}
			}
			return nil
		}))
		tests := []struct {
			name  string
			field string
			vals  []any
			want  map[string][]float64 // decoded key → ids in order
		}{
			{"primary key", "id", []any{9.0, 2.0, 9.0, nil, 4.0, map[string]any{"no": "key"}},
				map[string][]float64{"9": {9}, "2": {2}}},
			{"index walk", "color", []any{"red", "green", nil, "red"},
				map[string][]float64{"red": {1, 5, 9}}},
			{"scan, scalar", "code", []any{"x", "z", "w"},
				map[string][]float64{"x": {5, 9}, "z": {1}}},
			{"scan, array", "labels", []any{"a", "b", "c"},
				map[string][]float64{"a": {5}, "b": {2, 5}}},
			{"no values", "code", []any{nil}, map[string][]float64{}},
		}
		check := func(t *testing.T, tx *Tx, field string, vals []any, want map[string][]float64) {
			ms, err := tx.model("Tag")
			require.NoError(t, err)
			groups, err := tx.rowsByField(ms, field, vals)
			require.NoError(t, err)
			got := map[string][]float64{}
			for k, rows := range groups {
				require.NotEmpty(t, rows, "group %x", k)
				v, err := keyenc.DecodeAll([]byte(k))
				require.NoError(t, err)
				require.Len(t, v, 1)
				name := fmt.Sprint(v[0])
				for _, r := range rows {
					got[name] = append(got[name], r.rec["id"].(float64))
				}
			}
			require.Equal(t, want, got)
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				require.NoError(t, db.View(ctx, func(tx *Tx) error {
					check(t, tx, tc.field, tc.vals, tc.want)
					return nil
				}))
				require.NoError(t, db.Update(ctx, func(tx *Tx) error {
					check(t, tx, tc.field, tc.vals, tc.want)
					return nil
				}))
			})
		}
		mustCheck(t, db)
	})
}

// TestBelongsToTarget compares belongsToTarget, whose common case is one
// point read, with the batched lookup it stands for (relatedRows), for
// relations on and off that case — plain, keyed by another property, with
// a relation scope, onto a model with a default scope — and foreign keys
// that point at a record, at none, at one the scope hides, or hold the
// wrong type, in read and write transactions on both backends.
func TestBelongsToTarget(t *testing.T) {
	defs := []string{
		`{"name": "Owner", "properties": {"id": {"type": "number", "id": true}, "code": "string", "active": "boolean"}}`,
		`{"name": "Shy", "properties": {"id": {"type": "number", "id": true}, "active": "boolean"},
		  "scope": {"where": {"active": true}}}`,
		`{"name": "Pet", "properties": {"id": {"type": "number", "id": true},
		    "ownerId": "any", "ownerCode": "string", "shyId": "number"},
		  "relations": {
		    "owner": {"type": "belongsTo", "model": "Owner", "foreignKey": "ownerId"},
		    "byCode": {"type": "belongsTo", "model": "Owner", "foreignKey": "ownerCode", "primaryKey": "code"},
		    "activeOwner": {"type": "belongsTo", "model": "Owner", "foreignKey": "ownerId", "scope": {"where": {"active": true}}},
		    "shy": {"type": "belongsTo", "model": "Shy", "foreignKey": "shyId"}}}`,
	}
	eachBackend(t, func(t *testing.T, open func(t testing.TB) storage.Engine) {
		db := openDB(t, open(t), defs...)
		require.NoError(t, db.Update(ctx, func(tx *Tx) error {
			for _, r := range []struct{ model, json string }{
				{"Owner", `{"id": 1, "code": "a", "active": true}`},
				{"Owner", `{"id": 2, "code": "b", "active": false}`},
				{"Shy", `{"id": 1, "active": true}`},
				{"Shy", `{"id": 2, "active": false}`},
				{"Pet", `{"id": 1, "ownerId": 1, "ownerCode": "a", "shyId": 1}`},
				{"Pet", `{"id": 2, "ownerId": 2, "ownerCode": "b", "shyId": 2}`},
				{"Pet", `{"id": 3, "ownerId": 9, "ownerCode": "z", "shyId": 9}`},
				{"Pet", `{"id": 4, "ownerId": "1"}`},
				{"Pet", `{"id": 5}`},
			} {
				if _, err := tx.Create(r.model, obj(t, r.json)); err != nil {
					return err
				}
			}
			return nil
		}))
		compare := func(t *testing.T, tx *Tx) {
			pets, err := tx.Find("Pet", nil)
			require.NoError(t, err)
			require.Len(t, pets, 5)
			found := 0
			for _, name := range []string{"owner", "byCode", "activeOwner", "shy"} {
				rel := tx.st.models["Pet"].m.Relation(name)
				for _, pet := range pets {
					got, err := tx.belongsToTarget(pet, rel)
					require.NoError(t, err)
					rows, err := tx.relatedRows(pet, rel)
					require.NoError(t, err)
					var want map[string]any
					if len(rows) > 0 {
						want = rows[0].rec
						found++
					}
					require.Equal(t, want, got, "pet %v, relation %s", pet["id"], name)
				}
			}
			// owner: pets 1, 2 and 4 (its "1" finds owner 1 either way);
			// byCode: 1, 2; activeOwner: 1, 4; shy: 1, 2 (created with the
			// default scope's active: true).
			require.Equal(t, 9, found)
		}
		require.NoError(t, db.View(ctx, func(tx *Tx) error { compare(t, tx); return nil }))
		require.NoError(t, db.Update(ctx, func(tx *Tx) error { compare(t, tx); return nil }))
	})
}

// TestNextChunkCap: the next chunk holds the current key's rows and room
// for the keys left at the rate so far, never more than the rows found
// (the slice at most doubles), and always some.
func TestNextChunkCap(t *testing.T) {
	tests := []struct {
		name                  string
		cur, found, ki, nkeys int
		want                  int
	}{
		// 1,000 keys of 10 rows, the first chunk (4,000) full at key 399:
		// the 601 keys left would take 6,611 rows, more than found, so the
		// slice doubles; full again at key 799, room for the 201 left.
		{"uniform, early", 0, 4000, 399, 1000, 4008},
		{"uniform, late", 0, 8000, 799, 1000, 11 * 201},
		// One key alone: doubling.
		{"single key", 4000, 4000, 0, 1, 4000 + 4001},
		// A heavy first key among 10,000: bounded by the rows found, not
		// 40,001 rows times 10,000 keys.
		{"heavy first key", 40000, 40000, 0, 10000, 40000 + 40008},
		{"nothing found", 0, 0, 0, 0, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := nextChunkCap(tc.cur, tc.found, tc.ki, tc.nkeys); got != tc.want {
				t.Fatalf("nextChunkCap(%d, %d, %d, %d) = %d, want %d", tc.cur, tc.found, tc.ki, tc.nkeys, got, tc.want)
			}
		})
	}
}

// TestRelatedGetAllocs bounds the allocations of a belongsTo accessor read
// on a memory store, sharing records: four (the transaction, keys, the
// callback), none for the relation context (relCtx inlines, so the
// context stays on the caller's stack).
func TestRelatedGetAllocs(t *testing.T) {
	db := openDB(t, storage.NewMemory(),
		`{"name": "Customer", "forceId": false, "properties": {"name": "string"}}`,
		`{"name": "Order", "forceId": false, "properties": {"total": "number"},
		  "relations": {"customer": {"type": "belongsTo", "model": "Customer", "foreignKey": "customerId"}}}`)
	for i := 1; i <= 10; i++ {
		_, err := db.Create(ctx, "Customer", map[string]any{"id": float64(i), "name": "c"})
		require.NoError(t, err)
		_, err = db.Create(ctx, "Order", map[string]any{"id": float64(i), "total": 1.5, "customerId": float64(i)})
		require.NoError(t, err)
	}
	id := 0
	n := leastAllocs(200, func() {
		id = id%10 + 1
		err := db.View(ctx, func(tx *Tx) error {
			tx.ShareRecords(true)
			c, err := tx.RelatedGet("Order", float64(id), "customer", nil)
			if err == nil && c.(map[string]any)["id"] != float64(id) {
				err = fmt.Errorf("order %d: customer %v", id, c)
			}
			return err
		})
		if err != nil {
			panic(err)
		}
	})
	t.Logf("%v allocations a read", n)
	require.LessOrEqual(t, n, 4.0)
}

// TestDistinctKeys: the value keys of a list, sorted bytewise without
// repeats and without nil or keyless values, whether every value is a
// number (sorted as integers) or not; numbers include negatives, -0,
// fractions and large values. Deterministic random lists, seed printed.
func TestDistinctKeys(t *testing.T) {
	seed := int64(11)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	reference := func(vals []any) []string {
		var out []string
		for _, v := range vals {
			if k, ok := appendValueKey(nil, v); ok && v != nil {
				out = append(out, string(k))
			}
		}
		sort.Strings(out)
		return slices.Compact(out)
	}
	number := func() any {
		switch rng.Intn(5) {
		case 0:
			return float64(rng.Intn(50))
		case 1:
			return -float64(rng.Intn(50))
		case 2:
			return math.Copysign(0, -1)
		case 3:
			return rng.Float64() * 100
		}
		return float64(rng.Int63())
	}
	for i := 0; i < 300; i++ {
		n := rng.Intn(40)
		vals := make([]any, n)
		mixed := i%3 == 0
		for j := range vals {
			switch {
			case mixed && rng.Intn(4) == 0:
				vals[j] = fmt.Sprint("s", rng.Intn(10))
			case rng.Intn(10) == 0:
				vals[j] = nil
			default:
				vals[j] = number()
			}
		}
		var got []string
		for _, k := range distinctKeys(vals) {
			got = append(got, string(k))
		}
		require.Equal(t, reference(vals), got, "list %d: %v", i, vals)
	}
}
