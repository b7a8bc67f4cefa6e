package engine

import (
	"fmt"
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
