package engine

import (
	"encoding/binary"
	"unsafe"

	"github.com/tidwall/btree"

	"github.com/relstore/relstore/storage"
)

// On a memory store the engine also keeps every record decoded, in one
// copy-on-write B-tree per model published with each state, exactly as it
// keeps the index caches: reads never decode, and a write transaction
// works on its own copy. The storage engine still holds the encoded
// records (the truth that Check compares against).

// recItem is one record of a record tree. hi holds the first 8 bytes of
// the primary key, big-endian, so that most comparisons need not follow
// the key's pointer (a cache miss per comparison otherwise).
type recItem struct {
	hi  uint64
	pk  string
	rec map[string]any
}

type recTree = btree.BTreeG[recItem]

func recLess(a, b recItem) bool {
	if a.hi != b.hi {
		return a.hi < b.hi
	}
	return a.pk < b.pk
}

// keyHi returns the first 8 bytes of k as a big-endian number (zero
// padded): comparing keyHi values orders keys as their first 8 bytes do.
func keyHi(k string) uint64 {
	var b [8]byte
	copy(b[:], k)
	return binary.BigEndian.Uint64(b[:])
}

// newRecItem builds a tree item (pk is copied unless it is already owned).
func newRecItem(pk string, rec map[string]any) recItem {
	return recItem{hi: keyHi(pk), pk: pk, rec: rec}
}

func newRecTree() *recTree {
	return btree.NewBTreeGOptions(recLess, btree.Options{NoLocks: true})
}

// keepsRecords reports whether a storage engine gets decoded record trees.
func keepsRecords(st storage.Engine) bool {
	_, ok := st.(*storage.Memory)
	return ok
}

// loadRecordTrees fills the record trees of every model from storage.
func (db *DB) loadRecordTrees(s *state, r storage.Reader) error {
	for name, ms := range s.models {
		t := newRecTree()
		s.records[name] = t
		it, err := r.NewIter(storage.IterOptions{Lower: ms.prefix, Upper: prefixEnd(ms.prefix)})
		if err != nil {
			return err
		}
		for it.Next() {
			rec, err := decodeRecord(it.Value())
			if err != nil {
				it.Close()
				return err
			}
			t.Load(newRecItem(string(it.Key()[len(ms.prefix):]), rec))
		}
		err = it.Err()
		it.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// recordTree returns the record tree a transaction reads for a model.
func (tx *Tx) recordTree(name string) *recTree {
	if t, ok := tx.recTrees[name]; ok {
		return t
	}
	t := tx.st.records[name]
	if t == nil {
		t = newRecTree()
	}
	return t
}

// mutableRecordTree returns the transaction's own copy of a record tree.
func (tx *Tx) mutableRecordTree(name string) *recTree {
	if t, ok := tx.recTrees[name]; ok {
		return t
	}
	var t *recTree
	if cur := tx.st.records[name]; cur != nil {
		t = cur.Copy()
	} else {
		t = newRecTree()
	}
	tx.recTrees[name] = t
	return t
}

// unsafeString views b as a string for a lookup that does not retain it.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
