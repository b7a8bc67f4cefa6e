package index

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/internal/keyenc"
)

func pkOf(t *testing.T, id float64) []byte {
	t.Helper()
	return keyenc.AppendNumber(nil, id)
}

func TestSpec_Entries(t *testing.T) {
	cases := []struct {
		name    string
		spec    Spec
		rec     map[string]any
		entries int
		unique  []bool
	}{
		{"single value", Spec{Fields: []string{"a"}}, map[string]any{"a": "x"}, 1, []bool{false}},
		{"missing is null", Spec{Fields: []string{"a"}}, map[string]any{}, 1, []bool{false}},
		{"unique non-null", Spec{Fields: []string{"a"}, Unique: true}, map[string]any{"a": 1.0}, 1, []bool{true}},
		{"unique null keeps pk layout", Spec{Fields: []string{"a"}, Unique: true}, map[string]any{"a": nil}, 1, []bool{false}},
		{"compound", Spec{Fields: []string{"a", "b"}, Unique: true}, map[string]any{"a": 1.0, "b": "x"}, 1, []bool{true}},
		{"compound with a null", Spec{Fields: []string{"a", "b"}, Unique: true}, map[string]any{"a": 1.0}, 1, []bool{false}},
		{"array: one entry per distinct element", Spec{Fields: []string{"tags"}}, map[string]any{"tags": []any{"a", "b", "a"}}, 2, []bool{false, false}},
		{"empty array: none", Spec{Fields: []string{"tags"}}, map[string]any{"tags": []any{}}, 0, nil},
		{"dotted path", Spec{Fields: []string{"address.city"}}, map[string]any{"address": map[string]any{"city": "Paris"}}, 1, []bool{false}},
		{"object value indexed as null", Spec{Fields: []string{"o"}}, map[string]any{"o": map[string]any{"k": 1.0}}, 1, []bool{false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.spec.Name = "ix"
			c.spec.Prefix = []byte{0x11, 1, 1}
			pk := pkOf(t, 7)
			es, err := c.spec.Entries(c.rec, pk)
			require.NoError(t, err)
			require.Len(t, es, c.entries)
			for i, e := range es {
				require.Equal(t, c.unique[i], e.Unique)
				require.True(t, bytes.HasSuffix(e.Item, pk))
				// Key/Value round-trip back to the item.
				item, err := c.spec.ItemFromKV(c.spec.Key(e), c.spec.Value(e))
				require.NoError(t, err)
				require.Equal(t, e.Item, item)
				vals, gotPK, err := c.spec.SplitItem(e.Item)
				require.NoError(t, err)
				require.Equal(t, pk, gotPK)
				require.Equal(t, e.ValLen, len(vals))
				if e.Unique {
					require.Equal(t, pk, c.spec.Value(e), "the unique layout stores the pk as the value")
					require.False(t, bytes.HasSuffix(c.spec.Key(e), pk))
				} else {
					require.Empty(t, c.spec.Value(e))
				}
			}
		})
	}
}

func TestSpec_ItemFromKV_WrongPrefix(t *testing.T) {
	s := &Spec{Name: "ix", Fields: []string{"a"}, Prefix: []byte{0x11, 1, 1}}
	_, err := s.ItemFromKV([]byte{0x11, 1, 2, 0}, nil)
	require.ErrorIs(t, err, ErrCorruptEntry)
	_, _, err = s.SplitItem([]byte{0xff, 0xff})
	require.ErrorIs(t, err, ErrCorruptEntry)
}

func TestSpec_EntriesOrderByValueThenPK(t *testing.T) {
	s := &Spec{Name: "ix", Fields: []string{"n"}, Prefix: []byte{1}}
	var items [][]byte
	for _, r := range []struct{ n, id float64 }{{3, 1}, {1, 9}, {1, 2}, {2, 5}} {
		es, err := s.Entries(map[string]any{"n": r.n}, pkOf(t, r.id))
		require.NoError(t, err)
		items = append(items, es[0].Item)
	}
	tr := NewTree()
	for _, it := range items {
		tr.Set(it)
	}
	var got []float64
	tr.Scan(nil, nil, func(item []byte) bool {
		_, pk, err := s.SplitItem(item)
		require.NoError(t, err)
		v, _, err := keyenc.Decode(pk)
		require.NoError(t, err)
		got = append(got, v.(float64))
		return true
	})
	require.Equal(t, []float64{2, 9, 5, 1}, got, "ordered by value, ties by primary key")
}

func TestLookup(t *testing.T) {
	rec := map[string]any{"a": map[string]any{"b": map[string]any{"c": 1.0}}, "x.y": "literal"}
	require.Equal(t, 1.0, Lookup(rec, "a.b.c"))
	require.Equal(t, "literal", Lookup(rec, "x.y"), "a key containing a dot wins")
	require.Nil(t, Lookup(rec, "a.z"))
	require.Nil(t, Lookup(rec, "a.b.c.d"))
}

// TestSpec_EntryAllocations: a scalar entry and its persisted key cost one
// allocation (plus the returned slice for Entries, none for AppendEntries
// into room).
func TestSpec_EntryAllocations(t *testing.T) {
	s := &Spec{Name: "ix", Fields: []string{"orderId"}, Prefix: []byte{0x11, 3, 1}}
	rec := map[string]any{"orderId": 42.0, "sku": "x"}
	pk := pkOf(t, 7)
	dst := make([]Entry, 0, 1)
	var key []byte
	allocs := testing.AllocsPerRun(100, func() {
		es, err := s.AppendEntries(dst[:0], rec, pk)
		if err != nil || len(es) != 1 {
			t.Fatal(err)
		}
		key = s.Key(es[0])
	})
	require.Equal(t, 1.0, allocs)
	require.Equal(t, append(append([]byte{0x11, 3, 1}, keyenc.AppendNumber(nil, 42)...), pk...), key)
	// Key of an entry whose Item was replaced, or of another spec, copies.
	es, err := s.Entries(rec, pk)
	require.NoError(t, err)
	e := es[0]
	e.Item = append([]byte(nil), e.Item...)
	require.Equal(t, key, s.Key(e))
	other := &Spec{Name: "other", Fields: []string{"orderId"}, Prefix: []byte{0x11, 3, 2}}
	require.Equal(t, append([]byte{0x11, 3, 2}, es[0].Item...), other.Key(es[0]))
	// Appending to a key or value never writes into the item.
	u := &Spec{Name: "u", Fields: []string{"orderId"}, Unique: true, Prefix: []byte{0x11, 3, 3}}
	ue, err := u.Entries(rec, pk)
	require.NoError(t, err)
	item := append([]byte(nil), ue[0].Item...)
	_ = append(u.Key(ue[0]), 0xff)
	_ = append(u.Value(ue[0]), 0xff)
	require.Equal(t, item, ue[0].Item)
}
