package engine

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/storage"
)

// fieldsOf returns the top-level properties of rec named in names.
func fieldsOf(rec map[string]any, names []string) map[string]any {
	out := map[string]any{}
	for _, n := range names {
		if v, ok := rec[n]; ok {
			out[n] = v
		}
	}
	return out
}

// checkDecodeFields holds decodeFields to the full decoder on in: where
// the full decode succeeds, decodeFields either declines (false) or
// yields exactly the named properties of the full record; it never panics.
func checkDecodeFields(t *testing.T, in []byte, names []string) {
	t.Helper()
	m := map[string]any{}
	ok := decodeFields(in, names, m)
	full, err := decodeRecordBytes(in)
	if err != nil {
		// Undecodable input may still have readable fields before the
		// fault: only the full decode reports it.
		return
	}
	if !ok {
		// It declines records with non-string keys, which the full
		// decoder prints; the scan then decodes them whole.
		return
	}
	want := fieldsOf(full, names)
	require.True(t, codecSameRecord(want, m), "names %q of %x:\nwant %#v\ngot  %#v", names, in, want, m)
}

// TestDecodeFields decodes random subsets of the properties of random
// records (every value kind, lengths around the format boundaries) and of
// names they do not have, and every truncation of a few of them.
func TestDecodeFields(t *testing.T) {
	recs := randomRecords(t, 500)
	r := rand.New(rand.NewPCG(codecSeed, 7))
	for i, rec := range recs {
		enc, err := encodeRecord(rec)
		require.NoError(t, err)
		keys := slices.Sorted(maps.Keys(rec))
		var names []string
		for _, k := range keys {
			if r.IntN(3) == 0 {
				names = append(names, k)
			}
		}
		names = append(names, "no such property")
		full, err := decodeRecordBytes(enc)
		require.NoError(t, err)
		m := map[string]any{}
		require.True(t, decodeFields(enc, names, m), "record %d", i)
		want := fieldsOf(full, names)
		require.True(t, codecSameRecord(want, m), "record %d: names %q\nwant %#v\ngot  %#v", i, names, want, m)
		if i < 20 {
			for n := range len(enc) {
				require.False(t, decodeFields(enc[:n], names, map[string]any{}), "record %d cut at %d", i, n)
			}
		}
	}
	t.Run("nil record", func(t *testing.T) {
		m := map[string]any{}
		require.True(t, decodeFields([]byte{mpNil}, []string{"a"}, m))
		require.Empty(t, m)
	})
	t.Run("duplicate key, the later wins", func(t *testing.T) {
		m := map[string]any{}
		require.True(t, decodeFields(mp(0x82, 0xa1, "a", 0x01, 0xa1, "a", 0x02), []string{"a"}, m))
		require.Equal(t, map[string]any{"a": float64(2)}, m)
	})
	t.Run("non-string key declines", func(t *testing.T) {
		require.False(t, decodeFields(mp(0x81, 0x05, 0x01), []string{"5"}, map[string]any{}))
	})
	t.Run("extension header before the map", func(t *testing.T) {
		m := map[string]any{}
		require.True(t, decodeFields(mp(0xd4, 0x01, 0x81, 0xc4, 1, "k", 0x92, 0xca, uint32(0x7fc00000), 0xc0), []string{"k"}, m))
		require.Len(t, m["k"], 2)
	})
}

// checkRawStringEqs holds rawStringEqs to the full decoder on in: when it
// decides, the record decodes, every property named in eqs is a string,
// and pass says whether each equals its value.
func checkRawStringEqs(t *testing.T, in []byte, eqs []rawEq) {
	t.Helper()
	pass, decided := rawStringEqs(in, eqs)
	if !decided {
		return
	}
	full, err := decodeRecordBytes(in)
	require.NoError(t, err, "decided on bytes the full decoder refuses: %x", in)
	want := true
	for _, e := range eqs {
		s, isStr := full[e.name].(string)
		require.True(t, isStr, "decided on %q stored as %#v: %x", e.name, full[e.name], in)
		want = want && s == e.val
	}
	require.Equal(t, want, pass, "eqs %q on %x", eqs, in)
}

