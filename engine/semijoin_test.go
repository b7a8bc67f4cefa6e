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
		switch r.IntN(3) {
		case 0:
			return keyenc.AppendNumber(nil, float64(r.IntN(200)-100))
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

func TestPKPrefix(t *testing.T) {
	tests := []struct {
		name string
		pk   []byte
		want uint64
	}{
		{"empty", nil, 0},
		{"short", []byte{1, 2}, 0x0102000000000000},
		{"eight", []byte{1, 2, 3, 4, 5, 6, 7, 8}, 0x0102030405060708},
		{"longer", []byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, 0x0102030405060708},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := pkPrefix(tc.pk); got != tc.want {
				t.Fatalf("pkPrefix(%x) = %#x, want %#x", tc.pk, got, tc.want)
			}
		})
	}
}
