package index

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

func collect(scan func(lower, upper []byte, fn func([]byte) bool), lower, upper []byte) []string {
	var out []string
	scan(lower, upper, func(item []byte) bool {
		out = append(out, string(item))
		return true
	})
	return out
}

func TestTree_ScanBounds(t *testing.T) {
	tr := NewTree()
	for _, s := range []string{"a", "b", "ba", "c", "d"} {
		tr.Set([]byte(s))
	}
	cases := []struct {
		name         string
		lower, upper []byte
		want         []string
	}{
		{"all", nil, nil, []string{"a", "b", "ba", "c", "d"}},
		{"lower inclusive", []byte("b"), nil, []string{"b", "ba", "c", "d"}},
		{"upper exclusive", nil, []byte("c"), []string{"a", "b", "ba"}},
		{"both", []byte("b"), []byte("c"), []string{"b", "ba"}},
		{"empty range", []byte("bb"), []byte("bc"), nil},
		{"between keys", []byte("aa"), []byte("bz"), []string{"b", "ba"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, collect(tr.Scan, c.lower, c.upper))
			var rev []string
			for i := len(c.want) - 1; i >= 0; i-- {
				rev = append(rev, c.want[i])
			}
			require.Equal(t, rev, collect(tr.ScanReverse, c.lower, c.upper))
		})
	}
}

func TestTree_CopyIsolation(t *testing.T) {
	tr := NewTree()
	tr.Set([]byte("a"))
	cp := tr.Copy()
	cp.Set([]byte("b"))
	require.True(t, cp.Delete([]byte("a")))
	require.Equal(t, 1, tr.Len())
	require.True(t, tr.Has([]byte("a")))
	require.False(t, tr.Has([]byte("b")))
	require.Equal(t, [][]byte{[]byte("b")}, cp.Items())
}

// requireHolds checks that tr holds exactly the keys of model, in order.
func requireHolds(t *testing.T, tr *Tree, model map[string]bool) {
	t.Helper()
	var want []string
	for k := range model {
		want = append(want, k)
	}
	sort.Strings(want)
	require.Equal(t, want, collect(tr.Scan, nil, nil))
	require.Equal(t, len(want), tr.Len())
}

func TestTree_RandomAgainstSortedSlice(t *testing.T) {
	seed := int64(42)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	tr := NewTree()
	model := map[string]bool{}
	for i := 0; i < 5000; i++ {
		k := fmt.Sprintf("%03d", rng.Intn(400))
		if rng.Intn(3) == 0 {
			require.Equal(t, model[k], tr.Delete([]byte(k)))
			delete(model, k)
		} else {
			tr.Set([]byte(k))
			model[k] = true
		}
	}
	requireHolds(t, tr, model)
}

// TestTree_PassesAgainstModel inserts and deletes in interleaved ascending
// passes (the pattern the mutation hint serves), half of the inserts with
// SetShared, and checks against a model.
func TestTree_PassesAgainstModel(t *testing.T) {
	seed := int64(7)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	tr := NewTree()
	model := map[string]bool{}
	for pass := 0; pass < 6; pass++ {
		for i := 0; i < 800; i++ {
			k := fmt.Sprintf("%04d/%d", i, pass)
			switch {
			case rng.Intn(5) == 0:
				old := fmt.Sprintf("%04d/%d", i, rng.Intn(pass+1))
				require.Equal(t, model[old], tr.Delete([]byte(old)))
				delete(model, old)
			case rng.Intn(2) == 0:
				tr.SetShared([]byte(k))
				model[k] = true
			default:
				tr.Set([]byte(k))
				model[k] = true
			}
		}
	}
	requireHolds(t, tr, model)
	cp := tr.Copy()
	cp.Set([]byte("zzzz"))
	require.False(t, tr.Has([]byte("zzzz")))
}