// TestRawStringEqs tests equalities on the stored bytes of random records
// (their own string values, other strings, properties they lack or hold
// as other kinds, the same property twice) against the full decoder, and
// every truncation of a few records.
func TestRawStringEqs(t *testing.T) {
	recs := randomRecords(t, 500)
	r := rand.New(rand.NewPCG(codecSeed, 9))
	decided := 0
	for i, rec := range recs {
		enc, err := encodeRecord(rec)
		require.NoError(t, err)
		keys := slices.Sorted(maps.Keys(rec))
		var eqs []rawEq
		for _, k := range keys {
			if r.IntN(3) > 0 {
				continue
			}
			val := "other"
			if s, ok := rec[k].(string); ok && r.IntN(2) == 0 {
				val = s
			}
			eqs = append(eqs, rawEq{k, val})
		}
		switch r.IntN(6) {
		case 0:
			eqs = append(eqs, rawEq{"no such property", "x"})
		case 1:
			if len(eqs) > 0 {
				eqs = append(eqs, eqs[0])
			}
		}
		if len(eqs) == 0 {
			continue
		}
		if _, ok := rawStringEqs(enc, eqs); ok {
			decided++
		}
		checkRawStringEqs(t, enc, eqs)
		if i < 20 {
			for n := range len(enc) {
				if _, ok := rawStringEqs(enc[:n], eqs); ok {
					t.Fatalf("record %d cut at %d: decided", i, n)
				}
			}
		}
	}
	require.Greater(t, decided, 20, "records the bytes decide")
	t.Run("duplicate key is left to the full decode", func(t *testing.T) {
		_, ok := rawStringEqs(mp(0x82, 0xa1, "a", 0xa1, "x", 0xa1, "a", 0xa1, "y"), []rawEq{{"a", "y"}})
		require.False(t, ok)
	})
	t.Run("a number is left to the full decode", func(t *testing.T) {
		_, ok := rawStringEqs(mp(0x81, 0xa1, "a", 0x05), []rawEq{{"a", "5"}})
		require.False(t, ok)
	})
	t.Run("decided both ways", func(t *testing.T) {
		rec := mp(0x82, 0xa1, "a", 0xa1, "x", 0xa1, "b", 0xa2, "yz")
		pass, ok := rawStringEqs(rec, []rawEq{{"a", "x"}, {"b", "yz"}})
		require.True(t, ok && pass)
		pass, ok = rawStringEqs(rec, []rawEq{{"a", "x"}, {"b", "y"}})
		require.True(t, ok && !pass)
	})
}

// FuzzDecodeFields holds decodeFields, and rawStringEqs, to the full
// decoder on any input.
func FuzzDecodeFields(f *testing.F) {
	g := newRecordGen(codecSeed)
	for range 30 {
		rec := g.object(1)
		if enc, err := encodeRecord(rec); err == nil && len(enc) < 4096 {
			f.Add(enc, "a")
		}
	}
	f.Add(mp(0x82, 0xa1, "a", 0xd3, uint64(1<<63), 0x05, 0xc7, 12, 0xff, uint32(1), uint64(1<<64-1)), "a")
	f.Fuzz(func(t *testing.T, in []byte, name string) {
		checkDecodeFields(t, in, []string{name, "a", ""})
		checkRawStringEqs(t, in, []rawEq{{name, "a"}})
		checkRawStringEqs(t, in, []rawEq{{"a", name}, {name, ""}})
	})
}

