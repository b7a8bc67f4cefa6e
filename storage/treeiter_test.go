package storage

import (
	"slices"
	"testing"
)

// TestTreeIterExposesTombstones: the tree iterator yields tombstones (the
// Overlay merge depends on it) and honours bounds and direction.
func TestTreeIterExposesTombstones(t *testing.T) {
	tree := newTree()
	tree.Set(mkEntry(b("a"), b("1")))
	tomb := mkEntry(b("b"), nil)
	tomb.tombstone = true
	tree.Set(tomb)
	tree.Set(mkEntry(b("c"), b("3")))
	tests := []struct {
		name string
		o    IterOptions
		want []string
	}{
		{"forward", IterOptions{}, []string{"a", "b!", "c"}},
		{"reverse", IterOptions{Reverse: true}, []string{"c", "b!", "a"}},
		{"bounded", IterOptions{Lower: b("b"), Upper: b("c")}, []string{"b!"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := newTreeIter(tree, tt.o)
			defer it.Close()
			var got []string
			for it.Next() {
				k := string(it.Key())
				if it.cur.tombstone {
					k += "!"
				}
				got = append(got, k)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
