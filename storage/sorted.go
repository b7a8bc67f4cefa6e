package storage

import (
	"bytes"
	"encoding/binary"
	"math"

	"github.com/tidwall/btree"
)

// sortedApplyMin is the batch size from which engines apply a batch in key
// order rather than in batch order (see sortedOrder). Memory then starts
// each B-tree insertion where the previous one ended (appends and path
// hints instead of a search from the root, in nodes still in cache), and
// Pebble, which commits a batch that large as a flushable batch that it
// sorts, sorts it in linear time. Either way that more than pays for the
// sort.
const sortedApplyMin = 1024

// sortKey is an operation's position in a batch (op) with the first 16
// bytes of its key inline (big-endian, zero-padded), so that most
// comparisons do not follow the key's pointer.
type sortKey struct {
	hi, lo uint64
	op     int32
}

func mkSortKey(ops []Op, i int32) sortKey {
	k := ops[i].Key
	return sortKey{hi: keyHi(k), lo: keyLo(k), op: i}
}

// opLess orders operations by key, then by position in the batch.
func opLess(ops []Op, a, b sortKey) bool {
	switch {
	case a.hi != b.hi:
		return a.hi < b.hi
	case a.lo != b.lo:
		return a.lo < b.lo
	}
	if c := bytes.Compare(ops[a.op].Key, ops[b.op].Key); c != 0 {
		return c < 0
	}
	return a.op < b.op
}

// sortedOrder returns the positions of ops in key order, operations on the
// same key in batch order, so that applying them in that order has the
// effect of applying ops in batch order. ok is false when ops should simply
// be applied in batch order: they are already in strictly ascending key
// order, or too many to index with int32.
//
// A batch is usually a few interleaved ascending sequences (a transaction
// writing records and index entries in id order), or one ascending
// sequence with a few writes appended (an Overlay's batch, then id
// counters). So the longest ascending prefix is kept as it is, and the
// rest is split into ascending runs, each operation joining the run with
// the largest last operation below it (patience sorting, which makes the
// fewest runs); a heap merges the runs, and a linear pass merges the
// result with the prefix. That is O(n log k) for k runs, and never worse
// than O(n log n).
func sortedOrder(ops []Op) (order []int32, ok bool) {
	if len(ops) > math.MaxInt32 {
		return nil, false
	}
	p := 1
	for p < len(ops) && bytes.Compare(ops[p-1].Key, ops[p].Key) < 0 {
		p++
	}
	if p >= len(ops) {
		return nil, false
	}
	tail := runsOrder(ops, p)
	order = make([]int32, 0, len(ops))
	i := 0
	for _, t := range tail {
		// Prefix operations first on equal keys: they come earlier.
		for i < p && bytes.Compare(ops[i].Key, ops[t].Key) <= 0 {
			order = append(order, int32(i))
			i++
		}
		order = append(order, t)
	}
	for ; i < p; i++ {
		order = append(order, int32(i))
	}
	return order, true
}

// runsOrder returns the positions from..len(ops)-1 in key order, operations
// on the same key in batch order: ascending runs (patience sorting) merged
// with a heap.
func runsOrder(ops []Op, from int) []int32 {
	next := make([]int32, len(ops)-from) // the following operation of its run (absolute), or -1
	// tails holds the last operation of every run, in descending order; a
	// new run always has the smallest tail, so it is appended.
	var tails []sortKey
	var heads []int32 // first operation of every run
	for i := from; i < len(ops); i++ {
		x := mkSortKey(ops, int32(i))
		next[i-from] = -1
		// The first tail below x: its run takes x.
		j, hi := 0, len(tails)
		for j < hi {
			m := int(uint(j+hi) >> 1)
			if opLess(ops, tails[m], x) {
				hi = m
			} else {
				j = m + 1
			}
		}
		if j == len(tails) {
			heads = append(heads, x.op)
			tails = append(tails, x)
			continue
		}
		next[int(tails[j].op)-from] = x.op
		tails[j] = x
	}
	// Merge: a min-heap of the runs' current operations.
	h := make([]sortKey, 0, len(heads))
	for _, op := range heads {
		h = append(h, mkSortKey(ops, op))
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftDown(ops, h, i)
	}
	order := make([]int32, 0, len(ops)-from)
	for len(h) > 0 {
		top := h[0].op
		order = append(order, top)
		if nx := next[int(top)-from]; nx >= 0 {
			h[0] = mkSortKey(ops, nx)
		} else {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		siftDown(ops, h, 0)
	}
	return order
}

// siftDown restores the heap order of h below position i.
func siftDown(ops []Op, h []sortKey, i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && opLess(ops, h[r], h[l]) {
			m = r
		}
		if !opLess(ops, h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// keyLo returns bytes 8 to 16 of k as a big-endian number, zero-padded:
// with keyHi, the key's first 16 bytes.
func keyLo(k []byte) uint64 {
	if len(k) >= 16 {
		return binary.BigEndian.Uint64(k[8:])
	}
	if len(k) <= 8 {
		return 0
	}
	var b [8]byte
	copy(b[:], k[8:])
	return binary.BigEndian.Uint64(b[:])
}

// applySorted applies ops to tree in the given order (see sortedOrder).
// Keys beyond the tree's largest are appended (B-tree Load); the others
// are set or deleted with one path hint, which a sorted sequence keeps
// close to the next position.
func applySorted(tree *btree.BTreeG[entry], ops []Op, order []int32) {
	var hint btree.PathHint
	last, hasLast := tree.Max()
	for _, i := range order {
		op := &ops[i]
		e := mkEntry(op.Key, op.Value)
		switch {
		case op.Kind == OpDelete:
			tree.DeleteHint(e, &hint)
		case !hasLast || entryLess(last, e):
			// Beyond every key present before this batch: Load appends
			// to the last leaf (it falls back to a plain Set for a key
			// equal to one this loop loaded, a later op on that key).
			tree.Load(e)
		default:
			tree.SetHint(e, &hint)
		}
	}
}
