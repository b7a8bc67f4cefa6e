package storage

import (
	"bytes"
	"testing"
)

// TestSortedOrder: sortedOrder returns a permutation of the batch in key
// order, operations on one key in batch order, whatever the input's shape.
func TestSortedOrder(t *testing.T) {
	r := newRand(t)
	for round := 0; round < 30; round++ {
		checkOrder(t, largeOps(r, 1+r.IntN(3000), round))
	}
	// An ascending batch with writes appended (an Overlay's batch and id
	// counters): smaller keys, and keys of the prefix again.
	for _, n := range []int{1, 5, 2000} {
		ops := largeOps(r, 3000, 0)
		order, _ := sortedOrder(ops)
		asc := make([]Op, 0, len(order)+n)
		for j, i := range order {
			if j == 0 || !bytes.Equal(ops[order[j-1]].Key, ops[i].Key) {
				asc = append(asc, ops[i])
			}
		}
		p := len(asc)
		for i := 0; i < n; i++ {
			asc = append(asc, asc[r.IntN(p)])
			asc[len(asc)-1].Value = []byte{byte(i)}
		}
		asc = append(asc, Op{Kind: OpSet, Key: []byte{0x02, 1}}, Op{Kind: OpSet, Key: []byte{0x02, 0}})
		checkOrder(t, asc)
	}
	if _, ok := sortedOrder(sets("a", "1", "b", "2")); ok {
		t.Fatal("an ascending batch was sorted")
	}
	if order, ok := sortedOrder(sets("b", "1", "a", "2", "a", "3")); !ok || len(order) != 3 || order[0] != 1 || order[1] != 2 || order[2] != 0 {
		t.Fatalf("order = %v, %v; want [1 2 0]", order, ok)
	}
}

// checkOrder checks sortedOrder(ops).
func checkOrder(t *testing.T, ops []Op) {
	t.Helper()
	order, ok := sortedOrder(ops)
	if !ok {
		for i := 1; i < len(ops); i++ {
			if bytes.Compare(ops[i-1].Key, ops[i].Key) >= 0 {
				t.Fatalf("unsorted batch of %d left in batch order", len(ops))
			}
		}
		return
	}
	if len(order) != len(ops) {
		t.Fatalf("order has %d positions, want %d", len(order), len(ops))
	}
	seen := make([]bool, len(ops))
	for j, i := range order {
		if seen[i] {
			t.Fatalf("position %d repeated", i)
		}
		seen[i] = true
		if j == 0 {
			continue
		}
		p := order[j-1]
		c := bytes.Compare(ops[p].Key, ops[i].Key)
		if c > 0 || (c == 0 && p > i) {
			t.Fatalf("%q (op %d) before %q (op %d)", ops[p].Key, p, ops[i].Key, i)
		}
	}
}
