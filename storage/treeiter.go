package storage

import (
	"bytes"

	"github.com/tidwall/btree"
)

// entry is one key of an in-memory tree. Memory trees never hold
// tombstones; Overlay trees use them to record deletes.
type entry struct {
	key, value []byte
	tombstone  bool
}

func entryLess(a, b entry) bool { return bytes.Compare(a.key, b.key) < 0 }

// btreeDegree is the node degree of every in-memory tree (tidwall's default).
const btreeDegree = 32

// newTree returns an empty tree without internal locking; callers provide
// their own synchronization.
func newTree() *btree.BTreeG[entry] {
	return btree.NewBTreeGOptions(entryLess, btree.Options{Degree: btreeDegree, NoLocks: true})
}

// iterState is the position of an iterator relative to its key range.
type iterState uint8

const (
	iterUnstarted iterState = iota // before the first key
	iterValid                      // at a key
	iterExhausted                  // past the last key; only SeekGE revives it
	iterClosed
)

// treeIter is a bounded, directional iterator over a tree that nobody
// modifies while it is in use (a frozen copy). It implements Iterator, and
// exposes the current entry (tombstones included) to Overlay.
type treeIter struct {
	it           btree.IterG[entry]
	lower, upper []byte
	reverse      bool
	state        iterState
	cur          entry
}

// newTreeIter returns an iterator over tree, which must not be modified
// while the iterator is open. The bounds are copied.
func newTreeIter(tree *btree.BTreeG[entry], o IterOptions) *treeIter {
	return &treeIter{
		it:      tree.Iter(),
		lower:   cloneBytes(o.Lower),
		upper:   cloneBytes(o.Upper),
		reverse: o.Reverse,
	}
}

// Next implements Iterator.
func (t *treeIter) Next() bool {
	var ok bool
	switch t.state {
	case iterUnstarted:
		ok = t.first()
	case iterValid:
		if t.reverse {
			ok = t.it.Prev()
		} else {
			ok = t.it.Next()
		}
	default:
		return false
	}
	return t.settle(ok)
}

// first positions the underlying iterator at the first key in iteration
// order, before bound checks.
func (t *treeIter) first() bool {
	if !t.reverse {
		if t.lower != nil {
			return t.it.Seek(entry{key: t.lower})
		}
		return t.it.First()
	}
	if t.upper != nil && t.it.Seek(entry{key: t.upper}) {
		return t.it.Prev()
	}
	return t.it.Last()
}

// SeekGE implements Iterator.
func (t *treeIter) SeekGE(key []byte) bool {
	if t.state == iterClosed {
		return false
	}
	var ok bool
	switch {
	case !t.reverse:
		if t.lower != nil && bytes.Compare(key, t.lower) < 0 {
			key = t.lower
		}
		ok = t.it.Seek(entry{key: key})
	case t.upper != nil && bytes.Compare(key, t.upper) >= 0:
		ok = t.first()
	default:
		ok = t.it.Seek(entry{key: key})
		if !ok {
			ok = t.it.Last()
		} else if !bytes.Equal(t.it.Item().key, key) {
			ok = t.it.Prev()
		}
	}
	return t.settle(ok)
}

// settle records the position reached by the underlying iterator, checking
// the bound in the direction of travel (the other bound is enforced by
// positioning).
func (t *treeIter) settle(ok bool) bool {
	if ok {
		e := t.it.Item()
		if t.reverse {
			ok = t.lower == nil || bytes.Compare(e.key, t.lower) >= 0
		} else {
			ok = t.upper == nil || bytes.Compare(e.key, t.upper) < 0
		}
		if ok {
			t.cur, t.state = e, iterValid
			return true
		}
	}
	t.cur, t.state = entry{}, iterExhausted
	return false
}

// Key implements Iterator. The slice must not be modified.
func (t *treeIter) Key() []byte { return t.cur.key }

// Value implements Iterator. The slice must not be modified.
func (t *treeIter) Value() []byte { return t.cur.value }

// Err implements Iterator: nil, or ErrClosed after Close.
func (t *treeIter) Err() error {
	if t.state == iterClosed {
		return ErrClosed
	}
	return nil
}

// Close implements Iterator. A second Close returns ErrClosed.
func (t *treeIter) Close() error {
	if t.state == iterClosed {
		return ErrClosed
	}
	t.it.Release()
	t.state, t.cur = iterClosed, entry{}
	return nil
}

// cloneBytes returns a copy of b, preserving nil.
func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}
