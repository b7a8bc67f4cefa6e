package storage

import (
	"bytes"
	"encoding/binary"
	"unsafe"

	"github.com/tidwall/btree"
)

// entry is one key of an in-memory tree. Memory trees never hold
// tombstones; Overlay trees use them to record deletes. Build entries with
// mkEntry.
//
// The key and value are held as strings viewing the caller's slices
// without a copy (Batch and Overlay keep the slices they are given, and
// nobody modifies them): 16 bytes each instead of a slice's 24 keeps an
// entry at 48 bytes, which B-tree nodes store, shift and copy by value.
type entry struct {
	// hi is the first 8 bytes of the key, big-endian, zero-padded:
	// comparing hi orders keys by those bytes, so most comparisons of a
	// tree search do not follow the key's pointer (a cache miss each, in a
	// large tree).
	hi        uint64
	k, v      string
	tombstone bool
}

// key returns the entry's key; it must not be modified.
func (e *entry) key() []byte { return unsafeBytes(e.k) }

// value returns the entry's value; it must not be modified.
func (e *entry) value() []byte { return unsafeBytes(e.v) }

// mkEntry returns the entry of key with value, viewing both without a copy.
func mkEntry(key, value []byte) entry {
	return entry{hi: keyHi(key), k: unsafeString(key), v: unsafeString(value)}
}

// unsafeString views b as a string without copying: b must never be
// modified while the string is in use.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// unsafeBytes views s as a byte slice (nil when empty), which must never be
// modified.
func unsafeBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// keyHi returns the first 8 bytes of k as a big-endian number, zero-padded.
// keyHi(a) < keyHi(b) implies a < b (bytewise); equal values say nothing.
func keyHi(k []byte) uint64 {
	if len(k) >= 8 {
		return binary.BigEndian.Uint64(k)
	}
	var b [8]byte
	copy(b[:], k)
	return binary.BigEndian.Uint64(b[:])
}

func entryLess(a, b entry) bool {
	if a.hi != b.hi {
		return a.hi < b.hi
	}
	return a.k < b.k
}

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
			return t.it.Seek(mkEntry(t.lower, nil))
		}
		return t.it.First()
	}
	if t.upper != nil && t.it.Seek(mkEntry(t.upper, nil)) {
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
		ok = t.it.Seek(mkEntry(key, nil))
	case t.upper != nil && bytes.Compare(key, t.upper) >= 0:
		ok = t.first()
	default:
		ok = t.it.Seek(mkEntry(key, nil))
		if !ok {
			ok = t.it.Last()
		} else if t.it.Item().k != unsafeString(key) {
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
			ok = t.lower == nil || bytes.Compare(e.key(), t.lower) >= 0
		} else {
			ok = t.upper == nil || bytes.Compare(e.key(), t.upper) < 0
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
func (t *treeIter) Key() []byte { return t.cur.key() }

// Value implements Iterator. The slice must not be modified.
func (t *treeIter) Value() []byte { return t.cur.value() }

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
