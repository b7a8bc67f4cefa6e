package engine

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/relstore/relstore/internal/keyenc"
)

// TestSortRowsByPK checks the prefix-keyed sort against a plain bytewise
// sort: keys shorter and longer than the eight-byte prefix, keys sharing
// it, zero bytes (a short key padded with zeros ties with its extension),
// encoded numbers, and duplicates.
func TestSortRowsByPK(t *testing.T) {
	seed := uint64(20261123)
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, seed))
	alphabet := []byte{0, 1, 'a', 0xff}
	randKey := func() []byte {
		switch r.IntN(4) {
		case 0:
			return keyenc.AppendNumber(nil, float64(r.IntN(200)-100))
		case 3:
			// Integral ids around the packed sort's bound (2^21), and
			// fractions.
			f := float64(r.IntN(1 << 22))
			if r.IntN(8) == 0 {
				f += 0.5
			}
			return keyenc.AppendNumber(nil, f)
		case 1:
			// A shared eight-byte prefix, then a short random tail.
			k := []byte("prefix!!")
			for range r.IntN(4) {
				k = append(k, alphabet[r.IntN(len(alphabet))])
			}
			return k
		}
		k := make([]byte, r.IntN(12))
		for i := range k {
			k[i] = alphabet[r.IntN(len(alphabet))]
		}
		return k
	}
	for round := range 300 {
		n := r.IntN(60)
		rows := make([]row, n)
		for i := range rows {
			if i > 0 && r.IntN(5) == 0 {
				rows[i].pk = rows[r.IntN(i)].pk // a duplicate
			} else {
				rows[i].pk = randKey()
			}
		}
		want := make([][]byte, n)
		for i, rw := range rows {
			want[i] = rw.pk
		}
		slices.SortFunc(want, bytes.Compare)
		sortRowsByPK(rows)
		for i := range rows {
			if !bytes.Equal(rows[i].pk, want[i]) {
				t.Fatalf("round %d: position %d: got %x, want %x", round, i, rows[i].pk, want[i])
			}
		}
	}
}

// TestSortRowsPacked: the packed sort takes encoded numbers whose bits
// end in 32 zeros — every integer from 0 to 2^21, in any order and with
// repeats — and refuses, leaving the rows as they were, a larger integer, a
// negative number, a long fraction or a string.
func TestSortRowsPacked(t *testing.T) {
	rowsOf := func(fs ...any) []row {
		rows := make([]row, len(fs))
		for i, f := range fs {
			var err error
			if rows[i].pk, err = keyenc.AppendValue(nil, f); err != nil {
				t.Fatal(err)
			}
		}
		return rows
	}
	tests := []struct {
		name   string
		keys   []any
		packed bool
	}{
		{"ids", []any{5.0, 1.0, 2097152.0, 3.0, 1.0, 0.0, 2097151.0}, true},
		{"short fraction", []any{1.5, 1.0}, true},
		{"above 2^21", []any{2097153.0, 1.0}, false},
		{"negative", []any{-3.0, 2.0}, false},
		{"long fraction", []any{0.1, 1.0}, false},
		{"string", []any{"a", 1.0}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows := rowsOf(tc.keys...)
			before := slices.Clone(rows)
			if got := sortRowsPacked(rows); got != tc.packed {
				t.Fatalf("sortRowsPacked = %v, want %v", got, tc.packed)
			}
			if !tc.packed {
				if !slices.EqualFunc(rows, before, func(a, b row) bool { return bytes.Equal(a.pk, b.pk) }) {
					t.Fatal("refused, but the rows moved")
				}
				return
			}
			want := make([][]byte, len(before))
			for i, r := range before {
				want[i] = r.pk
			}
			slices.SortFunc(want, bytes.Compare)
			for i := range rows {
				if !bytes.Equal(rows[i].pk, want[i]) {
					t.Fatalf("position %d: got %x, want %x", i, rows[i].pk, want[i])
				}
			}
		})
	}
}
