package index

import (
	"bytes"
	"encoding/binary"

	"github.com/tidwall/btree"
)

// Tree is the in-memory B-tree cache of one index: its items are the
// entries' byte strings (Spec.Entries), ordered bytewise exactly as the
// persisted keys are. The persisted keys are the truth; a Tree is rebuilt
// from them when a store opens.
//
// A Tree is not safe for concurrent mutation. Copy returns an O(1)
// copy-on-write clone: the engine gives each write transaction its own copy,
// and readers keep reading the copy they started with.
type Tree struct {
	bt *btree.BTreeG[entry]
	// hint is the path of the last mutation: entries written in bulk come
	// in a few ascending passes (ids ascending), so each insertion lands
	// next to the previous one. Only mutations, which are never concurrent
	// with anything, use it.
	hint btree.PathHint
}

// entry is a tree item: the entry bytes, with their first 8 bytes also
// held inline (big-endian) so that most comparisons do not follow the
// string's pointer.
type entry struct {
	hi uint64
	s  string
}

func mkEntry(s string) entry {
	var b [8]byte
	copy(b[:], s)
	return entry{hi: binary.BigEndian.Uint64(b[:]), s: s}
}

func less(a, b entry) bool {
	if a.hi != b.hi {
		return a.hi < b.hi
	}
	return a.s < b.s
}

// NewTree returns an empty tree.
func NewTree() *Tree {
	return &Tree{bt: btree.NewBTreeGOptions(less, btree.Options{NoLocks: true})}
}

// Load inserts items; it is fastest when items come in ascending order.
func (t *Tree) Load(item []byte) { t.bt.Load(mkEntry(string(item))) }

// Set inserts item (a no-op if present). The tree keeps a copy.
func (t *Tree) Set(item []byte) { t.bt.SetHint(mkEntry(string(item)), &t.hint) }

// SetShared inserts item like Set, but keeps item itself instead of a
// copy: the caller must never modify it afterwards (Entry.Item, which
// nothing modifies, qualifies).
func (t *Tree) SetShared(item []byte) { t.bt.SetHint(mkEntry(unsafeString(item)), &t.hint) }

// Delete removes item, reporting whether it was present.
func (t *Tree) Delete(item []byte) bool {
	_, ok := t.bt.DeleteHint(mkEntry(unsafeString(item)), &t.hint)
	return ok
}

// Has reports whether item is present.
func (t *Tree) Has(item []byte) bool {
	_, ok := t.bt.Get(mkEntry(unsafeString(item)))
	return ok
}

// Len returns the number of items.
func (t *Tree) Len() int { return t.bt.Len() }

// Copy returns a copy-on-write clone. Mutating either tree never changes
// the other. Copy itself must not run concurrently with a mutation of t.
func (t *Tree) Copy() *Tree { return &Tree{bt: t.bt.Copy()} }

// Scan calls fn for every item in [lower, upper) in ascending order (a nil
// upper means unbounded) until fn returns false. The item slice aliases
// the tree's immutable copy of the entry: it stays valid, unchanged, after
// the call (even if the entry is deleted), and must never be modified.
func (t *Tree) Scan(lower, upper []byte, fn func(item []byte) bool) {
	iter := func(e entry) bool {
		b := unsafeBytes(e.s)
		if upper != nil && bytes.Compare(b, upper) >= 0 {
			return false
		}
		return fn(b)
	}
	if lower == nil {
		t.bt.Scan(iter)
		return
	}
	t.bt.Ascend(mkEntry(unsafeString(lower)), iter)
}

// ScanReverse calls fn for every item in [lower, upper) in descending
// order until fn returns false.
func (t *Tree) ScanReverse(lower, upper []byte, fn func(item []byte) bool) {
	iter := func(e entry) bool {
		b := unsafeBytes(e.s)
		if lower != nil && bytes.Compare(b, lower) < 0 {
			return false
		}
		return fn(b)
	}
	if upper == nil {
		t.bt.Reverse(iter)
		return
	}
	first := true
	t.bt.Descend(mkEntry(unsafeString(upper)), func(e entry) bool {
		if first {
			first = false
			if e.s >= unsafeString(upper) {
				return true // Descend includes the pivot; upper is exclusive
			}
		}
		return iter(e)
	})
}

// Items returns every item in order (for checks and tests).
func (t *Tree) Items() [][]byte {
	out := make([][]byte, 0, t.Len())
	t.bt.Scan(func(e entry) bool {
		out = append(out, []byte(e.s))
		return true
	})
	return out
}