// TestPrefilter runs filtered scans on both backends: the answers equal a
// plain evaluation of the clause over every record, and on Pebble the
// records that cannot match are skipped undecoded.
func TestPrefilter(t *testing.T) {
	const seed = 20261123
	t.Logf("seed %d", seed)
	eachBackend(t, func(t *testing.T, open func(t testing.TB) storage.Engine) {
		db := openDB(t, open(t), `{"name":"Order","properties":{"id":{"type":"number","id":true},
			"status":{"type":"string"},"total":{"type":"number"},"tags":{"type":["string"]},
			"meta":{"type":"object"}}}`)
		r := rand.New(rand.NewPCG(seed, 1))
		statuses := []string{"new", "paid", "shipped", "done", ""}
		ctx := context.Background()
		var all []map[string]any
		for i := 1; i <= 300; i++ {
			rec := map[string]any{"id": float64(i)}
			if r.IntN(10) > 0 {
				rec["status"] = statuses[r.IntN(len(statuses))]
			}
			if r.IntN(4) > 0 {
				rec["total"] = float64(r.IntN(100))
			}
			if r.IntN(3) == 0 {
				rec["tags"] = []any{statuses[r.IntN(4)], statuses[r.IntN(4)]}
			}
			if r.IntN(3) == 0 {
				rec["meta"] = map[string]any{"status": statuses[r.IntN(4)], "n": float64(r.IntN(5))}
			}
			out, err := db.Create(ctx, "Order", rec)
			require.NoError(t, err)
			all = append(all, out)
		}
		wheres := []string{
			`{"status":"shipped"}`,
			`{"status":{"neq":"shipped"}}`,
			`{"status":{"inq":["new","done"]}}`,
			`{"status":{"nin":["new"]}}`,
			`{"total":{"gt":50}}`,
			`{"total":{"between":[10,20]}}`,
			`{"and":[{"status":"paid"},{"total":{"lt":30}}]}`,
			`{"or":[{"status":"paid"},{"total":{"lt":30}}]}`,
			`{"tags":"paid"}`,
			`{"meta.status":"new"}`,
			`{"meta.n":{"gte":3}}`,
			`{"status":{"like":"^s"}}`,
			`{"status":{"regexp":"/P/i"}}`,
			`{"status":null}`,
			`{"status":{"ilike":"%AID"}}`,
			`{"and":[{"status":"paid"},{"status":"paid"}]}`,
			`{"and":[{"status":"new"},{"tags":"new"}]}`,
			`{"status":""}`,
		}
		m := db.Model("Order")
		var stayedOn, turnedOff int
		for _, w := range wheres {
			t.Run(w, func(t *testing.T) {
				where := obj(t, w)
				node, err := filter.ParseWhere(where, m, db.Schema())
				require.NoError(t, err)
				// want: the matches; skips: the records a prefilter
				// following its documented policy skips (all records that
				// cannot match, unless fewer than one in
				// prefilterMinRejectShare of the first prefilterProbe do).
				var want []any
				skips, off := 0, false
				for i, rec := range all {
					ok, err := filter.Match(node, rec, nil)
					require.NoError(t, err)
					if ok {
						want = append(want, rec["id"])
					}
					if i == prefilterProbe && skips*prefilterMinRejectShare < prefilterProbe {
						off = true
					}
					if !ok && !off {
						skips++
					}
				}
				var got []map[string]any
				var st Stats
				require.NoError(t, db.View(ctx, func(tx *Tx) error {
					got, err = tx.Find("Order", map[string]any{"where": where})
					st = tx.Stats()
					return err
				}))
				require.Equal(t, fmt.Sprint(want), fmt.Sprint(ids(got)))
				if off {
					turnedOff++
				} else {
					stayedOn++
				}
				if !db.memRecords {
					require.Equal(t, skips, st.Prefiltered, "records skipped undecoded")
				} else {
					require.Zero(t, st.Prefiltered)
				}
			})
		}
		if !db.memRecords {
			require.Positive(t, stayedOn, "selective clauses prefilter the whole scan")
			require.Positive(t, turnedOff, "unselective clauses stop prefiltering")
		}
		mustCheck(t, db)
	})
}
